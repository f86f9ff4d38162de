// Fuzzes the PhysioNet download manifests (src/net/manifest.cpp): RECORDS, SHA256SUMS.txt and the
// base URL. Any input either parses or throws NetError. What parses must keep the promises the
// downloader relies on: every record name is safe below the output folder, every digest is 64
// lower-case hex digits, and a plan built from them names only safe files.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "net/manifest.hpp"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_sha256sums: %s\n", what);
    std::abort();
  }
}

bool lower_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace scapredict::net;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::map<std::string, std::string> sums;
  try {
    sums = parse_sha256sums(text, "SHA256SUMS.txt");
    for (const auto& [name, digest] : sums) {
      check(!name.empty() && name.size() <= kMaxNameChars, "a file name of bad length parsed");
      check(lower_hex64(digest), "a digest that is not 64 lower-case hex digits parsed");
    }
  } catch (const NetError&) {
  }

  std::vector<std::string> records;
  try {
    records = parse_records(text, "RECORDS");
    check(!records.empty() && records.size() <= kMaxRecords, "a bad record count parsed");
    for (const auto& r : records) {
      check(is_safe_relative_name(r, false), "an unsafe record name parsed");
      check(r.front() != '/' && r.find("..") == std::string::npos,
            "a record name leaving the folder parsed");
    }
  } catch (const NetError&) {
  }

  // The records against the checksums (the same text as both: names that are both often exist).
  if (!records.empty()) {
    try {
      const auto plan = plan_download(find_database("sddb"), "https://h/", records, sums);
      for (const auto& f : plan.files) {
        check(is_safe_relative_name(f.name, true), "a plan names an unsafe file");
        check(lower_hex64(f.sha256), "a plan carries a bad digest");
      }
    } catch (const NetError&) {
    }
  }

  try {
    const std::string url = normalise_base_url(text);
    check(url.starts_with("http://") || url.starts_with("https://"), "a non-http URL accepted");
    check(url.back() == '/' && normalise_base_url(url) == url, "URL normalisation not stable");
  } catch (const NetError&) {
  }
  return 0;
}

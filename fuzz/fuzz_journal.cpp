// Fuzzes the search journal's parser (src/eval/search_journal.cpp): any text either parses or
// throws Error. What parses keeps the promises the search relies on: the kept bytes are whole
// lines of the text, and every trial has the search's number of finite coordinates.
//
// SCAPREDICT_FUZZ_WRITE_SEEDS=DIR fuzz_journal writes a valid journal, a cut one and one of
// another search into DIR and exits (scripts/run-fuzzers seeds the corpus this way).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "eval/search/search_journal.hpp"

namespace {

const std::string kKey = R"({"data_source":"fuzz","seed":1})";
constexpr std::size_t kDims = 9;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_journal: %s\n", what);
    std::abort();
  }
}

void write_seeds(const std::filesystem::path& dir) {
  const auto header = scapredict::eval::journal_header(kKey);
  const std::string trial =
      R"({"method":"bo","outer":0,"index":0,"u":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9],)"
      R"("candidate":{"bins":1024},"inner_auroc":0.75,"seconds":1.5})";
  const std::string paper =
      R"({"method":"paper","outer":1,"index":0,"u":[-1,-1,-1,-1,-1,-1,-1,-1,-1],)"
      R"("candidate":{"bins":1024},"inner_auroc":0.5,"seconds":2})";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "whole") << header << "\n" << trial << "\n" << paper << "\n";
  std::ofstream(dir / "cut") << header << "\n" << trial << "\n" << paper.substr(0, 30);
  // Counters as floats past int's range: skipped, never cast.
  std::ofstream(dir / "float-counters")
      << header << "\n"
      << R"({"method":"bo","outer":1e300,"index":-2.5e19,"u":[0,0,0,0,0,0,0,0,0],)"
      << R"("candidate":{},"inner_auroc":0.5})"
      << "\n";
  std::ofstream(dir / "cut-header") << header.substr(0, header.size() / 2);
  std::ofstream(dir / "other-search") << R"({"search":{"seed":2}})"
                                      << "\n"
                                      << trial << "\n";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("SCAPREDICT_FUZZ_WRITE_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto parsed = scapredict::eval::parse_journal(text, kKey, kDims, "fuzz.jsonl");
    check(parsed.keep_bytes <= text.size(), "kept more than the text");
    check(parsed.keep_bytes == 0 || text[parsed.keep_bytes - 1] == '\n', "kept a cut line");
    check(parsed.entries.empty() || parsed.keep_bytes > 0, "trials without a header");
    for (const auto& e : parsed.entries) {
      check(e.u.size() == kDims, "a trial of another dimension");
      for (double v : e.u) check(std::isfinite(v), "a coordinate that is not finite");
      check(std::isfinite(e.inner_auroc) && std::isfinite(e.seconds), "a score not finite");
    }
  } catch (const scapredict::Error&) {
  }
  return 0;
}

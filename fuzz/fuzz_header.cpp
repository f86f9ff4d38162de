// Fuzzes the WFDB header parser: any input either parses or throws IoError. What parses must
// format and parse again (an IoError there is a bug), formatting the same text both times, and
// its VF onset comment must read or throw IoError.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "io/annotation.hpp"
#include "io/header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace scapredict::io;
  Header h;
  try {
    h = parse_header(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.hea");
  } catch (const IoError&) {
    return 0;
  }
  const std::string text = format_header(h);
  const Header again = parse_header(text, "again.hea");
  if (format_header(again) != text) {
    std::fprintf(stderr, "fuzz_header: format/parse/format changed the text:\n%s---\n%s---\n",
                 text.c_str(), format_header(again).c_str());
    std::abort();
  }
  try {
    (void)vf_onset(h);
  } catch (const IoError&) {
  }
  return 0;
}

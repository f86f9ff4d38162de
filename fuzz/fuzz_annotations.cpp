// Fuzzes the MIT annotation parser; whatever parses must encode and parse back identically.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "io/annotation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace scapredict::io;
  std::vector<Annotation> anns;
  try {
    anns = parse_annotations(std::span<const std::uint8_t>(data, size), "fuzz.atr");
  } catch (const IoError&) {
    return 0;
  }
  try {
    auto again = parse_annotations(encode_annotations(anns), "again.atr");
    // Round trip preserves time, code and aux (chan/num/sub are carried as written).
    if (again.size() != anns.size()) std::abort();
    for (std::size_t i = 0; i < anns.size(); ++i) {
      if (again[i].sample != anns[i].sample || again[i].code != anns[i].code) std::abort();
    }
  } catch (const IoError&) {
    // Some parsed values (aux > 255 bytes) cannot be re-encoded: that is reported, not a crash.
  }
  return 0;
}

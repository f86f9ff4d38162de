// Fuzzes the MIT annotation parser: any input either parses or throws IoError. Whatever parses
// and can be encoded (aux strings up to 255 bytes, times in order) must parse back identically,
// every field included; rhythm episodes and the VF onset are derived from it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "io/annotation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace scapredict::io;
  std::vector<Annotation> anns;
  try {
    anns = parse_annotations(std::span<const std::uint8_t>(data, size), "fuzz.atr");
  } catch (const IoError&) {
    return 0;
  }
  std::int64_t end = 0;
  for (const auto& a : anns) end = a.sample > end ? a.sample : end;
  (void)rhythm_episodes(anns, end);
  Header h;
  h.fs_hz = 250;
  (void)vf_onset(h, &anns);
  std::vector<std::uint8_t> bytes;
  try {
    bytes = encode_annotations(anns);
  } catch (const IoError&) {
    return 0;  // an aux string over 255 bytes or times out of order: reported, not a crash
  }
  if (parse_annotations(bytes, "again.atr") != anns) {
    std::fprintf(stderr, "fuzz_annotations: encode/parse round trip changed the annotations\n");
    std::abort();
  }
  return 0;
}

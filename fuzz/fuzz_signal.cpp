// Fuzzes the signal decoder over every format, skip and count: it must never read out of bounds,
// must return every complete sample the bytes hold, and a shorter count must give a prefix.
// Formats 212 and 16 (the writer's) must encode back to samples that decode identically.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "io/signal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace scapredict::io;
  if (size < 2) return 0;
  static const int formats[] = {8, 16, 24, 32, 61, 80, 160, 212, 310, 311};
  const int format = formats[data[0] % 10];
  const auto layout = format_layout(format);
  const int skip = data[1] % layout.group_samples;
  std::span<const std::uint8_t> bytes(data + 2, size - 2);
  const std::int64_t want = static_cast<std::int64_t>(size) * 2;
  std::vector<std::int32_t> out(static_cast<std::size_t>(want));
  const auto got = decode_samples(format, bytes, skip, want, out.data());
  if (got < 0 || got > want) __builtin_trap();
  if (got != samples_in_bytes(format, static_cast<std::int64_t>(bytes.size())) - skip && got != 0) {
    __builtin_trap();
  }
  out.resize(static_cast<std::size_t>(got));
  const std::int64_t half = got / 2;
  std::vector<std::int32_t> prefix(static_cast<std::size_t>(half) + 1, 0x5a5a5a5a);
  if (decode_samples(format, bytes, skip, half, prefix.data()) != half) __builtin_trap();
  if (!std::equal(out.begin(), out.begin() + half, prefix.begin())) __builtin_trap();
  if (prefix[static_cast<std::size_t>(half)] != 0x5a5a5a5a) __builtin_trap();  // wrote past count
  (void)checksum16(out, format);
  if (format == 212 || format == 16) {
    const auto encoded = encode_samples(format, out);
    std::vector<std::int32_t> again(out.size());
    if (decode_samples(format, encoded, 0, got, again.data()) != got || again != out)
      __builtin_trap();
  }
  return 0;
}

// Fuzzes the signal decoder over every format, skip and count; it must never read out of bounds.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "io/signal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static const int formats[] = {8, 16, 24, 32, 61, 80, 160, 212, 310, 311};
  const int format = formats[data[0] % 10];
  const auto layout = scapredict::io::format_layout(format);
  const int skip = data[1] % layout.group_samples;
  std::span<const std::uint8_t> bytes(data + 2, size - 2);
  const std::int64_t want = static_cast<std::int64_t>(size) * 2;
  std::vector<std::int32_t> out(static_cast<std::size_t>(want));
  const auto got = scapredict::io::decode_samples(format, bytes, skip, want, out.data());
  if (got < 0 || got > want) __builtin_trap();
  if (got != scapredict::io::samples_in_bytes(format, static_cast<std::int64_t>(bytes.size())) -
                 skip &&
      got != 0) {
    __builtin_trap();
  }
  return 0;
}

#include "io/raw.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include "io/signal.hpp"

namespace scapredict::io {

std::pair<double, double> RawLayout::range_mv() const {
  if (format == "f32") return {0.0, 0.0};
  const double top = format == "16" ? 32767.0 : 2147483647.0;
  const auto b = static_cast<double>(baseline);
  return {(-top - b) / gain, (top - b) / gain};
}

void RawLayout::validate() const {
  if (!std::isfinite(fs_hz) || !(fs_hz > 0))
    throw IoError("raw samples: the sampling rate is not positive");
  if (format != "16" && format != "32" && format != "f32")
    throw IoError("raw samples: format " + format + " (16, 32 or f32)");
  if (channels < 1 || channels > 256)
    throw IoError("raw samples: " + std::to_string(channels) + " channels (1 to 256)");
  if (!std::isfinite(gain) || !(gain > 0)) throw IoError("raw samples: gain is not positive");
  if (baseline < std::numeric_limits<std::int32_t>::min() ||
      baseline > std::numeric_limits<std::int32_t>::max())
    throw IoError("raw samples: baseline outside the int32 range");
}

std::vector<double> decode_raw_frames(const RawLayout& layout, std::span<const std::uint8_t> bytes,
                                      int channel) {
  layout.validate();
  if (channel < 0 || channel >= layout.channels)
    throw IoError("raw samples: no channel " + std::to_string(channel));
  const std::size_t frames = frames_in(layout, bytes.size());
  const std::size_t width = layout.sample_bytes(), step = layout.frame_bytes();
  std::vector<double> out(frames);
  if (layout.format == "f32") {
    for (std::size_t i = 0; i < frames; ++i) {
      float v;
      const std::uint8_t* p = bytes.data() + i * step + static_cast<std::size_t>(channel) * width;
      const std::uint32_t u =
          static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
          (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
      std::memcpy(&v, &u, sizeof v);
      out[i] = std::isfinite(v) ? static_cast<double>(v) : std::nan("");
    }
    return out;
  }
  // The integer formats are WFDB's 16 and 32: the signal decoder reads every sample of every
  // frame, and the channel's are taken from them.
  const int format = layout.format == "16" ? 16 : 32;
  std::vector<std::int32_t> all(frames * static_cast<std::size_t>(layout.channels));
  decode_samples(format, bytes.first(frames * step), 0, static_cast<std::int64_t>(all.size()),
                 all.data());
  const auto base = static_cast<double>(layout.baseline);
  const std::int32_t marker = invalid_marker(format);
  for (std::size_t i = 0; i < frames; ++i) {
    const auto v =
        all[i * static_cast<std::size_t>(layout.channels) + static_cast<std::size_t>(channel)];
    out[i] = v == marker || v == kInvalidAdu ? std::nan("")
                                             : (static_cast<double>(v) - base) / layout.gain;
  }
  return out;
}

}  // namespace scapredict::io

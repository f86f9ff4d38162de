#pragma once
// Raw interleaved samples, as a live feed sends them on a pipe: frames of `channels` samples,
// each int16 or int32 little-endian (WFDB formats 16 and 32, through signal.hpp's decoder) or
// a little-endian IEEE float already in mV.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace scapredict::io {

struct RawLayout {
  double fs_hz = 0;           ///< samples per second of each channel
  std::string format = "16";  ///< "16", "32" or "f32"
  int channels = 1;           ///< samples per frame, 1 to 256
  double gain = 200;          ///< stored units per mV (16 and 32)
  long long baseline = 0;     ///< stored value of 0 mV (16 and 32)

  /// Bytes per sample and per frame.
  std::size_t sample_bytes() const { return format == "16" ? 2 : 4; }
  std::size_t frame_bytes() const { return sample_bytes() * static_cast<std::size_t>(channels); }
  /// The mV range the integers can hold (saturation is judged against it); {0, 0} for f32.
  std::pair<double, double> range_mv() const;
  /// Throws IoError for a rate or a gain that is not finite and positive, a format other than 16,
  /// 32 or f32, channels outside 1-256, or a baseline outside the int32 range.
  void validate() const;
};

/// Channel `channel` of the whole frames in `bytes`, in mV: (stored - baseline) / gain, NaN for
/// the format's invalid marker (-32768, -2^31) or a non-finite float. Bytes after the last whole
/// frame are ignored (frames_in tells how many were used). Never reads outside `bytes`.
std::vector<double> decode_raw_frames(const RawLayout& layout, std::span<const std::uint8_t> bytes,
                                      int channel);

/// Whole frames in `n_bytes` bytes.
inline std::size_t frames_in(const RawLayout& layout, std::size_t n_bytes) {
  return n_bytes / layout.frame_bytes();
}

}  // namespace scapredict::io

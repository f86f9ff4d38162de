#pragma once
// WFDB signal files: decoding of the storage formats, windowed reads and writing.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "io/header.hpp"

namespace scapredict::io {

/// Marks an invalid sample in adu vectors (WFDB's per-format invalid markers map to this).
inline constexpr std::int32_t kInvalidAdu = std::numeric_limits<std::int32_t>::min();

/// How a format packs samples: `group_samples` samples in `group_bytes` bytes.
struct FormatLayout {
  int group_samples = 1;
  int group_bytes = 2;
};
FormatLayout format_layout(int format);

/// The stored value that marks an invalid sample in `format` (e.g. -2048 for 212, -32768 for 16).
/// Format 8 stores differences and has none: returns kInvalidAdu.
std::int32_t invalid_marker(int format);

/// Decodes `count` consecutive samples of a signal file's sample stream. `bytes` begins at the
/// first byte of a packing group and `skip` (< group_samples) samples of that group are skipped.
/// Writes the stored values (differences for format 8) to `out` and returns how many samples the
/// bytes held (fewer than `count` when the bytes run out). Never reads outside `bytes`.
std::int64_t decode_samples(int format, std::span<const std::uint8_t> bytes, int skip,
                            std::int64_t count, std::int32_t* out);

/// Encodes samples in format 212 or 16 (the formats the writer produces); kInvalidAdu becomes
/// the format's invalid marker. Values outside the format's range are an IoError.
std::vector<std::uint8_t> encode_samples(int format, std::span<const std::int32_t> samples);

/// Number of complete samples a stream of `n_bytes` bytes holds in `format`.
std::int64_t samples_in_bytes(int format, std::int64_t n_bytes);

/// A record opened for reading. Holds the header; signal bytes are read on demand, and a window
/// read touches only the bytes of that window (format 8, a difference format, reads from the
/// start).
class Record {
 public:
  /// Opens `record` ("dir/name" or "dir/name.hea"). Throws IoError for a missing or bad header
  /// or a missing signal file.
  explicit Record(const std::filesystem::path& record);

  const Header& header() const { return header_; }
  /// Frames (samples per signal) in the record: the header's count, or derived from the file size.
  std::int64_t n_frames() const { return n_frames_; }
  double fs_hz() const { return header_.fs_hz; }

  /// Reads frames [start, start + count) of `signal` as adu, kInvalidAdu marking invalid samples;
  /// count < 0 means to the end. A read of the whole signal verifies the header checksum.
  /// Throws IoError for a window beyond the end, a truncated file, or a checksum mismatch.
  std::vector<std::int32_t> read_adu(int signal, std::int64_t start = 0,
                                     std::int64_t count = -1) const;
  /// The same without the whole-read checksum check (a reader that sums the checksum itself,
  /// or a record still being written).
  std::vector<std::int32_t> read_adu_unchecked(int signal, std::int64_t start,
                                               std::int64_t count) const;

  /// Like read_adu, converted to physical units: (adu - baseline) / gain; invalid samples are NaN.
  std::vector<double> read_physical(int signal, std::int64_t start = 0,
                                    std::int64_t count = -1) const;

  /// Path of the signal file of `signal`.
  std::filesystem::path signal_path(int signal) const;

 private:
  std::vector<std::int32_t> read_window(int signal, std::int64_t start, std::int64_t count,
                                        bool verify) const;
  Header header_;
  std::int64_t n_frames_ = 0;
};

/// Converts adu to physical units with the spec's gain and baseline; kInvalidAdu becomes NaN.
std::vector<double> to_physical(const SignalSpec& spec, std::span<const std::int32_t> adu);

/// The physical range a signal's ADC can store: adc_zero -/+ 2^(resolution-1) adu, in the
/// signal's units.
std::pair<double, double> adc_range(const SignalSpec& spec);

/// 16-bit checksum of a signal as WFDB defines it (sum of stored values, wrapped to int16).
int checksum16(std::span<const std::int32_t> adu, int format);

/// Writes a record: `header` gives the record and signal lines (formats 212 or 16, one sample per
/// frame; signals naming the same file are interleaved in it) and `adu` the samples of each signal,
/// all of one length. Fills in n_samples, initial values and checksums. Files are written to a
/// temporary name and renamed, header last. Returns the header as written.
Header write_record(const std::filesystem::path& directory, Header header,
                    const std::vector<std::vector<std::int32_t>>& adu);

}  // namespace scapredict::io

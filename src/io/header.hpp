#pragma once
// WFDB header (.hea) model and parser, with field names as in the WFDB header(5) specification.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace scapredict::io {

/// Any problem reading or writing WFDB files. The message names the file and the problem.
class IoError : public Error {
 public:
  using Error::Error;
};

/// Sampling frequencies a header may give: anything else is a corrupt header.
inline constexpr double kMinFsHz = 1e-3, kMaxFsHz = 1e6;

/// WFDB's default ADC gain (adu per physical unit) used when a header gives none or gives 0.
inline constexpr double kDefaultGain = 200.0;

/// One signal line of a header.
struct SignalSpec {
  std::string file_name;           ///< signal file, relative to the header's directory
  int format = 0;                  ///< storage format: 8, 16, 24, 32, 61, 80, 160, 212, 310, 311
  int samples_per_frame = 1;       ///< the `x` suffix of the format field
  int skew = 0;                    ///< the `:` suffix, in samples
  std::int64_t byte_offset = 0;    ///< the `+` suffix: bytes to skip at the start of the file
  double adc_gain = kDefaultGain;  ///< adu per physical unit
  bool gain_uncalibrated = false;  ///< the header gave gain 0 (or none): 200 is WFDB's default
  std::int64_t baseline = 0;       ///< adu value of physical zero; defaults to adc_zero
  std::string units = "mV";
  int adc_resolution = 0;  ///< bits; 0 in the header means the format's default
  int adc_zero = 0;
  std::int64_t initial_value = 0;  ///< first sample value (needed by difference format 8)
  std::optional<int> checksum;     ///< 16-bit signed sum of all samples, when given
  int block_size = 0;
  std::string description;
};

/// Physical value of a stored sample: (adu - baseline) / gain, the one place where adu become
/// physical units (computed with the gain's reciprocal, as every reader does).
inline double to_physical(const SignalSpec& spec, double adu) {
  return (adu - static_cast<double>(spec.baseline)) * (1.0 / spec.adc_gain);
}

/// A parsed header: the record line, the signal lines and every comment.
struct Header {
  std::string record_name;
  int n_signals = 0;
  double fs_hz = 250.0;  ///< sampling frequency (frames per second); WFDB default 250
  std::optional<double> counter_freq_hz;
  double base_counter = 0.0;
  std::optional<std::int64_t> n_samples;  ///< samples per signal (frames), when given
  std::string base_time;                  ///< "HH:MM:SS[.sss]" as written, may be empty
  std::string base_date;                  ///< "DD/MM/YYYY" as written, may be empty
  std::vector<SignalSpec> signals;
  std::vector<std::string> comments;  ///< comment text after '#', leading blanks removed
  std::filesystem::path directory;    ///< where the header was found (signal files live here)
  std::string source;                 ///< the header file name used in error messages
};

/// Parses header text. `source` names the file in error messages. Accepts comment lines anywhere
/// (also before the record line), blank lines and CRLF line ends. Rejects multi-segment records
/// ("not supported") and any malformed field with an IoError naming `source` and the line.
Header parse_header(std::string_view text, const std::string& source);

/// Resolves a record argument: "dir/100", "dir/100.hea" or "dir/100.dat" all name record 100 in
/// dir. Returns the path of the header file.
std::filesystem::path header_path(const std::filesystem::path& record);

/// The header files (*.hea) directly in `directory`, sorted by name; empty when there are none.
/// Throws IoError when `directory` is not a readable directory.
std::vector<std::filesystem::path> list_headers(const std::filesystem::path& directory);

/// Reads and parses the header of `record` (see header_path). Throws IoError when the header is
/// missing, empty, binary or malformed.
/// How signal `channel` was recorded, in one string that two records share only when their
/// recorders store samples alike: "<fs> Hz, format <fmt>, <gain> adu/mV, <bits> bit, zero
/// <adc_zero>" (gain 0 reads as WFDB's default 200). Requires channel < h.signals.size().
std::string recorder_signature(const Header& h, std::size_t channel);

/// True when a comment of `h` says scapredict's simulator wrote the record ("scapredict
/// simulated ..." or "scapredict: REAL beat times ... SIMULATED recorder").
bool written_by_simulator(const Header& h);

Header read_header(const std::filesystem::path& record);

/// Formats a header as WFDB text (the inverse of parse_header for the fields it holds).
std::string format_header(const Header& header);

/// Default ADC resolution in bits of a storage format (12 for 212, 16 for 16, ...).
int default_adc_resolution(int format);

/// True for the storage formats this library reads.
bool is_supported_format(int format);

}  // namespace scapredict::io

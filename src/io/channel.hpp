#pragma once
// One channel of a recording, read in stretches: the reader interface every format implements
// (WFDB: wfdb_channel.cpp, EDF/EDF+: edf.cpp through EDFlib, ISHNE: ishne.cpp) and what they
// share (choosing a channel, units). source.hpp opens a file of any of them by its format.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/header.hpp"

namespace scapredict::io {

/// What a reader knows about its channel.
struct ChannelInfo {
  std::string record;  ///< the record's name for outputs (WFDB record name, else the file stem)
  std::string source;  ///< the path as given, for messages
  std::string format;  ///< "WFDB", "EDF", "EDF+" or "ISHNE"
  int channel = 0;     ///< index of the channel in the file
  std::string label;   ///< the channel's label or description (may be empty)
  double fs_hz = 0;    ///< samples per second of this channel
  std::int64_t n_samples = 0;
  double gain_adu_per_mv = 0;  ///< stored units per mV; 0 when the file does not say
  /// The physical range (mV) the recorder can store, when the file says; saturation is judged
  /// against it.
  std::optional<std::pair<double, double>> range_mv;
  std::string base_time;  ///< "HH:MM:SS" of the first sample, empty when unknown
  /// The WFDB header (onset comments, annotations beside it); empty for other formats.
  std::optional<Header> wfdb_header;
};

class ChannelReader {
 public:
  virtual ~ChannelReader() = default;
  const ChannelInfo& info() const { return info_; }
  /// Samples [start, start + count) in mV, NaN where the file marks a sample invalid. Throws
  /// IoError naming the file for a window outside the channel, a short file or a read error.
  virtual std::vector<double> read_mv(std::int64_t start, std::int64_t count) const = 0;
  /// Called once the whole channel has been read in order: a format with a checksum over the
  /// signal (WFDB) verifies it here and throws IoError on a mismatch. Default: nothing to check.
  virtual void finish() const {}

 protected:
  /// Throws IoError naming the file unless [start, start + count) lies within the channel.
  void check_window(std::int64_t start, std::int64_t count) const;
  ChannelInfo info_;
};

/// One format's reader: WFDB (wfdb_channel.cpp), EDF/EDF+ (edf.cpp), ISHNE (ishne.cpp).
std::unique_ptr<ChannelReader> open_wfdb_channel(const std::filesystem::path& path,
                                                 const std::string& channel);
std::unique_ptr<ChannelReader> open_edf_channel(const std::filesystem::path& path,
                                                const std::string& channel);
std::unique_ptr<ChannelReader> open_ishne_channel(const std::filesystem::path& path,
                                                  const std::string& channel);

/// The index of `channel` among `labels`: a decimal index below labels.size(), else the label
/// matched exactly, else case-insensitively. Throws IoError naming `source` otherwise.
int select_channel(const std::vector<std::string>& labels, const std::string& channel,
                   const std::string& source);

/// Factor from `units` to mV: "mV" 1, "uV"/"µV" 0.001, "V" 1000 (case as written in EDF and
/// WFDB headers). Empty optional for units that are not a voltage.
std::optional<double> millivolts_per_unit(const std::string& units);

}  // namespace scapredict::io

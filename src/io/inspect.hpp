#pragma once
// What wfdbdesc + rdann + sumann tell about a record, in one structure.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/annotation.hpp"
#include "io/header.hpp"

namespace scapredict::io {

struct SignalStats {
  std::string description;
  int format = 0;
  double adc_gain = 0;
  bool gain_uncalibrated = false;
  std::string units;
  double mean = 0, std = 0, min = 0, max = 0;  ///< physical units, over valid samples
  std::int64_t n_samples = 0;
  std::int64_t invalid_samples = 0;
  std::string checksum_status;  ///< "ok", "absent" when the header gives none, or "not read"
  bool file_absent = false;     ///< the signal file is not there (a beat-only record)
};

struct InspectReport {
  Header header;
  std::int64_t n_frames = 0;
  double duration_s = 0;
  std::vector<SignalStats> signals;
  std::optional<std::string> annotator;  ///< the annotator read, when one was found
  std::int64_t n_annotations = 0;
  std::map<std::string, std::int64_t> beat_counts;   ///< by mnemonic
  std::map<std::string, std::int64_t> other_counts;  ///< non-beat annotations by mnemonic
  std::vector<RhythmEpisode> rhythms;
  std::optional<VfOnset> vf_onset;
  /// Some signal file is absent: header facts and annotations only (a beat-only record, such as
  /// PhysioNet's SDDB/NSRDB annotations without their signals). Not an error.
  bool beat_only = false;
};

/// Reads the whole record (verifying checksums) and, when present, its annotations. When a signal
/// file named by the header is absent, the report holds the header facts and the annotations and
/// marks the record beat-only (frames from the header, or the last annotation when it has none).
/// `annotator` empty means: "atr" if present, else "ari", else none. A named annotator that is
/// missing is an IoError.
InspectReport inspect(const std::filesystem::path& record, const std::string& annotator = "");

/// "HH:MM:SS.mmm" for a time in seconds (hours may exceed 24).
std::string format_elapsed(double seconds);

std::string to_text(const InspectReport& report);
nlohmann::json to_json(const InspectReport& report);

}  // namespace scapredict::io

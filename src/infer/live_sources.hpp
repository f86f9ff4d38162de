#pragma once
// The monitor's two sources (`scapredict monitor`): a WFDB record, optionally followed while
// it grows, and raw interleaved samples on a file descriptor (a pipe from a live feed). Each
// pushes what it reads through a LiveMonitor and hands the minutes out as they become final;
// the caller prints them.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/scorer.hpp"
#include "infer/monitor.hpp"
#include "infer/record_scorer.hpp"
#include "io/raw.hpp"

namespace scapredict::infer {

struct MonitorCallbacks {
  /// Once, before the first minute: what is being scored, in words, and the warnings known
  /// before any minute (check_training_range: the model's training data against the record).
  std::function<void(const std::string& source, const std::vector<std::string>& warnings)> start;
  /// Minutes that became final (may be none).
  std::function<void(const std::vector<LiveMinute>&)> minutes;
};

/// What a monitor run saw, for its closing warnings.
struct MonitorSummary {
  double fs_hz = 0;
  double gain_adu_per_mv = 0;  ///< 0 when the source does not say (f32)
  std::int64_t samples = 0;
  int unlike_training = 0;
  std::string recorder;           ///< as RecordRisk::recorder
  bool simulated_record = false;  ///< as RecordRisk::simulated_record
};

struct FollowOptions {
  bool follow = false;         ///< keep reading while the record grows
  double poll_s = 1;           ///< seconds between looks
  double idle_timeout_s = 60;  ///< with follow: end after this long without new samples
};

/// Scores channel `channel` of WFDB record `path`, with its VF onset found as predict finds it
/// (the header's `vfon`, else the annotations of `annotator`: empty is atr, else ari). Without
/// follow, a record that cannot be read is an IoError; with it, one that is not readable yet
/// counts as one that has not grown. Throws Error when the sampling rate changes.
MonitorSummary monitor_record(const RecordScorer& model, const std::filesystem::path& path,
                              const std::string& channel, const std::string& annotator,
                              const FollowOptions& follow, dsp::QualityLimits limits,
                              const AlarmConfig& alarm, const MonitorCallbacks& out);

/// Scores channel `channel` of the raw frames read from `fd` until end of file. Throws Error
/// "stdin: ..." for a read error or a stream that ends inside a frame.
MonitorSummary monitor_raw(const RecordScorer& model, int fd, const io::RawLayout& layout,
                           int channel, dsp::QualityLimits limits, const AlarmConfig& alarm,
                           const MonitorCallbacks& out);

}  // namespace scapredict::infer

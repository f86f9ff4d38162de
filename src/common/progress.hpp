#pragma once
// Progress reporting. The library prints nothing: long work reports through a callback, and the
// command-line tool renders the events on stderr with an ETA.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace scapredict {

/// One step of long work: `done` of `total` units of `task` finished (total 0: a stage message
/// without a count). `detail` names the step ("experiment cnn1d-raw", "probe 3: band-limited").
struct ProgressEvent {
  std::string task;  ///< "protocol", "simulate", "train", "audit", ...
  std::string unit;  ///< "repetition", "fold", "epoch", "record", "probe", ...
  std::size_t done = 0;
  std::size_t total = 0;
  double elapsed_s = 0;  ///< since the tracker started
  std::string detail;
};

/// Receives progress events; may be empty (no reporting).
using ProgressFn = std::function<void(const ProgressEvent&)>;

/// Counts the units of one task and reports each with its elapsed time.
class ProgressTracker {
 public:
  ProgressTracker(ProgressFn fn, std::string task, std::string unit, std::size_t total)
      : fn_(std::move(fn)), task_(std::move(task)), unit_(std::move(unit)), total_(total) {}
  /// Reports unit `done` (1-based) as finished.
  void report(std::size_t done, const std::string& detail = {}) const {
    if (!fn_) return;
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    fn_(ProgressEvent{task_, unit_, done, total_, el, detail});
  }
  /// Reports a stage without a count.
  void stage(const std::string& detail) const {
    if (fn_) fn_(ProgressEvent{task_, unit_, 0, 0, 0.0, detail});
  }
  const ProgressFn& callback() const { return fn_; }

 private:
  ProgressFn fn_;
  std::string task_, unit_;
  std::size_t total_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

}  // namespace scapredict

#pragma once
// Scoring a recording while it is being made: samples are pushed as they arrive and each minute's
// risk comes out as soon as no later sample can change it (docs/scoring.md, "monitor").
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dsp/stream.hpp"
#include "infer/alarm.hpp"
#include "infer/minute_rows.hpp"
#include "infer/predict.hpp"

namespace scapredict::infer {

/// One minute as the monitor reports it.
struct LiveMinute {
  MinuteRisk risk;
  bool alarm = false;          ///< the alarm's state after this minute
  bool alarm_changed = false;  ///< this minute switched it
  /// Seconds of signal pushed past the minute's end before the minute could be reported (the
  /// resampler's delay and the gap guard; more while a gap is open).
  double delay_s = 0;
  double compute_ms = 0;  ///< wall time to rate and score the minute
};

class LiveMonitor {
 public:
  /// `rows`: what turns minutes into rows (minute_rows.hpp: the model, the record's base time,
  /// onset and quality limits); `fs_hz`: the incoming samples' rate.
  LiveMonitor(std::unique_ptr<MinuteRows> rows, double fs_hz, AlarmConfig alarm);
  /// A spectrum model: `base_time` "HH:MM:SS" of the first sample or empty, `limits` with the
  /// recorder's range when known, `onset_s` a known VF onset.
  LiveMonitor(const engine::Scorer& model, double fs_hz, std::string base_time,
              dsp::QualityLimits limits, AlarmConfig alarm, std::optional<double> onset_s = {});
  /// The next samples (mV, NaN = invalid); returns the minutes that became final.
  std::vector<LiveMinute> push(std::span<const double> x);
  /// The recording ended: the remaining whole minutes.
  std::vector<LiveMinute> finish();
  std::int64_t pushed() const { return assembler_.pushed(); }
  /// Scored minutes flagged unlike_training so far.
  int unlike_training() const { return rows_->unlike_training(); }

 private:
  void report(std::vector<MinuteRisk>&& rows, double t0_ms, std::vector<LiveMinute>& out);
  double fs_hz_;
  dsp::MinuteAssembler assembler_;
  std::unique_ptr<MinuteRows> rows_;
  Alarm alarm_;
};

}  // namespace scapredict::infer

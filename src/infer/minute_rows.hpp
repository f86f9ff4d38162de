#pragma once
// Minutes in, rows out: what predict and the live monitor share, whatever the model, so that the
// two report the same row for the same minute. The spectrum model rates each minute at once; the
// HRV model holds a minute until the next one arrives (QRS detection looks 10 s past its end).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsp/segment.hpp"
#include "dsp/stream.hpp"
#include "engine/hrv_model.hpp"
#include "engine/scorer.hpp"
#include "features/nn.hpp"
#include "infer/predict.hpp"

namespace scapredict::infer {

class MinuteRows {
 public:
  virtual ~MinuteRows() = default;
  /// The next whole minute at 128 Hz (minutes come in order); returns the rows that became final.
  virtual std::vector<MinuteRisk> add(dsp::StreamMinute&& minute) = 0;
  /// No more minutes: the rows still held.
  virtual std::vector<MinuteRisk> finish() = 0;
  /// Scored minutes flagged unlike_training so far.
  virtual int unlike_training() const = 0;
};

/// Where a record's minutes stand: its base time, its VF onset, the quality limits.
struct MinuteContext {
  std::string base_time;
  std::optional<double> onset_s;
  dsp::QualityLimits limits;
};

/// A spectrum model (engine::Scorer, which must outlive the result): one row per minute, at once.
std::unique_ptr<MinuteRows> spectrum_rows(const engine::Scorer& model, MinuteContext context);

/// An HRV model (which must outlive the result): each minute scored on the window that ends with
/// it, from beats detected on the minutes (dsp::detect_qrs with 10 s of context on each side) or
/// from `annotated` beats when given; a row is final when the next minute arrives (or at finish).
std::unique_ptr<MinuteRows> hrv_rows(const engine::HrvModel& model, MinuteContext context,
                                     std::optional<features::Beats> annotated = {});

/// The flags and risk of one HRV window ending where `row` ends, from `beats`: flags
/// hrv_window_incomplete, hrv_unusable, unlike_training (counted into `unlike`).
void score_hrv_window(const engine::HrvModel& model, const features::Beats& beats, MinuteRisk& row,
                      int& unlike);

}  // namespace scapredict::infer

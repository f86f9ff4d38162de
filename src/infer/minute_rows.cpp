#include "infer/minute_rows.hpp"

#include <algorithm>
#include <deque>
#include <utility>

#include "dsp/prepare.hpp"
#include "dsp/qrs.hpp"
#include "features/hrv.hpp"
#include "infer/record_minutes.hpp"
#include "io/annotation.hpp"

namespace scapredict::infer {

namespace {

constexpr double kFs = dsp::kAnalysisFsHz;  // the minutes arrive at 128 Hz
constexpr std::int64_t kMinute = 60 * 128;
constexpr std::int64_t kMargin = 10 * 128;  // detection context on each side of a minute

// A minute's row with the flags of its signal; true when the signal allows scoring.
bool rate_signal(const dsp::StreamMinute& m, const MinuteContext& c, MinuteRisk& row) {
  row.minute = static_cast<int>(m.index);
  row.start_s = 60.0 * static_cast<double>(m.index);
  row.clock_time = clock_time(c.base_time, row.start_s);
  if (c.onset_s) row.minutes_before_onset = (*c.onset_s - row.start_s) / 60.0;
  dsp::Segment seg;
  seg.samples = m.samples;
  seg.quality = dsp::assess_quality(m.samples, kFs, c.limits, m.bridged);
  return assess_minute(seg, row.start_s, c.onset_s, row);
}

class SpectrumRows final : public MinuteRows {
 public:
  SpectrumRows(const engine::Scorer& model, MinuteContext c)
      : rater_(model, std::move(c.base_time), c.onset_s, std::move(c.limits), 1) {}
  std::vector<MinuteRisk> add(dsp::StreamMinute&& m) override {
    std::vector<dsp::StreamMinute> one;
    one.push_back(std::move(m));
    return rater_.rate(one);
  }
  std::vector<MinuteRisk> finish() override { return {}; }
  int unlike_training() const override { return rater_.unlike_training(); }

 private:
  MinuteRater rater_;
};

class HrvRows final : public MinuteRows {
 public:
  HrvRows(const engine::HrvModel& model, MinuteContext c, std::optional<features::Beats> a)
      : model_(model), c_(std::move(c)), annotated_(std::move(a)) {}

  std::vector<MinuteRisk> add(dsp::StreamMinute&& m) override {
    MinuteRisk row;
    const bool ok = rate_signal(m, c_, row);
    const std::int64_t start = m.index * kMinute;
    if (!buf_.empty() && buf_start_ + static_cast<std::int64_t>(buf_.size()) != start)
      buf_.clear();  // minutes are consecutive; a jump starts afresh
    if (buf_.empty()) buf_start_ = start;
    buf_.insert(buf_.end(), m.samples.begin(), m.samples.end());
    auto out = release();  // the held minute now has its right-hand context
    if (static_cast<std::int64_t>(buf_.size()) > 2 * kMinute) {
      const auto drop = static_cast<std::int64_t>(buf_.size()) - 2 * kMinute;
      buf_.erase(buf_.begin(), buf_.begin() + drop);
      buf_start_ += drop;
    }
    held_ = std::move(row);
    held_ok_ = ok;
    return out;
  }
  std::vector<MinuteRisk> finish() override { return release(); }
  int unlike_training() const override { return unlike_; }

 private:
  std::vector<MinuteRisk> release() {
    if (!held_) return {};
    MinuteRisk row = std::move(*held_);
    held_.reset();
    if (!annotated_) detect(row.minute);
    const double end = row.start_s + 60.0;
    if (held_ok_)
      score_hrv_window(model_, annotated_ ? *annotated_ : beats_until(end), row, unlike_);
    while (!beats_.empty() && beats_.front() < end - model_.window_s() - 1.0) beats_.pop_front();
    std::vector<MinuteRisk> out;
    out.push_back(std::move(row));
    return out;
  }
  // The beats of minute m, detected with up to kMargin samples of context on each side.
  void detect(std::int64_t m) {
    const std::int64_t core0 = m * kMinute, core1 = core0 + kMinute;
    const std::int64_t lo = std::max(buf_start_, core0 - kMargin);
    const std::int64_t hi =
        std::min(buf_start_ + static_cast<std::int64_t>(buf_.size()), core1 + kMargin);
    if (hi <= lo) return;
    std::vector<std::vector<double>> lead(1);
    lead[0].assign(buf_.begin() + (lo - buf_start_), buf_.begin() + (hi - buf_start_));
    for (const auto i : dsp::detect_qrs(lead, kFs)) {
      const std::int64_t s = lo + i;
      if (s >= core0 && s < core1) beats_.push_back(static_cast<double>(s) / kFs);
    }
  }
  features::Beats beats_until(double end_s) const {
    features::Beats b;
    b.t_s.assign(beats_.begin(), beats_.end());
    b.code.assign(b.t_s.size(), io::code::kNormal);
    b.fs_hz = kFs;
    b.end_s = end_s;
    return b;
  }

  const engine::HrvModel& model_;
  MinuteContext c_;
  std::optional<features::Beats> annotated_;
  std::vector<double> buf_;  // the 128 Hz samples of the last two minutes
  std::int64_t buf_start_ = 0;
  std::deque<double> beats_;  // detected beat times a later window may still use
  std::optional<MinuteRisk> held_;
  bool held_ok_ = false;
  int unlike_ = 0;
};

}  // namespace

void score_hrv_window(const engine::HrvModel& model, const features::Beats& beats, MinuteRisk& row,
                      int& unlike) {
  const double end = row.start_s + 60.0;
  const double start = end - model.window_s();
  if (start < -1e-9) {
    row.flags.push_back("hrv_window_incomplete");
    return;
  }
  const auto w = features::hrv_window(beats, start, end);
  if (!w.usable) {
    row.flags.push_back("hrv_unusable");
    return;
  }
  row.risk = model.probability(w.values);
  if (model.distance(w.values) > model.training_distance_q99()) {
    row.flags.push_back("unlike_training");
    ++unlike;
  }
}

std::unique_ptr<MinuteRows> spectrum_rows(const engine::Scorer& model, MinuteContext context) {
  return std::make_unique<SpectrumRows>(model, std::move(context));
}

std::unique_ptr<MinuteRows> hrv_rows(const engine::HrvModel& model, MinuteContext context,
                                     std::optional<features::Beats> annotated) {
  return std::make_unique<HrvRows>(model, std::move(context), std::move(annotated));
}

}  // namespace scapredict::infer

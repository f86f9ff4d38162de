#include "infer/monitor.hpp"

#include <chrono>

namespace scapredict::infer {

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

LiveMonitor::LiveMonitor(std::unique_ptr<MinuteRows> rows, double fs_hz, AlarmConfig alarm)
    : fs_hz_(fs_hz), assembler_(fs_hz), rows_(std::move(rows)), alarm_(alarm) {}

LiveMonitor::LiveMonitor(const engine::Scorer& model, double fs_hz, std::string base_time,
                         dsp::QualityLimits limits, AlarmConfig alarm,
                         std::optional<double> onset_s)
    : LiveMonitor(spectrum_rows(model, {std::move(base_time), onset_s, std::move(limits)}), fs_hz,
                  alarm) {}

// Rows that became final, with the alarm after each and how long they took.
void LiveMonitor::report(std::vector<MinuteRisk>&& rows, double t0_ms,
                         std::vector<LiveMinute>& out) {
  const double ms = now_ms() - t0_ms;
  for (auto& r : rows) {
    LiveMinute l;
    l.compute_ms = ms / static_cast<double>(rows.size());
    l.risk = std::move(r);
    l.alarm_changed = alarm_.update(l.risk.risk);
    l.alarm = alarm_.on();
    l.delay_s = static_cast<double>(assembler_.pushed()) / fs_hz_ - (l.risk.start_s + 60.0);
    out.push_back(std::move(l));
  }
}

// Each minute goes to the rows as soon as the assembler hands it out: only its row is kept.
std::vector<LiveMinute> LiveMonitor::push(std::span<const double> x) {
  std::vector<LiveMinute> out;
  assembler_.push(x, [&](dsp::StreamMinute&& m) {
    const double t0 = now_ms();
    report(rows_->add(std::move(m)), t0, out);
  });
  return out;
}

std::vector<LiveMinute> LiveMonitor::finish() {
  std::vector<LiveMinute> out;
  assembler_.finish([&](dsp::StreamMinute&& m) {
    const double t0 = now_ms();
    report(rows_->add(std::move(m)), t0, out);
  });
  const double t0 = now_ms();
  report(rows_->finish(), t0, out);
  return out;
}

}  // namespace scapredict::infer

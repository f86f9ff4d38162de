#include "infer/monitor.hpp"

#include <chrono>

namespace scapredict::infer {

LiveMonitor::LiveMonitor(const engine::Scorer& model, double fs_hz, std::string base_time,
                         dsp::QualityLimits limits, AlarmConfig alarm,
                         std::optional<double> onset_s)
    : fs_hz_(fs_hz),
      assembler_(fs_hz),
      rater_(model, std::move(base_time), onset_s, std::move(limits), 1),
      alarm_(alarm) {}

LiveMinute LiveMonitor::rate(dsp::StreamMinute&& m) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<dsp::StreamMinute> one;
  one.push_back(std::move(m));
  auto rows = rater_.rate(one);
  LiveMinute l;
  l.compute_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  l.risk = std::move(rows.front());
  l.alarm_changed = alarm_.update(l.risk.risk);
  l.alarm = alarm_.on();
  l.delay_s = static_cast<double>(assembler_.pushed()) / fs_hz_ - (l.risk.start_s + 60.0);
  return l;
}

// Each minute is rated as soon as the assembler hands it out: only its row is kept.
std::vector<LiveMinute> LiveMonitor::push(std::span<const double> x) {
  std::vector<LiveMinute> out;
  assembler_.push(x, [&](dsp::StreamMinute&& m) { out.push_back(rate(std::move(m))); });
  return out;
}

std::vector<LiveMinute> LiveMonitor::finish() {
  std::vector<LiveMinute> out;
  assembler_.finish([&](dsp::StreamMinute&& m) { out.push_back(rate(std::move(m))); });
  return out;
}

}  // namespace scapredict::infer

#include "infer/monitor.hpp"

#include <chrono>

namespace scapredict::infer {

LiveMonitor::LiveMonitor(const Scorer& model, double fs_hz, std::string base_time,
                         dsp::QualityLimits limits, AlarmConfig alarm,
                         std::optional<double> onset_s)
    : fs_hz_(fs_hz),
      assembler_(fs_hz),
      rater_(model, std::move(base_time), onset_s, std::move(limits), 1),
      alarm_(alarm) {}

std::vector<LiveMinute> LiveMonitor::rate(std::vector<dsp::StreamMinute>& minutes) {
  std::vector<LiveMinute> out;
  const double pushed_s = static_cast<double>(assembler_.pushed()) / fs_hz_;
  for (auto& m : minutes) {
    const auto t0 = std::chrono::steady_clock::now();
    auto rows = rater_.rate({std::move(m)});
    LiveMinute l;
    l.compute_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    l.risk = std::move(rows.front());
    l.alarm_changed = alarm_.update(l.risk.risk);
    l.alarm = alarm_.on();
    l.delay_s = pushed_s - (l.risk.start_s + 60.0);
    out.push_back(std::move(l));
  }
  minutes.clear();
  return out;
}

std::vector<LiveMinute> LiveMonitor::push(std::span<const double> x) {
  std::vector<dsp::StreamMinute> done;
  assembler_.push(x, [&](dsp::StreamMinute&& m) { done.push_back(std::move(m)); });
  return rate(done);
}

std::vector<LiveMinute> LiveMonitor::finish() {
  std::vector<dsp::StreamMinute> done;
  assembler_.finish([&](dsp::StreamMinute&& m) { done.push_back(std::move(m)); });
  return rate(done);
}

}  // namespace scapredict::infer

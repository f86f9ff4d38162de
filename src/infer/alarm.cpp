#include "infer/alarm.hpp"

#include <cmath>

namespace scapredict::infer {

void AlarmConfig::validate() const {
  if (!std::isfinite(on) || !std::isfinite(off) || off < 0 || on > 1 || off > on)
    throw Error("alarm thresholds must satisfy 0 <= T_off <= T_on <= 1 (T_on " +
                std::to_string(on) + ", T_off " + std::to_string(off) + ")");
  if (consecutive < 1 || consecutive > 1440)
    throw Error("alarm: consecutive minutes must be 1 to 1440 (" + std::to_string(consecutive) +
                ")");
}

nlohmann::json AlarmConfig::to_json() const {
  return {{"on", on}, {"consecutive_minutes", consecutive}, {"off", off}};
}

Alarm::Alarm(AlarmConfig config) : config_(config) {
  config_.validate();
}

bool Alarm::update(std::optional<double> risk) {
  const bool before = on_;
  if (!risk) {
    run_ = 0;
    return false;
  }
  run_ = *risk >= config_.on ? run_ + 1 : 0;
  if (!on_ && run_ >= config_.consecutive) on_ = true;
  if (on_ && *risk < config_.off) on_ = false;
  return on_ != before;
}

}  // namespace scapredict::infer

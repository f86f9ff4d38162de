#pragma once
// The alarm of scoring and monitoring: on after K consecutive scored minutes at or above T_on,
// off at the first scored minute below T_off (hysteresis; docs/scoring.md).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace scapredict::infer {

struct AlarmConfig {
  double on = 0.5;      ///< T_on: a scored minute at or above it counts towards K
  int consecutive = 3;  ///< K: consecutive scored minutes at or above T_on switch the alarm on
  double off = 0.4;     ///< T_off: a scored minute below it switches the alarm off
  /// Throws Error unless 0 <= off <= on <= 1 (finite) and 1 <= consecutive <= 1440.
  void validate() const;
  nlohmann::json to_json() const;
};

/// The alarm's state over a sequence of minutes. A minute that is not scored (bad quality, after
/// the onset) breaks a run towards K and leaves an alarm that is on, on.
class Alarm {
 public:
  explicit Alarm(AlarmConfig config);
  /// The next minute's risk (nullopt: not scored). Returns true when the state changed.
  bool update(std::optional<double> risk);
  bool on() const { return on_; }

 private:
  AlarmConfig config_;
  bool on_ = false;
  int run_ = 0;
};

}  // namespace scapredict::infer

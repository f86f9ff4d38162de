#pragma once
// Early warning judged as a user meets it (docs/alarms.md): a stream of alarms over whole
// records, against the events they should announce. After Winterhalder et al. 2003 (prediction
// horizon SPH, occurrence period SOP, sensitivity and false predictions per hour), Schelter et al.
// 2006 (a rate-matched random predictor) and Snyder et al. 2008 (sensitivity given the time in
// warning). Any predictor's per-minute risk can be judged: predict's tables, or any CSV with the
// columns minute, start_s and risk. No LibTorch.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "infer/alarm.hpp"

namespace scapredict::eval {

class AlarmsError : public Error {
 public:
  using Error::Error;
};

/// One record's risk, minute by minute, and its event.
struct RiskSeries {
  std::string record;                       ///< the record's name (unique in an evaluation)
  std::string source;                       ///< the file it was read from
  std::vector<double> start_s;              ///< each minute's start, increasing
  std::vector<std::optional<double>> risk;  ///< nullopt: not scored
  /// Each minute's quality flags ("ok", "flat;after_onset", ...) when the table has a quality
  /// column, else empty.
  std::vector<std::string> quality;
  std::optional<double> onset_s;      ///< the event (first VF/VT onset), if any
  std::vector<std::string> comments;  ///< the file's '#' lines (provenance)
};

/// A predict table (or any CSV): '#' lines, then a header naming at least minute, start_s and
/// risk (NA or empty: not scored), in any order; minutes_before_onset, when present, gives the
/// event (start_s + 60 x minutes_before_onset). Throws AlarmsError "<path>: <problem>" for a file
/// that is not of that form (missing columns, a number that is not finite, minutes out of order,
/// more than 10^6 rows, a risk outside [0, 1]).
RiskSeries read_risk_csv(const std::filesystem::path& path);
/// Throws AlarmsError "<where>: ..." unless the series has minutes, in increasing order.
void check_risk_minutes(const RiskSeries& s, const std::string& where);
/// WFDB NOTE annotations `record`.`annotator` as predict writes them (aux "p=... q=..."), one per
/// minute; the event from the record's header (vfon) or reference annotations.
RiskSeries read_risk_annotations(const std::filesystem::path& record,
                                 const std::string& annotator = "risk");
/// The inputs named: a directory (its *.csv but cohort.csv, and its records' .risk files when it
/// holds no table), a CSV file, or a record with a .risk file beside it. Throws AlarmsError for
/// an input that gives nothing and for a record named twice.
std::vector<RiskSeries> read_risk_inputs(const std::vector<std::string>& inputs);
/// Replaces every record's event with the rows of `path` (CSV "record,onset_s", a header line
/// first): a record without a row has no event. Throws AlarmsError for a record without a risk
/// series, a record named twice, an onset that is not finite or lies outside its record.
void apply_events_file(const std::filesystem::path& path, std::vector<RiskSeries>& series);

struct AlarmEvalConfig {
  infer::AlarmConfig alarm;  ///< T_on, K, T_off (docs/scoring.md)
  double sph_min = 5;        ///< prediction horizon: an alarm must come at least this early
  double sop_min = 60;       ///< occurrence period: the event must follow within this after SPH
  int monte_carlo = 2000;    ///< draws of each Monte Carlo chance
  int bootstrap = 2000;      ///< resamples of the records for the false-alarm rate's interval
  std::uint64_t seed = 1;
  /// Thresholds T_on of the sweep (T_off follows at the same distance below, K fixed).
  std::vector<double> sweep = {0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
                               0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95};
  /// Throws AlarmsError naming the flag for SPH or SOP not finite or not positive, or for
  /// SPH + SOP longer than the longest record's data (`longest_min`).
  void validate(double longest_min) const;
  nlohmann::json to_json() const;
};

struct RecordAlarms {
  std::string record;
  bool has_event = false;
  double onset_s = 0;
  int minutes_monitored = 0;   ///< scored minutes before the event (all scored minutes without)
  int alarms = 0;              ///< times the alarm switched on while monitored
  int false_alarms = 0;        ///< alarms not followed by the event within [SPH, SPH + SOP]
  int minutes_alarm_on = 0;    ///< monitored minutes with the alarm on
  int minutes_in_warning = 0;  ///< monitored minutes inside [alarm + SPH, alarm + SPH + SOP]
  /// Monitored minutes whose alarm (at the minute's end) would warn the event: the part of the
  /// window [event - SPH - SOP, event - SPH] the data cover.
  int minutes_in_event_window = 0;
  bool warned = false;                ///< an alarm SPH to SPH + SOP before the event
  std::optional<double> warning_min;  ///< event time minus the earliest such alarm
  std::vector<double> alarm_s;        ///< when each alarm switched on (end of its minute)
  double hours() const { return minutes_monitored / 60.0; }
};

struct Chance {
  double sensitivity = 0;  ///< expected sensitivity of the random predictor
  double p_value = 1;      ///< one-sided: P(random predictor warns >= as many events)
};

struct AlarmSummary {
  int events = 0, events_warned = 0, false_alarms = 0, alarms = 0;
  double sensitivity = 0, sensitivity_lo = 0, sensitivity_hi = 0;  ///< Wilson 95 % over events
  double hours_monitored = 0;
  double false_alarms_per_24h = 0, fa24_lo = 0, fa24_hi = 0;  ///< bootstrap 95 % over records
  double time_in_warning = 0;    ///< fraction of monitored minutes in warning
  double alarm_on_fraction = 0;  ///< fraction of monitored minutes with the alarm on
  std::optional<double> median_warning_min;
  /// Poisson alarms at the pooled rate (Schelter 2006): an event is warned by chance with
  /// probability 1 - exp(-rate x the monitored minutes of its window).
  Chance pooled_analytic;
  Chance pooled_monte_carlo;  ///< the pooled alarm count placed at random over all minutes
  Chance shuffled_events;     ///< each event moved at random within its record, alarms kept
  Chance within_analytic;     ///< each record's own time in warning (Snyder 2008)
  Chance within_monte_carlo;  ///< each record's alarms shifted at random within it
};

struct SweepPoint {
  double t_on = 0;
  AlarmSummary summary;  ///< chance p-values from the analytic predictors only
};

struct AlarmEvaluation {
  AlarmEvalConfig config;
  std::vector<RecordAlarms> records;
  AlarmSummary summary;
  std::vector<SweepPoint> sweep;
  std::string data_source;    ///< what the risk series came from (their files' first '#' lines)
  nlohmann::json provenance;  ///< the inputs' '#' lines, by record
  nlohmann::json to_json() const;
};

/// One record's alarms under `config`.
RecordAlarms evaluate_record(const RiskSeries& s, const AlarmEvalConfig& config);

/// Every record, the totals with chance, and the sweep. Throws AlarmsError for no series, or a
/// config that does not fit the data.
AlarmEvaluation evaluate_alarms(const std::vector<RiskSeries>& series,
                                const AlarmEvalConfig& config);

}  // namespace scapredict::eval

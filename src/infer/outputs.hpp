#pragma once
// What scoring writes besides the per-minute table: the risk as WFDB annotations, and one
// summary row per record for a batch.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "infer/alarm.hpp"
#include "infer/predict.hpp"
#include "io/annotation.hpp"

namespace scapredict::infer {

/// WFDB's NOTE annotation code (anntyp 22), which carries free text in its aux string.
inline constexpr int kNoteCode = 22;

/// One NOTE annotation at the start of every minute of `r` (sample = round(start_s *
/// frame_fs_hz)), aux "p=0.873 q=ok" (p=NA for a minute not scored; q is the minute's quality);
/// where the alarm switches, " alarm=on" or " alarm=off" is appended and subtyp is 1 (on) or 2
/// (off), else 0. Readable by rdann and wfdb-python as any annotator.
std::vector<io::Annotation> risk_annotations(const RecordRisk& r, double frame_fs_hz,
                                             const AlarmConfig& alarm);

/// The aux text's risk and quality back (for tests and for readers of the files); nullopt when
/// `aux` is not of that form.
struct RiskNote {
  std::optional<double> p;
  std::string quality;
  std::string alarm;  ///< "on", "off" or empty
};
std::optional<RiskNote> parse_risk_note(const std::string& aux);

/// One record of a batch, or why it failed.
struct CohortRow {
  std::string record;
  std::string table;  ///< the per-minute table's file name in the batch's directory
  std::string error;  ///< empty when scored
  int minutes = 0, scored = 0;
  int ok = 0, bridged = 0, invalid = 0, flat = 0, saturated = 0, after_onset = 0, vf_like = 0,
      unlike_training = 0;  ///< minutes by quality flag (a minute may carry several)
  std::optional<double> max_risk, mean_risk;
  int above_threshold = 0;              ///< scored minutes with risk >= the alarm's T_on
  std::optional<int> first_alarm;       ///< minute at which the alarm first switched on
  std::optional<double> first_alarm_s;  ///< its start, seconds from the record start
  std::optional<double> vf_onset_s;     ///< the record's VF onset, when it has one
  /// Minutes from the first alarm's minute to the VF onset (the warning time), when both exist.
  std::optional<double> minutes_before_onset;
};
CohortRow summarise(const RecordRisk& r, const AlarmConfig& alarm);
/// RFC 4180 CSV with '#' comment lines first (provenance, alarm settings).
std::string cohort_csv(const std::vector<CohortRow>& rows,
                       const std::vector<std::string>& comments);

}  // namespace scapredict::infer

#pragma once
// Alarms over whole real days (docs/alarms.md, issue of the evaluation on real data): every SDDB
// and NSRDB record of a beat cohort scored minute by minute, over its whole annotated span, by
// the default model's recipe (the pre-registered SVM on HRV of 5-minute windows) trained without
// that patient (leave-one-patient-out), then judged by eval::evaluate_alarms.
#include <vector>

#include "common/progress.hpp"
#include "data/beat_cohort.hpp"
#include "eval/alarms/alarms.hpp"

namespace scapredict::eval {

/// Each patient's risk per minute from a model that never saw the patient: the SVM fitted on
/// every other patient's training rows (eval::all_patients_training_rows), scoring the 5-minute
/// HRV window that ends with each minute of the patient's annotated beats; SDDB records carry
/// their onset. Progress: task "alarms", unit "patient".
std::vector<RiskSeries> lopo_hrv_risk_series(const data::BeatCohort& cohort,
                                             const ProgressFn& progress = {});

/// evaluate_alarms on lopo_hrv_risk_series with the default settings (docs/alarms.md).
AlarmEvaluation run_beat_alarms(const data::BeatCohort& cohort, const ProgressFn& progress = {});

}  // namespace scapredict::eval

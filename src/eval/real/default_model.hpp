#pragma once
// The default model of predict, monitor and Python (docs/default-model.md): the pre-registered
// primary classifier of the real-beat study (the SVM, docs/real-beats-method.md) on HRV of
// 5-minute windows, trained on every patient of a beat cohort, written as an HRV model file
// (engine/hrv_model.hpp) with its provenance and its leave-one-patient-out result.
#include <string>

#include "common/progress.hpp"
#include "data/beat_cohort.hpp"

namespace scapredict::eval {

/// The recipe, fixed: the SVM, 5-minute windows, seed 1, the study's training minutes.
inline constexpr int kDefaultModelWindowMin = 5;

/// The model file's text (JSON, deterministic: the same cohort gives the same bytes). The
/// leave-one-patient-out analysis of the same classifier and window is run first and recorded.
/// Throws data::DataError for a cohort the study cannot use, model::ModelError when the SVM
/// cannot be fitted.
std::string build_default_hrv_model(const data::BeatCohort& cohort,
                                    const ProgressFn& progress = {});

}  // namespace scapredict::eval

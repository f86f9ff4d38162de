#pragma once
// `scapredict reproduce --beats`: the study on real SDDB/NSRDB beat annotations
// (docs/real-beats-method.md) and, beside it, the real-ECG experiments of
// docs/real-ecg-method.md; report::write_real_report writes what this returns.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/progress.hpp"
#include "data/beat_cohort.hpp"
#include "eval/alarms/alarms.hpp"
#include "eval/real/beat_study.hpp"
#include "eval/real/real_ecg.hpp"
#include "eval/real/real_rhythm.hpp"

namespace scapredict::eval {

struct RealStudyOptions {
  /// Experiments 2 and 3 on this folder's vfdb/, cudb/, nsrdb-1min/ and mitdb/ records.
  std::optional<std::filesystem::path> ecg_dir;
  bool real_rhythm = false;  ///< experiment 4 on the beat cohort's beat times
  bool alarms = false;       ///< alarms over whole days, leave-one-patient-out (docs/alarms.md)
  /// Repetitions of experiments 3 and 4 (0: the pre-registered 20).
  int repetitions = 0;
};

struct RealStudyResult {
  BeatStudyResult beats;
  std::optional<RealEcgResult> imminence;       ///< experiment 2
  std::optional<PaperSetupResult> paper_setup;  ///< experiment 3
  std::optional<RealRhythmResult> rhythm;       ///< experiment 4
  std::optional<AlarmEvaluation> alarms;        ///< alarms over whole days (alarm_study.hpp)
};

/// The pre-registered configuration of the beat study for `cohort` (read from `dir`): every SCD
/// patient not training tests; `repetitions` 0 keeps the pre-registered 20. Throws Error naming
/// `dir` when the cohort is too small for the protocol.
BeatStudyConfig real_study_config(const data::BeatCohort& cohort, const std::string& dir,
                                  std::uint64_t seed, int repetitions);

/// Runs the beat study on `cohort` and the experiments `options` ask for. Experiment 4 renders
/// its records into a scratch folder inside `work` and removes it.
RealStudyResult run_real_study(const data::BeatCohort& cohort, const BeatStudyConfig& config,
                               const std::filesystem::path& work, const ProgressFn& progress = {},
                               const RealStudyOptions& options = {});

}  // namespace scapredict::eval

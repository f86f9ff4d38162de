#pragma once
// REAL_REPORT.md, real_results.json and real_accuracy_vs_horizon.png: the study on real SDDB and
// NSRDB beat annotations (docs/real-beats-method.md).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "eval/beat_study.hpp"
#include "eval/real_ecg.hpp"

namespace scapredict::report {

/// A row of the paper's Table 3 as published (the cited paper's abstract).
struct LiteratureRow {
  std::string study, method, data, minutes_before, accuracy, sensitivity, specificity;
};
const std::vector<LiteratureRow>& literature_rows();

/// The markdown of REAL_REPORT.md (with the real-ECG section when `ecg` is given); the figure is
/// drawn into `out` when gnuplot is there.
std::string real_markdown(const eval::BeatStudyResult& result, const eval::RealEcgResult* ecg,
                          const std::filesystem::path& out);

/// The real-ECG section: experiment 2 of docs/real-ecg-method.md.
std::string real_ecg_markdown(const eval::RealEcgResult& ecg);

/// Writes REAL_REPORT.md, real_results.json and the figure into `out` (each file atomically).
void write_real_report(const eval::BeatStudyResult& result, const eval::RealEcgResult* ecg,
                       const std::filesystem::path& out);

/// `scapredict reproduce --beats`: runs the beat study on `cohort` and, when `ecg_dir` is given,
/// the real-ECG experiment on its vfdb/ and mitdb/ records; writes the report.
eval::BeatStudyResult real_study(const data::BeatCohort& cohort,
                                 const eval::BeatStudyConfig& config,
                                 const std::filesystem::path& out, const ProgressFn& progress = {},
                                 const std::optional<std::filesystem::path>& ecg_dir = {});

}  // namespace scapredict::report

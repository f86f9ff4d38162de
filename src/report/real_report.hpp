#pragma once
// REAL_REPORT.md, real_results.json and real_accuracy_vs_horizon.png: the study on real SDDB and
// NSRDB beat annotations (docs/real-beats-method.md).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "eval/alarms/alarms.hpp"
#include "eval/real/beat_study.hpp"
#include "eval/real/real_ecg.hpp"
#include "eval/real/real_rhythm.hpp"
#include "eval/real/real_study.hpp"

namespace scapredict::report {

/// `v` printed with `fmt` (printf, one double), or "n/a" when `v` is not finite.
std::string format_or_na(double v, const char* fmt = "%.2f");

/// A row of the paper's Table 3 as published (the cited paper's abstract).
struct LiteratureRow {
  std::string study, method, data, minutes_before, accuracy, sensitivity, specificity;
};
const std::vector<LiteratureRow>& literature_rows();

/// The experiments of docs/real-ecg-method.md that go beside the beat study; each may be absent.
struct RealEcgSections {
  const eval::RealEcgResult* imminence = nullptr;       ///< experiment 2
  const eval::PaperSetupResult* paper_setup = nullptr;  ///< experiment 3
  const eval::RealRhythmResult* rhythm = nullptr;       ///< experiment 4
  const eval::AlarmEvaluation* alarms = nullptr;        ///< alarms over whole real days
};

/// The markdown of REAL_REPORT.md with the real-ECG sections that are given; figures are drawn
/// into `out` when gnuplot is there.
std::string real_markdown(const eval::BeatStudyResult& result, const RealEcgSections& ecg,
                          const std::filesystem::path& out);

/// The real-ECG section of experiment 2 of docs/real-ecg-method.md.
std::string real_ecg_markdown(const eval::RealEcgResult& ecg);
/// Experiment 3, with the risk-vs-minutes figures drawn into `out`.
std::string paper_setup_markdown(const eval::PaperSetupResult& e, const std::filesystem::path& out);
/// Experiment 4.
std::string real_rhythm_markdown(const eval::RealRhythmResult& e);
/// What the real-ECG numbers support and what they cannot, read off the results by fixed rules.
std::string real_ecg_reading(const RealEcgSections& ecg);

/// Writes REAL_REPORT.md, real_results.json and the figures into `out` (each file atomically).
void write_real_report(const eval::BeatStudyResult& result, const RealEcgSections& ecg,
                       const std::filesystem::path& out);

/// The same for a whole real study (the experiments it ran).
void write_real_report(const eval::RealStudyResult& study, const std::filesystem::path& out);

}  // namespace scapredict::report

#pragma once
// `scapredict audit`: does the model see cardiac risk, or the recorder? (docs/audit.md)
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "scapredict/cohort/cohort.hpp"
#include "scapredict/eval/metrics.hpp"

namespace scapredict::eval {

/// Accuracy of telling two groups of patients apart from their minutes, patient-disjoint: in each
/// repetition half of each group's patients train the CNN on DFT-1024 and the rest are tested.
struct TwoGroupResult {
  MeanCi accuracy, auroc;
  int patients_a = 0, patients_b = 0, minutes = 0;
};
TwoGroupResult two_group_probe(const std::vector<std::vector<std::vector<double>>>& group_a,
                               const std::vector<std::vector<std::vector<double>>>& group_b,
                               int repetitions, int epochs, std::uint64_t seed,
                               bool paired_patients = false);

/// The SDDB-like chain applied to a 128 Hz minute: upsample to 250 Hz, quantise at 800 adu/mV in
/// 12 bits, resample 250 -> 128 Hz (soxr HQ, as SDDB is). Mirrored padding keeps edges clean.
std::vector<double> sddb_like_chain(const std::vector<double>& minute128);

/// Verdict of the near/far rule (docs/audit.md).
struct NearFar {
  MeanCi near_accuracy, far_accuracy;
  std::string verdict;  ///< "shortcut", "risk signal", "no signal" or "inconclusive"
};
NearFar near_far_verdict(const MeanCi& near_accuracy, const MeanCi& far_accuracy);

/// Runs the paper's protocol with near horizons and far horizons on `cohort` and applies the rule.
struct NearFarConfig {
  std::vector<int> near = {5, 10, 15, 20, 25, 30};
  std::vector<int> far = {300, 330, 360};
  int repetitions = 10;
  int epochs = 40;
  std::uint64_t seed = 1;
  cohort::ProtocolConfig protocol;  ///< patient counts (horizons and seed are set from above)
};
NearFar near_far_probe(const cohort::Cohort& cohort, const NearFarConfig& config);

struct AuditConfig {
  std::optional<std::filesystem::path> data;
  std::filesystem::path out = "results";
  std::filesystem::path cache = ".cache";
  std::optional<std::filesystem::path> physionet;  ///< real excerpts for probes 1 and 2
  std::uint64_t seed = 1;
  int repetitions = 10;
  int epochs = 40;
  std::pair<double, double> band_hz = {0.5, 40.0};
  double grid_hours_before_onset = 6.0;
  int bootstrap_resamples = 2000;  ///< probe 6's patient bootstrap
};

/// Runs the probes and writes AUDIT.md and audit.json into config.out (and a section into
/// REPORT.md when one is there). Returns audit.json's content.
nlohmann::json audit(const AuditConfig& config);

}  // namespace scapredict::eval

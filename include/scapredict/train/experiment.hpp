#pragma once
// The paper's protocol run end to end: repetitions of patient-disjoint train/test.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scapredict/cohort/cohort.hpp"
#include "scapredict/eval/metrics.hpp"
#include "scapredict/model/classifier.hpp"

namespace scapredict::train {

/// The minutes of every repetition, read once and shared by all experiments on the same plan.
struct PreparedProtocol {
  cohort::ProtocolConfig config;
  std::vector<cohort::RepetitionPlan> plans;  ///< normal minutes resolved, unusable minutes dropped
  std::map<std::string, std::vector<double>> minutes;  ///< key "s:patient:k" or "n:patient:minute"
  std::map<std::string, int> rejected;                 ///< unusable minutes by reason (never used)
  static std::string key(const cohort::MinuteRef& r);
  /// Features of `refs` (all read by prepare_protocol) with labels 1 = SCD, 0 = normal.
  model::Dataset dataset(const std::vector<cohort::MinuteRef>& refs,
                         const cohort::FeatureConfig& features) const;
};

/// Test outcomes of one horizon: confusion at P(SCD) >= 0.5, and the scores for the ROC.
struct HorizonScores {
  eval::Confusion confusion;
  std::vector<double> scores;
  std::vector<int> labels;
  double auroc() const { return eval::auroc(scores, labels); }
};
/// Groups test minutes `refs` with their P(SCD) `p` by horizon.
std::map<int, HorizonScores> score_by_horizon(const std::vector<cohort::MinuteRef>& refs,
                                              const std::vector<double>& p);

/// Draws the plans and reads every minute. Progress on stderr.
PreparedProtocol prepare_protocol(const cohort::Cohort& cohort,
                                  const cohort::ProtocolConfig& config, bool progress = true);

/// Reads every minute of the given `plans`: random normal minutes (minute -1) are drawn, minutes
/// that are unusable or lie before a record's start are dropped from the plans and counted.
PreparedProtocol read_plans(const cohort::Cohort& cohort, const cohort::ProtocolConfig& config,
                            std::vector<cohort::RepetitionPlan> plans, bool progress = true);

struct ExperimentConfig {
  std::string name;
  model::Arch arch = model::Arch::kCnn1d;
  cohort::FeatureConfig features;
  model::TrainConfig train;
  std::string progress_unit = "repetition";  ///< what one plan is called in progress lines
  nlohmann::json to_json() const;
};

struct HorizonResult {
  int horizon = 0;
  eval::MeanCi accuracy, sensitivity, specificity, auroc;
};

struct ExperimentResult {
  ExperimentConfig config;
  std::vector<HorizonResult> horizons;
  /// Per test patient: wrong and total minutes over all repetitions and horizons.
  std::map<std::string, std::pair<int, int>> patient_errors;
  /// Per repetition, P(SCD) of each test minute of prepared.plans[rep].test, in that order.
  std::vector<std::vector<double>> test_p;
  double seconds = 0;
  const HorizonResult* at(int horizon) const;
  nlohmann::json to_json() const;
};

/// Trains one model per repetition on its training minutes and scores its test minutes.
ExperimentResult run_experiment(const cohort::Cohort& cohort, const PreparedProtocol& prepared,
                                const ExperimentConfig& config, bool progress = true);

}  // namespace scapredict::train

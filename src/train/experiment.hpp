#pragma once
// The paper's protocol run end to end: repetitions of patient-disjoint train/test.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "data/minutes.hpp"
#include "features/features.hpp"
#include "model/classifier.hpp"
#include "stats/metrics.hpp"

namespace scapredict::train {

/// Features of `refs` (all read into `minutes`) with labels 1 = SCD, 0 = normal.
model::Dataset make_dataset(const data::PreparedMinutes& minutes,
                            const std::vector<data::MinuteRef>& refs,
                            const features::FeatureConfig& features);

/// Test outcomes of one horizon: confusion at P(SCD) >= 0.5, and the scores for the ROC.
struct HorizonScores {
  stats::Confusion confusion;
  std::vector<double> scores;
  std::vector<int> labels;
  double auroc() const { return stats::auroc(scores, labels); }
};
/// Groups test minutes `refs` (each with a horizon) with their P(SCD) `p` by horizon.
std::map<int, HorizonScores> score_by_horizon(const std::vector<data::MinuteRef>& refs,
                                              const std::vector<double>& p);

/// One model and input of the report. The training seed of repetition r is
/// derive_seed(train.seed, kTraining, r).
struct ExperimentConfig {
  std::string name;
  model::Arch arch = model::Arch::kCnn1d;
  features::FeatureConfig features;
  model::TrainConfig train;
  std::string progress_unit = "repetition";  ///< what one plan is called in progress events
  nlohmann::json to_json() const;
  /// The paper's CNN on DFT-1024 named `name`, trained with run.epochs and run.seed.
  static ExperimentConfig paper_cnn(const std::string& name, const RunConfig& run);
};

struct HorizonResult {
  int horizon = 0;
  stats::MeanCi accuracy, sensitivity, specificity, auroc;
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

/// Trains one model per plan on its training minutes and scores its test minutes. One progress
/// event (task = config.name) per plan.
ExperimentResult run_experiment(const data::Cohort& cohort, const data::PreparedMinutes& prepared,
                                const ExperimentConfig& config, const ProgressFn& progress = {});

}  // namespace scapredict::train

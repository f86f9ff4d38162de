#pragma once
// The near/far rule (docs/audit.md): does accuracy fall away far from onset?
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/run_config.hpp"
#include "data/cohort.hpp"
#include "data/protocol.hpp"
#include "stats/metrics.hpp"
#include "train/experiment.hpp"

namespace scapredict::eval {

struct NearFar {
  stats::MeanCi near_accuracy, far_accuracy;
  std::string verdict;  ///< "shortcut", "risk signal", "no signal" or "inconclusive"
};
/// Verdict of the near/far rule on two accuracies with their intervals.
NearFar near_far_verdict(const stats::MeanCi& near_accuracy, const stats::MeanCi& far_accuracy);

/// The two bands of horizons and the split; the protocol tests near + far.
struct NearFarConfig {
  std::vector<int> near = {5, 10, 15, 20, 25, 30};
  std::vector<int> far = {300, 330, 360};
  data::SplitConfig split;
};

/// The test minutes of a band of horizons pooled per repetition: accuracy (threshold 0.5),
/// balanced accuracy and AUROC, each a mean with a t-interval over the repetitions.
struct BandMetrics {
  stats::MeanCi accuracy, balanced_accuracy, auroc;
  int scd_minutes = 0, normal_minutes = 0;  ///< summed over repetitions
  nlohmann::json to_json() const;
};
/// The band `horizons` of `result` (run on `prepared`).
BandMetrics pooled_band(const data::PreparedMinutes& prepared,
                        const train::ExperimentResult& result, const std::vector<int>& horizons);

/// Runs the paper's protocol (the CNN on DFT-1024) with the near and far horizons on `cohort`:
/// per repetition the accuracy over all near (far) test minutes pooled, mean and t-interval over
/// the repetitions, and the rule's verdict.
NearFar near_far_probe(const data::Cohort& cohort, const NearFarConfig& config,
                       const RunConfig& run);

}  // namespace scapredict::eval

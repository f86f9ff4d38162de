#pragma once
// A model from train::fit_first_split scored on the patients it was not trained on.
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "data/cohort.hpp"
#include "model/classifier.hpp"
#include "stats/metrics.hpp"

namespace scapredict::eval {

struct HeldOutHorizon {
  int horizon = 0;
  stats::Confusion confusion;
  double auroc = 0;  ///< NaN when the horizon has only one class
};

struct HeldOutResult {
  std::string data_source;
  nlohmann::json model;  ///< the model's description
  std::vector<HeldOutHorizon> horizons;
  nlohmann::json to_json() const;
};

/// Rebuilds the model's first split from its metadata (protocol seed) on `cohort` and scores the
/// held-out minutes per horizon. Throws engine::ModelError when the model has no protocol in its
/// metadata or its held-out patients are not this cohort's.
HeldOutResult evaluate_held_out(const data::Cohort& cohort, const model::Classifier& model,
                                const ProgressFn& progress = {});

}  // namespace scapredict::eval

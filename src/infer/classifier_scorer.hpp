#pragma once
// A LibTorch model::Classifier as an infer::Scorer, for the tools that link LibTorch: every
// architecture, the recurrent ones included. Header-only, so that the scoring library itself
// links no LibTorch.
#include "infer/predict.hpp"
#include "infer/scorer.hpp"
#include "model/classifier.hpp"

namespace scapredict::infer {

class ClassifierScorer final : public Scorer {
 public:
  explicit ClassifierScorer(const model::Classifier& c) : c_(c) {}
  const features::FeatureConfig& features() const override { return c_.features(); }
  std::vector<double> score(const std::vector<std::vector<float>>& x) const override {
    return c_.predict_proba(x);
  }
  double distance(const std::vector<float>& x) const override { return c_.distance(x); }
  double training_distance_q99() const override { return c_.training_distance_q99(); }
  std::string arch() const override { return model::to_string(c_.arch()); }
  const nlohmann::json& metadata() const override { return c_.metadata(); }
  std::string backend() const override { return "LibTorch"; }

 private:
  const model::Classifier& c_;
};

/// predict_record with a LibTorch classifier.
inline RecordRisk predict_record(const model::Classifier& model,
                                 const std::filesystem::path& record,
                                 const PredictOptions& options = {},
                                 const ProgressFn& progress = {}) {
  return predict_record(ClassifierScorer(model), record, options, progress);
}

}  // namespace scapredict::infer

#pragma once
// A LibTorch model::Classifier as an engine::Scorer, for the commands that train: every
// architecture, the recurrent ones included. The scoring core (src/engine, src/infer) never
// includes this header, so that it links no LibTorch.
#include <memory>

#include "engine/scorer.hpp"
#include "model/classifier.hpp"

namespace scapredict::model {

class ClassifierScorer final : public engine::Scorer {
 public:
  explicit ClassifierScorer(const Classifier& c) : c_(c) {}
  const features::FeatureConfig& features() const override { return c_.features(); }
  std::vector<double> score(const std::vector<std::vector<float>>& x) const override {
    return c_.predict_proba(x);
  }
  double distance(const std::vector<float>& x) const override { return c_.distance(x); }
  double training_distance_q99() const override { return c_.training_distance_q99(); }
  std::string arch() const override { return to_string(c_.arch()); }
  const nlohmann::json& metadata() const override { return c_.metadata(); }
  std::string backend() const override { return "LibTorch"; }

 private:
  const Classifier& c_;
};

/// A model file loaded through LibTorch as a Scorer that owns its classifier (any architecture).
/// Throws ModelError naming the file, as Classifier::load.
inline std::unique_ptr<engine::Scorer> load_classifier_scorer(const std::filesystem::path& path) {
  struct Owning final : engine::Scorer {
    explicit Owning(Classifier c) : clf(std::move(c)), s(clf) {}
    Classifier clf;
    ClassifierScorer s;
    const features::FeatureConfig& features() const override { return s.features(); }
    std::vector<double> score(const std::vector<std::vector<float>>& x) const override {
      return s.score(x);
    }
    double distance(const std::vector<float>& x) const override { return s.distance(x); }
    double training_distance_q99() const override { return s.training_distance_q99(); }
    std::string arch() const override { return s.arch(); }
    const nlohmann::json& metadata() const override { return s.metadata(); }
    std::string backend() const override { return s.backend(); }
  };
  return std::make_unique<Owning>(Classifier::load(path));
}

}  // namespace scapredict::model

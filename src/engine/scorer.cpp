#include "engine/scorer.hpp"

#include <algorithm>
#include <cmath>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "engine/model_file.hpp"

namespace scapredict::engine {

EngineScorer EngineScorer::from_header(const nlohmann::json& h, const std::string& source) {
  EngineScorer s;
  auto bad = [&](const std::string& why) { return EngineError(source + ": " + why); };
  try {
    s.arch_ = h.at("arch").get<std::string>();
    if (!h.contains("engine"))
      throw bad("a " + s.arch_ +
                " model file without an engine section: only the cnn1d and mlp models written "
                "by this version carry one (score it with `scapredict predict`, or train it "
                "again)");
    s.features_ = features::FeatureConfig::from_json(h.at("features"));
    // The training settings are provenance the engine does not use, but a file without them is
    // not one this project wrote.
    for (const char* k : {"epochs", "batch_size", "learning_rate", "weight_decay", "seed"})
      if (!h.at("train").at(k).is_number())
        throw bad("corrupt model file (train." + std::string(k) + " is not a number)");
    const auto& norm = h.at("normalisation");
    for (const char* k : {"mean", "sd"})
      for (const auto& v : norm.at(k))
        if (!v.is_number()) throw bad("corrupt model file (normalisation holds NaN or text)");
    s.mean_ = norm.at("mean").get<std::vector<float>>();
    s.sd_ = norm.at("sd").get<std::vector<float>>();
    s.q99_ = h.at("training_distance_q99").get<double>();
    s.metadata_ = h.value("metadata", nlohmann::json::object());
    if (h.contains("checksum_fnv1a64") && h["checksum_fnv1a64"].is_string())
      s.checksum_ = h["checksum_fnv1a64"].get<std::string>();
    if (!s.metadata_.is_object()) throw bad("corrupt model file (metadata is not an object)");
  } catch (const nlohmann::json::exception& e) {
    throw bad(std::string("corrupt model file (") + printable(e.what(), 120) + ")");
  } catch (const features::FeatureError& e) {
    throw bad(std::string("corrupt model file (") + printable(e.what(), 120) + ")");
  }
  s.engine_ = Engine::from_header(h, source);
  const auto n = s.engine_.input_length();
  if (features::input_length(s.features_) != n || s.mean_.size() != n || s.sd_.size() != n)
    throw bad("the model's input length does not match its features");
  if (!std::isfinite(s.q99_) ||
      std::any_of(s.sd_.begin(), s.sd_.end(),
                  [](float v) { return !(v > 0) || !std::isfinite(v); }) ||
      std::any_of(s.mean_.begin(), s.mean_.end(), [](float v) { return !std::isfinite(v); }))
    throw bad("corrupt model file (normalisation is not finite and positive)");
  return s;
}

EngineScorer EngineScorer::load(const std::filesystem::path& path) {
  const auto file = read_model_file(path);
  return from_header(file.header, path.string());
}

std::unique_ptr<Scorer> open_scorer(const std::filesystem::path& path) {
  const auto file = read_model_file(path);
  const auto arch = file.header.value("arch", nlohmann::json()).is_string()
                        ? file.header["arch"].get<std::string>()
                        : std::string();
  const bool engine = file.header.contains("engine") && (arch == "cnn1d" || arch == "mlp");
  if (!engine && !arch.empty() && file.header.contains("features"))
    throw NeedsLibTorch(path.string() + ": a " + printable(arch, 40) +
                        " model without an engine section needs LibTorch to score");
  return std::make_unique<EngineScorer>(EngineScorer::from_header(file.header, path.string()));
}

std::vector<double> EngineScorer::score(const std::vector<std::vector<float>>& x) const {
  std::vector<double> p;
  p.reserve(x.size());
  for (const auto& v : x) p.push_back(engine_.score(v));
  return p;
}

// The formula of model::Classifier::distance, float for float.
double EngineScorer::distance(const std::vector<float>& x) const {
  if (x.size() != mean_.size()) throw EngineError("feature vector of the wrong length");
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double z = (x[i] - mean_[i]) / sd_[i];
    s += z * z;
  }
  return s / static_cast<double>(x.size());
}

std::string EngineScorer::backend() const {
  std::string b = engine_.precision() == Engine::Precision::kInt8 ? "engine int8" : "engine fp32";
  if (engine_.sparsity() > 0.01) b += " pruned";
  return b;
}

EngineScorer EngineScorer::with_engine(Engine e) const {
  EngineScorer s = *this;
  s.engine_ = std::move(e);
  return s;
}

}  // namespace scapredict::engine

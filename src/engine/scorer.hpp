#pragma once
// What scoring needs of a model, whoever computes it: the features it reads, P(SCD) of feature
// vectors, the distance of a vector to its training minutes, and its provenance. The
// LibTorch-free EngineScorer serves the CNN and the MLP (docs/engine.md); open_scorer is the one
// way every front end (the CLI, the public API, Python) opens a model file.
// model/classifier_scorer.hpp adapts a LibTorch model::Classifier (every architecture) for the
// commands that train.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "features/features.hpp"
#include "engine/engine.hpp"

namespace scapredict::engine {

class Scorer {
 public:
  virtual ~Scorer() = default;
  virtual const features::FeatureConfig& features() const = 0;
  /// P(SCD) of each feature vector (input_length() values each). Called from one thread.
  virtual std::vector<double> score(const std::vector<std::vector<float>>& x) const = 0;
  /// Mean squared z-score of x against the training minutes' mean and sd (thread-safe).
  virtual double distance(const std::vector<float>& x) const = 0;
  /// The 99th percentile of distance() over the training minutes.
  virtual double training_distance_q99() const = 0;
  /// "cnn1d", "mlp", "lstm", ...
  virtual std::string arch() const = 0;
  /// The model file's metadata object (data source, simulated, training data, ...).
  virtual const nlohmann::json& metadata() const = 0;
  /// How the probabilities are computed: "engine fp32", "LibTorch", ...
  virtual std::string backend() const = 0;
  /// The model file's checksum (FNV-1a 64, 16 hex digits) when known.
  virtual std::string checksum() const { return {}; }
};

/// A model file scored by the inference engine, without LibTorch.
class EngineScorer final : public Scorer {
 public:
  /// Reads and checks a model file (magic, checksum, features, normalisation, engine tensors).
  /// Throws engine::ModelError or EngineError "<path>: <problem>"; a model without an engine
  /// section (the recurrent networks, or a file written before the engine existed) is refused
  /// with a message that says so.
  static EngineScorer load(const std::filesystem::path& path);
  /// The same from a decoded model file header.
  static EngineScorer from_header(const nlohmann::json& header, const std::string& source);

  const features::FeatureConfig& features() const override { return features_; }
  std::vector<double> score(const std::vector<std::vector<float>>& x) const override;
  double distance(const std::vector<float>& x) const override;
  double training_distance_q99() const override { return q99_; }
  std::string arch() const override { return arch_; }
  const nlohmann::json& metadata() const override { return metadata_; }
  std::string backend() const override;
  std::string checksum() const override { return checksum_; }
  const Engine& engine() const { return engine_; }
  /// This scorer with its engine replaced (a pruned or int8 engine of the same model).
  EngineScorer with_engine(Engine e) const;

 private:
  Engine engine_;
  features::FeatureConfig features_;
  std::vector<float> mean_, sd_;
  double q99_ = 0;
  std::string arch_;
  std::string checksum_;
  nlohmann::json metadata_ = nlohmann::json::object();
};

/// A model file the engine cannot score (the recurrent networks, a file without an engine
/// section): the message says so; the commands that link LibTorch can still score it.
class NeedsLibTorch : public EngineError {
 public:
  using EngineError::EngineError;
};

/// Opens a model file for scoring: reads it (read_model_file: a regular file, bounded in size,
/// magic and checksum) and builds its engine. Throws NeedsLibTorch for a well-formed model of an
/// architecture without an engine, ModelError or EngineError "<path>: <problem>" otherwise.
std::unique_ptr<Scorer> open_scorer(const std::filesystem::path& path);

}  // namespace scapredict::engine

#pragma once
// Minute classifiers (the paper's CNN and the baselines). LibTorch stays behind this header.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "engine/model_file.hpp"
#include "features/features.hpp"

namespace scapredict::model {

/// cnn1d: Conv1d(16, k8, s8) + BatchNorm + ReLU + MaxPool(2), Dense 40 (ReLU), Dense 2.
/// mlp: Dense 64, Dense 40, Dense 2. lstm/gru/rnn: the input cut into steps of 16 values
/// (docs/method.md), one recurrent layer of 32 units, Dense 2 on the last state.
enum class Arch { kCnn1d, kMlp, kLstm, kGru, kRnn };
Arch parse_arch(const std::string& s);
std::string to_string(Arch a);

/// The shape of the cnn1d network: Conv1d(filters, kernel, stride) + BatchNorm + ReLU +
/// MaxPool(pool), Dense `dense` (ReLU, dropout), Dense 2. The defaults are the paper's network;
/// `scapredict search` explores the others (docs/search.md).
struct CnnSpec {
  int filters = 16, kernel = 8, stride = 8, pool = 2, dense = 40;
  double dropout = 0;
  bool is_paper() const;
  nlohmann::json to_json() const;
  /// Throws ModelError for a value out of range or a shape that leaves nothing after pooling
  /// for `length` input values.
  void validate(std::size_t length) const;
  static CnnSpec from_json(const nlohmann::json& j);
  bool operator==(const CnnSpec&) const = default;
};

/// Training hyper-parameters (docs/method.md gives the reason for each default).
struct TrainConfig {
  int epochs = 40;
  int batch_size = 16;
  double learning_rate = 1e-3;
  double weight_decay = 1e-4;
  std::uint64_t seed = 1;
  CnnSpec cnn;  ///< the network's shape (cnn1d only); written to model files when not the paper's
  nlohmann::json to_json() const;
};

/// Feature vectors with labels (1 = SCD minute, 0 = normal minute).
struct Dataset {
  std::vector<std::vector<float>> x;
  std::vector<int> y;
};

/// Sets LibTorch's intra-op thread count for training and scoring (n >= 1); LibTorch's default
/// otherwise. Returns the count in force.
int set_threads(int n);

class Classifier {
 public:
  Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;
  ~Classifier();

  /// Fits a classifier; normalisation (per-feature mean and SD) is fitted on `data` only and kept
  /// in the model. Deterministic in config.seed. `progress(epoch, mean_loss)` after each epoch.
  static Classifier train(const Dataset& data, Arch arch, const features::FeatureConfig& features,
                          const TrainConfig& config,
                          const std::function<void(int, double)>& progress = {});

  /// Magnitude pruning with fine-tuning (cnn1d and mlp): a copy of this classifier with the
  /// `fraction` of smallest-magnitude weights of every convolution and dense layer set to zero,
  /// then trained `epochs` more epochs on `data` (the training settings of this model, shuffled
  /// with `seed`) with those weights held at zero after every step. Normalisation, distance and
  /// metadata are kept. Throws ModelError for another architecture, a fraction outside [0, 1) or
  /// a bad data set.
  Classifier pruned(const Dataset& data, double fraction, int epochs, std::uint64_t seed) const;

  /// The model file's header as save() writes it, without the checksum: the engine section
  /// included for cnn1d and mlp (what engine::EngineScorer::from_header reads).
  nlohmann::json file_header() const;

  /// P(SCD) for each feature vector (the network in evaluation mode; no state changes). Throws
  /// ModelError when a vector has the wrong length.
  std::vector<double> predict_proba(const std::vector<std::vector<float>>& x) const;

  /// Writes weights, architecture, feature config, normalisation, checksum and version
  /// (atomically).
  void save(const std::filesystem::path& path) const;
  /// Reads a model file. Not a model file, another format version, a checksum mismatch, a
  /// feature configuration that does not give the stored input length, or weights or
  /// normalisation holding NaN or infinities: a ModelError naming the file.
  static Classifier load(const std::filesystem::path& path);

  /// How unlike the training minutes a feature vector is: the mean squared z-score of its
  /// features under the training normalisation (about 1 for a typical training minute).
  double distance(const std::vector<float>& x) const;
  /// The 99th percentile of distance() over the training minutes.
  double training_distance_q99() const;

  Arch arch() const;
  const features::FeatureConfig& features() const;
  std::size_t input_length() const;
  /// Everything but the weights, as stored in the file header.
  nlohmann::json describe() const;
  /// Free-form provenance stored with the model (data source, training patients, seed).
  void set_metadata(const nlohmann::json& metadata);
  const nlohmann::json& metadata() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scapredict::model

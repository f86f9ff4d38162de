#pragma once
// The inference engine: the paper's CNN (and the MLP) as a few plain loops over arrays, no
// LibTorch (docs/engine.md). It reads the "engine" tensors a model file carries, folds the
// normalisation and BatchNorm where they fold, and scores a feature vector in fp32 or int8.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace scapredict::engine {

class EngineError : public Error {
 public:
  using Error::Error;
};

/// One dense or convolution layer's weights: fp32, or int8 with one scale per output channel.
struct EngineLayer {
  int out = 0, in = 0;  ///< weights are [out][in]
  std::vector<float> w, b;
  std::vector<std::int8_t> q;  ///< int8 weights (quantised engines)
  std::vector<float> w_scale;  ///< per output channel: w = q * w_scale
  float in_scale = 0;          ///< int8 input: x = q * in_scale (calibrated)
};

/// r[k] = sum over i < n of w[k * stride + i] * x[i], k < 8, exact in int32 (|x| <= 127 as the
/// engine quantises it, n <= 2^17): the int8 layers' kernel, vectorised where the CPU has AVX2.
/// Public for its test against the plain loop.
void int8_dot_rows8(const std::int8_t* w, std::size_t stride, const std::int16_t* x, int n,
                    std::int32_t* r);

class Engine {
 public:
  enum class Arch { kCnn1d, kMlp };
  enum class Precision { kF32, kInt8 };

  /// The engine of a decoded model file header (its "engine" object; "arch", "input_length",
  /// "normalisation"). Throws EngineError naming `source` for an architecture without an engine
  /// (the recurrent ones), a missing or malformed tensor, a shape that does not fit the input
  /// length, or a non-finite weight.
  static Engine from_header(const nlohmann::json& header, const std::string& source);
  /// Reads and checks a model file (engine::decode_model_file: magic, checksum) and builds its
  /// engine. Throws EngineError or engine::ModelError naming the file.
  static Engine load(const std::filesystem::path& model_file);

  /// P(SCD) of one feature vector of input_length() values. Throws EngineError for a wrong
  /// length or a non-finite value. Thread-safe (no state changes).
  double score(std::span<const float> features) const;

  /// This engine with int8 weights (symmetric, one scale per output channel) and int8
  /// activations whose scales are calibrated on `calibration` (the largest magnitude seen at each
  /// layer's input), for every dense layer; the CNN's convolution (128 weights) stays fp32. Throws
  /// EngineError for an empty calibration set or a wrong length.
  Engine quantised(const std::vector<std::vector<float>>& calibration) const;
  /// This engine with the `fraction` of smallest-magnitude weights of every layer set to zero
  /// (magnitude pruning, no fine-tuning). Scoring still runs the dense loops; weight_bytes()
  /// counts the non-zero weights as a sparse store would hold them.
  Engine pruned(double fraction) const;

  Arch arch() const { return arch_; }
  Precision precision() const { return precision_; }
  std::size_t input_length() const { return length_; }
  /// Bytes of the weights as this engine holds them (fp32: 4 per value, int8: 1 per value plus
  /// the scales; pruned: non-zero weights only with a 2-byte index each).
  std::size_t weight_bytes() const;
  /// Multiply-accumulates per scored vector as the engine computes them (dense loops).
  std::size_t macs() const;
  /// The fraction of weights that are zero.
  double sparsity() const;

 private:
  void transpose_conv();
  /// The logits of feature vector x (checked, then normalised) in fp32 or int8; with `peak`, each
  /// layer's largest input magnitude is raised into (*peak)[layer] (int8 calibration).
  void forward(std::span<const float> x, bool q8, float logits[2], std::vector<float>* peak) const;
  void check(std::span<const float> x) const;
  Arch arch_ = Arch::kCnn1d;
  Precision precision_ = Precision::kF32;
  bool sparse_ = false;
  std::size_t length_ = 0;
  std::vector<float> shift_, scale_;  ///< z = x * scale + shift (the model's normalisation)
  int kernel_ = 8, pooled_ = 0;       ///< CNN: conv kernel (= stride), positions after the max-pool
  std::vector<EngineLayer> layers_;   ///< CNN: conv (BatchNorm folded), fc1, fc2; MLP: 3 dense
  std::vector<float> conv_t_;         ///< CNN: the convolution's weights as [kernel][channel]
};

}  // namespace scapredict::engine

#pragma once
// The HRV classifier as a file of plain numbers, scored without the libraries that trained it:
// the standardisation of the training windows and an RBF-kernel SVM with Platt scaling
// (docs/default-model.md). The default model of predict, monitor and Python is one such file,
// trained on real SDDB and NSRDB beat annotations and compiled into the library
// (default_hrv_model).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/model_file.hpp"

namespace scapredict::engine {

/// The format name an HRV model file carries in "format".
inline constexpr std::string_view kHrvModelFormat = "scapredict-hrv-model";

class HrvModel {
 public:
  /// Parses and checks an HRV model file's text: format and version, feature names, window,
  /// standardisation (finite, sd > 0), the SVM (finite numbers, basis vectors of the feature
  /// count, at most 100000 of them), the Platt scaling and the training distance. Throws
  /// ModelError "<source>: <problem>".
  static HrvModel parse(std::string_view text, const std::string& source);
  /// parse() of a file (a regular file of at most 16 MiB).
  static HrvModel load(const std::string& path);

  /// P(the window's HRV resembles the SDDB cohort's), in [0, 1], for one window's features in
  /// the order of feature_names() (as features::hrv_window gives them). Each value is rounded to
  /// float first, as the training rows were. Requires finite values of the right count; throws
  /// ModelError otherwise.
  double probability(const std::vector<double>& features) const;
  /// Mean squared z-score of the features against the training windows (0 for the mean).
  double distance(const std::vector<double>& features) const;
  /// The 99th percentile of distance() over the training windows.
  double training_distance_q99() const { return q99_; }

  const std::vector<std::string>& feature_names() const { return names_; }
  double window_s() const { return window_s_; }
  /// What the probability means, in one sentence (the file's "meaning").
  const std::string& meaning() const { return meaning_; }
  /// The file's provenance: records, recipe, version, leave-one-patient-out result.
  const nlohmann::json& provenance() const { return provenance_; }
  /// FNV-1a 64 of the file's bytes, 16 hex digits.
  const std::string& checksum() const { return checksum_; }
  std::size_t support_vectors() const { return alpha_.size(); }

 private:
  std::vector<float> standardised(const std::vector<double>& x) const;
  std::vector<std::string> names_;
  double window_s_ = 0;
  std::vector<double> mean_, sd_;
  double gamma_ = 0, b_ = 0, platt_alpha_ = 0, platt_beta_ = 0, q99_ = 0;
  std::vector<double> alpha_;
  std::vector<double> basis_;  ///< support vectors, row after row (feature count each)
  std::string meaning_, checksum_;
  nlohmann::json provenance_;
};

/// The text of the default model compiled into the library (models/default-hrv.json).
std::string_view default_hrv_model_text();
/// The default model, parsed once.
const HrvModel& default_hrv_model();

/// FNV-1a (64 bit) of `bytes` as 16 lowercase hex digits.
std::string fnv1a64_hex(std::string_view bytes);

}  // namespace scapredict::engine

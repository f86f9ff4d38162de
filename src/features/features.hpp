#pragma once
// Model inputs computed from a 7680-sample minute (docs/method.md, "Inputs").
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace scapredict::features {

class FeatureError : public Error {
 public:
  using Error::Error;
};

enum class InputKind { kDft, kRaw, kDwt, kSpectrogram };
/// "dft", "raw", "dwt", "spectrogram"; anything else is a FeatureError.
InputKind parse_input_kind(const std::string& s);
std::string to_string(InputKind k);

struct FeatureConfig {
  InputKind input = InputKind::kDft;
  std::size_t bins = 1024;  ///< DFT bins
  int dwt_levels = 5;
  std::optional<std::pair<double, double>> band_hz;  ///< keep only DFT bins inside this band
  nlohmann::json to_json() const;
  /// Throws FeatureError when `j` is not a feature configuration.
  static FeatureConfig from_json(const nlohmann::json& j);
};

/// Length of the feature vector `config` gives for one minute.
std::size_t input_length(const FeatureConfig& config);

/// The feature vector of one minute (NaN-free minute required).
std::vector<float> extract_features(const FeatureConfig& config, const std::vector<double>& minute);

}  // namespace scapredict::features

#pragma once
// What the tabular classifiers share (tabular.cpp, tabular_xgb.cpp): the fixed hyper-parameters,
// the input checks and the standardisation every model applies before it scores. Internal to
// model/.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/model_file.hpp"
#include "model/tabular.hpp"

namespace scapredict::model::tabular_detail {

// The fixed hyper-parameters (docs/classifiers.md gives the reason for each).
constexpr double kLogisticL2 = 1e-3;
constexpr int kLogisticMaxIter = 1000;
constexpr int kLogisticHistory = 20;
constexpr double kLogisticTolGrad = 1e-9;
constexpr double kLogisticTolChange = 1e-12;

constexpr double kMlpLearningRate = 1e-3;
constexpr double kMlpWeightDecay = 1e-4;
constexpr std::size_t kMlpBatch = 16;
constexpr int kMlpEpochs = 100;

constexpr double kSvmC = 1.0;
constexpr double kSvmEpsilon = 1e-3;
constexpr long kSvmPlattFolds = 3;

constexpr std::size_t kKnnK = 5;

constexpr int kTreeDepth = 4;
constexpr std::size_t kForestTrees = 100;
constexpr std::size_t kForestMinLeaf = 1;

constexpr int kBoostRounds = 100;
constexpr double kBoostEta = 0.1;
constexpr int kBoostDepth = 3;
constexpr double kBoostSubsample = 0.8;

using Rows = std::vector<std::vector<double>>;

// ---- input checks and standardisation ----------------------------------------------------

inline void check_row(const std::vector<float>& row, std::size_t length, std::size_t index,
                      const char* what) {
  if (row.size() != length) {
    throw engine::ModelError(std::string(what) + ": row " + std::to_string(index) + " has " +
                             std::to_string(row.size()) + " values, expected " +
                             std::to_string(length));
  }
  for (float v : row) {
    if (!std::isfinite(v)) {
      throw engine::ModelError(std::string(what) + ": row " + std::to_string(index) +
                               " holds a non-finite value");
    }
  }
}

// Returns the number of features.
inline std::size_t check_dataset(const Dataset& data) {
  const char* what = "tabular training data";
  if (data.x.empty()) throw engine::ModelError(std::string(what) + ": no rows");
  if (data.x.size() != data.y.size()) {
    throw engine::ModelError(std::string(what) + ": " + std::to_string(data.x.size()) +
                             " rows but " + std::to_string(data.y.size()) + " labels");
  }
  const std::size_t length = data.x.front().size();
  if (length == 0) throw engine::ModelError(std::string(what) + ": rows have no features");
  bool has[2] = {false, false};
  for (std::size_t i = 0; i < data.x.size(); ++i) {
    check_row(data.x[i], length, i, what);
    if (data.y[i] != 0 && data.y[i] != 1) {
      throw engine::ModelError(std::string(what) + ": label " + std::to_string(data.y[i]) +
                               " of row " + std::to_string(i) + " is not 0 or 1");
    }
    has[data.y[i]] = true;
  }
  if (!has[0] || !has[1]) {
    throw engine::ModelError(std::string(what) + ": only one class present (need labels 0 and 1)");
  }
  return length;
}

// Per-feature mean and SD (divisor n) of the training rows; an SD of (numerically) zero is 1.
struct Standardiser {
  std::vector<double> mean, sd;

  static Standardiser fit(const std::vector<std::vector<float>>& x) {
    const std::size_t p = x.front().size();
    const double n = static_cast<double>(x.size());
    Standardiser s{std::vector<double>(p, 0.0), std::vector<double>(p, 0.0)};
    for (const auto& row : x)
      for (std::size_t j = 0; j < p; ++j) s.mean[j] += row[j];
    for (auto& m : s.mean) m /= n;
    for (const auto& row : x)
      for (std::size_t j = 0; j < p; ++j) s.sd[j] += (row[j] - s.mean[j]) * (row[j] - s.mean[j]);
    for (std::size_t j = 0; j < p; ++j) {
      s.sd[j] = std::sqrt(s.sd[j] / n);
      if (!(s.sd[j] > 1e-12 * (1.0 + std::abs(s.mean[j])))) s.sd[j] = 1.0;
    }
    return s;
  }

  Rows apply(const std::vector<std::vector<float>>& x) const {
    Rows z(x.size(), std::vector<double>(mean.size()));
    for (std::size_t i = 0; i < x.size(); ++i)
      for (std::size_t j = 0; j < mean.size(); ++j) z[i][j] = (x[i][j] - mean[j]) / sd[j];
    return z;
  }
};

// A classifier on standardised features: checks rows, standardises, scores.
class Standardised : public TabularModel {
 public:
  std::vector<double> predict_proba(const std::vector<std::vector<float>>& x) const final {
    for (std::size_t i = 0; i < x.size(); ++i) check_row(x[i], input_length(), i, "tabular input");
    if (x.empty()) return {};
    std::vector<double> p = score(scaler_.apply(x));
    for (auto& v : p) {
      if (!std::isfinite(v)) throw engine::ModelError("tabular model: non-finite probability");
      v = std::clamp(v, 0.0, 1.0);
    }
    return p;
  }
  std::size_t input_length() const final { return scaler_.mean.size(); }
  nlohmann::json export_weights() const final {
    auto f = export_function();
    if (f.is_null()) return nullptr;
    return {{"standardisation", {{"mean", scaler_.mean}, {"sd", scaler_.sd}}}, {f.at(0), f.at(1)}};
  }

 protected:
  explicit Standardised(Standardiser scaler) : scaler_(std::move(scaler)) {}
  /// P(SCD) for standardised rows (at least one).
  virtual std::vector<double> score(const Rows& z) const = 0;
  /// [name, object] of the fitted function on standardised rows, or null (export_weights).
  virtual nlohmann::json export_function() const { return nullptr; }

 private:
  Standardiser scaler_;
};

inline std::vector<float> flatten(const Rows& z) {
  std::vector<float> flat;
  flat.reserve(z.size() * z.front().size());
  for (const auto& row : z)
    for (double v : row) flat.push_back(static_cast<float>(v));
  return flat;
}

/// XGBoost's tree (kTree) or gradient boosting (kBoost) on standardised rows (tabular_xgb.cpp).
std::unique_ptr<TabularModel> fit_xgboost(TabularKind kind, const Dataset& data, Standardiser s,
                                          std::uint64_t seed);
/// The XGBoost parameters of `kind` as docs/classifiers.md lists them.
nlohmann::json xgb_json(TabularKind kind);

}  // namespace scapredict::model::tabular_detail

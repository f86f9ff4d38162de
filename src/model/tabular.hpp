#pragma once
// The literature's classifiers for small tabular feature vectors (HRV features of a window),
// each with hyper-parameters fixed in advance (docs/classifiers.md gives the reason for each).
// LibTorch, dlib and XGBoost stay behind this header.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/model_file.hpp"
#include "model/classifier.hpp"

namespace scapredict::model {

/// logistic: L2-penalised logistic regression (LibTorch, L-BFGS). mlp: the paper's MLP baseline,
/// Dense 64, Dense 40, Dense 2 (LibTorch, Adam). svm: RBF C-SVM with Platt scaling (dlib).
/// knn: 5 nearest neighbours (plain code). tree: one CART-style tree (XGBoost). forest: random
/// forest of 100 trees (dlib). boost: gradient-boosted trees (XGBoost).
enum class TabularKind { kLogistic, kMlp, kSvm, kKnn, kTree, kForest, kBoost };

/// Every kind, in the order of the enum.
const std::vector<TabularKind>& all_tabular_kinds();
/// "logistic", "mlp", "svm", "knn", "tree", "forest", "boost".
std::string to_string(TabularKind k);
/// The inverse of to_string. Throws ModelError for any other string.
TabularKind parse_tabular_kind(const std::string& s);
/// The library that fits the kind: "LibTorch", "dlib", "XGBoost" ("plain C++" for kNN,
/// which no library provides).
std::string library_of(TabularKind k);
/// The fixed hyper-parameters of a kind, as fit_tabular uses them (including the
/// standardisation and how the seed is used).
nlohmann::json hyper_parameters(TabularKind k);

/// A fitted classifier. The features are standardised with the mean and SD of its training data
/// (an SD of zero counts as 1) before the classifier sees them.
class TabularModel {
 public:
  virtual ~TabularModel() = default;
  /// Requires: every row has as many values as the training rows, all finite.
  /// Ensures: one P(SCD) in [0, 1] per row, in order; the model does not change.
  /// Throws ModelError for a row of the wrong length or a non-finite value.
  virtual std::vector<double> predict_proba(const std::vector<std::vector<float>>& x) const = 0;
  /// Number of features per row.
  virtual std::size_t input_length() const = 0;
  /// The fitted model as plain numbers, for a scorer without the training libraries
  /// (engine/hrv_model.hpp): {"standardisation": {"mean", "sd"}, "svm": {"gamma", "b", "alpha",
  /// "basis", "platt_alpha", "platt_beta"}}, every double as JSON writes it back exactly. Null for
  /// the kinds that have no such export (all but the SVM).
  virtual nlohmann::json export_weights() const { return nullptr; }
};

/// Fits a classifier of `kind` on `data` (y: 1 = SCD, 0 = normal) with the hyper-parameters of
/// hyper_parameters(kind). Deterministic for a given seed. Fits run one at a time (not
/// thread-safe); LibTorch's random generator, its thread count and XGBoost's global
/// configuration are as before on return. Prints nothing.
/// Throws ModelError when data is empty, x and y differ in size, rows differ in length or are
/// empty, a value is non-finite, a label is not 0 or 1, or only one class is present.
std::unique_ptr<TabularModel> fit_tabular(TabularKind kind, const Dataset& data,
                                          std::uint64_t seed);

}  // namespace scapredict::model

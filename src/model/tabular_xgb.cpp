#include <xgboost/c_api.h>

#include <limits>
#include <sstream>

#include "model/tabular_detail.hpp"

namespace scapredict::model::tabular_detail {

namespace {

// ---- XGBoost: the tree and gradient boosting ----------------------------------------------

void xgb_check(int rc) {
  if (rc != 0) throw engine::ModelError(std::string("XGBoost: ") + XGBGetLastError());
}

// Silences XGBoost (verbosity 0) and puts its previous global configuration back on destruction.
class XgbQuietScope {
 public:
  XgbQuietScope() {
    const char* config = nullptr;
    xgb_check(XGBGetGlobalConfig(&config));
    saved_ = config;
    xgb_check(XGBSetGlobalConfig(R"({"verbosity": 0})"));
  }
  ~XgbQuietScope() { XGBSetGlobalConfig(saved_.c_str()); }
  XgbQuietScope(const XgbQuietScope&) = delete;
  XgbQuietScope& operator=(const XgbQuietScope&) = delete;

 private:
  std::string saved_;
};

struct DMatrixFree {
  void operator()(void* h) const { XGDMatrixFree(h); }
};
struct BoosterFree {
  void operator()(void* h) const { XGBoosterFree(h); }
};
using DMatrix = std::unique_ptr<void, DMatrixFree>;
using Booster = std::unique_ptr<void, BoosterFree>;

DMatrix make_dmatrix(const Rows& z) {
  const std::vector<float> flat = flatten(z);
  DMatrixHandle h = nullptr;
  xgb_check(XGDMatrixCreateFromMat(flat.data(), z.size(), z.front().size(),
                                   std::numeric_limits<float>::quiet_NaN(), &h));
  return DMatrix(h);
}

using XgbParams = std::vector<std::pair<std::string, std::string>>;

std::string number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// The parameters of the tree (one CART-like regression tree on 0/1 labels: a leaf is the share
// of SCD rows in it) and of gradient boosting.
XgbParams xgb_params(TabularKind kind, std::uint64_t seed) {
  XgbParams p = {{"nthread", "1"},
                 {"seed", std::to_string(seed % 2147483647u)},
                 {"tree_method", "exact"},
                 {"base_score", "0.5"},
                 {"min_child_weight", "1"}};
  if (kind == TabularKind::kTree) {
    p.insert(p.end(), {{"objective", "reg:squarederror"},
                       {"eta", "1"},
                       {"lambda", "0"},
                       {"max_depth", std::to_string(kTreeDepth)}});
  } else {
    p.insert(p.end(), {{"objective", "binary:logistic"},
                       {"eta", number(kBoostEta)},
                       {"lambda", "1"},
                       {"max_depth", std::to_string(kBoostDepth)},
                       {"subsample", number(kBoostSubsample)}});
  }
  return p;
}

class XgbModel final : public Standardised {
 public:
  XgbModel(Standardiser s, Booster booster)
      : Standardised(std::move(s)), booster_(std::move(booster)) {}

 private:
  std::vector<double> score(const Rows& z) const override {
    XgbQuietScope quiet;
    const DMatrix m = make_dmatrix(z);
    bst_ulong length = 0;
    const float* out = nullptr;
    xgb_check(XGBoosterPredict(booster_.get(), m.get(), 0, 0, 0, &length, &out));
    if (length != z.size()) throw engine::ModelError("XGBoost: unexpected prediction length");
    return {out, out + length};
  }
  Booster booster_;
};

}  // namespace

std::unique_ptr<TabularModel> fit_xgboost(TabularKind kind, const Dataset& data, Standardiser s,
                                          std::uint64_t seed) {
  XgbQuietScope quiet;
  const DMatrix train = make_dmatrix(s.apply(data.x));
  const std::vector<float> labels(data.y.begin(), data.y.end());
  xgb_check(XGDMatrixSetFloatInfo(train.get(), "label", labels.data(), labels.size()));
  BoosterHandle h = nullptr;
  DMatrixHandle cache[] = {train.get()};
  xgb_check(XGBoosterCreate(cache, 1, &h));
  Booster booster(h);
  for (const auto& [key, value] : xgb_params(kind, seed))
    xgb_check(XGBoosterSetParam(h, key.c_str(), value.c_str()));
  const int rounds = kind == TabularKind::kTree ? 1 : kBoostRounds;
  for (int r = 0; r < rounds; ++r) xgb_check(XGBoosterUpdateOneIter(h, r, train.get()));
  return std::make_unique<XgbModel>(std::move(s), std::move(booster));
}

nlohmann::json xgb_json(TabularKind kind) {
  nlohmann::json j = {{"rounds", kind == TabularKind::kTree ? 1 : kBoostRounds}};
  for (const auto& [key, value] : xgb_params(kind, 0)) {
    if (key != "seed")
      j[key] = nlohmann::json::accept(value) ? nlohmann::json::parse(value) : nlohmann::json(value);
  }
  j["seed"] = "XGBoost's seed parameter = seed mod 2147483647";
  return j;
}

}  // namespace scapredict::model::tabular_detail

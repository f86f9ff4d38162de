#include "model/tabular.hpp"

#include <dlib/random_forest.h>
#include <dlib/svm.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include "model/networks.hpp"
#include "model/tabular_detail.hpp"

namespace scapredict::model {

using namespace tabular_detail;

namespace {

// ---- LibTorch: logistic regression and the MLP --------------------------------------------

torch::Tensor to_tensor(const Rows& z, torch::Dtype dtype) {
  std::vector<double> flat;
  flat.reserve(z.size() * z.front().size());
  for (const auto& row : z) flat.insert(flat.end(), row.begin(), row.end());
  const auto rows = static_cast<int64_t>(z.size());
  const auto cols = static_cast<int64_t>(z.front().size());
  return torch::from_blob(flat.data(), {rows, cols}, torch::kFloat64).to(dtype).clone();
}

// Seeds LibTorch's default CPU generator and puts its previous state back on destruction.
class TorchSeedScope {
 public:
  explicit TorchSeedScope(std::uint64_t seed) : gen_(at::detail::getDefaultCPUGenerator()) {
    {
      std::lock_guard<std::mutex> lock(gen_.mutex());
      saved_ = gen_.get_state();
    }
    torch::manual_seed(seed);
  }
  ~TorchSeedScope() {
    std::lock_guard<std::mutex> lock(gen_.mutex());
    gen_.set_state(saved_);
  }
  TorchSeedScope(const TorchSeedScope&) = delete;
  TorchSeedScope& operator=(const TorchSeedScope&) = delete;

 private:
  at::Generator gen_;
  torch::Tensor saved_;
};

class LogisticModel final : public Standardised {
 public:
  LogisticModel(Standardiser s, std::vector<double> w, double b)
      : Standardised(std::move(s)), w_(std::move(w)), b_(b) {}

 private:
  std::vector<double> score(const Rows& z) const override {
    std::vector<double> p;
    p.reserve(z.size());
    for (const auto& row : z) {
      double logit = b_;
      for (std::size_t j = 0; j < w_.size(); ++j) logit += w_[j] * row[j];
      p.push_back(1.0 / (1.0 + std::exp(-logit)));
    }
    return p;
  }
  std::vector<double> w_;
  double b_;
};

// Mean log-loss + (lambda / 2) |w|^2 (the bias not penalised), minimised by L-BFGS from zero.
std::unique_ptr<TabularModel> fit_logistic(const Dataset& data, Standardiser s) {
  const Rows z = s.apply(data.x);
  const auto X = to_tensor(z, torch::kFloat64);
  auto Y = torch::empty({X.size(0)}, torch::kFloat64);
  for (std::size_t i = 0; i < data.y.size(); ++i) Y[static_cast<int64_t>(i)] = data.y[i];
  auto w = torch::zeros({X.size(1)}, torch::kFloat64).requires_grad_(true);
  auto b = torch::zeros({1}, torch::kFloat64).requires_grad_(true);
  torch::optim::LBFGS opt({w, b}, torch::optim::LBFGSOptions(1.0)
                                      .max_iter(kLogisticMaxIter)
                                      .max_eval(kLogisticMaxIter * 2)
                                      .history_size(kLogisticHistory)
                                      .tolerance_grad(kLogisticTolGrad)
                                      .tolerance_change(kLogisticTolChange)
                                      .line_search_fn("strong_wolfe"));
  auto closure = [&] {
    opt.zero_grad();
    auto loss = torch::binary_cross_entropy_with_logits(X.matmul(w) + b, Y) +
                0.5 * kLogisticL2 * w.pow(2).sum();
    loss.backward();
    return loss;
  };
  opt.step(closure);
  auto wc = w.detach().contiguous();
  std::vector<double> weights(wc.data_ptr<double>(), wc.data_ptr<double>() + wc.numel());
  return std::make_unique<LogisticModel>(std::move(s), std::move(weights), b.item<double>());
}

class MlpModel final : public Standardised {
 public:
  MlpModel(Standardiser s, Mlp net) : Standardised(std::move(s)), net_(std::move(net)) {}

 private:
  std::vector<double> score(const Rows& z) const override {
    torch::NoGradGuard no_grad;
    auto p = torch::softmax(net_.ptr()->forward(to_tensor(z, torch::kFloat32)), 1)
                 .select(1, 1)
                 .to(torch::kFloat64)
                 .contiguous();
    return {p.data_ptr<double>(), p.data_ptr<double>() + p.numel()};
  }
  Mlp net_;
};

// The paper's MLP (model/networks.hpp), Adam on cross-entropy in shuffled mini-batches.
std::unique_ptr<TabularModel> fit_mlp(const Dataset& data, Standardiser s, std::uint64_t seed) {
  const auto X = to_tensor(s.apply(data.x), torch::kFloat32);
  auto Y = torch::empty({X.size(0)}, torch::kLong);
  for (std::size_t i = 0; i < data.y.size(); ++i) Y[static_cast<int64_t>(i)] = data.y[i];
  TorchSeedScope seed_scope(seed);
  Mlp net(X.size(1));
  net->train();
  torch::optim::Adam opt(net->parameters(),
                         torch::optim::AdamOptions(kMlpLearningRate).weight_decay(kMlpWeightDecay));
  std::mt19937_64 rng(seed);
  std::vector<int64_t> order(data.y.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  for (int epoch = 0; epoch < kMlpEpochs; ++epoch) {
    for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);
    for (std::size_t b = 0; b < order.size(); b += kMlpBatch) {
      const std::size_t e = std::min(order.size(), b + kMlpBatch);
      const auto idx =
          torch::from_blob(order.data() + b, {static_cast<int64_t>(e - b)}, torch::kLong).clone();
      opt.zero_grad();
      auto loss = torch::nn::functional::cross_entropy(net->forward(X.index_select(0, idx)),
                                                       Y.index_select(0, idx));
      loss.backward();
      opt.step();
    }
  }
  net->eval();
  return std::make_unique<MlpModel>(std::move(s), std::move(net));
}

// ---- dlib: the SVM and the random forest --------------------------------------------------

using DlibSample = dlib::matrix<double, 0, 1>;
using RbfKernel = dlib::radial_basis_kernel<DlibSample>;
using SvmFunction = dlib::probabilistic_function<dlib::decision_function<RbfKernel>>;
using ForestFunction = dlib::random_forest_regression_function<dlib::dense_feature_extractor>;

std::vector<DlibSample> to_dlib(const Rows& z) {
  std::vector<DlibSample> out(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) {
    out[i].set_size(static_cast<long>(z[i].size()));
    for (std::size_t j = 0; j < z[i].size(); ++j) out[i](static_cast<long>(j)) = z[i][j];
  }
  return out;
}

// Any dlib function of a sample that returns P(SCD) or a value in [0, 1].
template <typename Function>
class DlibModel final : public Standardised {
 public:
  DlibModel(Standardiser s, Function f) : Standardised(std::move(s)), f_(std::move(f)) {}

 private:
  nlohmann::json export_function() const override {
    if constexpr (std::is_same_v<Function, SvmFunction>) {
      const auto& d = f_.decision_funct;
      nlohmann::json alpha = nlohmann::json::array(), basis = nlohmann::json::array();
      for (long i = 0; i < d.alpha.size(); ++i) {
        alpha.push_back(d.alpha(i));
        std::vector<double> v(d.basis_vectors(i).begin(), d.basis_vectors(i).end());
        basis.push_back(v);
      }
      return {"svm",
              {{"kernel", "rbf: exp(-gamma |x - basis_i|^2)"},
               {"decision", "f(x) = sum_i alpha_i k(x, basis_i) - b"},
               {"probability", "1 / (1 + exp(platt_alpha f(x) + platt_beta))"},
               {"gamma", d.kernel_function.gamma},
               {"b", d.b},
               {"alpha", alpha},
               {"basis", basis},
               {"platt_alpha", f_.alpha},
               {"platt_beta", f_.beta}}};
    } else {
      return nullptr;
    }
  }

  std::vector<double> score(const Rows& z) const override {
    std::vector<double> p;
    p.reserve(z.size());
    for (const auto& sample : to_dlib(z)) p.push_back(f_(sample));
    return p;
  }
  Function f_;
};

// C-SVM with an RBF kernel; Platt scaling on decision values of dlib's stratified folds (fewer
// folds when a class has fewer than three rows; in-sample values when it has one).
std::unique_ptr<TabularModel> fit_svm(const Dataset& data, Standardiser s) {
  const auto samples = to_dlib(s.apply(data.x));
  std::vector<double> labels(data.y.size());
  long positives = 0;
  for (std::size_t i = 0; i < data.y.size(); ++i) {
    labels[i] = data.y[i] == 1 ? 1.0 : -1.0;
    positives += data.y[i];
  }
  const long smaller = std::min(positives, static_cast<long>(labels.size()) - positives);
  dlib::svm_c_trainer<RbfKernel> trainer;
  trainer.set_kernel(RbfKernel(1.0 / static_cast<double>(s.mean.size())));
  trainer.set_c(kSvmC);
  trainer.set_epsilon(kSvmEpsilon);
  if (smaller >= 2) {
    const long folds = std::min(kSvmPlattFolds, smaller);
    auto f = dlib::train_probabilistic_decision_function(trainer, samples, labels, folds);
    return std::make_unique<DlibModel<SvmFunction>>(std::move(s), std::move(f));
  }
  auto decision = trainer.train(samples, labels);
  std::vector<double> values;
  for (const auto& x : samples) values.push_back(decision(x));
  const auto [a, b] = dlib::learn_platt_scaling(values, labels);
  return std::make_unique<DlibModel<SvmFunction>>(std::move(s), SvmFunction(a, b, decision));
}

// Breiman's random forest as dlib's regression forest on 0/1 labels: a tree's leaf is the share
// of SCD rows in it, the forest's output the mean over trees.
std::unique_ptr<TabularModel> fit_forest(const Dataset& data, Standardiser s, std::uint64_t seed) {
  const auto samples = to_dlib(s.apply(data.x));
  const std::vector<double> labels(data.y.begin(), data.y.end());
  const double p = static_cast<double>(s.mean.size());
  dlib::random_forest_regression_trainer<dlib::dense_feature_extractor> trainer;
  trainer.set_num_trees(kForestTrees);
  trainer.set_min_samples_per_leaf(kForestMinLeaf);
  trainer.set_feature_subsampling_fraction(std::sqrt(p) / p);
  // dlib seeds tree i with seed + to_string(i); the colon keeps seeds 1 and 11 apart.
  trainer.set_seed(std::to_string(seed) + ":");
  trainer.be_quiet();
  auto f = trainer.train(samples, labels);
  return std::make_unique<DlibModel<ForestFunction>>(std::move(s), std::move(f));
}

// ---- plain code: k nearest neighbours -----------------------------------------------------

class KnnModel final : public Standardised {
 public:
  KnnModel(Standardiser s, Rows train, std::vector<int> y)
      : Standardised(std::move(s)), train_(std::move(train)), y_(std::move(y)) {}

 private:
  std::vector<double> score(const Rows& z) const override {
    const std::size_t k = std::min(kKnnK, train_.size());
    std::vector<std::pair<double, std::size_t>> d(train_.size());
    std::vector<double> p;
    p.reserve(z.size());
    for (const auto& q : z) {
      for (std::size_t i = 0; i < train_.size(); ++i) {
        double s2 = 0;
        for (std::size_t j = 0; j < q.size(); ++j)
          s2 += (q[j] - train_[i][j]) * (q[j] - train_[i][j]);
        d[i] = {s2, i};  // ties go to the earlier training row
      }
      std::partial_sort(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k), d.end());
      int scd = 0;
      for (std::size_t i = 0; i < k; ++i) scd += y_[d[i].second];
      p.push_back(static_cast<double>(scd) / static_cast<double>(k));
    }
    return p;
  }
  Rows train_;
  std::vector<int> y_;
};

}  // namespace

const std::vector<TabularKind>& all_tabular_kinds() {
  static const std::vector<TabularKind> kinds = {
      TabularKind::kLogistic, TabularKind::kMlp,    TabularKind::kSvm,  TabularKind::kKnn,
      TabularKind::kTree,     TabularKind::kForest, TabularKind::kBoost};
  return kinds;
}

std::string to_string(TabularKind k) {
  switch (k) {
    case TabularKind::kLogistic:
      return "logistic";
    case TabularKind::kMlp:
      return "mlp";
    case TabularKind::kSvm:
      return "svm";
    case TabularKind::kKnn:
      return "knn";
    case TabularKind::kTree:
      return "tree";
    case TabularKind::kForest:
      return "forest";
    case TabularKind::kBoost:
      return "boost";
  }
  return "?";
}

TabularKind parse_tabular_kind(const std::string& s) {
  for (TabularKind k : all_tabular_kinds())
    if (to_string(k) == s) return k;
  throw engine::ModelError("unknown tabular classifier '" + s +
                           "' (logistic, mlp, svm, knn, tree, forest, boost)");
}

std::string library_of(TabularKind k) {
  switch (k) {
    case TabularKind::kLogistic:
    case TabularKind::kMlp:
      return "LibTorch";
    case TabularKind::kSvm:
    case TabularKind::kForest:
      return "dlib";
    case TabularKind::kKnn:
      return "plain C++";
    case TabularKind::kTree:
    case TabularKind::kBoost:
      return "XGBoost";
  }
  return "?";
}

nlohmann::json hyper_parameters(TabularKind k) {
  nlohmann::json j;
  switch (k) {
    case TabularKind::kLogistic:
      j = {{"penalty", "mean log-loss + lambda/2 |w|^2 (bias not penalised)"},
           {"lambda", kLogisticL2},
           {"optimiser", "L-BFGS, strong Wolfe line search, full batch, float64, from w = b = 0"},
           {"max_iterations", kLogisticMaxIter},
           {"max_evaluations", kLogisticMaxIter * 2},
           {"history_size", kLogisticHistory},
           {"tolerance_grad", kLogisticTolGrad},
           {"tolerance_change", kLogisticTolChange},
           {"seed", "unused (convex problem from a fixed start)"}};
      break;
    case TabularKind::kMlp:
      j = {{"layers", "Dense 64 ReLU, Dense 40 ReLU, Dense 2 (softmax)"},
           {"loss", "cross-entropy"},
           {"optimiser", "Adam"},
           {"learning_rate", kMlpLearningRate},
           {"betas", {0.9, 0.999}},
           {"eps", 1e-8},
           {"weight_decay", kMlpWeightDecay},
           {"batch_size", kMlpBatch},
           {"epochs", kMlpEpochs},
           {"init", "LibTorch's default Linear init after torch::manual_seed(seed)"},
           {"shuffle", "every epoch, Fisher-Yates with std::mt19937_64(seed)"}};
      break;
    case TabularKind::kSvm:
      j = {{"trainer", "svm_c_trainer"},
           {"kernel", "radial_basis_kernel"},
           {"gamma", "1 / n_features"},
           {"C", kSvmC},
           {"epsilon", kSvmEpsilon},
           {"probability", "Platt scaling, train_probabilistic_decision_function"},
           {"platt_folds", kSvmPlattFolds},
           {"seed", "unused (dlib's folds are stratified and follow the row order)"}};
      break;
    case TabularKind::kKnn:
      j = {{"k", kKnnK},
           {"distance", "Euclidean on standardised features"},
           {"probability", "share of SCD among the k nearest training rows"},
           {"ties", "the earlier training row first"},
           {"seed", "unused"}};
      break;
    case TabularKind::kTree:
    case TabularKind::kBoost:
      j = xgb_json(k);
      break;
    case TabularKind::kForest:
      j = {{"trainer", "random_forest_regression_trainer on labels 0/1"},
           {"trees", kForestTrees},
           {"min_samples_per_leaf", kForestMinLeaf},
           {"feature_subsampling_fraction", "sqrt(n_features) / n_features"},
           {"bootstrap", "n rows drawn with replacement per tree"},
           {"seed", "dlib seed string: to_string(seed) + \":\""}};
      break;
  }
  j["library"] = library_of(k);
  j["standardisation"] = "training mean and SD (divisor n) per feature; SD 0 counts as 1";
  return j;
}

std::unique_ptr<TabularModel> fit_tabular(TabularKind kind, const Dataset& data,
                                          std::uint64_t seed) {
  check_dataset(data);
  Standardiser s = Standardiser::fit(data.x);
  switch (kind) {
    case TabularKind::kLogistic:
      return fit_logistic(data, std::move(s));
    case TabularKind::kMlp:
      return fit_mlp(data, std::move(s), seed);
    case TabularKind::kSvm:
      return fit_svm(data, std::move(s));
    case TabularKind::kKnn: {
      Rows z = s.apply(data.x);
      return std::make_unique<KnnModel>(std::move(s), std::move(z), data.y);
    }
    case TabularKind::kTree:
    case TabularKind::kBoost:
      return fit_xgboost(kind, data, std::move(s), seed);
    case TabularKind::kForest:
      return fit_forest(data, std::move(s), seed);
  }
  throw engine::ModelError("unknown tabular classifier");
}

}  // namespace scapredict::model

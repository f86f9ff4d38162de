#include "eval/probes/two_group.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "dsp/resample.hpp"
#include "features/features.hpp"
#include "model/classifier.hpp"

namespace scapredict::eval {

namespace {

// Splits each group's patients into a training half and a test half, feature by feature.
struct Split {
  model::Dataset train;
  std::vector<std::vector<float>> test_x;
  std::vector<int> test_y;
  void add(const std::vector<PatientMinutes>& group, const std::vector<int>& order, int label,
           const features::FeatureConfig& f) {
    for (std::size_t k = 0; k < order.size(); ++k) {
      const bool is_train = k < order.size() / 2;
      for (const auto& m : group[static_cast<std::size_t>(order[k])]) {
        auto x = features::extract_features(f, m);
        if (is_train) {
          train.x.push_back(std::move(x));
          train.y.push_back(label);
        } else {
          test_x.push_back(std::move(x));
          test_y.push_back(label);
        }
      }
    }
  }
};

std::vector<int> indices(std::size_t n) {
  std::vector<int> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

}  // namespace

TwoGroupResult two_group_probe(const std::vector<PatientMinutes>& a,
                               const std::vector<PatientMinutes>& b, const RunConfig& run,
                               bool paired, const features::FeatureConfig& f) {
  TwoGroupResult r;
  r.patients_a = static_cast<int>(a.size());
  r.patients_b = static_cast<int>(b.size());
  std::vector<double> accs, aucs, majority;
  std::mt19937_64 rng(derive_seed(run.seed, SeedUse::kSplits));
  for (int rep = 0; rep < run.repetitions; ++rep) {
    std::vector<int> ia = indices(a.size()), ib = indices(b.size());
    std::shuffle(ia.begin(), ia.end(), rng);
    if (paired)
      ib = ia;  // both versions of a patient stay on the same side
    else
      std::shuffle(ib.begin(), ib.end(), rng);
    Split split;
    split.add(a, ia, 1, f);
    split.add(b, ib, 0, f);
    model::TrainConfig tc;
    tc.epochs = run.epochs;
    tc.seed = derive_seed(run.seed, SeedUse::kTraining, static_cast<std::uint64_t>(rep));
    const auto clf = model::Classifier::train(split.train, model::Arch::kCnn1d, f, tc);
    const auto p = clf.predict_proba(split.test_x);
    stats::Confusion c;
    for (std::size_t i = 0; i < p.size(); ++i) c.add(split.test_y[i] == 1, p[i] >= 0.5);
    accs.push_back(c.accuracy());
    const auto pos = std::count(split.test_y.begin(), split.test_y.end(), 1);
    const auto n = static_cast<double>(split.test_y.size());
    majority.push_back(
        static_cast<double>(std::max<std::ptrdiff_t>(pos, split.test_y.size() - pos)) / n);
    aucs.push_back(stats::auroc(p, split.test_y));
    r.minutes = static_cast<int>(split.train.x.size() + split.test_x.size());
  }
  r.accuracy = stats::mean_ci95(accs);
  r.auroc = stats::mean_ci95(aucs);
  r.majority = stats::mean_ci95(majority);
  return r;
}

std::vector<double> sddb_like_chain(const std::vector<double>& x) {
  const std::size_t pad = 128;
  std::vector<double> padded;
  for (std::size_t i = pad; i > 0; --i) padded.push_back(x[i]);
  padded.insert(padded.end(), x.begin(), x.end());
  for (std::size_t i = 0; i < pad; ++i) padded.push_back(x[x.size() - 2 - i]);
  auto up = dsp::resample(padded, 128, 250);
  for (auto& v : up) v = std::clamp(std::round(v * 800.0), -2047.0, 2047.0) / 800.0;
  auto down = dsp::resample(up, 250, 128);
  return {down.begin() + pad, down.begin() + static_cast<long>(pad + x.size())};
}

}  // namespace scapredict::eval

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>
#include <string>

#include "model/tabular.hpp"

using namespace scapredict;
using model::TabularKind;

namespace {

// Two Gaussian blobs in 16 dimensions: class 1 is shifted by `shift` SDs in the first three
// features (Mahalanobis distance sqrt(3) shift). shift = 0 gives labels that are pure noise.
model::Dataset blobs(std::size_t n, double shift, unsigned seed) {
  const std::size_t features = 16;
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 1);
  std::bernoulli_distribution coin(0.5);
  model::Dataset d;
  for (std::size_t i = 0; i < n; ++i) {
    const int y = coin(rng) ? 1 : 0;
    std::vector<float> x(features);
    for (std::size_t k = 0; k < features; ++k)
      x[k] = static_cast<float>(noise(rng) + (y == 1 && k < 3 ? shift : 0.0));
    d.x.push_back(std::move(x));
    d.y.push_back(y);
  }
  return d;
}

double accuracy(const std::vector<double>& p, const std::vector<int>& y) {
  int ok = 0;
  for (std::size_t i = 0; i < p.size(); ++i) ok += (p[i] >= 0.5) == (y[i] == 1);
  return static_cast<double>(ok) / static_cast<double>(p.size());
}

// The probability that a random SCD row scores above a random normal one (ties count half).
double auroc(const std::vector<double>& p, const std::vector<int>& y) {
  double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (y[i] != 1) continue;
    for (std::size_t j = 0; j < p.size(); ++j) {
      if (y[j] != 0) continue;
      wins += p[i] > p[j] ? 1.0 : (p[i] == p[j] ? 0.5 : 0.0);
      pairs += 1;
    }
  }
  return wins / pairs;
}

void expect_probabilities(const std::vector<double>& p, std::size_t n) {
  ASSERT_EQ(p.size(), n);
  for (double v : p) {
    EXPECT_TRUE(std::isfinite(v));
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.0);
  }
}

class TabularKindTest : public ::testing::TestWithParam<TabularKind> {};

std::string kind_name(const ::testing::TestParamInfo<TabularKind>& info) {
  return model::to_string(info.param);
}

}  // namespace

TEST_P(TabularKindTest, SeparatesWellSeparatedBlobs) {
  // Bayes accuracy 0.9997; one feature alone gives 0.977.
  const auto train = blobs(200, 4.0, 1);
  const auto test = blobs(400, 4.0, 2);
  const auto m = model::fit_tabular(GetParam(), train, 7);
  const auto p = m->predict_proba(test.x);
  expect_probabilities(p, test.x.size());
  EXPECT_GE(accuracy(p, test.y), 0.95);
  EXPECT_GE(auroc(p, test.y), 0.97);
  EXPECT_EQ(m->input_length(), 16u);
}

TEST_P(TabularKindTest, IsNearChanceOnNoiseLabels) {
  const auto train = blobs(200, 0.0, 3);
  const auto test = blobs(2000, 0.0, 4);
  const auto p = model::fit_tabular(GetParam(), train, 7)->predict_proba(test.x);
  expect_probabilities(p, test.x.size());
  const double acc = accuracy(p, test.y);
  EXPECT_GE(acc, 0.35);
  EXPECT_LE(acc, 0.65);
}

TEST_P(TabularKindTest, SameSeedGivesIdenticalProbabilities) {
  const auto train = blobs(150, 0.7, 5);
  const auto test = blobs(100, 0.7, 6);
  const auto a = model::fit_tabular(GetParam(), train, 11)->predict_proba(test.x);
  const auto b = model::fit_tabular(GetParam(), train, 11)->predict_proba(test.x);
  EXPECT_EQ(a, b);
}

TEST_P(TabularKindTest, ScalingAFeatureByAThousandChangesLittle) {
  auto train = blobs(200, 1.0, 7);
  auto test = blobs(200, 1.0, 8);
  const auto before = model::fit_tabular(GetParam(), train, 3)->predict_proba(test.x);
  for (auto* d : {&train, &test})
    for (auto& row : d->x) row[0] *= 1000.0f;
  const auto after = model::fit_tabular(GetParam(), train, 3)->predict_proba(test.x);
  ASSERT_EQ(before.size(), after.size());
  double worst = 0;
  for (std::size_t i = 0; i < before.size(); ++i)
    worst = std::max(worst, std::abs(before[i] - after[i]));
  EXPECT_LT(worst, 1e-4);
}

TEST_P(TabularKindTest, ProbabilitiesStayInRangeFarFromTheTrainingData) {
  const auto train = blobs(100, 1.0, 9);
  const auto m = model::fit_tabular(GetParam(), train, 1);
  std::vector<std::vector<float>> x = {std::vector<float>(16, 1e6f), std::vector<float>(16, -1e6f),
                                       std::vector<float>(16, 0.0f)};
  expect_probabilities(m->predict_proba(x), x.size());
  EXPECT_TRUE(m->predict_proba({}).empty());
}

TEST_P(TabularKindTest, FitsTinyDataAndConstantFeatures) {
  for (std::size_t n : {2u, 3u, 7u}) {
    model::Dataset d;
    for (std::size_t i = 0; i < n; ++i) {
      d.x.push_back({static_cast<float>(i), 5.0f, static_cast<float>(i % 2)});
      d.y.push_back(static_cast<int>(i % 2));
    }
    const auto m = model::fit_tabular(GetParam(), d, 2);
    expect_probabilities(m->predict_proba(d.x), n);
  }
}

TEST_P(TabularKindTest, RejectsBadData) {
  const auto kind = GetParam();
  const auto good = blobs(20, 1.0, 10);
  EXPECT_THROW(model::fit_tabular(kind, model::Dataset{}, 1), engine::ModelError);
  auto one_class = good;
  std::fill(one_class.y.begin(), one_class.y.end(), 1);
  EXPECT_THROW(model::fit_tabular(kind, one_class, 1), engine::ModelError);
  auto nan = good;
  nan.x[3][2] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(model::fit_tabular(kind, nan, 1), engine::ModelError);
  auto inf = good;
  inf.x[4][0] = std::numeric_limits<float>::infinity();
  EXPECT_THROW(model::fit_tabular(kind, inf, 1), engine::ModelError);
  auto ragged = good;
  ragged.x[5].pop_back();
  EXPECT_THROW(model::fit_tabular(kind, ragged, 1), engine::ModelError);
  auto bad_label = good;
  bad_label.y[0] = 2;
  EXPECT_THROW(model::fit_tabular(kind, bad_label, 1), engine::ModelError);
  auto short_y = good;
  short_y.y.pop_back();
  EXPECT_THROW(model::fit_tabular(kind, short_y, 1), engine::ModelError);

  const auto m = model::fit_tabular(kind, good, 1);
  EXPECT_THROW(m->predict_proba({std::vector<float>(15, 0.0f)}), engine::ModelError);
  EXPECT_THROW(m->predict_proba({std::vector<float>(17, 0.0f)}), engine::ModelError);
  auto row = std::vector<float>(16, 0.0f);
  row[7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(m->predict_proba({std::vector<float>(16, 0.0f), row}), engine::ModelError);
}

TEST_P(TabularKindTest, LeavesGlobalStateAsItWasAndPrintsNothing) {
  const int threads = torch::get_num_threads();
  const char* config = nullptr;
  ASSERT_EQ(XGBGetGlobalConfig(&config), 0);
  const std::string xgb_config = config;
  torch::manual_seed(123);
  const auto expected = torch::rand({4});
  torch::manual_seed(123);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  model::fit_tabular(GetParam(), blobs(60, 1.0, 11), 5)->predict_proba(blobs(5, 1.0, 12).x);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_TRUE(torch::equal(torch::rand({4}), expected));
  EXPECT_EQ(torch::get_num_threads(), threads);
  ASSERT_EQ(XGBGetGlobalConfig(&config), 0);
  EXPECT_EQ(std::string(config), xgb_config);
}

INSTANTIATE_TEST_SUITE_P(AllKinds, TabularKindTest, ::testing::ValuesIn(model::all_tabular_kinds()),
                         kind_name);

TEST(TabularModel, RandomisedKindsDependOnTheSeed) {
  const auto train = blobs(150, 0.7, 13);
  const auto test = blobs(50, 0.7, 14);
  for (auto kind : {TabularKind::kMlp, TabularKind::kForest, TabularKind::kBoost}) {
    const auto a = model::fit_tabular(kind, train, 1)->predict_proba(test.x);
    const auto b = model::fit_tabular(kind, train, 2)->predict_proba(test.x);
    EXPECT_NE(a, b) << model::to_string(kind);
  }
}

TEST(TabularModel, NamesRoundTripAndUnknownNamesAreRejected) {
  EXPECT_EQ(model::all_tabular_kinds().size(), 7u);
  for (auto kind : model::all_tabular_kinds()) {
    EXPECT_EQ(model::parse_tabular_kind(model::to_string(kind)), kind);
    const auto hp = model::hyper_parameters(kind);
    EXPECT_EQ(hp.at("library"), model::library_of(kind));
    EXPECT_TRUE(hp.contains("standardisation"));
  }
  EXPECT_EQ(model::library_of(TabularKind::kLogistic), "LibTorch");
  EXPECT_EQ(model::library_of(TabularKind::kSvm), "dlib");
  EXPECT_EQ(model::library_of(TabularKind::kBoost), "XGBoost");
  EXPECT_EQ(model::hyper_parameters(TabularKind::kBoost).at("rounds"), 100);
  EXPECT_EQ(model::hyper_parameters(TabularKind::kBoost).at("eta"), 0.1);
  EXPECT_EQ(model::hyper_parameters(TabularKind::kTree).at("objective"), "reg:squarederror");
  EXPECT_THROW(model::parse_tabular_kind("cnn1d"), engine::ModelError);
  EXPECT_THROW(model::parse_tabular_kind(""), engine::ModelError);
  EXPECT_THROW(model::parse_tabular_kind("Logistic"), engine::ModelError);
}

// Fit + predict time on 200 rows x 16 features (the study fits a few thousand such models):
// wall time and process CPU time (all threads), each the mean of three fits.
TEST(TabularModel, FitTimesOn200RowsBy16Features) {
  const auto train = blobs(200, 0.7, 15);
  const auto test = blobs(50, 0.7, 16);
  for (auto kind : model::all_tabular_kinds()) {
    const int repeats = 3;
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    for (int r = 0; r < repeats; ++r)
      model::fit_tabular(kind, train, static_cast<std::uint64_t>(r))->predict_proba(test.x);
    const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC / repeats;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    const double seconds = elapsed.count() / repeats;
    std::printf("[ timing   ] %-8s fit+predict %.4f s wall, %.4f s CPU\n",
                model::to_string(kind).c_str(), seconds, cpu);
    EXPECT_LT(seconds, 5.0) << model::to_string(kind);
  }
}

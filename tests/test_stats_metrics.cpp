#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "stats/metrics.hpp"

using namespace scapredict::stats;

TEST(Metrics, KnownConfusionMatrix) {
  Confusion c;
  for (int i = 0; i < 9; ++i) c.add(true, true);
  c.add(true, false);
  for (int i = 0; i < 7; ++i) c.add(false, false);
  for (int i = 0; i < 3; ++i) c.add(false, true);
  EXPECT_EQ(c.total(), 20);
  EXPECT_DOUBLE_EQ(c.accuracy(), 0.8);
  EXPECT_DOUBLE_EQ(c.sensitivity(), 0.9);
  EXPECT_DOUBLE_EQ(c.specificity(), 0.7);
  EXPECT_TRUE(std::isnan(Confusion{}.accuracy()));
}

TEST(Metrics, KnownRocCurves) {
  EXPECT_DOUBLE_EQ(auroc({0.9, 0.8, 0.2, 0.1}, {1, 1, 0, 0}), 1.0);
  EXPECT_DOUBLE_EQ(auroc({0.1, 0.2, 0.8, 0.9}, {1, 1, 0, 0}), 0.0);
  EXPECT_DOUBLE_EQ(auroc({0.5, 0.5, 0.5, 0.5}, {1, 0, 1, 0}), 0.5);
  // Positives 0.8, 0.4; negatives 0.6, 0.2: pairs won 3 of 4.
  EXPECT_DOUBLE_EQ(auroc({0.8, 0.4, 0.6, 0.2}, {1, 1, 0, 0}), 0.75);
  // A tie between a positive and a negative counts one half: (1 + 0.5) / 2.
  EXPECT_DOUBLE_EQ(auroc({0.7, 0.5, 0.5}, {1, 1, 0}), 0.75);
  EXPECT_TRUE(std::isnan(auroc({0.1, 0.2}, {1, 1})));
}

TEST(Metrics, MeanCiUsesStudentT) {
  auto m = mean_ci95({0.9, 1.0, 0.8, 0.9});
  EXPECT_DOUBLE_EQ(m.mean, 0.9);
  const double sd = std::sqrt(0.02 / 3);
  EXPECT_NEAR(m.sd, sd, 1e-12);
  EXPECT_NEAR(m.hi - m.mean, 3.182 * sd / 2, 1e-12);
  EXPECT_EQ(m.n, 4);
  EXPECT_EQ(mean_ci95({0.5, std::nan("")}).n, 1);
  EXPECT_DOUBLE_EQ(t975(9), 2.262);
  EXPECT_DOUBLE_EQ(brier({1.0, 0.0, 0.5}, {1, 0, 1}), 0.25 / 3);
}

TEST(Metrics, ConfusionsAdd) {
  Confusion a, b;
  a.add(true, true);
  a.add(false, true);
  b.add(false, false);
  b.add(true, false);
  a += b;
  EXPECT_EQ(a.tp, 1);
  EXPECT_EQ(a.fp, 1);
  EXPECT_EQ(a.tn, 1);
  EXPECT_EQ(a.fn, 1);
}

namespace {
double mean_of(const std::vector<double>& v, const std::vector<std::size_t>& rows) {
  double s = 0;
  for (auto i : rows) s += v[i];
  return rows.empty() ? NAN : s / double(rows.size());
}
}  // namespace

TEST(Bootstrap, IdenticalClustersGiveAZeroWidthInterval) {
  // Every cluster holds the same two values: any resample has the same mean.
  std::vector<double> v;
  std::vector<int> cl;
  for (int c = 0; c < 10; ++c) {
    v.insert(v.end(), {0.2, 0.8});
    cl.insert(cl.end(), {c, c});
  }
  auto m = cluster_bootstrap(
      cl, [&](const std::vector<std::size_t>& r) { return mean_of(v, r); }, 500, 7);
  EXPECT_DOUBLE_EQ(m.mean, 0.5);
  EXPECT_NEAR(m.lo, 0.5, 1e-12);
  EXPECT_NEAR(m.hi, 0.5, 1e-12);
  EXPECT_EQ(m.n, 10);
}

TEST(Bootstrap, MeanIntervalMatchesTheNormalApproximation) {
  // 400 independent values, one per cluster: the 95 % interval of the mean is close to
  // mean +- 1.96 sd / sqrt(n).
  std::mt19937_64 rng(3);
  std::normal_distribution<double> g(10.0, 2.0);
  std::vector<double> v(400);
  std::vector<int> cl(400);
  for (int i = 0; i < 400; ++i) {
    v[static_cast<std::size_t>(i)] = g(rng);
    cl[static_cast<std::size_t>(i)] = i;
  }
  auto stat = [&](const std::vector<std::size_t>& r) { return mean_of(v, r); };
  auto m = cluster_bootstrap(cl, stat, 4000, 11);
  const auto t = mean_ci95(v);
  EXPECT_NEAR(m.mean, t.mean, 1e-12);
  EXPECT_NEAR(m.hi - m.lo, t.hi - t.lo, 0.1 * (t.hi - t.lo));
  EXPECT_NEAR((m.lo + m.hi) / 2, t.mean, 0.05);
  // Deterministic in the seed; another seed gives another (close) interval.
  auto again = cluster_bootstrap(cl, stat, 4000, 11);
  EXPECT_EQ(again.lo, m.lo);
  EXPECT_EQ(again.hi, m.hi);
  EXPECT_NE(cluster_bootstrap(cl, stat, 4000, 12).lo, m.lo);
}

TEST(Bootstrap, ResamplingWholeClustersWidensTheIntervalOfCorrelatedItems) {
  // 20 clusters of 30 identical values each: treating the 600 items as independent would give an
  // interval sqrt(30) times too narrow; the cluster bootstrap sees 20 values.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> v, per_cluster;
  std::vector<int> cl, single;
  for (int c = 0; c < 20; ++c) {
    const double x = g(rng);
    per_cluster.push_back(x);
    for (int k = 0; k < 30; ++k) {
      v.push_back(x);
      cl.push_back(c);
      single.push_back(static_cast<int>(single.size()));
    }
  }
  auto stat = [&](const std::vector<std::size_t>& r) { return mean_of(v, r); };
  auto by_cluster = cluster_bootstrap(cl, stat, 2000, 1);
  auto by_item = cluster_bootstrap(single, stat, 2000, 1);
  EXPECT_GT(by_cluster.hi - by_cluster.lo, 4.0 * (by_item.hi - by_item.lo));
  const auto t = mean_ci95(per_cluster);
  EXPECT_NEAR(by_cluster.hi - by_cluster.lo, t.hi - t.lo, 0.25 * (t.hi - t.lo));
}

TEST(Reliability, CalibratedPredictionsLieOnTheDiagonal) {
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> p;
  std::vector<int> y;
  for (int i = 0; i < 50000; ++i) {
    const double pi = u(rng);
    p.push_back(pi);
    y.push_back(u(rng) < pi ? 1 : 0);
  }
  p.push_back(1.0);  // the last bin includes 1
  y.push_back(1);
  auto bins = reliability(p, y, 10);
  ASSERT_EQ(bins.size(), 10u);
  int total = 0, inside = 0;
  for (const auto& b : bins) {
    total += b.n;
    EXPECT_GE(b.mean_p, b.lo);
    EXPECT_LE(b.mean_p, b.hi);
    EXPECT_NEAR(b.observed, b.mean_p, 0.03);
    inside += b.observed_lo <= b.mean_p && b.mean_p <= b.observed_hi;
  }
  EXPECT_EQ(total, 50001);
  EXPECT_GE(inside, 8);
  // Overconfident predictions: P = 0.95 for items that are positive half the time.
  std::vector<double> q(1000, 0.95);
  std::vector<int> z(1000);
  for (std::size_t i = 0; i < z.size(); ++i) z[i] = static_cast<int>(i % 2);
  auto over = reliability(q, z, 10);
  EXPECT_EQ(over[9].n, 1000);
  EXPECT_DOUBLE_EQ(over[9].observed, 0.5);
  EXPECT_LT(over[9].observed_hi, 0.95);
  EXPECT_EQ(over[0].n, 0);
  EXPECT_TRUE(std::isnan(over[0].observed));
}

TEST(Spearman, MonotoneTiesAndDegenerateCases) {
  using scapredict::stats::spearman;
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 20, 30, 1000}), 1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  // x ranks 1, 2.5, 2.5, 4 against y ranks 1, 2, 3, 4: rho = 4.5 / sqrt(4.5 * 5).
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 2, 3, 4}), 4.5 / std::sqrt(4.5 * 5.0), 1e-12);
  EXPECT_TRUE(std::isnan(spearman({1, 2}, {1, 2})));
  EXPECT_TRUE(std::isnan(spearman({1, 1, 1}, {1, 2, 3})));
}

TEST(PercentCi, NoIntervalIsSaidNotPrintedAsTheFullRange) {
  using scapredict::stats::MeanCi;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(scapredict::stats::percent_ci(MeanCi{0.5, 0.4, 0.6, 0.1, 5}), "50.0 [40.0, 60.0]");
  EXPECT_EQ(scapredict::stats::percent_ci(MeanCi{0.5, nan, nan, nan, 1}),
            "50.0 (no interval, n=1)");
  EXPECT_EQ(scapredict::stats::percent_ci(MeanCi{nan, nan, nan, nan, 0}), "n/a");
}

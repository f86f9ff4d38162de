#include <gtest/gtest.h>

#include <cmath>

#include "scapredict/eval/metrics.hpp"

using namespace scapredict::eval;

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

// Known-answer tests of the audit's decision rule on small simulated cohorts (docs/audit.md).
#include <gtest/gtest.h>

#include "eval/probes/near_far.hpp"
#include "eval/probes/two_group.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"

using namespace scapredict;
using scapredict::testing::TempDir;

namespace {
eval::NearFar run_cell(double risk, double gap) {
  TempDir dir;
  sim::simulate(scapredict::testing::small_sim(dir.path(), risk, gap, 4.0, 0.5, 10));
  auto c = data::load_cohort(dir.path());
  eval::NearFarConfig nf;
  nf.split.train_scd = nf.split.test_scd = 5;
  nf.split.train_normal = nf.split.test_normal = 5;
  nf.near = {5, 10, 15, 20};
  nf.far = {200, 215, 230};
  RunConfig run;
  run.repetitions = 5;
  run.epochs = 30;
  return eval::near_far_probe(c, nf, run);
}
}  // namespace

TEST(AuditRule, DecisionRuleOnKnownIntervals) {
  auto ci = [](double m, double lo, double hi) { return stats::MeanCi{m, lo, hi, 0, 5}; };
  EXPECT_EQ(eval::near_far_verdict(ci(0.95, 0.9, 1.0), ci(0.93, 0.88, 0.98)).verdict, "shortcut");
  EXPECT_EQ(eval::near_far_verdict(ci(0.85, 0.75, 0.95), ci(0.5, 0.4, 0.6)).verdict, "risk signal");
  EXPECT_EQ(eval::near_far_verdict(ci(0.52, 0.45, 0.6), ci(0.5, 0.4, 0.6)).verdict, "no signal");
}

TEST(AuditKnownAnswer, DeviceGapWithoutRiskIsReportedAsAShortcut) {
  auto v = run_cell(0.0, 1.0);
  EXPECT_EQ(v.verdict, "shortcut")
      << "near " << v.near_accuracy.mean << " far " << v.far_accuracy.mean;
}

TEST(AuditKnownAnswer, RiskWithoutDeviceGapIsNotAShortcut) {
  auto v = run_cell(1.0, 0.0);
  EXPECT_NE(v.verdict, "shortcut")
      << "near " << v.near_accuracy.mean << " far " << v.far_accuracy.mean;
  EXPECT_GT(v.near_accuracy.mean, v.far_accuracy.mean + 0.1);
}

TEST(AuditProbe1, SddbLikeChainQuantisesButKeepsTheEcgBand) {
  // Tones across 0.5-40 Hz pass the 128 -> 250 -> 128 Hz chain with their amplitude (soxr's
  // passband ripple is far below 1 %); the 12-bit quantisation at 800 adu/mV leaves an error of
  // about half a step (1/1600 mV). A chain that did nothing would fail the lower bound, one that
  // filtered the band the upper.
  for (double f_hz : {0.5, 5.0, 20.0, 39.0}) {
    std::vector<double> x(7680);
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = std::sin(2 * 3.141592653589793 * f_hz * double(i) / 128.0);
    auto y = eval::sddb_like_chain(x);
    ASSERT_EQ(y.size(), x.size());
    double err = 0;
    for (std::size_t i = 256; i + 256 < x.size(); ++i) err = std::max(err, std::abs(x[i] - y[i]));
    EXPECT_LT(err, 0.01) << f_hz << " Hz";
    EXPECT_GT(err, 0.2 / 800.0) << f_hz << " Hz: no quantisation seen";
  }
}

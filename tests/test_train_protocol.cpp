// Cohort building, patient-disjoint splits and end-to-end determinism on a small simulated cohort.
#include <gtest/gtest.h>

#include <set>

#include "scapredict/sim/simulate.hpp"
#include "scapredict/train/experiment.hpp"
#include "test_util.hpp"

using namespace scapredict;
using scapredict::testing::TempDir;

namespace {
struct SmallCohort {
  TempDir dir;
  cohort::Cohort c;
  SmallCohort() {
    // 24 minutes before onset.
    sim::simulate(scapredict::testing::small_sim(dir.path(), 1.0, 1.0, 0.4, 0.3, 6));
    c = cohort::load_cohort(dir.path());
  }
};
cohort::ProtocolConfig small_protocol() {
  cohort::ProtocolConfig p;
  p.repetitions = 3;
  p.train_scd = 3;
  p.test_scd = 3;
  p.train_normal = 3;
  p.test_normal = 3;
  p.train_minutes = 4;
  p.horizons = {5, 10, 20};
  return p;
}
}  // namespace

TEST(Cohort, LoadsSimulatedDataAndSaysSo) {
  SmallCohort s;
  EXPECT_TRUE(s.c.source.simulated);
  EXPECT_NE(s.c.source.description.find("SIMULATED"), std::string::npos);
  EXPECT_EQ(s.c.scd.size(), 6u);
  EXPECT_EQ(s.c.normal.size(), 6u);
  for (const auto& p : s.c.scd) EXPECT_NEAR(*p.onset_s, 24 * 60.0, 1e-9);
  EXPECT_THROW(cohort::load_cohort(s.dir / "nowhere"), cohort::CohortError);
}

TEST(Cohort, RealDataOnsetsAreCrossCheckedAgainstTheTable) {
  SmallCohort s;
  std::filesystem::remove(s.dir / "truth.json");  // now it looks like real data
  scapredict::testing::write_text(s.dir / "onsets.csv",
                                  "record,vf_onset_elapsed,source\n30,7:54:33,x\n");
  EXPECT_THROW(cohort::load_cohort(s.dir.path(), s.dir / "onsets.csv"), cohort::CohortError);
}

TEST(Protocol, SplitsArePatientDisjointInEveryRepetition) {
  SmallCohort s;
  auto pc = small_protocol();
  auto pp = train::prepare_protocol(s.c, pc, false);
  ASSERT_EQ(pp.plans.size(), 3u);
  for (const auto& plan : pp.plans) {
    std::set<int> tr_s(plan.train_scd.begin(), plan.train_scd.end()),
        te_s(plan.test_scd.begin(), plan.test_scd.end());
    std::set<int> tr_n(plan.train_normal.begin(), plan.train_normal.end()),
        te_n(plan.test_normal.begin(), plan.test_normal.end());
    for (int p : te_s) EXPECT_FALSE(tr_s.count(p));
    for (int p : te_n) EXPECT_FALSE(tr_n.count(p));
    for (const auto& r : plan.train)
      EXPECT_TRUE(r.scd ? tr_s.count(r.patient) : tr_n.count(r.patient));
    for (const auto& r : plan.test) {
      EXPECT_TRUE(r.scd ? te_s.count(r.patient) : te_n.count(r.patient));
      if (r.scd) {
        EXPECT_EQ(r.minute, r.horizon);
      }
      EXPECT_GE(r.minute, 0);
    }
    // Every kept minute was read and is usable (no NaN).
    for (const auto& r : plan.test) {
      for (double v : pp.minutes.at(train::PreparedProtocol::key(r))) ASSERT_TRUE(std::isfinite(v));
    }
  }
  EXPECT_THROW(cohort::plan_protocol(s.c, cohort::ProtocolConfig{}), cohort::CohortError);
}

TEST(Experiment, SameSeedGivesIdenticalMetrics) {
  SmallCohort s;
  auto pc = small_protocol();
  train::ExperimentConfig e;
  e.name = "t";
  e.features.bins = 256;
  e.train.epochs = 5;
  auto a = train::run_experiment(s.c, train::prepare_protocol(s.c, pc, false), e, false);
  auto b = train::run_experiment(s.c, train::prepare_protocol(s.c, pc, false), e, false);
  ASSERT_EQ(a.horizons.size(), 3u);
  for (std::size_t i = 0; i < a.horizons.size(); ++i) {
    EXPECT_EQ(a.horizons[i].accuracy.mean, b.horizons[i].accuracy.mean);
    EXPECT_EQ(a.horizons[i].auroc.mean, b.horizons[i].auroc.mean);
    EXPECT_EQ(a.horizons[i].accuracy.n, 3);
  }
  EXPECT_EQ(a.patient_errors, b.patient_errors);
}

TEST(Features, ShapesOfEveryInput) {
  std::vector<double> x(7680);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.1 * double(i));
  cohort::FeatureConfig f;
  EXPECT_EQ(cohort::extract_features(f, x).size(), 1024u);
  f.band_hz = std::make_pair(0.5, 40.0);
  EXPECT_EQ(cohort::extract_features(f, x).size(), 632u);  // bins 8..639 of 1/16 Hz
  f.band_hz.reset();
  f.input = cohort::InputKind::kRaw;
  EXPECT_EQ(cohort::extract_features(f, x).size(), 7680u);
  f.input = cohort::InputKind::kDwt;
  EXPECT_EQ(cohort::extract_features(f, x).size(), 7680u);
  f.input = cohort::InputKind::kSpectrogram;
  EXPECT_EQ(cohort::extract_features(f, x).size(), 59u * 129u);
}

// Cohort building, patient-disjoint splits and end-to-end determinism on a small simulated cohort.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "train/experiment.hpp"

using namespace scapredict;
using scapredict::testing::TempDir;

namespace {
struct SmallCohort {
  TempDir dir;
  data::Cohort c;
  SmallCohort() {
    // 24 minutes before onset.
    sim::simulate(scapredict::testing::small_sim(dir.path(), 1.0, 1.0, 0.4, 0.3, 6));
    c = data::load_cohort(dir.path());
  }
};
RunConfig small_run() {
  RunConfig r;
  r.repetitions = 3;
  r.epochs = 5;
  return r;
}
data::ProtocolConfig small_protocol() {
  data::ProtocolConfig p;
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
  EXPECT_EQ(s.c.source.kind, "simulated");
  EXPECT_NE(s.c.source.description.find("SIMULATED"), std::string::npos);
  EXPECT_EQ(s.c.scd.size(), 6u);
  EXPECT_EQ(s.c.normal.size(), 6u);
  for (const auto& p : s.c.scd) EXPECT_NEAR(*p.onset_s, 24 * 60.0, 1e-9);
  EXPECT_THROW(data::load_cohort(s.dir / "nowhere"), data::DataError);
}

TEST(Cohort, RealDataOnsetsAreCrossCheckedAgainstTheTable) {
  SmallCohort s;
  // Without truth.json the records look like real SDDB: record 30's onset at 24 min disagrees
  // with PhysioNet's 7:54:33, and the compiled-in table says so.
  std::filesystem::remove(s.dir / "truth.json");
  try {
    data::load_cohort(s.dir.path());
    FAIL() << "a disagreeing onset was accepted";
  } catch (const data::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("onset table"), std::string::npos) << e.what();
  }
  EXPECT_NEAR(data::sddb_onset_table().at("30"), 7 * 3600 + 54 * 60 + 33, 1e-9);
  EXPECT_EQ(data::sddb_onset_table().size(), 20u);
}

TEST(Cohort, OwnRecordsAreUserDataWithOnsetsFromHeadersOrAFile) {
  TempDir dir;
  // Same device for both groups: the "NSRDB" records are at 250 Hz, so not PhysioNet's.
  sim::simulate(scapredict::testing::small_sim(dir.path(), 1.0, 0.0, 0.4, 0.3, 3));
  std::filesystem::remove(dir / "truth.json");
  auto c = data::load_cohort(dir.path());
  EXPECT_EQ(c.source.kind, "user");
  EXPECT_FALSE(c.source.simulated);
  EXPECT_EQ(c.source.description.rfind("user data in", 0), 0u) << c.source.description;
  ASSERT_EQ(c.scd.size(), 3u);  // onsets from the headers, not checked against PhysioNet's
  const double onset = *c.scd[0].onset_s;
  const std::string first = c.scd[0].id.substr(5);
  char agree[64], disagree[64];
  std::snprintf(agree, sizeof agree, "record,onset\n%s,0:%02d:%02d\n", first.c_str(),
                static_cast<int>(onset) / 60, static_cast<int>(onset) % 60);
  std::snprintf(disagree, sizeof disagree, "record,onset\n%s,0:01:00\n", first.c_str());
  scapredict::testing::write_text(dir / "agree.csv", agree);
  scapredict::testing::write_text(dir / "disagree.csv", disagree);
  scapredict::testing::write_text(dir / "unknown.csv", "record,onset\nnosuch,0:01:00\n");
  EXPECT_EQ(data::load_cohort(dir.path(), {dir / "agree.csv"}).scd.size(), 3u);
  EXPECT_THROW(data::load_cohort(dir.path(), {dir / "disagree.csv"}), data::DataError);
  EXPECT_THROW(data::load_cohort(dir.path(), {dir / "unknown.csv"}), data::DataError);
  scapredict::testing::write_text(dir / "truth.json", "not json");
  EXPECT_THROW(data::load_cohort(dir.path()), data::DataError);
}

TEST(Cohort, OnsetTableParserRejectsABadTime) {
  EXPECT_THROW(data::parse_onset_table("record,t\n30,7:99:xx\n", "t.csv"), data::DataError);
  const auto t = data::parse_onset_table("record,t\r\n31,0:10:00\r\n\n", "t.csv");
  EXPECT_NEAR(t.at("31"), 600.0, 1e-9);
}

TEST(Protocol, SplitsArePatientDisjointInEveryRepetition) {
  SmallCohort s;
  auto pc = small_protocol();
  auto pp = data::prepare_protocol(s.c, pc, small_run());
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
      ASSERT_TRUE(r.horizon.has_value());
      if (r.scd) {
        EXPECT_EQ(std::get<data::BeforeOnset>(r.place).k, *r.horizon);
      } else {
        EXPECT_GE(std::get<data::MinuteIndex>(r.place).index, 0);  // drawn and resolved
      }
    }
    // Every kept minute was read and is usable (no NaN).
    for (const auto& r : plan.test) {
      for (double v : pp.samples(r)) ASSERT_TRUE(std::isfinite(v));
    }
  }
  EXPECT_THROW(data::plan_protocol(s.c, data::ProtocolConfig{}, RunConfig{}), data::DataError);
}

TEST(Experiment, SameSeedGivesIdenticalMetrics) {
  SmallCohort s;
  auto pc = small_protocol();
  auto e = train::ExperimentConfig::paper_cnn("t", small_run());
  e.features.bins = 256;
  auto a = train::run_experiment(s.c, data::prepare_protocol(s.c, pc, small_run()), e);
  auto b = train::run_experiment(s.c, data::prepare_protocol(s.c, pc, small_run()), e);
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
  features::FeatureConfig f;
  EXPECT_EQ(features::extract_features(f, x).size(), 1024u);
  f.band_hz = std::make_pair(0.5, 40.0);
  EXPECT_EQ(features::extract_features(f, x).size(), 632u);  // bins 8..639 of 1/16 Hz
  f.band_hz.reset();
  f.input = features::InputKind::kRaw;
  EXPECT_EQ(features::extract_features(f, x).size(), 7680u);
  f.input = features::InputKind::kDwt;
  EXPECT_EQ(features::extract_features(f, x).size(), 7680u);
  f.input = features::InputKind::kSpectrogram;
  EXPECT_EQ(features::extract_features(f, x).size(), 59u * 129u);
}

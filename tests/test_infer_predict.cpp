// Scoring a record: one row per whole minute, risks only for usable minutes, onset bookkeeping.
#include <gtest/gtest.h>

#include <cmath>

#include "data/cohort.hpp"
#include "infer/predict.hpp"
#include "io/signal.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "train/fit.hpp"

using namespace scapredict;
using scapredict::testing::TempDir;

namespace {

struct Trained {
  TempDir dir;
  data::Cohort cohort;
  model::Classifier model;
  Trained() {
    sim::simulate(scapredict::testing::small_sim(dir.path(), 1.0, 1.0, 0.4, 0.3, 4));
    cohort = data::load_cohort(dir.path());
    data::ProtocolConfig pc;
    pc.train_scd = pc.test_scd = pc.train_normal = pc.test_normal = 2;
    pc.train_minutes = 4;
    pc.horizons = {5, 10};
    RunConfig run;
    run.epochs = 3;
    auto e = train::ExperimentConfig::paper_cnn("t", run);
    e.features.bins = 256;
    model = train::fit_first_split(cohort, pc, run, e);
  }
};

}  // namespace

TEST(Predict, ScoresEveryWholeMinuteOfASimulatedRecord) {
  Trained t;
  const auto& patient = t.cohort.scd.front();
  const auto r = infer::predict_record(t.model, patient.record);
  const io::Record rec(patient.record);
  const auto whole_minutes = static_cast<std::size_t>(rec.n_frames() / (60 * rec.fs_hz()));
  ASSERT_EQ(r.minutes.size(), whole_minutes);
  ASSERT_TRUE(r.onset_s.has_value());
  EXPECT_NEAR(*r.onset_s, *patient.onset_s, 1e-9);
  int scored = 0;
  for (std::size_t m = 0; m < r.minutes.size(); ++m) {
    const auto& mr = r.minutes[m];
    EXPECT_EQ(mr.minute, static_cast<int>(m));
    EXPECT_DOUBLE_EQ(mr.start_s, 60.0 * double(m));
    ASSERT_TRUE(mr.minutes_before_onset.has_value());
    EXPECT_NEAR(*mr.minutes_before_onset, (*r.onset_s - mr.start_s) / 60.0, 1e-12);
    const bool usable = mr.quality == "ok" || mr.quality == "bridged";
    EXPECT_EQ(mr.risk.has_value(), usable) << "minute " << m << ": " << mr.quality;
    if (mr.risk) {
      EXPECT_GE(*mr.risk, 0.0);
      EXPECT_LE(*mr.risk, 1.0);
      ++scored;
    }
  }
  EXPECT_GT(scored, static_cast<int>(whole_minutes) / 2);
  const auto csv = infer::to_csv(r);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), static_cast<long>(whole_minutes) + 1);
  EXPECT_EQ(infer::to_json(r)["minutes"].size(), whole_minutes);
}

TEST(Predict, QualityLimitsAndChannelComeFromTheOptions) {
  Trained t;
  const auto record = t.cohort.normal.front().record;
  infer::PredictOptions strict;
  strict.quality.flat_window_s = 0.5;
  strict.quality.flat_range_mv = 100.0;  // every half second "flat": nothing is scored
  const auto r = infer::predict_record(t.model, record, strict);
  ASSERT_FALSE(r.minutes.empty());
  for (const auto& m : r.minutes) {
    EXPECT_FALSE(m.risk.has_value());
    EXPECT_NE(m.quality.find("flat"), std::string::npos);
    EXPECT_FALSE(m.minutes_before_onset.has_value());  // a normal record has no onset
  }
  infer::PredictOptions second;
  second.channel = 1;
  const auto r1 = infer::predict_record(t.model, record, second);
  const auto r0 = infer::predict_record(t.model, record);
  ASSERT_EQ(r1.minutes.size(), r0.minutes.size());
  bool differs = false;
  for (std::size_t i = 0; i < r0.minutes.size(); ++i)
    differs |= r0.minutes[i].risk != r1.minutes[i].risk;
  EXPECT_TRUE(differs) << "channel 1 scored exactly like channel 0";
  infer::PredictOptions missing;
  missing.channel = 2;
  EXPECT_THROW(infer::predict_record(t.model, record, missing), io::IoError);
}

// Scoring a record: one row per whole minute, risks only for usable minutes, onset bookkeeping.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "data/cohort.hpp"
#include "infer/predict.hpp"
#include "io/signal.hpp"
#include "model/classifier_scorer.hpp"
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
  const auto r = infer::predict_record(model::ClassifierScorer(t.model), patient.record);
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
    bool usable = true;
    for (const auto& f : mr.flags) usable &= f == "bridged" || f == "unlike_training";
    EXPECT_EQ(mr.risk.has_value(), usable) << "minute " << m << ": " << mr.quality();
    const bool after = mr.start_s + 60.0 > *r.onset_s;
    EXPECT_EQ(std::count(mr.flags.begin(), mr.flags.end(), "after_onset"), after ? 1 : 0) << m;
    if (mr.risk) {
      EXPECT_GE(*mr.risk, 0.0);
      EXPECT_LE(*mr.risk, 1.0);
      ++scored;
    }
  }
  EXPECT_GT(scored, static_cast<int>(whole_minutes) / 2);
  // RFC 4180 rows: header + one per minute, six fields each (flags joined by ';'), after the
  // '#' provenance lines, which say the model was trained on SIMULATED data.
  const auto csv = infer::to_csv(r);
  std::istringstream in(csv);
  std::string line;
  int rows = 0, comments = 0;
  while (std::getline(in, line)) {
    ASSERT_FALSE(line.empty());
    ASSERT_EQ(line.back(), '\r');
    if (line[0] == '#') {
      ++comments;
      continue;
    }
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 5) << line;
    ++rows;
  }
  EXPECT_EQ(rows, static_cast<int>(whole_minutes) + 1);
  EXPECT_GE(comments, 2);
  EXPECT_NE(csv.find("trained on SIMULATED data"), std::string::npos);
  EXPECT_TRUE(r.model_trained_on_simulated_data());
  const auto j = infer::to_json(r);
  EXPECT_EQ(j["minutes"].size(), whole_minutes);
  EXPECT_TRUE(j["model"]["simulated"].get<bool>());
  EXPECT_EQ(r.minutes.front().clock_time, "12:00:00");  // the simulated SDDB base time
}

TEST(Predict, QualityLimitsAndChannelComeFromTheOptions) {
  Trained t;
  const auto record = t.cohort.normal.front().record;
  infer::PredictOptions strict;
  strict.quality.flat_window_s = 0.5;
  strict.quality.flat_range_mv = 100.0;  // every half second "flat": nothing is scored
  try {
    infer::predict_record(model::ClassifierScorer(t.model), record, strict);
    FAIL() << "a record without a usable minute was scored";
  } catch (const infer::PredictError& e) {
    EXPECT_NE(std::string(e.what()).find("nothing to score"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("flat 18"), std::string::npos) << e.what();
  }
  infer::PredictOptions second;
  second.channel = "1";
  const auto r1 = infer::predict_record(model::ClassifierScorer(t.model), record, second);
  const auto r0 = infer::predict_record(model::ClassifierScorer(t.model), record);
  ASSERT_EQ(r1.minutes.size(), r0.minutes.size());
  bool differs = false;
  for (std::size_t i = 0; i < r0.minutes.size(); ++i)
    differs |= r0.minutes[i].risk != r1.minutes[i].risk;
  EXPECT_TRUE(differs) << "channel 1 scored exactly like channel 0";
  infer::PredictOptions missing;
  missing.channel = "2";
  EXPECT_THROW(infer::predict_record(model::ClassifierScorer(t.model), record, missing),
               io::IoError);
}

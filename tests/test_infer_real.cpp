// predict and spectrum on every real record in ../shared/physionet (skipped without it).
#include <gtest/gtest.h>

#include "data/cohort.hpp"
#include "dsp/prepare.hpp"
#include "infer/predict.hpp"
#include "io/header.hpp"
#include "model/classifier_scorer.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "train/fit.hpp"

using namespace scapredict;
using scapredict::testing::TempDir;

namespace {

// A small model trained on a simulated cohort: enough to exercise scoring, not to judge it.
const model::Classifier& tiny_model() {
  static const model::Classifier m = [] {
    TempDir dir;
    sim::simulate(scapredict::testing::small_sim(dir.path(), 1.0, 1.0, 0.4, 0.3, 4));
    const auto cohort = data::load_cohort(dir.path());
    data::ProtocolConfig pc;
    pc.train_scd = pc.test_scd = pc.train_normal = pc.test_normal = 2;
    pc.train_minutes = 4;
    pc.horizons = {5, 10};
    RunConfig run;
    run.epochs = 2;
    return train::fit_first_split(cohort, pc, run, train::ExperimentConfig::paper_cnn("t", run));
  }();
  return m;
}

}  // namespace

TEST(RealRecords, Mitdb100ScoresAllThirtyMinutes) {
  SKIP_WITHOUT_PHYSIONET(root);
  const auto r =
      infer::predict_record(model::ClassifierScorer(tiny_model()), root / "mitdb" / "100");
  ASSERT_EQ(r.minutes.size(), 30u);
  EXPECT_EQ(r.scored(), 30);  // 11 bits with ADC zero 1024: nothing is near the ADC's limits
  for (const auto& m : r.minutes)
    for (const auto& f : m.flags) EXPECT_NE(f, "saturated") << "minute " << m.minute;
  EXPECT_FALSE(r.onset_s.has_value());
  EXPECT_FALSE(r.warnings.empty());  // 360 Hz: a rate the model never saw
}

TEST(RealRecords, EveryMitdbAndNsrdbMinuteRecordScoresWhereClean) {
  SKIP_WITHOUT_PHYSIONET(root);
  int records = 0;
  for (const auto& h : io::list_headers(root / "mitdb")) {
    const auto rec = h.parent_path() / h.stem();
    if (h.stem() == "207") {  // VF flutter from 0:40: every minute is at or after the onset
      EXPECT_THROW(infer::predict_record(model::ClassifierScorer(tiny_model()), rec),
                   infer::PredictError);
      continue;
    }
    const auto r = infer::predict_record(model::ClassifierScorer(tiny_model()), rec);
    EXPECT_GE(r.scored(), 26) << h;  // a few minutes of 109, 116, 203, 205 look like VF or clip
    ++records;
  }
  EXPECT_EQ(records, 22);
  for (const auto& h : io::list_headers(root / "nsrdb-1min")) {
    const auto r =
        infer::predict_record(model::ClassifierScorer(tiny_model()), h.parent_path() / h.stem());
    EXPECT_EQ(r.scored(), 1) << h;
  }
}

TEST(RealRecords, CudbAndVfdbMinutesBeforeTheFirstVfAreScored) {
  SKIP_WITHOUT_PHYSIONET(root);
  for (const char* db : {"cudb", "vfdb"}) {
    int scored_records = 0, records = 0;
    for (const auto& h : io::list_headers(root / db)) {
      ++records;
      try {
        const auto r = infer::predict_record(model::ClassifierScorer(tiny_model()),
                                             h.parent_path() / h.stem());
        ASSERT_TRUE(r.onset_s.has_value() || std::string(db) == "vfdb") << h;
        for (const auto& m : r.minutes) {
          if (r.onset_s && m.start_s + 60 > *r.onset_s) {
            EXPECT_FALSE(m.risk.has_value());
          }
        }
        scored_records += r.scored() > 0;
      } catch (const infer::PredictError& e) {
        // Only records whose VF starts in the first minutes have nothing to score.
        EXPECT_NE(std::string(e.what()).find("after_onset"), std::string::npos) << e.what();
      }
    }
    EXPECT_GE(scored_records, records * 3 / 4) << db;
  }
}

TEST(RealRecords, SpectrumOfTheFirstMinuteOfEveryRecord) {
  SKIP_WITHOUT_PHYSIONET(root);
  int n = 0;
  for (const char* db : {"mitdb", "nsrdb-1min", "cudb", "vfdb"}) {
    for (const auto& h : io::list_headers(root / db)) {
      dsp::MinuteSpectrumRequest req;
      req.record = h;
      req.minute = 0;
      const auto s = dsp::minute_spectrum(req);
      ASSERT_EQ(s.values.size(), 1024u) << h;
      // CUDB clips at its 12-bit range during arrhythmias; the others never reach their ADC's.
      if (std::string(db) == "mitdb" || std::string(db) == "nsrdb-1min") {
        EXPECT_FALSE(s.quality.saturated) << h;
      }
      ++n;
    }
  }
  EXPECT_EQ(n, 23 + 18 + 25 + 22);
}

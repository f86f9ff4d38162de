// Scoring without LibTorch: the engine's predict against LibTorch's, streaming against the whole
// record, chunks and threads, the live monitor against predict, the alarm, the risk annotations
// and the batch summary.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "data/cohort.hpp"
#include "dsp/prepare.hpp"
#include "features/features.hpp"
#include "infer/monitor.hpp"
#include "infer/outputs.hpp"
#include "io/annotation.hpp"
#include "io/signal.hpp"
#include "model/classifier_scorer.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "train/fit.hpp"

using namespace scapredict;
using scapredict::testing::TempDir;

namespace {

// A small simulated cohort, the paper's CNN trained on it and saved, and its engine.
struct Scored {
  TempDir dir;
  data::Cohort cohort;
  model::Classifier clf;
  engine::EngineScorer engine;
  Scored() {
    sim::simulate(scapredict::testing::small_sim(dir.path(), 1.0, 1.0, 0.4, 0.3, 4));
    cohort = data::load_cohort(dir.path());
    data::ProtocolConfig pc;
    pc.train_scd = pc.test_scd = pc.train_normal = pc.test_normal = 2;
    pc.train_minutes = 4;
    pc.horizons = {5, 10};
    RunConfig run;
    run.epochs = 3;
    clf = train::fit_first_split(cohort, pc, run, train::ExperimentConfig::paper_cnn("t", run));
    clf.save(dir / "m.spm");
    engine = engine::EngineScorer::load(dir / "m.spm");
  }
};

const Scored& shared() {
  static const Scored s;
  return s;
}

}  // namespace

TEST(Scoring, TheEngineScoresARecordAsLibTorchDoes) {
  const auto& s = shared();
  for (const auto& p : {s.cohort.scd.front(), s.cohort.normal.front()}) {
    const auto e = infer::predict_record(s.engine, p.record);
    const auto t = infer::predict_record(model::ClassifierScorer(s.clf), p.record);
    ASSERT_EQ(e.minutes.size(), t.minutes.size());
    ASSERT_GT(e.scored(), 10);
    double worst = 0;
    for (std::size_t i = 0; i < e.minutes.size(); ++i) {
      EXPECT_EQ(e.minutes[i].quality(), t.minutes[i].quality()) << "minute " << i;
      ASSERT_EQ(e.minutes[i].risk.has_value(), t.minutes[i].risk.has_value());
      if (e.minutes[i].risk)
        worst = std::max(worst, std::abs(*e.minutes[i].risk - *t.minutes[i].risk));
    }
    EXPECT_LT(worst, 1e-5) << p.record;
    EXPECT_EQ(e.model["scored_by"], "engine fp32");
    EXPECT_EQ(t.model["scored_by"], "LibTorch");
  }
}

TEST(Scoring, RisksEqualTheWholeRecordPathForEveryChunkAndThreadCount) {
  const auto& s = shared();
  const auto& rec = s.cohort.scd.front().record;
  // The whole-record path: the channel read and resampled at once, cut into minutes, scored.
  const io::Record whole(rec);
  const auto prep =
      dsp::load_channel(whole, 0, 0.0, static_cast<double>(whole.n_frames()) / whole.fs_hz());
  const auto segs = dsp::segment_all(prep.samples, dsp::kMinuteSamples, prep.fs_hz,
                                     dsp::limits_for(prep), prep.bridged);
  infer::PredictOptions a, b;
  a.chunk_samples = 777;
  a.threads = 1;
  b.chunk_samples = 1 << 22;
  b.threads = 4;
  const auto ra = infer::predict_record(s.engine, rec, a);
  const auto rb = infer::predict_record(s.engine, rec, b);
  ASSERT_EQ(ra.minutes.size(), segs.size());
  ASSERT_EQ(rb.minutes.size(), segs.size());
  int compared = 0;
  for (std::size_t m = 0; m < segs.size(); ++m) {
    EXPECT_EQ(ra.minutes[m].quality(), rb.minutes[m].quality());
    ASSERT_EQ(ra.minutes[m].risk.has_value(), rb.minutes[m].risk.has_value());
    if (!ra.minutes[m].risk) continue;
    EXPECT_EQ(*ra.minutes[m].risk, *rb.minutes[m].risk) << "minute " << m;
    const auto x = features::extract_features(s.engine.features(), segs[m].samples);
    EXPECT_EQ(*ra.minutes[m].risk, s.engine.score({x}).front()) << "minute " << m;
    ++compared;
  }
  EXPECT_GT(compared, 10);
}

TEST(Scoring, TheMonitorFedInChunksReportsWhatPredictReports) {
  const auto& s = shared();
  const auto& rec = s.cohort.normal.front().record;
  const auto want = infer::predict_record(s.engine, rec);
  const io::Record r(rec);
  const auto x = r.read_physical(0);
  dsp::QualityLimits limits;
  limits.adc_limits_mv = io::adc_range(r.header().signals[0]);
  infer::AlarmConfig alarm{0.3, 2, 0.2};
  infer::LiveMonitor mon(s.engine, r.fs_hz(), r.header().base_time, limits, alarm);
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> size(1, 5000);
  std::vector<infer::LiveMinute> got;
  for (std::size_t pos = 0; pos < x.size();) {
    const auto n = std::min(size(rng), x.size() - pos);
    for (auto& m : mon.push(std::span<const double>(x).subspan(pos, n))) got.push_back(m);
    pos += n;
  }
  for (auto& m : mon.finish()) got.push_back(m);
  ASSERT_EQ(got.size(), want.minutes.size());
  infer::Alarm expected(alarm);
  double max_delay = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& g = got[i].risk;
    EXPECT_EQ(g.minute, want.minutes[i].minute);
    EXPECT_EQ(g.quality(), want.minutes[i].quality()) << "minute " << i;
    EXPECT_EQ(g.risk, want.minutes[i].risk) << "minute " << i;
    EXPECT_EQ(g.clock_time, want.minutes[i].clock_time);
    EXPECT_EQ(got[i].alarm_changed, expected.update(want.minutes[i].risk));
    EXPECT_EQ(got[i].alarm, expected.on());
    if (i + 1 < got.size()) max_delay = std::max(max_delay, got[i].delay_s);
  }
  // Minutes come out within a chunk (at most 5000 samples) and the resampler's delay of their
  // end, not at the end of the recording.
  EXPECT_LT(max_delay, 5000 / r.fs_hz() + 5.0);
}

TEST(Alarm, SwitchesOnAfterKMinutesAndOffBelowTOff) {
  infer::Alarm a({0.5, 3, 0.4});
  const std::vector<std::optional<double>> p = {0.6, 0.7,  std::nullopt, 0.6,  0.55,
                                                0.9, 0.45, 0.41,         0.39, 0.8};
  std::vector<int> state;
  std::vector<int> changed;
  for (const auto& v : p) {
    changed.push_back(a.update(v));
    state.push_back(a.on());
  }
  // Two minutes, a gap that breaks the run, then three: on at the 6th minute; 0.45 and 0.41 stay
  // above T_off; 0.39 switches it off; one minute at 0.8 is not enough to switch it on again.
  EXPECT_EQ(state, (std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1, 0, 0}));
  EXPECT_EQ(changed, (std::vector<int>{0, 0, 0, 0, 0, 1, 0, 0, 1, 0}));
  EXPECT_THROW(infer::Alarm({0.4, 3, 0.5}), Error);
  EXPECT_THROW(infer::Alarm({0.5, 0, 0.4}), Error);
  EXPECT_THROW(infer::Alarm({std::nan(""), 3, 0.4}), Error);
}

TEST(RiskAnnotations, RoundTripThroughTheAnnotationReader) {
  const auto& s = shared();
  const auto& rec = s.cohort.scd.front().record;
  const auto r = infer::predict_record(s.engine, rec);
  const infer::AlarmConfig alarm{0.0, 1, 0.0};  // on at the first scored minute
  const auto anns = infer::risk_annotations(r, r.fs_hz, alarm);
  TempDir dir;
  io::write_annotations(dir / "rec", "risk", anns);
  const auto back = io::read_annotations(dir / "rec", "risk");
  ASSERT_EQ(back.size(), r.minutes.size());
  bool saw_on = false;
  for (std::size_t i = 0; i < back.size(); ++i) {
    const auto& m = r.minutes[i];
    EXPECT_EQ(back[i].code, infer::kNoteCode);
    EXPECT_EQ(back[i].sample, std::llround(m.start_s * r.fs_hz));
    const auto note = infer::parse_risk_note(back[i].aux);
    ASSERT_TRUE(note) << back[i].aux;
    EXPECT_EQ(note->quality, m.quality());
    ASSERT_EQ(note->p.has_value(), m.risk.has_value());
    if (m.risk) {
      EXPECT_NEAR(*note->p, *m.risk, 0.0005);
    }
    if (note->alarm == "on") {
      EXPECT_FALSE(saw_on);
      EXPECT_EQ(back[i].subtype, 1);
      saw_on = true;
    }
  }
  EXPECT_TRUE(saw_on);
  EXPECT_FALSE(infer::parse_risk_note("p=0.5"));
  EXPECT_FALSE(infer::parse_risk_note("p=x q=ok"));
  EXPECT_FALSE(infer::parse_risk_note("p=0.5 q=ok alarm=maybe"));
  EXPECT_FALSE(infer::parse_risk_note("p=nan q=ok"));
}

TEST(CohortSummary, CountsMinutesByQualityAndTheFirstAlarm) {
  infer::RecordRisk r;
  r.record = "x,1";
  const std::vector<std::pair<std::vector<std::string>, std::optional<double>>> rows = {
      {{}, 0.2}, {{"bridged"}, 0.6},         {{"flat"}, std::nullopt},     {{}, 0.7},
      {{}, 0.8}, {{"unlike_training"}, 0.9}, {{"invalid=4"}, std::nullopt}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    infer::MinuteRisk m;
    m.minute = static_cast<int>(i);
    m.start_s = 60.0 * static_cast<double>(i);
    m.flags = rows[i].first;
    m.risk = rows[i].second;
    r.minutes.push_back(m);
  }
  const auto row = infer::summarise(r, {0.5, 2, 0.4});
  EXPECT_EQ(row.minutes, 7);
  EXPECT_EQ(row.scored, 5);
  EXPECT_EQ(row.ok, 3);
  EXPECT_EQ(row.bridged, 1);
  EXPECT_EQ(row.flat, 1);
  EXPECT_EQ(row.invalid, 1);
  EXPECT_EQ(row.unlike_training, 1);
  EXPECT_EQ(row.above_threshold, 4);
  EXPECT_DOUBLE_EQ(*row.max_risk, 0.9);
  EXPECT_NEAR(*row.mean_risk, (0.2 + 0.6 + 0.7 + 0.8 + 0.9) / 5, 1e-12);
  ASSERT_TRUE(row.first_alarm);  // 0.6 then a flat minute breaks the run; 0.7, 0.8: on at 4
  EXPECT_EQ(*row.first_alarm, 4);
  infer::CohortRow failed;
  failed.record = "bad";
  failed.error = "bad.hea: cannot open";
  const auto csv = infer::cohort_csv({row, failed}, {"comment"});
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "# comment\r");
  const auto commas = [](const std::string& l) { return std::count(l.begin(), l.end(), ','); };
  EXPECT_EQ(commas(lines[2]), commas(lines[1]) + 1);  // the record name's comma is quoted
  EXPECT_EQ(lines[2].rfind("\"x,1\",,ok,7,5,", 0), 0u) << lines[2];
  EXPECT_EQ(commas(lines[3]), commas(lines[1]));
  EXPECT_NE(lines[3].find("failed: bad.hea: cannot open"), std::string::npos);
}

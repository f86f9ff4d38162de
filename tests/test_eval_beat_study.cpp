// The beat study on synthetic beat cohorts with known answers, and on the real annotations.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "common/atomic_file.hpp"
#include "eval/real/beat_study.hpp"
#include "eval/real/real_rhythm.hpp"
#include "report/real_report.hpp"
#include "test_util.hpp"

using namespace scapredict;
namespace st = scapredict::testing;

namespace {

struct SynthSpec {
  int n_scd = 8, n_normal = 10;
  double hours = 5.0;
  double scd_rr = 0.8, normal_rr = 0.8;  ///< mean RR (s) of each group
  double imminent_rr = 0;                ///< SCD mean RR in the last 10 min before onset (0: same)
  std::uint64_t seed = 7;
};

// Beat annotations of one patient: RR = mean + patient offset + AR(1) noise + 0.25 Hz breathing.
data::BeatRecord synth_record(const SynthSpec& s, bool scd, double onset_s, std::mt19937_64& rng) {
  data::BeatRecord b;
  b.fs_hz = scd ? 250 : 128;
  b.annotator = "atr";
  std::normal_distribution<double> n01(0, 1);
  const double mean = (scd ? s.scd_rr : s.normal_rr) + 0.03 * n01(rng);
  double t = 0.5, ar = 0;
  const double end = s.hours * 3600;
  while (t < end) {
    ar = 0.9 * ar + 0.015 * n01(rng);
    double m = mean;
    if (scd && s.imminent_rr > 0 && t > onset_s - 600 && t < onset_s) m = s.imminent_rr;
    t += m + ar + 0.02 * std::sin(2 * M_PI * 0.25 * t);
    b.annotations.push_back({static_cast<std::int64_t>(std::llround(t * b.fs_hz)), 1, 0, 0, 0, ""});
  }
  b.first_beat_s = double(b.annotations.front().sample) / b.fs_hz;
  b.last_beat_s = double(b.annotations.back().sample) / b.fs_hz;
  return b;
}

data::BeatCohort synth_cohort(const SynthSpec& s) {
  data::BeatCohort c;
  std::mt19937_64 rng(s.seed);
  const double onset = s.hours * 3600 - 60;
  for (int i = 0; i < s.n_scd; ++i) {
    auto b = synth_record(s, true, onset, rng);
    b.annotator = i % 2 ? "ari" : "atr";
    c.cohort.scd.push_back({"synth/s" + std::to_string(i), {}, true, onset, b.last_beat_s, 250});
    c.scd.push_back(std::move(b));
  }
  for (int i = 0; i < s.n_normal; ++i) {
    auto b = synth_record(s, false, 0, rng);
    b.age = 20 + 3 * i;
    c.cohort.normal.push_back({"synth/n" + std::to_string(i), {}, false, {}, b.last_beat_s, 128});
    c.normal.push_back(std::move(b));
  }
  c.cohort.source.simulated = true;
  c.cohort.source.kind = "simulated";
  c.cohort.source.description = "SIMULATED beat annotations (test)";
  return c;
}

eval::BeatStudyConfig small_config() {
  auto cfg = eval::BeatStudyConfig::preregistered();
  cfg.protocol.train_scd = 5;
  cfg.protocol.test_scd = 3;
  cfg.protocol.train_normal = 6;
  cfg.protocol.test_normal = 4;
  cfg.protocol.horizons = {5, 30, 60};
  cfg.run.repetitions = 3;
  cfg.classifiers = {model::TabularKind::kLogistic, model::TabularKind::kKnn,
                     model::TabularKind::kTree};
  cfg.primary = model::TabularKind::kLogistic;
  cfg.windows_min = {1};
  cfg.bootstrap = 200;
  cfg.far_minutes = {240, 270};
  return cfg;
}

}  // namespace

TEST(BeatStudy, GroupDifferenceIsFoundNearAndFarButIsNoImminenceSignal) {
  SynthSpec s;
  s.scd_rr = 0.62;
  s.normal_rr = 0.92;
  const auto c = synth_cohort(s);
  const auto r = eval::run_beat_study(c, small_config());
  ASSERT_EQ(r.main.size(), 3u);
  for (const auto& run : r.main) {
    EXPECT_GT(run.near.auroc.mean, 0.95) << run.classifier;
    EXPECT_GT(run.far.auroc.mean, 0.95) << run.classifier;  // the patient, not the time
    EXPECT_GT(run.far.scd_minutes, 0);
  }
  ASSERT_EQ(r.lopo.size(), 3u);
  EXPECT_GT(r.lopo[0].all.auroc.mean, 0.9);
  EXPECT_EQ(r.lopo[0].all.scd_patients, 8);
  EXPECT_EQ(r.lopo[0].all.normal_patients, 10);
  // Always answering normal: 4 normal minutes of 7 per horizon.
  EXPECT_NEAR(r.main[0].horizons[0].always_normal.mean, 4.0 / 7.0, 1e-9);
  ASSERT_EQ(r.imminence.size(), 3u);
  for (const auto& im : r.imminence) {
    EXPECT_LT(im.real.auroc.mean, 0.8) << im.classifier;  // no change before onset
    EXPECT_EQ(im.real.scd_patients, 8);
  }
}

TEST(BeatStudy, ImminenceSignalBeatsItsPlaceboAndNearBeatsFar) {
  SynthSpec s;
  s.imminent_rr = 0.55;  // heart rate rises in the last 10 minutes only
  const auto c = synth_cohort(s);
  const auto r = eval::run_beat_study(c, small_config());
  const auto* run = r.main_run("logistic", 1);
  ASSERT_NE(run, nullptr);
  ASSERT_EQ(run->horizons.size(), 3u);
  // Trained on minutes 1-10 before onset: minute 5 is told apart, 60 minutes before it is not.
  EXPECT_GT(run->horizons[0].auroc.mean, 0.9);
  EXPECT_LT(run->horizons[2].auroc.mean, 0.8);
  EXPECT_LT(run->far.auroc.mean, 0.8);
  for (const auto& im : r.imminence) {
    EXPECT_GT(im.real.auroc.mean, 0.9) << im.classifier;
    EXPECT_LT(im.placebo.auroc.mean, 0.8) << im.classifier;
  }
}

TEST(BeatStudy, ReportStatesItsDataAndWritesResultsWithConfig) {
  SynthSpec s;
  s.scd_rr = 0.7;
  s.normal_rr = 0.9;
  const auto c = synth_cohort(s);
  auto cfg = small_config();
  cfg.classifiers = {model::TabularKind::kLogistic};
  cfg.run.repetitions = 2;
  st::TempDir dir;
  std::vector<ProgressEvent> overall;
  const auto study = eval::run_real_study(c, cfg, dir / "out", [&](const ProgressEvent& e) {
    if (e.task == "reproduce --beats") overall.push_back(e);
  });
  // One overall estimate besides each part's own: here the beat study is the only part.
  ASSERT_EQ(overall.size(), 1u);
  EXPECT_EQ(overall[0].done, 1u);
  EXPECT_EQ(overall[0].total, 1u);
  EXPECT_EQ(overall[0].detail, "the beat study");
  report::write_real_report(study, dir / "out");
  const auto md = read_file(dir / "out" / "REAL_REPORT.md");
  EXPECT_EQ(md.substr(0, md.find('\n')), "SIMULATED beat annotations (test)");
  EXPECT_NE(md.find("always normal"), std::string::npos);
  EXPECT_NE(md.find("Fujita et al. 2016"), std::string::npos);
  const auto j = nlohmann::json::parse(read_file(dir / "out" / "real_results.json"));
  EXPECT_EQ(j["config"]["run"]["seed"], cfg.run.seed);
  EXPECT_EQ(j["data"]["kind"], "simulated");
  EXPECT_TRUE(j.contains("version"));
  EXPECT_EQ(j["main"].size(), 1u);
}

TEST(BeatStudy, BadConfigurationsAreErrors) {
  const auto c = synth_cohort(SynthSpec{});
  auto cfg = small_config();
  cfg.classifiers.clear();
  EXPECT_THROW(eval::run_beat_study(c, cfg), data::DataError);
  cfg = small_config();
  cfg.windows_min = {0};
  EXPECT_THROW(eval::run_beat_study(c, cfg), data::DataError);
}

namespace {

eval::RealRhythmConfig small_rhythm_config(const std::filesystem::path& work) {
  auto c = eval::RealRhythmConfig::preregistered();
  c.protocol.train_scd = 5;
  c.protocol.test_scd = 3;
  c.protocol.train_normal = 6;
  c.protocol.test_normal = 4;
  c.protocol.horizons = {5, 10};
  c.near = {5, 10};
  c.far = {60, 70};
  c.normal_hours = 0.4;
  c.run.repetitions = 3;
  c.run.epochs = 15;
  c.work = work;
  return c;
}

}  // namespace

// Known answers for experiment 4: a rhythm difference is found through one recorder; without
// one, one recorder gives chance, and each database's own chain gives the recorder away.
TEST(RealRhythm, OneRecorderSeesOnlyRhythmOwnChainsSeeTheRecorder) {
  st::TempDir dir;
  SynthSpec same;
  same.hours = 1.5;
  const auto r = eval::run_real_rhythm(synth_cohort(same), small_rhythm_config(dir.path()));
  ASSERT_EQ(r.settings.size(), 2u);
  const auto& one = r.settings[0];
  const auto& own = r.settings[1];
  EXPECT_EQ(one.name, "one recorder");
  EXPECT_EQ(one.scd, 8);
  EXPECT_EQ(one.normal, 10);
  EXPECT_EQ(one.description.rfind("REAL beat times", 0), 0u);
  EXPECT_LT(one.near.auroc.mean, 0.8) << "same rhythm, same recorder: nothing to find";
  EXPECT_GT(own.near.auroc.mean, 0.9) << "same rhythm, own chains: the recorder is found";
  EXPECT_GT(own.far.auroc.mean, 0.9);
  EXPECT_GT(one.near.scd_minutes, 0);
  EXPECT_GT(one.far.scd_minutes, 0);
  // The rendered records are gone; nothing but the results is left.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));

  SynthSpec differ = same;
  differ.scd_rr = 0.55;
  differ.normal_rr = 1.0;
  const auto d = eval::run_real_rhythm(synth_cohort(differ), small_rhythm_config(dir.path()));
  EXPECT_GT(d.settings[0].near.auroc.mean, 0.9) << "a rhythm difference shows in the spectrum";
  EXPECT_GT(d.settings[0].far.auroc.mean, 0.9) << "and far from onset too: it is the patient";
}

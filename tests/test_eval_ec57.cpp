// EC57 beat-by-beat comparison on hand-made annotation lists, the qrs and bxb commands, and the
// detector's gross figures on the real MIT-BIH records against the textbook Pan-Tompkins.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "dsp/qrs.hpp"
#include "eval/beats/ec57.hpp"
#include "io/annotation.hpp"
#include "io/header.hpp"
#include "io/signal.hpp"
#include "sim/render.hpp"
#include "test_util.hpp"

namespace sp = scapredict;
using sp::eval::BeatCounts;
using sp::eval::compare_beats;
using sp::io::Annotation;

namespace {

constexpr double kFs = 360.0;
constexpr std::int64_t kLearn = 300 * 360;  // first scored sample
constexpr std::int64_t kN = 1800 * 360;

Annotation beat(std::int64_t s, int code = sp::io::code::kNormal) {
  return {s, code, 0, 0, 0, ""};
}
Annotation rhythm(std::int64_t s, const std::string& aux) {
  return {s, sp::io::code::kRhythm, 0, 0, 0, aux};
}

void expect_counts(const BeatCounts& c, std::int64_t tp, std::int64_t fn, std::int64_t fp) {
  EXPECT_EQ(c.tp, tp);
  EXPECT_EQ(c.fn, fn);
  EXPECT_EQ(c.fp, fp);
}

}  // namespace

TEST(EvalEc57, MatchWindowIs150msInclusive) {
  const std::int64_t t = kLearn + 3600;
  // 150 ms at 360 Hz = 54 samples: 54 matches, 55 does not.
  expect_counts(compare_beats({beat(t)}, {beat(t + 54)}, kFs, kN), 1, 0, 0);
  expect_counts(compare_beats({beat(t)}, {beat(t - 54)}, kFs, kN), 1, 0, 0);
  expect_counts(compare_beats({beat(t)}, {beat(t + 55)}, kFs, kN), 0, 1, 1);
  expect_counts(compare_beats({beat(t)}, {beat(t - 55)}, kFs, kN), 0, 1, 1);
  // At 250 Hz, 150 ms = 37.5 samples: 37 matches, 38 does not.
  expect_counts(compare_beats({beat(80000)}, {beat(80037)}, 250, 500000), 1, 0, 0);
  expect_counts(compare_beats({beat(80000)}, {beat(80038)}, 250, 500000), 0, 1, 1);
}

TEST(EvalEc57, ClosestPairsFirstAndEachBeatOnce) {
  const std::int64_t t = kLearn + 3600;
  // One test beat between two reference beats 100 ms apart: it pairs with the closer one.
  expect_counts(compare_beats({beat(t), beat(t + 36)}, {beat(t + 30)}, kFs, kN), 1, 1, 0);
  // Two test beats near one reference beat: one pair, one false positive.
  expect_counts(compare_beats({beat(t)}, {beat(t - 10), beat(t + 5)}, kFs, kN), 1, 0, 1);
  // Known mix: 5 reference beats, 4 found, 2 extra.
  const std::vector<Annotation> ref = {beat(t), beat(t + 300), beat(t + 600), beat(t + 900),
                                       beat(t + 1200)};
  const std::vector<Annotation> test = {beat(t + 3),   beat(t + 150),  beat(t + 597),
                                        beat(t + 905), beat(t + 1205), beat(t + 1500)};
  expect_counts(compare_beats(ref, test, kFs, kN), 4, 1, 2);
}

TEST(EvalEc57, LearningPeriodIsNotScored) {
  // Before 5 min: a missed and an extra beat are not counted.
  expect_counts(compare_beats({beat(1000), beat(kLearn - 1)}, {beat(5000)}, kFs, kN), 0, 0, 0);
  // The first scored sample is 300 s.
  expect_counts(compare_beats({beat(kLearn)}, {}, kFs, kN), 0, 1, 0);
  expect_counts(compare_beats({}, {beat(kLearn)}, kFs, kN), 0, 0, 1);
  // A pair counts where its reference beat lies.
  expect_counts(compare_beats({beat(kLearn - 10)}, {beat(kLearn + 10)}, kFs, kN), 0, 0, 0);
  expect_counts(compare_beats({beat(kLearn + 10)}, {beat(kLearn - 10)}, kFs, kN), 1, 0, 0);
  sp::eval::Ec57Options none;
  none.learning_period_s = 0;
  expect_counts(compare_beats({beat(1000)}, {}, kFs, kN, none), 0, 1, 0);
}

TEST(EvalEc57, VentricularFlutterAndFibrillationAreNotScored) {
  const std::int64_t a = kLearn + 10000, b = kLearn + 20000;
  const std::vector<Annotation> ref = {rhythm(kLearn, "(N"), beat(a - 1000), rhythm(a, "(VFL"),
                                       beat(a + 500, 31),    beat(a + 900),  rhythm(b, "(N"),
                                       beat(b + 500)};
  // In the episode: a missed flutter wave and an extra test beat do not count.
  expect_counts(compare_beats(ref, {beat(a - 1000), beat(a + 100), beat(b + 500)}, kFs, kN), 2, 0,
                0);
  // VF markers '[' .. ']' too, and "(VF" episodes to the record end.
  const std::vector<Annotation> markers = {beat(a - 1000), {a, sp::io::code::kVfOn, 0, 0, 0, ""},
                                           beat(a + 500),  {b, sp::io::code::kVfOff, 0, 0, 0, ""},
                                           beat(b + 500),  rhythm(b + 1000, "(VF"),
                                           beat(b + 2000)};
  expect_counts(compare_beats(markers, {beat(a - 1000), beat(b + 500)}, kFs, kN), 2, 0, 0);
  sp::eval::Ec57Options keep;
  keep.exclude_vf = false;
  expect_counts(compare_beats(markers, {beat(a - 1000), beat(b + 500)}, kFs, kN, keep), 2, 2, 0);
  const auto iv = sp::eval::vf_intervals(markers, kN);
  ASSERT_EQ(iv.size(), 2u);
  EXPECT_EQ(iv[0].first, a);
  EXPECT_EQ(iv[1].second, kN);
}

TEST(EvalEc57, OnlyQrsCodesAreBeats) {
  const std::int64_t t = kLearn + 3600;
  // 'x' (non-conducted P wave), '+' and '~' are not beats; 'V', 'Q', '!' are.
  EXPECT_FALSE(sp::io::is_beat(37));
  EXPECT_TRUE(sp::io::is_beat(31));
  const std::vector<Annotation> ref = {beat(t, 37), rhythm(t + 100, "(N"), beat(t + 200, 14),
                                       beat(t + 400, 5), beat(t + 800, 13)};
  expect_counts(compare_beats(ref, {beat(t + 400), beat(t + 800)}, kFs, kN), 2, 0, 0);
  EXPECT_THROW(compare_beats(ref, {}, 0.0, kN), sp::Error);
}

TEST(EvalEc57, GrossAndAverageFigures) {
  std::vector<sp::eval::RecordComparison> rows(3);
  rows[0].counts.tp = 90;  // Se 0.9, +P 1
  rows[0].counts.fn = 10;
  rows[1].counts.tp = 100;  // Se 1, +P 0.5
  rows[1].counts.fp = 100;  // rows[2]: no beats, no figures
  const auto s = sp::eval::summarize(rows);
  EXPECT_EQ(s.gross.tp, 190);
  EXPECT_NEAR(*s.gross.sensitivity(), 190.0 / 200.0, 1e-12);
  EXPECT_NEAR(*s.gross.positive_predictivity(), 190.0 / 290.0, 1e-12);
  EXPECT_NEAR(*s.average_sensitivity, 0.95, 1e-12);
  EXPECT_NEAR(*s.average_positive_predictivity, 0.75, 1e-12);
  EXPECT_FALSE(rows[2].counts.sensitivity());
  const auto j = s.to_json();
  EXPECT_TRUE(j["records"][2]["sensitivity"].is_null());
  EXPECT_EQ(j["gross"]["fp"], 100);
  EXPECT_NE(s.to_text().find("gross"), std::string::npos);
}

namespace {

// A 6-minute simulated two-lead record at 250 Hz with its true beats as "atr".
std::filesystem::path write_sim_record(const std::filesystem::path& dir) {
  sp::sim::Rng rng(7);
  auto p = sp::sim::draw_patient(rng);
  p.motion_per_h = 0;
  const double dur = 360;
  const auto sched = sp::sim::schedule_beats(p, sp::sim::RiskEffects{}, 1.0, dur, dur + 30, rng);
  auto rec = sp::sim::sddb_recorder();
  rec.dropouts_per_hour = 0;
  const auto r = sp::sim::render(p, sched, rec, rec.gain_adu_per_mv, dur, dur + 30, rng);
  sp::io::Header h;
  h.record_name = "sim1";
  h.n_signals = 2;
  h.fs_hz = rec.fs_hz;
  for (int i = 0; i < 2; ++i) {
    sp::io::SignalSpec s;
    s.file_name = "sim1.dat";
    s.format = 212;
    s.adc_gain = rec.gain_adu_per_mv;
    s.adc_resolution = 12;
    s.description = "ECG";
    h.signals.push_back(s);
  }
  sp::io::write_record(dir, h, r.adu);
  sp::io::write_annotations(dir / "sim1", "atr", r.annotations);
  return dir / "sim1";
}

void expect_one_error_line(const sp::testing::CliResult& r, const std::string& where) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("scapredict: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(where), std::string::npos) << r.err;
}

}  // namespace

TEST(CliBeats, QrsThenBxbOnASimulatedRecord) {
  sp::testing::TempDir tmp;
  const auto record = write_sim_record(tmp.path());
  const auto q = sp::testing::run_cli({"qrs", record.string()});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(std::count(q.out.begin(), q.out.end(), '\n'), 1) << q.out;
  EXPECT_NE(q.out.find("beats in"), std::string::npos) << q.out;
  ASSERT_TRUE(std::filesystem::exists(tmp / "sim1.qrs"));
  const auto written = sp::io::read_annotations(record, "qrs");
  ASSERT_FALSE(written.empty());
  for (const auto& a : written) EXPECT_EQ(a.code, sp::io::code::kNormal);

  const auto b = sp::testing::run_cli({"bxb", record.string(), "--ref", "atr", "--test", "qrs",
                                       "--json", (tmp / "bxb.json").string()});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(b.out.find("gross"), std::string::npos) << b.out;
  const auto summary = sp::eval::compare_records({record}, "atr", "qrs");
  ASSERT_TRUE(summary.gross.sensitivity());
  EXPECT_GE(*summary.gross.sensitivity(), 0.99);
  EXPECT_GE(*summary.gross.positive_predictivity(), 0.99);
  std::ifstream j(tmp / "bxb.json");
  EXPECT_EQ(nlohmann::json::parse(j)["gross"]["tp"], summary.gross.tp);

  // --out and --signal.
  const auto q1 = sp::testing::run_cli(
      {"qrs", record.string(), "--signal", "1", "--out", (tmp / "lead1.ann").string()});
  EXPECT_EQ(q1.exit_code, 0) << q1.err;
  EXPECT_TRUE(std::filesystem::exists(tmp / "lead1.ann"));
}

TEST(CliBeats, BadInputIsOneLineAndExitTwo) {
  sp::testing::TempDir tmp;
  const auto record = write_sim_record(tmp.path());
  const std::string r = record.string();
  expect_one_error_line(sp::testing::run_cli({"qrs", r, "--signal", "2"}), "--signal");
  expect_one_error_line(sp::testing::run_cli({"qrs", r, "--signal", "-1"}), "--signal");
  expect_one_error_line(sp::testing::run_cli({"qrs", (tmp / "nope").string()}), "nope");
  expect_one_error_line(sp::testing::run_cli({"bxb", r, "--ref", "atr", "--test", "qrs"}),
                        "sim1.qrs");
  expect_one_error_line(sp::testing::run_cli({"bxb", r, "--ref", "../x", "--test", "atr"}),
                        "--ref");
  expect_one_error_line(sp::testing::run_cli({"bxb", r, "--test", "atr"}), "--ref");
  expect_one_error_line(sp::testing::run_cli({"bxb", "--ref", "atr", "--test", "atr"}), "records");
  expect_one_error_line(sp::testing::run_cli({"bxb", r, "--ref", "atr", "--test", "atr", "--json",
                                              (tmp / "sim1.hea" / "x.json").string()}),
                        "x.json");
  // An annotation past the record's end.
  sp::io::write_annotations(record, "bad", {beat(10'000'000)});
  expect_one_error_line(sp::testing::run_cli({"bxb", r, "--ref", "atr", "--test", "bad"}),
                        "sim1.bad");
  // Nothing was written by the failures.
  EXPECT_FALSE(std::filesystem::exists(tmp / "sim1.qrs"));
  EXPECT_FALSE(std::filesystem::exists(tmp / "x.json"));
}

namespace {

const std::vector<std::string> kMitdb = {"100", "101", "106", "108", "109", "112", "114", "115",
                                         "116", "118", "119", "122", "124", "201", "203", "205",
                                         "207", "208", "209", "215", "220", "223", "230"};

sp::eval::RecordComparison row(const std::string& name, const BeatCounts& counts) {
  sp::eval::RecordComparison r;
  r.record = name;
  r.counts = counts;
  return r;
}

std::vector<Annotation> as_annotations(const std::vector<std::int64_t>& beats) {
  std::vector<Annotation> out;
  for (auto s : beats) out.push_back(beat(s));
  return out;
}

}  // namespace

// All 23 records (about 10 s): the detector against the reference and against the textbook
// Pan-Tompkins on lead 0. Prints both tables.
TEST(EvalEc57, MitdbGrossFiguresBeatTheTarget) {
  SKIP_WITHOUT_PHYSIONET(dir);
  std::vector<sp::eval::RecordComparison> ours, textbook;
  for (const auto& name : kMitdb) {
    const auto record = dir / "mitdb" / name;
    if (!std::filesystem::exists(record.string() + ".hea"))
      GTEST_SKIP() << "mitdb record " << name << " missing in " << dir;
    const sp::io::Record rec(record);
    const auto ref = sp::io::read_annotations(record, "atr");
    const auto mine = sp::dsp::detect_record_qrs(rec, {});
    const auto pt = sp::dsp::detect_qrs_pan_tompkins(rec.read_physical(0), rec.fs_hz());
    ours.push_back(
        row(name, compare_beats(ref, as_annotations(mine), rec.fs_hz(), rec.n_frames())));
    textbook.push_back(
        row(name, compare_beats(ref, as_annotations(pt), rec.fs_hz(), rec.n_frames())));
  }
  const auto a = sp::eval::summarize(ours), b = sp::eval::summarize(textbook);
  std::cout << "detect_qrs:\n" << a.to_text() << "textbook Pan-Tompkins:\n" << b.to_text();
  EXPECT_GE(*a.gross.sensitivity(), 0.997);
  EXPECT_GE(*a.gross.positive_predictivity(), 0.997);
  EXPECT_LT(a.gross.fn + a.gross.fp, b.gross.fn + b.gross.fp);
  EXPECT_GT(*a.gross.positive_predictivity(), *b.gross.positive_predictivity());
}

// Simulated records with known beats (noise, PVCs, couplets, motion bursts, dropouts), scored as
// EC57 does: the figures docs/qrs.md reports.
TEST(EvalEc57, SimulatedRecordsWithKnownBeats) {
  std::vector<sp::eval::RecordComparison> rows;
  for (std::uint64_t seed = 100; seed < 106; ++seed) {
    sp::sim::Rng rng(seed);
    const auto p = sp::sim::draw_patient(rng);
    const double dur = 1200;
    const auto sched = sp::sim::schedule_beats(p, sp::sim::RiskEffects{}, 1.0, dur, dur + 30, rng);
    const auto rec = sp::sim::sddb_recorder();  // 250 Hz, dropouts 2/h
    const auto r = sp::sim::render(p, sched, rec, rec.gain_adu_per_mv, dur, dur + 30, rng);
    std::vector<std::vector<double>> leads;
    for (const auto& ch : r.adu) {
      std::vector<double> x(ch.size());
      for (std::size_t i = 0; i < ch.size(); ++i)
        x[i] = ch[i] == sp::io::kInvalidAdu ? std::nan("") : ch[i] / rec.gain_adu_per_mv;
      leads.push_back(std::move(x));
    }
    const auto det = sp::dsp::detect_qrs(leads, rec.fs_hz);
    // Beats inside dropouts cannot be seen: the reference keeps them, so they count as misses.
    rows.push_back(row("sim" + std::to_string(seed),
                       compare_beats(r.annotations, as_annotations(det), rec.fs_hz,
                                     static_cast<std::int64_t>(leads[0].size()))));
  }
  const auto s = sp::eval::summarize(rows);
  std::cout << "simulated (250 Hz, 20 min each):\n" << s.to_text();
  EXPECT_GE(*s.gross.sensitivity(), 0.99);
  EXPECT_GE(*s.gross.positive_predictivity(), 0.995);
}

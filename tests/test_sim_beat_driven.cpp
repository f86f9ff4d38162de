// Real beat times rendered through the simulator's recorder (sim::render_beat_cohort).
#include <gtest/gtest.h>

#include <cmath>

#include "common/atomic_file.hpp"
#include "data/cohort.hpp"
#include "io/annotation.hpp"
#include "io/signal.hpp"
#include "sim/beat_driven.hpp"
#include "test_util.hpp"

using namespace scapredict;
namespace st = scapredict::testing;

namespace {

// Beats every 0.8 s over `duration_s`, the 10th a PVC, none in [gap_from, gap_to).
sim::BeatSequence sequence(const std::string& db, const std::string& name, double duration_s,
                           double gap_from = -1, double gap_to = -1) {
  sim::BeatSequence s;
  s.db = db;
  s.name = name;
  s.duration_s = duration_s;
  int i = 0;
  for (double t = 0.4; t < duration_s; t += 0.8, ++i) {
    if (t >= gap_from && t < gap_to) continue;
    s.t_s.push_back(t);
    s.ventricular.push_back(i % 10 == 9);
  }
  return s;
}

std::vector<sim::BeatSequence> two_records() {
  auto scd = sequence("sddb", "30", 300, 100, 110);  // a 10-s stretch without beats
  scd.onset_s = 240;
  return {scd, sequence("nsrdb", "16265", 300)};
}

}  // namespace

TEST(BeatDriven, AnnotatedBeatsSitWhereTheRealBeatsWere) {
  st::TempDir dir;
  sim::BeatRenderConfig c;
  c.out = dir / "one";
  c.beat_source = "test beats";
  const auto seqs = two_records();
  const auto truth = sim::render_beat_cohort(seqs, c);
  EXPECT_EQ(truth["records"].size(), 2u);
  for (const auto& s : seqs) {
    const auto path = c.out / s.db / s.name;
    const auto hdr = io::read_header(path);
    EXPECT_EQ(hdr.fs_hz, 250.0) << "one recorder: 250 Hz for both databases";
    const auto ann = io::read_annotations(path, s.db == "sddb" ? "ari" : "atr");
    std::vector<io::Annotation> beats;
    for (const auto& a : ann)
      if (io::is_beat(a.code)) beats.push_back(a);
    std::size_t expected = 0;
    for (double t : s.t_s) expected += !s.onset_s || t < *s.onset_s;
    ASSERT_EQ(beats.size(), expected) << s.name;
    for (std::size_t i = 0; i < beats.size(); ++i) {
      // Wow and flutter move the time base by at most 1.3 ms: under one sample at 250 Hz.
      EXPECT_LE(std::abs(double(beats[i].sample) - s.t_s[i] * 250.0), 1.0) << s.name << " " << i;
      EXPECT_EQ(beats[i].code, s.ventricular[i] ? io::code::kPvc : io::code::kNormal);
    }
  }
  const auto scd_hdr = io::read_header(c.out / "sddb" / "30");
  ASSERT_TRUE(io::vf_onset(scd_hdr));
  EXPECT_DOUBLE_EQ(io::vf_onset(scd_hdr)->seconds, 240.0);
}

TEST(BeatDriven, StretchesWithoutBeatsAreInvalidAndTheRestIsSignal) {
  st::TempDir dir;
  sim::BeatRenderConfig c;
  c.out = dir / "one";
  sim::render_beat_cohort(two_records(), c);
  io::Record rec(c.out / "sddb" / "30");
  const auto x = rec.read_physical(0);
  int nan_in_gap = 0, nan_elsewhere = 0, samples_in_gap = 0;
  for (std::size_t i = 0; i < 240 * 250; ++i) {
    const double t = double(i) / 250;
    const bool in_gap = t > 99.7 && t < 110.3;  // last beat before 100 s at 99.6, next at 110.0
    samples_in_gap += t > 99.7 && t < 109.9;
    if (std::isnan(x[i])) {
      (in_gap ? nan_in_gap : nan_elsewhere)++;
    }
  }
  EXPECT_GE(nan_in_gap, samples_in_gap);
  // Elsewhere only the recorder's own tape dropouts (at most ~2 per hour of at most 1.8 s).
  EXPECT_LE(nan_elsewhere, 2 * 450);
}

TEST(BeatDriven, OwnChainsDifferOnlyByTheRecorder) {
  st::TempDir dir;
  sim::BeatRenderConfig one, own;
  one.out = dir / "one";
  own.out = dir / "own";
  own.own_chains = true;
  const auto seqs = two_records();
  sim::render_beat_cohort(seqs, one);
  const auto truth = sim::render_beat_cohort(seqs, own);
  EXPECT_EQ(io::read_header(own.out / "nsrdb" / "16265").fs_hz, 128.0);
  EXPECT_EQ(io::read_header(own.out / "sddb" / "30").fs_hz, 250.0);
  // The SDDB record goes through the same chain in both settings: identical samples.
  EXPECT_EQ(read_file(one.out / "sddb" / "30.dat"), read_file(own.out / "sddb" / "30.dat"));
  const auto cohort = data::load_cohort(own.out);
  EXPECT_EQ(cohort.source.kind, "simulated");
  EXPECT_EQ(cohort.source.description.rfind("REAL beat times", 0), 0u) << cohort.source.description;
  EXPECT_NE(cohort.source.description.find("SIMULATED"), std::string::npos);
  EXPECT_EQ(truth["knobs"]["own_chains"], true);
}

TEST(BeatDriven, BadSequencesAreRefused) {
  st::TempDir dir;
  sim::BeatRenderConfig c;
  c.out = dir / "x";
  EXPECT_THROW(sim::render_beat_cohort({}, c), sim::SimError);
  auto s = two_records();
  std::swap(s[0].t_s[3], s[0].t_s[4]);
  EXPECT_THROW(sim::render_beat_cohort(s, c), sim::SimError);
  s = two_records();
  s[1].t_s.push_back(400);  // past the end
  s[1].ventricular.push_back(false);
  EXPECT_THROW(sim::render_beat_cohort(s, c), sim::SimError);
  s = two_records();
  s[1].name = "../evil";
  EXPECT_THROW(sim::render_beat_cohort(s, c), sim::SimError);
  s = two_records();
  s[0].onset_s = 1e9;
  EXPECT_THROW(sim::render_beat_cohort(s, c), sim::SimError);
  std::filesystem::create_directory(dir / "full");
  st::write_text(dir / "full" / "x", "occupied");
  c.out = dir / "full";
  EXPECT_THROW(sim::render_beat_cohort(two_records(), c), sim::SimError);
}

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "common/atomic_file.hpp"
#include "dsp/prepare.hpp"
#include "dsp/spectrum.hpp"
#include "io/annotation.hpp"
#include "io/inspect.hpp"
#include "io/signal.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"

using namespace scapredict;
using scapredict::testing::TempDir;
namespace fs = std::filesystem;

namespace {
sim::SimConfig small(const fs::path& out) {
  sim::SimConfig c;
  c.out = out;
  c.hours_before_onset = 0.25;
  c.hours_after = 0.02;
  c.nsrdb_hours = 0.25;
  c.only_records = {"30", "37", "39", "40", "16265", "16272"};
  return c;
}
}  // namespace

TEST(Simulate, LayoutOnsetsAndHeaders) {
  TempDir dir;
  auto truth = sim::simulate(small(dir.path()));
  EXPECT_EQ(truth["data_source"], "SIMULATED");
  EXPECT_EQ(read_file(dir / "sddb/RECORDS"), "30\n37\n39\n40\n");
  EXPECT_EQ(read_file(dir / "nsrdb/RECORDS"), "16265\n16272\n");
  for (const char* name : {"30", "37", "39"}) {
    auto rep = io::inspect(dir / "sddb" / name, "ari");
    ASSERT_TRUE(rep.vf_onset) << name;
    EXPECT_DOUBLE_EQ(rep.header.fs_hz, 250.0);
    EXPECT_EQ(rep.header.signals[0].format, 212);
    EXPECT_DOUBLE_EQ(rep.signals[0].adc_gain, std::string(name) == "39" ? 200.0 : 800.0);
    EXPECT_EQ(rep.rhythms.back().rhythm, "VF");
    EXPECT_EQ(rep.rhythms.back().start, rep.vf_onset->sample);
  }
  // Excerpt: 15 minutes before each onset.
  EXPECT_DOUBLE_EQ(io::inspect(dir / "sddb/30").vf_onset->seconds, 900.0);
  EXPECT_FALSE(io::inspect(dir / "sddb/40").vf_onset.has_value());
  auto n = io::inspect(dir / "nsrdb/16265");
  EXPECT_DOUBLE_EQ(n.header.fs_hz, 128.0);
  EXPECT_TRUE(n.signals[0].gain_uncalibrated);
  EXPECT_EQ(*n.annotator, "atr");
  // "# age sex" comment, age 20-50.
  int age = std::stoi(n.header.comments.at(0));
  EXPECT_GE(age, 20);
  EXPECT_LE(age, 50);
}

TEST(Simulate, FullModeKeepsTheRealOnsetTimes) {
  TempDir dir;
  auto c = small(dir.path());
  c.full = true;
  c.only_records = {"37"};  // real onset 1:31:13
  c.hours_after = 0.01;
  sim::simulate(c);
  auto h = io::read_header(dir / "sddb/37");
  EXPECT_EQ(h.comments.at(0), "vfon: 1:31:13");
  EXPECT_DOUBLE_EQ(io::vf_onset(h)->seconds, 5473.0);
}

TEST(Simulate, ByteIdenticalForAnyThreadCount) {
  TempDir a, b;
  auto ca = small(a.path());
  ca.threads = 1;
  auto cb = small(b.path());
  cb.threads = 2;
  sim::simulate(ca);
  sim::simulate(cb);
  for (const auto& e : fs::recursive_directory_iterator(a.path())) {
    if (!e.is_regular_file()) continue;
    auto rel = fs::relative(e.path(), a.path());
    EXPECT_EQ(read_file(e.path()), read_file(b.path() / rel)) << rel;
  }
  TempDir c;
  auto cc = small(c.path());
  cc.seed += 1;
  sim::simulate(cc);
  EXPECT_NE(read_file(a / "sddb/30.dat"), read_file(c / "sddb/30.dat"));
}

TEST(Simulate, BeatAnnotationsSitOnTheSimulatedQrs) {
  TempDir dir;
  auto c = small(dir.path());
  c.only_records = {"16265"};
  c.device_gap = 0;  // 250 Hz
  sim::simulate(c);
  io::Record rec(dir / "nsrdb/16265");
  auto x = rec.read_physical(0);
  auto anns = io::read_annotations(dir / "nsrdb/16265", "atr");
  int beats = 0, on_peak = 0;
  for (const auto& a : anns) {
    if (!io::is_beat(a.code) || a.sample < 50 ||
        a.sample + 50 >= static_cast<std::int64_t>(x.size()))
      continue;
    ++beats;
    // The largest |slope| within +-100 ms lies within 30 ms of the annotation.
    std::int64_t best = a.sample;
    double best_v = 0;
    for (std::int64_t i = a.sample - 25; i <= a.sample + 25; ++i) {
      const double d = std::abs(x[i + 1] - x[i]);
      if (d > best_v) best_v = d, best = i;
    }
    on_peak += std::abs(best - a.sample) <= 8;
  }
  ASSERT_GT(beats, 500);
  EXPECT_GT(static_cast<double>(on_peak) / beats, 0.95);
}

TEST(Simulate, NoRiskNoGapMakesTheCohortsIndistinguishableOnSimpleFeatures) {
  TempDir dir;
  auto c = scapredict::testing::small_sim(dir.path(), 0.0, 0.0, 0.1, 0.1, 8);
  c.hours_after = 0.0;
  sim::simulate(c);
  // Per record: heart rate (beats per minute from annotations) and the 1024-bin spectrum of the
  // last minute before the onset (SDDB) or of minute 4 (NSRDB).
  auto feats = [&](const std::string& db, const std::string& ann, std::vector<double>& hr,
                   std::vector<double>& low_band) {
    std::istringstream in(read_file(dir / db / "RECORDS"));
    std::string name;
    while (std::getline(in, name)) {
      io::Record rec(dir / db / name);
      auto anns = io::read_annotations(dir / db / name, ann);
      int n = 0;
      for (const auto& a : anns) n += io::is_beat(a.code);
      hr.push_back(n / (static_cast<double>(rec.n_frames()) / rec.fs_hz() / 60.0));
      auto p = dsp::load_channel(rec, 0, 240.0, 60.0);
      for (auto& v : p.samples)
        if (!std::isfinite(v)) v = 0;
      auto s = dsp::SpectrumReducer()(p.samples);
      double e = 0;
      for (int b = 8; b < 320; ++b) e += s[b];  // 0.5-20 Hz
      low_band.push_back(e);
    }
  };
  std::vector<double> hr_a, hr_b, e_a, e_b;
  feats("sddb", "ari", hr_a, e_a);
  feats("nsrdb", "atr", hr_b, e_b);
  ASSERT_EQ(hr_a.size(), 8u);
  ASSERT_EQ(hr_b.size(), 8u);
  // Welch's t statistic below 2.5 for both features (no systematic difference).
  auto t_stat = [](const std::vector<double>& a, const std::vector<double>& b) {
    auto mv = [](const std::vector<double>& v, double& m, double& var) {
      m = 0;
      for (double x : v) m += x / v.size();
      var = 0;
      for (double x : v) var += (x - m) * (x - m) / (v.size() - 1);
    };
    double ma, va, mb, vb;
    mv(a, ma, va);
    mv(b, mb, vb);
    return std::abs(ma - mb) / std::sqrt(va / a.size() + vb / b.size());
  };
  EXPECT_LT(t_stat(hr_a, hr_b), 2.5);
  EXPECT_LT(t_stat(e_a, e_b), 2.5);
}

TEST(Simulate, RealismAgainstRealNsrdbMinutesStaysWithinTheDocumentedBound) {
  SKIP_WITHOUT_PHYSIONET(root);
  auto rep = sim::compare_real(root);
  // docs/simulation.md: the log-spectral distance (RMS of log10 ratios, 0.5-40 Hz) of the mean
  // simulated NSR spectrum from the mean real one stays below 0.35 (a factor of 2.2).
  EXPECT_LT(rep.nsr_spectral_distance, 0.35);
  EXPECT_NEAR(rep.sim_hr_bpm_mean, rep.real_hr_bpm_mean, 20.0);
  EXPECT_GT(rep.vf_peak_hz_sim, 3.0);
  EXPECT_LT(rep.vf_peak_hz_sim, 7.5);
}

TEST(Simulate, BadKnobsAreErrors) {
  TempDir dir;
  auto c = small(dir.path());
  c.risk_effect = -1;
  EXPECT_THROW(sim::simulate(c), sim::SimError);
  c = small(dir.path());
  c.only_records = {"nonexistent"};
  EXPECT_THROW(sim::simulate(c), sim::SimError);
}

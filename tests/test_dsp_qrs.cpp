// QRS detection: bad input, polarity, sampling rate, NaN gaps, simulated beats with known times.
// The EC57 scoring on real MIT-BIH records is in test_eval_ec57.cpp (it needs eval).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "dsp/dsp_error.hpp"
#include "dsp/qrs.hpp"
#include "io/signal.hpp"
#include "sim/render.hpp"
#include "test_util.hpp"

namespace sp = scapredict;
using sp::dsp::detect_qrs;
using sp::dsp::detect_qrs_pan_tompkins;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A simulated two-lead ECG with its true beat times (seconds).
struct Ecg {
  std::vector<std::vector<double>> leads;
  std::vector<double> beat_s;
  double fs_hz = 0;
};

// The same patient and beat schedule rendered at `fs_hz`: noise, PVCs and couplets (risk ramp
// near 1), no motion bursts or dropouts unless asked.
Ecg simulated_ecg(double fs_hz, std::uint64_t seed, double duration_s, bool motion = false) {
  sp::sim::Rng rng(seed);
  sp::sim::Patient p = sp::sim::draw_patient(rng);
  if (!motion) p.motion_per_h = 0;
  const sp::sim::RiskEffects fx;
  const double onset_s = duration_s + 30;  // beats to the end, strong PVC/couplet ramp
  const auto schedule = sp::sim::schedule_beats(p, fx, 1.0, duration_s, onset_s, rng);
  sp::sim::Recorder rec = sp::sim::sddb_recorder();
  rec.fs_hz = fs_hz;
  rec.dropouts_per_hour = 0;
  sp::sim::Rng render_rng(seed + 1);
  const auto r =
      sp::sim::render(p, schedule, rec, rec.gain_adu_per_mv, duration_s, onset_s, render_rng);
  Ecg e;
  e.fs_hz = fs_hz;
  for (const auto& ch : r.adu) {
    std::vector<double> x(ch.size());
    for (std::size_t i = 0; i < ch.size(); ++i)
      x[i] = ch[i] == sp::io::kInvalidAdu ? kNaN : ch[i] / rec.gain_adu_per_mv;
    e.leads.push_back(std::move(x));
  }
  for (const auto& a : r.annotations)
    if (sp::io::is_beat(a.code)) e.beat_s.push_back(static_cast<double>(a.sample) / fs_hz);
  return e;
}

std::vector<double> seconds(const std::vector<std::int64_t>& samples, double fs_hz) {
  std::vector<double> out;
  for (auto s : samples) out.push_back(static_cast<double>(s) / fs_hz);
  return out;
}

// Beats of `truth` with a detection within `tol_s`, and detections with a truth beat within it.
struct Match {
  std::size_t found = 0, truth = 0, correct = 0, detected = 0;
};
Match match(const std::vector<double>& truth, const std::vector<double>& det, double tol_s) {
  auto near = [tol_s](const std::vector<double>& v, double t) {
    auto it = std::lower_bound(v.begin(), v.end(), t - tol_s);
    return it != v.end() && *it <= t + tol_s;
  };
  Match m;
  m.truth = truth.size();
  m.detected = det.size();
  for (double t : truth) m.found += near(det, t) ? 1 : 0;
  for (double d : det) m.correct += near(truth, d) ? 1 : 0;
  return m;
}

// Largest distance from each time in `a` to the nearest in `b`.
double max_offset(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (double t : a) {
    auto it = std::lower_bound(b.begin(), b.end(), t);
    double d = std::numeric_limits<double>::infinity();
    if (it != b.end()) d = *it - t;
    if (it != b.begin()) d = std::min(d, t - *std::prev(it));
    worst = std::max(worst, d);
  }
  return worst;
}

}  // namespace

TEST(DspQrs, RejectsBadRatesAndLeads) {
  const std::vector<double> x(1000, 0.0);
  for (double fs : {0.0, -250.0, kNaN, std::numeric_limits<double>::infinity()}) {
    EXPECT_THROW(detect_qrs({x}, fs), sp::dsp::DspError) << fs;
    EXPECT_THROW(detect_qrs_pan_tompkins(x, fs), sp::dsp::DspError) << fs;
  }
  EXPECT_THROW(detect_qrs({}, 250), sp::dsp::DspError);
  EXPECT_THROW(detect_qrs({x, std::vector<double>(999, 0.0)}, 250), sp::dsp::DspError);
}

TEST(DspQrs, EmptyShortFlatAndInvalidInputGiveNoBeats) {
  for (std::size_t n : {0u, 1u, 2u, 5u}) {
    EXPECT_TRUE(detect_qrs({std::vector<double>(n, 0.1)}, 360).empty()) << n;
    EXPECT_TRUE(detect_qrs_pan_tompkins(std::vector<double>(n, 0.1), 360).empty()) << n;
  }
  EXPECT_TRUE(detect_qrs({std::vector<double>(3600, 0.0)}, 360).empty());
  EXPECT_TRUE(
      detect_qrs({std::vector<double>(3600, kNaN), std::vector<double>(3600, kNaN)}, 360).empty());
}

TEST(DspQrs, FindsSimulatedBeatsWithNoisePvcsAndCouplets) {
  for (std::uint64_t seed : {11u, 12u, 13u}) {
    const Ecg e = simulated_ecg(250, seed, 600, /*motion=*/false);
    const auto det = seconds(detect_qrs(e.leads, e.fs_hz), e.fs_hz);
    const Match m = match(e.beat_s, det, 0.05);
    EXPECT_GE(m.found, m.truth - m.truth / 500) << "seed " << seed;  // Se >= 99.8 %
    EXPECT_GE(m.correct, m.detected - m.detected / 500) << "seed " << seed;
    // One lead alone suffices.
    const auto one = seconds(detect_qrs({e.leads[0]}, e.fs_hz), e.fs_hz);
    const Match m1 = match(e.beat_s, one, 0.05);
    EXPECT_GE(m1.found, m1.truth - m1.truth / 100) << "seed " << seed;
    EXPECT_GE(m1.correct, m1.detected - m1.detected / 100) << "seed " << seed;
  }
}

TEST(DspQrs, InvertingALeadGivesTheSameBeats) {
  const Ecg e = simulated_ecg(360, 21, 300);
  const auto beats = detect_qrs(e.leads, e.fs_hz);
  ASSERT_GT(beats.size(), 250u);
  auto inverted = e.leads;
  for (double& v : inverted[0]) v = -v;
  const std::vector<std::pair<std::vector<std::vector<double>>, std::vector<std::vector<double>>>>
      cases = {{{e.leads[0]}, {inverted[0]}}, {e.leads, inverted}};
  for (const auto& [original, flipped] : cases) {
    const auto one = detect_qrs(original, e.fs_hz);
    const auto other = detect_qrs(flipped, e.fs_hz);
    ASSERT_EQ(one.size(), other.size()) << original.size() << " lead(s)";
    EXPECT_LE(1000 * max_offset(seconds(other, e.fs_hz), seconds(one, e.fs_hz)), 3.0);
  }
  std::vector<double> neg = e.leads[0];
  for (double& v : neg) v = -v;
  const auto pt = detect_qrs_pan_tompkins(e.leads[0], e.fs_hz);
  const auto pt_neg = detect_qrs_pan_tompkins(neg, e.fs_hz);
  ASSERT_EQ(pt.size(), pt_neg.size());
  EXPECT_LE(1000 * max_offset(seconds(pt_neg, e.fs_hz), seconds(pt, e.fs_hz)), 3.0);
}

TEST(DspQrs, SameBeatsAtEverySamplingRate) {
  const Ecg ref = simulated_ecg(360, 31, 300);
  const auto at360 = seconds(detect_qrs(ref.leads, ref.fs_hz), ref.fs_hz);
  for (double fs : {128.0, 250.0, 500.0, 1000.0}) {
    const Ecg e = simulated_ecg(fs, 31, 300);
    const auto det = seconds(detect_qrs(e.leads, e.fs_hz), e.fs_hz);
    const Match m = match(e.beat_s, det, 0.05);
    EXPECT_EQ(m.found, m.truth) << fs << " Hz";
    EXPECT_EQ(m.correct, m.detected) << fs << " Hz";
    EXPECT_EQ(det.size(), at360.size()) << fs << " Hz";
    // Fiducials agree within two samples of the coarser rate plus the waveform's sampling.
    EXPECT_LE(max_offset(det, at360), 2.0 / std::min(fs, 360.0) + 0.006) << fs << " Hz";
  }
}

TEST(DspQrs, NoBeatsInNaNGapsAndBeatsAroundThem) {
  Ecg e = simulated_ecg(250, 41, 300);
  const auto clean = seconds(detect_qrs(e.leads, e.fs_hz), e.fs_hz);
  // Both leads invalid from 100 s to 110 s; lead 1 alone invalid from 200 s to 230 s.
  for (auto& lead : e.leads) std::fill(lead.begin() + 100 * 250, lead.begin() + 110 * 250, kNaN);
  std::fill(e.leads[1].begin() + 200 * 250, e.leads[1].begin() + 230 * 250, kNaN);
  const auto det = seconds(detect_qrs(e.leads, e.fs_hz), e.fs_hz);
  for (double t : det) EXPECT_FALSE(t > 100.0 && t < 110.0) << "beat in the gap at " << t;
  std::vector<double> truth_outside, clean_outside;
  for (double t : e.beat_s)
    if (t < 99.7 || t > 110.3) truth_outside.push_back(t);
  const Match m = match(truth_outside, det, 0.05);
  EXPECT_GE(m.found + 2, m.truth);  // at most the beats cut by the gap edges
  for (double d : det)
    EXPECT_EQ(match(e.beat_s, {d}, 0.05).found, 1u) << "false beat at " << d << " s";
  // Where only lead 1 is invalid, lead 0 still finds every beat.
  std::size_t in_one = 0, found_one = 0;
  for (double t : e.beat_s) {
    if (t < 201 || t > 229) continue;
    ++in_one;
    found_one += match({t}, det, 0.05).found;
  }
  EXPECT_EQ(found_one, in_one);
  EXPECT_GT(clean.size(), 300u);
}

TEST(DspQrs, ScatteredInvalidSamplesDoNotBreakDetection) {
  Ecg e = simulated_ecg(250, 51, 120);
  for (std::size_t i = 97; i < e.leads[0].size(); i += 997) e.leads[0][i] = kNaN;
  const auto det = seconds(detect_qrs(e.leads, e.fs_hz), e.fs_hz);
  const Match m = match(e.beat_s, det, 0.05);
  EXPECT_GE(m.found + 1, m.truth);
  EXPECT_EQ(m.correct, m.detected);
  const auto pt = seconds(detect_qrs_pan_tompkins(e.leads[0], e.fs_hz), e.fs_hz);
  EXPECT_GT(pt.size(), m.truth / 2);  // NaN read as 0 by the textbook detector: it runs
}

TEST(DspQrs, ResultIsSortedAndUnique) {
  const Ecg e = simulated_ecg(500, 61, 120, /*motion=*/true);
  const auto det = detect_qrs(e.leads, e.fs_hz);
  EXPECT_TRUE(std::adjacent_find(det.begin(), det.end(), std::greater_equal<>()) == det.end());
  for (auto s : det) {
    EXPECT_GE(s, 0);
    EXPECT_LT(s, static_cast<std::int64_t>(e.leads[0].size()));
  }
}

TEST(DspQrs, RecordSignalIndexOutOfRangeIsAnError) {
  SKIP_WITHOUT_PHYSIONET(dir);
  const sp::io::Record rec(dir / "mitdb" / "100");
  EXPECT_THROW(sp::dsp::detect_record_qrs(rec, {2}), sp::dsp::DspError);
  EXPECT_THROW(sp::dsp::detect_record_qrs(rec, {-1}), sp::dsp::DspError);
}

TEST(DspQrs, RealRecord100FindsEveryBeat) {
  SKIP_WITHOUT_PHYSIONET(dir);
  const auto record = dir / "mitdb" / "100";
  const sp::io::Record rec(record);
  const auto det = seconds(sp::dsp::detect_record_qrs(rec, {}), rec.fs_hz());
  std::vector<double> truth;
  for (const auto& a : sp::io::read_annotations(record, "atr"))
    if (sp::io::is_beat(a.code)) truth.push_back(static_cast<double>(a.sample) / rec.fs_hz());
  const Match m = match(truth, det, 0.15);
  EXPECT_GE(m.found + 2, m.truth);
  EXPECT_GE(m.correct + 2, m.detected);
}

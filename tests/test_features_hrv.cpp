// NN intervals and HRV measures: closed-form answers on synthetic series, filtering rules, and
// real SDDB/NSRDB beat annotations.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <sstream>
#include <vector>

#include "features/hrv.hpp"
#include "features/nn.hpp"
#include "io/annotation.hpp"
#include "test_util.hpp"

namespace scapredict::features {
namespace {

constexpr int kN = 1, kV = 5, kF = 6, kA = 8, kRhythm = 28;

// Beats at the given times, all normal unless `codes` says otherwise.
Beats make_beats(const std::vector<double>& t, std::vector<int> codes = {}) {
  Beats b;
  b.t_s = t;
  b.code = codes.empty() ? std::vector<int>(t.size(), kN) : std::move(codes);
  b.fs_hz = 1000;
  b.end_s = t.empty() ? 0 : t.back();
  return b;
}

// Beats at 0, rr, 2 rr, ... below `until` (products, not sums, so no drift).
std::vector<double> regular_times(double rr, double until) {
  std::vector<double> t;
  for (int i = 0; rr * i < until; ++i) t.push_back(rr * i);
  return t;
}

std::vector<double> white_noise(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> d(0, 1);
  std::vector<double> x(n);
  for (auto& v : x) v = d(gen);
  return x;
}

// ---- Time domain and Poincare.

TEST(HrvMeasures, ConstantSeriesHasNoVariability) {
  const std::vector<double> x(50, 800.0);
  EXPECT_DOUBLE_EQ(sdnn(x), 0.0);
  EXPECT_DOUBLE_EQ(rmssd(x), 0.0);
  EXPECT_DOUBLE_EQ(pnn50(x), 0.0);
  EXPECT_DOUBLE_EQ(poincare(x).sd1, 0.0);
  EXPECT_NEAR(poincare(x).sd2, 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(mean(x), 800.0);
}

TEST(HrvMeasures, AlternatingSeriesClosedForm) {
  const double a = 700, b = 900;
  std::vector<double> x;
  for (int i = 0; i < 40; ++i) x.push_back(i % 2 ? b : a);
  EXPECT_NEAR(rmssd(x), std::abs(a - b), 1e-9);
  // 20 values each at +-100 around the mean: sample SD = 100 sqrt(40 / 39).
  EXPECT_NEAR(sdnn(x), 100 * std::sqrt(40.0 / 39.0), 1e-9);
  EXPECT_DOUBLE_EQ(pnn50(x), 100.0);
  // Differences alternate +-200: SD1 = SD(+-200 / sqrt 2) over 39 pairs; every sum is 1600.
  const double sd1 = 200 / std::numbers::sqrt2 * std::sqrt(39.0 / 38.0 * (1 - 1 / (39.0 * 39.0)));
  EXPECT_NEAR(poincare(x).sd1, sd1, 1e-9);
  EXPECT_NEAR(poincare(x).sd2, 0.0, 1e-9);
}

TEST(HrvMeasures, Pnn50CountsOnlyDifferencesAbove50ms) {
  const std::vector<double> x = {800, 850, 900, 951, 951};  // diffs 50, 50, 51, 0
  EXPECT_DOUBLE_EQ(pnn50(x), 25.0);
}

TEST(HrvMeasures, SuccessiveDifferencesSkipNonAdjacentPairs) {
  const std::vector<double> x = {800, 1000, 800, 810};
  const std::vector<std::uint8_t> adjacent = {0, 0, 1, 1};  // a gap between the first two
  const auto d = successive_differences(x, adjacent);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_DOUBLE_EQ(d[0], -200);
  EXPECT_DOUBLE_EQ(d[1], 10);
  EXPECT_NEAR(rmssd(x, adjacent), std::sqrt((200.0 * 200 + 100) / 2), 1e-9);
}

// ---- Lomb-Scargle.

// Beat times whose intervals are 0.8 s + A sin(2 pi f t) (A in ms), and the NN values (ms).
struct Modulated {
  std::vector<double> t, nn_ms;
};
Modulated modulated(double f_hz, double amp_ms, double seconds) {
  Modulated m;
  double t = 0;
  while (t < seconds) {
    const double rr = 0.8 + amp_ms / 1000 * std::sin(2 * std::numbers::pi * f_hz * t);
    t += rr;
    m.t.push_back(t);
    m.nn_ms.push_back(1000 * rr);
  }
  return m;
}

double peak_hz(const Periodogram& p) {
  std::size_t k = 0;
  for (std::size_t i = 1; i < p.psd.size(); ++i)
    if (p.psd[i] > p.psd[k]) k = i;
  return p.freq_hz[k];
}

TEST(HrvLombScargle, SinusoidAtPointOneHzIsLf) {
  const double amp = 50, expected = amp * amp / 2;
  for (double seconds : {60.0, 300.0}) {
    // A pure sinusoid sampled at the beat times: its power must land at 0.1 Hz in LF.
    const auto m = modulated(0.1, amp, seconds);
    std::vector<double> x(m.t.size());
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = 800 + amp * std::sin(2 * std::numbers::pi * 0.1 * m.t[i]);
    const auto p = lomb_scargle(m.t, x, kLfLowHz, kHfHighHz);
    const double lf = band_power(p, kLfLowHz, kLfHighHz), hf = band_power(p, kLfHighHz, kHfHighHz);
    EXPECT_NEAR(peak_hz(p), 0.1, 0.002) << seconds << " s";
    EXPECT_NEAR(lf / expected, 1.0, seconds < 100 ? 0.05 : 0.02) << seconds << " s: LF " << lf;
    EXPECT_LT(hf, 0.03 * expected) << seconds << " s";
  }
}

TEST(HrvLombScargle, SinusoidAtQuarterHzIsHf) {
  const double amp = 30, expected = amp * amp / 2;
  const auto m = modulated(0.25, amp, 300);
  const auto p = lomb_scargle(m.t, m.nn_ms, kLfLowHz, kHfHighHz);
  EXPECT_NEAR(peak_hz(p), 0.25, 0.003);
  EXPECT_NEAR(band_power(p, kLfHighHz, kHfHighHz) / expected, 1.0, 0.05);
  EXPECT_LT(band_power(p, kLfLowHz, kLfHighHz), 0.03 * expected);
}

TEST(HrvLombScargle, IntegralOfEvenlySampledNoiseIsItsVariance) {
  // Parseval: for even sampling the one-sided PSD integrated to Nyquist is the (biased) variance.
  const auto x = white_noise(400, 7);
  std::vector<double> t(x.size());
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = 0.5 * static_cast<double>(i);
  const auto p = lomb_scargle(t, x, 0, 1.0, 1.0 / 4000);
  const double m = mean(x);
  double var = 0;
  for (double v : x) var += (v - m) * (v - m);
  var /= static_cast<double>(x.size());
  EXPECT_NEAR(band_power(p, 0, 1.0) / var, 1.0, 0.02);
}

TEST(HrvLombScargle, RejectsBadInput) {
  const std::vector<double> t = {0, 1, 1}, x = {1, 2, 3};
  EXPECT_THROW(lomb_scargle(t, x, 0.04, 0.4), FeatureError);
  const std::vector<double> t2 = {0, 1, 2}, xn = {1, NAN, 3};
  EXPECT_THROW(lomb_scargle(t2, xn, 0.04, 0.4), FeatureError);
  EXPECT_THROW(lomb_scargle(t2, x, 0.4, 0.04), FeatureError);
}

// ---- Nonlinear measures.

TEST(HrvEntropy, SampleEntropyClosedForm) {
  // Templates (m = 2) at 0..4: (1,2) (2,1) (1,2) (2,1) (1,3): B = 2 pairs {0,2}, {1,3};
  // at m + 1 only {0,2} still matches (1 == 1; 2 != 3): A = 1, SampEn = ln 2.
  const std::vector<double> x = {1, 2, 1, 2, 1, 3, 1};
  EXPECT_NEAR(sample_entropy(x, 2, 0.1), std::log(2.0), 1e-12);
  // No match at all: the documented bound ln((N - m)(N - m - 1) / 2) = ln(8 * 7 / 2).
  const std::vector<double> ramp = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_NEAR(sample_entropy(ramp, 2, 0.5), std::log(28.0), 1e-12);
  EXPECT_TRUE(std::isfinite(approximate_entropy(ramp, 2, 0.5)));
}

TEST(HrvEntropy, PeriodicSeriesIsMoreRegularThanNoise) {
  std::vector<double> periodic(300);
  for (std::size_t i = 0; i < periodic.size(); ++i)
    periodic[i] = std::sin(2 * std::numbers::pi * static_cast<double>(i) / 12.0);
  const auto noise = white_noise(300, 3);
  const double rp = 0.2 * sdnn(periodic), rn = 0.2 * sdnn(noise);
  EXPECT_LT(sample_entropy(periodic, 2, rp), 0.5 * sample_entropy(noise, 2, rn));
  EXPECT_LT(approximate_entropy(periodic, 2, rp), 0.5 * approximate_entropy(noise, 2, rn));
  // White Gaussian noise, r = 0.2 SD: SampEn about 2.2 (-ln of P(|dx| <= r), Richman & Moorman).
  EXPECT_NEAR(sample_entropy(noise, 2, rn), 2.2, 0.35);
}

TEST(HrvEntropy, ShannonOfUniformHistogramIsLog2Bins) {
  std::vector<double> x;
  for (int rep = 0; rep < 5; ++rep)
    for (int bin = 0; bin < 8; ++bin) x.push_back(0.6 + bin * kShannonBinS);
  EXPECT_NEAR(shannon_entropy(x, kShannonBinS), 3.0, 1e-12);
  EXPECT_NEAR(shannon_entropy(std::vector<double>(10, 0.8), kShannonBinS), 0.0, 1e-12);
  // Values within half a bin of a bin centre fall in it.
  const double c = 100 * kShannonBinS;
  const std::vector<double> near = {c, c + 0.45 * kShannonBinS, c - 0.45 * kShannonBinS};
  EXPECT_NEAR(shannon_entropy(near, kShannonBinS), 0.0, 1e-12);
}

TEST(HrvDfa, WhiteNoiseIsHalfBrownianIsOneAndAHalf) {
  double white = 0, brown = 0;
  const int seeds = 8;
  for (int s = 0; s < seeds; ++s) {
    const auto x = white_noise(4096, 100 + static_cast<unsigned>(s));
    std::vector<double> walk(x.size());
    double acc = 0;
    for (std::size_t i = 0; i < x.size(); ++i) walk[i] = acc += x[i];
    white += dfa_alpha1(x) / seeds;
    brown += dfa_alpha1(walk) / seeds;
  }
  // White noise: F^2(n) = sigma^2 (n^2 - 4) / (15 n) exactly for linear detrending, whose
  // log-log slope over n = 4..16 is 0.59 (0.5 only for large n).
  std::vector<double> ln_n, ln_f;
  for (int n = kDfaMinBox; n <= kDfaMaxBox; ++n) {
    ln_n.push_back(std::log(n));
    ln_f.push_back(0.5 * std::log((n * n - 4.0) / (15.0 * n)));
  }
  double un = 0, uf = 0, suu = 0, suf = 0;
  for (std::size_t i = 0; i < ln_n.size(); ++i) un += ln_n[i], uf += ln_f[i];
  un /= static_cast<double>(ln_n.size()), uf /= static_cast<double>(ln_n.size());
  for (std::size_t i = 0; i < ln_n.size(); ++i)
    suu += (ln_n[i] - un) * (ln_n[i] - un), suf += (ln_n[i] - un) * (ln_f[i] - uf);
  const double white_expected = suf / suu;
  EXPECT_NEAR(white_expected, 0.59, 0.01);
  EXPECT_NEAR(white, white_expected, 0.03);
  EXPECT_NEAR(brown, 1.5, 0.1);  // integrated white noise: 1.5 asymptotically
  EXPECT_DOUBLE_EQ(dfa_alpha1(std::vector<double>(40, 800.0)), 0.0);
  EXPECT_THROW(dfa_alpha1(std::vector<double>(10, 1.0)), FeatureError);
}

// ---- Beats from annotations.

io::Annotation ann(std::int64_t sample, int code, std::string aux = {}) {
  io::Annotation a;
  a.sample = sample;
  a.code = code;
  a.aux = std::move(aux);
  return a;
}

TEST(HrvBeats, RhythmSpansAndRequantisation) {
  std::vector<io::Annotation> a;
  for (int i = 0; i < 100; ++i) a.push_back(ann(200 * i + 3, kN));
  a.push_back(ann(2500, kRhythm, "(AFIB"));
  a.push_back(ann(5000, kRhythm, "(N"));
  a.push_back(ann(7500, 32));               // '[' never closed: runs to the record end
  a.push_back(ann(6000, kRhythm, "(AFL"));  // out of order on purpose
  a.push_back(ann(6500, kRhythm, "(N"));
  const auto b = beats_from_annotations(a, 250, 100.0);
  ASSERT_EQ(b.t_s.size(), 100u);
  EXPECT_DOUBLE_EQ(b.t_s[1], 203.0 / 250);
  ASSERT_EQ(b.excluded_s.size(), 3u);
  EXPECT_DOUBLE_EQ(b.excluded_s[0].first, 10.0);
  EXPECT_DOUBLE_EQ(b.excluded_s[0].second, 20.0);
  EXPECT_DOUBLE_EQ(b.excluded_s[1].first, 24.0);
  EXPECT_DOUBLE_EQ(b.excluded_s[1].second, 26.0);
  EXPECT_DOUBLE_EQ(b.excluded_s[2].second, 100.0);

  const auto q = beats_from_annotations(a, 250, 100.0, 1.0 / 128);
  for (double t : q.t_s) {
    EXPECT_DOUBLE_EQ(t * 128, std::round(t * 128));
  }
  EXPECT_NEAR(q.t_s[1], 203.0 / 250, 0.5 / 128);
  EXPECT_NE(q.t_s[1], b.t_s[1]);
  EXPECT_THROW(beats_from_annotations(a, 0, 100.0), FeatureError);
  EXPECT_THROW(beats_from_annotations(a, 250, NAN), FeatureError);
  EXPECT_THROW(beats_from_annotations(a, 250, 100.0, -1), FeatureError);
}

// ---- NN filtering.

TEST(HrvNn, RegularBeatsAreAllNn) {
  const auto b = make_beats(regular_times(0.8, 61));
  const auto s = nn_intervals(b, 0, 59.9);
  EXPECT_EQ(s.n_beats, 75);
  EXPECT_EQ(s.n_intervals, 74);
  EXPECT_EQ(s.n_artefact + s.n_ectopic + s.n_excluded_rhythm, 0);
  EXPECT_EQ(s.adjacent[0], 0);
  EXPECT_EQ(s.adjacent[1], 1);
  EXPECT_THROW(nn_intervals(b, 10, 10), FeatureError);
  EXPECT_THROW(nn_intervals(b, NAN, 10), FeatureError);
  auto unsorted = b;
  std::swap(unsorted.t_s[3], unsorted.t_s[4]);
  EXPECT_THROW(nn_intervals(unsorted, 0, 10), FeatureError);
  unsorted.t_s[3] = NAN;
  EXPECT_THROW(nn_intervals(unsorted, 0, 10), FeatureError);
}

TEST(HrvNn, PvcShortLongPairIsExcludedAndCounted) {
  auto t = regular_times(0.8, 61);
  // Beat 20 comes 0.5 s after beat 19 and is followed by a compensatory pause (1.1 s).
  t[20] = t[19] + 0.5;
  std::vector<int> codes(t.size(), kN);
  codes[20] = kV;
  const auto s = nn_intervals(make_beats(t, codes), 0, 59.9);
  EXPECT_EQ(s.n_ectopic, 2);
  EXPECT_EQ(s.n_ventricular, 1);
  EXPECT_EQ(s.n_non_normal, 1);
  EXPECT_EQ(s.n_intervals, 72);
  for (double v : s.nn_s) EXPECT_NEAR(v, 0.8, 1e-9);
  // The same beat labelled normal: the relative-change rule rejects both intervals.
  const auto u = nn_intervals(make_beats(t), 0, 59.9);
  EXPECT_EQ(u.n_artefact, 2);
  EXPECT_EQ(u.n_ectopic, 0);
  EXPECT_EQ(u.n_intervals, 72);
  for (double v : u.nn_s) EXPECT_NEAR(v, 0.8, 1e-9);
}

TEST(HrvNn, AfSpanIsExcluded) {
  auto b = make_beats(regular_times(0.8, 61));
  b.excluded_s = {{20.1, 30.1}};
  const auto s = nn_intervals(b, 0, 59.9);
  // Intervals ending after 20.1 s and starting before 30.1 s: those ending at beats 26 .. 38.
  EXPECT_EQ(s.n_excluded_rhythm, 13);
  EXPECT_EQ(s.n_intervals, 74 - 13);
  for (std::size_t k = 0; k < s.t_s.size(); ++k)
    EXPECT_TRUE(s.t_s[k] <= 20.1 || s.t_s[k] - s.nn_s[k] >= 30.1) << s.t_s[k];
}

TEST(HrvNn, ArtefactsAreExcluded) {
  std::vector<double> t;
  for (int i = 0; i <= 25; ++i) t.push_back(0.8 * i);        // 0 .. 20 s
  t.push_back(20.1);                                         // an extra detection 0.1 s later
  for (int i = 26; i <= 50; ++i) t.push_back(0.8 * i);       // 20.8 .. 40 s
  for (int i = 0; i < 30; ++i) t.push_back(43.0 + 0.8 * i);  // after a 3-s gap
  const auto s = nn_intervals(make_beats(t), 0, 80);
  // The 0.1-s interval, both its neighbours (19.2-20 s and the 0.7-s one) and the 3-s gap.
  EXPECT_EQ(s.n_artefact, 4);
  EXPECT_EQ(s.n_intervals, static_cast<int>(t.size()) - 1 - 4);
  for (double v : s.nn_s) EXPECT_NEAR(v, 0.8, 1e-9);
}

TEST(HrvNn, StepChangeOfRateIsFollowedAfterReseed) {
  // 0.8-s intervals for 30 s (the window's median), then 0.55-s ones (31 % shorter) for 15 s.
  std::vector<double> t = regular_times(0.8, 30);
  while (t.back() < 45) t.push_back(t.back() + 0.55);
  const auto s = nn_intervals(make_beats(t), 0, 46);
  EXPECT_EQ(s.n_artefact, NnOptions{}.reseed_after - 1);
  EXPECT_NEAR(s.nn_s.back(), 0.55, 1e-9);
}

TEST(HrvNn, CoupletsAndRunsAreCounted) {
  const auto t = regular_times(0.8, 61);
  std::vector<int> c(t.size(), kN);
  c[10] = kV;                          // single
  c[20] = kV, c[21] = kV;              // couplet
  c[30] = kV, c[31] = kV, c[32] = kV;  // run of 3
  c[40] = kV, c[41] = kV;              // couplet
  c[50] = kF, c[55] = kA;              // fusion, atrial: ectopic, not ventricular
  const auto s = nn_intervals(make_beats(t, c), 0, 60);
  EXPECT_EQ(s.n_ventricular, 8);
  EXPECT_EQ(s.n_couplets, 2);
  EXPECT_EQ(s.n_ventricular_runs, 1);
  EXPECT_EQ(s.n_non_normal, 10);
}

// ---- Windows.

TEST(HrvWindow, UsableWindowHasEveryFeatureFinite) {
  const auto m = modulated(0.1, 50, 400);
  std::vector<double> t = {0};
  t.insert(t.end(), m.t.begin(), m.t.end());
  const auto w = hrv_window(make_beats(t), 60, 360);
  ASSERT_TRUE(w.usable) << w.reason;
  ASSERT_EQ(w.values.size(), hrv_feature_names().size());
  ASSERT_EQ(hrv_feature_names().size(), 16u);
  for (double v : w.values) EXPECT_TRUE(std::isfinite(v));
  EXPECT_NEAR(w.values[0], 800, 5);
  // The intervals themselves carry the modulation: LF about ln(A^2 / 2) = ln 1250.
  EXPECT_NEAR(w.values[4], std::log(1250.0), 0.1);
  EXPECT_LT(w.values[5], w.values[4] - 2);
  EXPECT_DOUBLE_EQ(w.values[13], 0.0);  // no PVC
}

TEST(HrvWindow, ConstantRateIsUsableAndFinite) {
  const auto w = hrv_window(make_beats(regular_times(0.75, 70)), 0, 60);
  ASSERT_TRUE(w.usable) << w.reason;
  for (double v : w.values) EXPECT_TRUE(std::isfinite(v));
  EXPECT_DOUBLE_EQ(w.values[1], 0.0);
  EXPECT_DOUBLE_EQ(w.values[4], std::log(kPowerFloorMs2));
}

TEST(HrvWindow, SparseOrEmptyWindowIsNotUsable) {
  const auto b = make_beats(regular_times(0.8, 61));
  const auto late = hrv_window(b, 100, 160);
  EXPECT_FALSE(late.usable);
  EXPECT_EQ(late.reason, "no beats");
  const auto partial = hrv_window(b, 30, 120);  // 30 s of beats in a 90 s window
  EXPECT_FALSE(partial.usable);
  EXPECT_EQ(partial.reason, "NN coverage below min_coverage") << partial.reason;
  EXPECT_NE(partial.detail.find("(33% of the window)"), std::string::npos) << partial.detail;
  EXPECT_TRUE(partial.values.empty());
  const auto few = hrv_window(b, 0, 10);
  EXPECT_EQ(few.reason, "too few NN intervals") << few.reason;
  EXPECT_NE(few.detail.find("13 beats 12 NN"), std::string::npos) << few.detail;
  HrvOptions bad;
  bad.min_intervals = 3;
  EXPECT_THROW(hrv_window(b, 0, 60, bad), FeatureError);
}

// ---- Real beat annotations.

void expect_plausible_record(const std::filesystem::path& record, double from_s) {
  const auto b = read_beats(record, "atr");
  ASSERT_GT(b.t_s.size(), 50000u) << record;
  int usable = 0;
  for (int k = 0; k < 30; ++k) {
    const double t0 = from_s + 60.0 * k;
    const auto w = hrv_window(b, t0, t0 + 60);
    if (!w.usable) continue;
    ++usable;
    EXPECT_GE(w.values[0], 400) << record << " at " << t0;
    EXPECT_LE(w.values[0], 1500) << record << " at " << t0;
    for (double v : w.values) EXPECT_TRUE(std::isfinite(v));
    EXPECT_GT(w.values[12], 0.2) << record << " at " << t0;  // DFA alpha1
    EXPECT_LT(w.values[12], 2.0) << record << " at " << t0;
  }
  EXPECT_GE(usable, 27) << record;
}

TEST(HrvReal, SddbAndNsrdbBeatsGiveUsableMinutes) {
  SKIP_WITHOUT_PHYSIONET(physionet);
  const auto sddb = physionet / "sddb-beats" / "30";
  const auto nsrdb = physionet / "nsrdb-beats" / "16265";
  if (!std::filesystem::exists(physionet / "sddb-beats" / "30.atr") ||
      !std::filesystem::exists(physionet / "nsrdb-beats" / "16265.atr"))
    GTEST_SKIP() << "sddb-beats/30.atr or nsrdb-beats/16265.atr absent under " << physionet;
  expect_plausible_record(sddb, 3600);
  expect_plausible_record(nsrdb, 3600);
  // NSRDB beats lie on the 1/128 s grid already: re-quantising to it changes nothing.
  const auto b = read_beats(nsrdb, "atr");
  const auto q = read_beats(nsrdb, "atr", 1.0 / 128);
  ASSERT_EQ(b.t_s.size(), q.t_s.size());
  for (std::size_t i = 0; i < b.t_s.size(); i += 997) EXPECT_DOUBLE_EQ(b.t_s[i], q.t_s[i]);
}

// ---- The command.

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

TEST(HrvCli, WritesOneRowPerWindowFromHeaderAndAnnotationsOnly) {
  testing::TempDir dir;
  testing::write_text(dir / "r.hea", "r 1 250 32500\nr.dat 212 200 12 0 0 0 0 ECG\n");  // no r.dat
  std::vector<io::Annotation> a;
  for (int i = 0; i * 200 < 32500; ++i) a.push_back(ann(200 * i, i == 50 ? kV : kN));
  io::write_annotations(dir / "r", "atr", a);
  const auto r = testing::run_cli({"hrv", (dir / "r").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;  // comment, column names, 2 full minutes of 130 s
  EXPECT_EQ(lines[0].rfind("# scapredict ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("annotator=atr"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].rfind("start_s,end_s,usable,reason,", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find(",ectopic_fraction"), std::string::npos);
  EXPECT_EQ(lines[2].rfind("0,60,1,,", 0), 0u) << lines[2];
  EXPECT_NE(lines[2].find(",800,"), std::string::npos) << lines[2];  // mean NN 800 ms
  EXPECT_EQ(lines[3].rfind("60,120,1,,", 0), 0u) << lines[3];

  const auto out = dir / "hrv.csv";
  const auto w = testing::run_cli({"hrv", (dir / "r").string(), "--out", out.string()});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_TRUE(w.out.empty());
  std::ifstream f(out, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(written, r.out);
}

TEST(HrvCli, BadInputIsOneLineAndExitTwo) {
  testing::TempDir dir;
  testing::write_text(dir / "r.hea", "r 1 250 32500\nr.dat 212 200 12 0 0 0 0 ECG\n");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"hrv", (dir / "r").string()},  // no annotation file
           {"hrv", (dir / "missing").string()},
           {"hrv", (dir / "r").string(), "--window", "59"},
           {"hrv", (dir / "r").string(), "--window", "nan"},
           {"hrv", (dir / "r").string(), "--grid", "-0.1"},
           {"hrv", (dir / "r").string(), "--annotator", "../atr"}}) {
    const auto r = testing::run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args.back();
    EXPECT_EQ(r.err.rfind("scapredict: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(HrvCli, RealSddbRecordWithoutSignalFile) {
  SKIP_WITHOUT_PHYSIONET(physionet);
  const auto record = physionet / "sddb-beats" / "30";
  if (!std::filesystem::exists(physionet / "sddb-beats" / "30.atr"))
    GTEST_SKIP() << "sddb-beats/30.atr absent under " << physionet;
  const auto r = testing::run_cli({"hrv", record.string(), "--window", "600"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 2u + 147u);  // 22099250 samples at 250 Hz: 147 full 10-min windows
  const auto usable = std::count_if(lines.begin() + 2, lines.end(), [](const std::string& l) {
    return l.find(",1,,") != std::string::npos;
  });
  EXPECT_GE(usable, 130);
}

}  // namespace
}  // namespace scapredict::features

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "dsp/resample.hpp"

using namespace scapredict::dsp;

namespace {
std::vector<double> tone(double f, double fs, std::size_t n, double amp = 1.0) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = amp * std::sin(2 * std::numbers::pi * f * double(i) / fs);
  return x;
}
// RMS over the middle half, away from the edges.
double mid_rms(const std::vector<double>& y) {
  double s = 0;
  std::size_t a = y.size() / 4, b = 3 * y.size() / 4;
  for (std::size_t i = a; i < b; ++i) s += y[i] * y[i];
  return std::sqrt(s / double(b - a));
}
}  // namespace

TEST(Resample, PassbandWithin0p1dBBelow40Hz) {
  for (double f : {0.5, 1.0, 5.0, 10.0, 20.0, 30.0, 39.5}) {
    auto y = resample(tone(f, 250, 250 * 20), 250, 128);
    ASSERT_EQ(y.size(), 128u * 20);
    const double gain_db = 20 * std::log10(mid_rms(y) / (1 / std::sqrt(2.0)));
    EXPECT_LT(std::abs(gain_db), 0.1) << f << " Hz";
    // Time-aligned: output sample i is at i / 128 s.
    auto expected = tone(f, 128, y.size());
    double err = 0;
    for (std::size_t i = y.size() / 4; i < 3 * y.size() / 4; ++i)
      err = std::max(err, std::abs(y[i] - expected[i]));
    EXPECT_LT(err, 0.02) << f << " Hz";
  }
}

TEST(Resample, A100HzToneIsAttenuatedByAtLeast80dB) {
  auto y = resample(tone(100, 250, 250 * 20), 250, 128);
  const double att_db = 20 * std::log10(mid_rms(y) / (1 / std::sqrt(2.0)));
  EXPECT_LT(att_db, -80.0);
}

TEST(Resample, OtherRatesAndIdentity) {
  auto y = resample(tone(5, 360, 3600), 360, 128);
  EXPECT_EQ(y.size(), 1280u);
  auto x = tone(3, 128, 100);
  EXPECT_EQ(resample(x, 128, 128), x);
  EXPECT_THROW(resample(x, 0, 128), DspError);
  x[3] = std::nan("");
  EXPECT_THROW(resample(x, 250, 128), DspError);
}

TEST(ResampleWithGaps, ShortGapIsBridgedAndFlagged) {
  auto x = tone(2, 250, 250 * 20);
  for (std::size_t i = 2500; i < 2500 + 250; ++i) x[i] = std::nan("");  // 1 s gap
  auto r = resample_with_gaps(x, 250, 128);
  for (double v : r.samples) ASSERT_TRUE(std::isfinite(v));
  ASSERT_EQ(r.bridged.size(), 1u);
  EXPECT_EQ(r.n_gaps_bridged, 1);
  // The flagged range covers the gap at the output rate (10 s .. 11 s).
  EXPECT_LE(r.bridged[0].first, 1280);
  EXPECT_GE(r.bridged[0].second, 1408);
  EXPECT_LT(r.bridged[0].second - r.bridged[0].first, 128 + 2 * 13 + 2);
}

TEST(ResampleWithGaps, LongGapBecomesNaNAndNeverSmears) {
  auto x = tone(2, 250, 250 * 30);
  for (std::size_t i = 2500; i < 2500 + 750; ++i) x[i] = std::nan("");  // 3 s gap at 10 s
  auto r = resample_with_gaps(x, 250, 128);
  EXPECT_EQ(r.n_gaps_invalid, 1);
  std::size_t nans = 0;
  for (std::size_t i = 0; i < r.samples.size(); ++i) {
    if (std::isnan(r.samples[i])) {
      ++nans;
      const double t = double(i) / 128;
      EXPECT_GT(t, 10 - 0.11);
      EXPECT_LT(t, 13 + 0.11);
    }
  }
  EXPECT_GE(nans, 3u * 128);
  // Far from the gap, the signal is untouched by it.
  auto clean = resample(tone(2, 250, 250 * 30), 250, 128);
  for (std::size_t i = 0; i < 128 * 9; ++i) EXPECT_NEAR(r.samples[i], clean[i], 1e-6);
}

TEST(ResampleWithGaps, AllInvalidGivesAllNaN) {
  std::vector<double> x(500, std::nan(""));
  auto r = resample_with_gaps(x, 250, 128);
  EXPECT_EQ(r.samples.size(), 256u);
  for (double v : r.samples) EXPECT_TRUE(std::isnan(v));
}

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "dsp/segment.hpp"

using namespace scapredict::dsp;

TEST(Segment, MinutesBeforeAnchorAreAligned) {
  std::vector<double> x(128 * 60 * 5);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(double(i) * 0.3) + double(i) * 1e-6;
  QualityLimits lim;
  const std::int64_t anchor = 128 * 60 * 4 + 17;
  auto s = segment_before(x, anchor, 1, 7680, 128, lim);
  EXPECT_EQ(s.start, anchor - 7680);
  EXPECT_EQ(s.minutes_before_anchor, 1);
  EXPECT_EQ(s.samples.front(), x[static_cast<std::size_t>(anchor - 7680)]);
  EXPECT_TRUE(s.quality.usable());
  auto s4 = segment_before(x, anchor, 4, 7680, 128, lim);
  EXPECT_EQ(s4.start, 17);
  EXPECT_THROW(segment_before(x, anchor, 5, 7680, 128, lim), DspError);
  EXPECT_EQ(segment_all(x, 7680, 128, lim).size(), 5u);
}

TEST(Segment, QualityFlags) {
  QualityLimits lim;
  lim.adc_limits_mv = std::make_pair(-5.0, 5.0);
  std::vector<double> x(7680);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(double(i) * 0.2);
  EXPECT_EQ(assess_quality(x, 128, lim).describe(), "ok");
  auto flat = x;
  for (std::size_t i = 1000; i < 1000 + 400; ++i) flat[i] = 0.001;
  EXPECT_TRUE(assess_quality(flat, 128, lim).flat);
  auto sat = x;
  for (std::size_t i = 0; i < 200; ++i) sat[i] = 5.0;
  EXPECT_TRUE(assess_quality(sat, 128, lim).saturated);
  auto nan = x;
  nan[10] = std::nan("");
  auto q = assess_quality(nan, 128, lim);
  EXPECT_EQ(q.invalid_samples, 1);
  EXPECT_FALSE(q.usable());
  std::vector<std::pair<std::int64_t, std::int64_t>> br = {{100, 200}};
  auto qb = assess_quality(x, 128, lim, br);
  EXPECT_TRUE(qb.bridged);
  EXPECT_TRUE(qb.usable());
}

// The flat-line rule against a direct reading of its definition: any window of w samples, at
// every multiple of w/2, whose finite samples span less than the limit. Even and odd windows,
// with and without invalid samples, flat stretches anywhere.
TEST(Segment, FlatLineRuleMatchesItsDefinition) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-1, 1);
  std::uniform_int_distribution<int> where(0, 7000);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<double> x(7680);
    for (auto& v : x) v = u(rng);
    const int a = where(rng), len = 100 + where(rng) % 400;
    for (int i = a; i < std::min<int>(a + len, 7680); ++i) x[i] = 0.001 * u(rng);
    if (trial % 3 == 0) x[where(rng)] = std::nan("");
    QualityLimits lim;
    lim.flat_window_s = trial % 2 ? 2.0 : 2.0 + 1.0 / 128;  // 256 (even) or 257 (odd) samples
    const auto w = static_cast<std::size_t>(std::round(lim.flat_window_s * 128));
    bool flat = false;
    for (std::size_t s = 0; s + w <= x.size(); s += w / 2) {
      double lo = INFINITY, hi = -INFINITY;
      for (std::size_t i = s; i < s + w; ++i)
        if (std::isfinite(x[i])) lo = std::min(lo, x[i]), hi = std::max(hi, x[i]);
      flat |= hi - lo < lim.flat_range_mv;
    }
    EXPECT_EQ(assess_quality(x, 128, lim).flat, flat) << "trial " << trial;
  }
}

#include <gtest/gtest.h>

#include <cmath>

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

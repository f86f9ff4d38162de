#include "dsp/segment.hpp"

#include <algorithm>
#include <cmath>

namespace scapredict::dsp {

std::string SegmentQuality::describe() const {
  std::string s;
  auto add = [&](const std::string& w) { s += (s.empty() ? "" : ",") + w; };
  if (invalid_samples > 0) add("invalid=" + std::to_string(invalid_samples));
  if (flat) add("flat");
  if (saturated) add("saturated");
  if (bridged) add("bridged");
  return s.empty() ? "ok" : s;
}

SegmentQuality assess_quality(std::span<const double> x, double fs_hz, const QualityLimits& lim,
                              std::span<const std::pair<std::int64_t, std::int64_t>> bridged) {
  SegmentQuality q;
  for (double v : x) q.invalid_samples += std::isfinite(v) ? 0 : 1;
  for (auto [a, b] : bridged) {
    if (a < static_cast<std::int64_t>(x.size()) && b > 0) q.bridged = true;
  }
  // Flat line: any window of flat_window_s with a peak-to-peak range below flat_range_mv.
  const auto w = static_cast<std::size_t>(std::max(1.0, std::round(lim.flat_window_s * fs_hz)));
  if (x.size() >= w && w % 2 == 0 && q.invalid_samples == 0) {
    // Windows of 2h samples every h samples are pairs of neighbouring blocks of h: each block's
    // range is taken once (the common case: an even window, no invalid sample).
    const std::size_t h = w / 2, blocks = x.size() / h;
    double prev_lo = 0, prev_hi = 0;
    for (std::size_t k = 0; k < blocks && !q.flat; ++k) {
      double lo = x[k * h], hi = lo;
      for (std::size_t i = k * h + 1; i < (k + 1) * h; ++i) {
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
      }
      if (k > 0 && std::max(hi, prev_hi) - std::min(lo, prev_lo) < lim.flat_range_mv) q.flat = true;
      prev_lo = lo;
      prev_hi = hi;
    }
  } else if (x.size() >= w) {
    for (std::size_t start = 0; start + w <= x.size() && !q.flat; start += w / 2 == 0 ? 1 : w / 2) {
      double lo = INFINITY, hi = -INFINITY;
      bool any = false;
      for (std::size_t i = start; i < start + w; ++i) {
        if (!std::isfinite(x[i])) continue;
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
        any = true;
      }
      if (any && hi - lo < lim.flat_range_mv) q.flat = true;
    }
  }
  if (lim.adc_limits_mv && !x.empty()) {
    const auto [lo, hi] = *lim.adc_limits_mv;
    const double tol = 0.002 * (hi - lo);
    std::size_t at_limit = 0;
    for (double v : x) at_limit += (std::isfinite(v) && (v <= lo + tol || v >= hi - tol)) ? 1 : 0;
    q.saturated =
        static_cast<double>(at_limit) > lim.saturation_fraction * static_cast<double>(x.size());
  }
  return q;
}

namespace {
Segment make_segment(std::span<const double> signal, std::int64_t start, std::size_t length,
                     double fs_hz, const QualityLimits& lim,
                     std::span<const std::pair<std::int64_t, std::int64_t>> bridged) {
  Segment s;
  s.start = start;
  auto part = signal.subspan(static_cast<std::size_t>(start), length);
  s.samples.assign(part.begin(), part.end());
  std::vector<std::pair<std::int64_t, std::int64_t>> local;
  for (auto [a, b] : bridged) {
    if (b > start && a < start + static_cast<std::int64_t>(length))
      local.emplace_back(a - start, b - start);
  }
  s.quality = assess_quality(s.samples, fs_hz, lim, local);
  return s;
}
}  // namespace

Segment segment_before(std::span<const double> signal, std::int64_t anchor, int k,
                       std::size_t length, double fs_hz, const QualityLimits& lim,
                       std::span<const std::pair<std::int64_t, std::int64_t>> bridged) {
  const std::int64_t len = static_cast<std::int64_t>(length);
  const std::int64_t start = anchor - static_cast<std::int64_t>(k) * len;
  if (k < 1 || start < 0 || start + len > static_cast<std::int64_t>(signal.size())) {
    throw DspError("segment " + std::to_string(k) + " before sample " + std::to_string(anchor) +
                   " lies outside the signal (" + std::to_string(signal.size()) + " samples)");
  }
  Segment s = make_segment(signal, start, length, fs_hz, lim, bridged);
  s.minutes_before_anchor = k;
  return s;
}

std::vector<Segment> segment_all(std::span<const double> signal, std::size_t length, double fs_hz,
                                 const QualityLimits& lim,
                                 std::span<const std::pair<std::int64_t, std::int64_t>> bridged) {
  std::vector<Segment> out;
  if (length == 0) throw DspError("segment length must be positive");
  for (std::size_t s = 0; s + length <= signal.size(); s += length) {
    out.push_back(make_segment(signal, static_cast<std::int64_t>(s), length, fs_hz, lim, bridged));
  }
  return out;
}

}  // namespace scapredict::dsp

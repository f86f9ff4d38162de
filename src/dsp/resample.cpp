#include "dsp/resample.hpp"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace scapredict::dsp {

std::vector<double> resample(std::span<const double> x, double fs_in, double fs_out) {
  if (!(fs_in > 0) || !(fs_out > 0)) throw DspError("resample: sampling rates must be positive");
  for (double v : x) {
    if (!std::isfinite(v)) throw DspError("resample: input holds NaN or infinite samples");
  }
  const auto n_out =
      static_cast<std::size_t>(std::llround(static_cast<double>(x.size()) * fs_out / fs_in));
  std::vector<double> y(n_out);
  if (x.empty() || n_out == 0) return y;
  if (fs_in == fs_out) return {x.begin(), x.end()};
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT64_I, SOXR_FLOAT64_I);
  const soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t rt = soxr_runtime_spec(1);
  size_t done = 0;
  soxr_error_t err = soxr_oneshot(fs_in, fs_out, 1, x.data(), x.size(), nullptr, y.data(), n_out,
                                  &done, &io, &q, &rt);
  if (err) throw DspError(std::string("resample: soxr failed: ") + err);
  y.resize(done);
  y.resize(n_out, done ? y[done - 1] : 0.0);
  return y;
}

Resampled resample_with_gaps(std::span<const double> x, double fs_in, double fs_out,
                             const GapPolicy& policy) {
  Resampled r;
  const std::size_t n = x.size();
  const auto n_out =
      static_cast<std::int64_t>(std::llround(static_cast<double>(n) * fs_out / fs_in));
  // Find gaps [a, b) of NaN samples.
  std::vector<std::pair<std::size_t, std::size_t>> gaps;
  for (std::size_t i = 0; i < n;) {
    if (std::isfinite(x[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < n && !std::isfinite(x[j])) ++j;
    gaps.emplace_back(i, j);
    i = j;
  }
  if (gaps.empty()) {
    r.samples = resample(x, fs_in, fs_out);
    return r;
  }
  if (gaps.size() == 1 && gaps[0].first == 0 && gaps[0].second == n) {
    r.samples.assign(static_cast<std::size_t>(n_out), std::numeric_limits<double>::quiet_NaN());
    r.n_gaps_invalid = 1;
    return r;
  }
  std::vector<double> filled(x.begin(), x.end());
  for (auto [a, b] : gaps) {
    const double left = a > 0 ? filled[a - 1] : x[b];
    const double right = b < n ? x[b] : left;
    for (std::size_t i = a; i < b; ++i) {
      const double t = static_cast<double>(i - a + 1) / static_cast<double>(b - a + 1);
      filled[i] = (a > 0 && b < n) ? left + t * (right - left) : (a > 0 ? left : right);
    }
  }
  r.samples = resample(filled, fs_in, fs_out);
  const double ratio = fs_out / fs_in;
  const double guard = policy.guard_s * fs_out;
  for (auto [a, b] : gaps) {
    const auto lo = std::max<std::int64_t>(
        0, static_cast<std::int64_t>(std::floor(static_cast<double>(a) * ratio - guard)));
    const auto hi = std::min<std::int64_t>(
        n_out, static_cast<std::int64_t>(std::ceil(static_cast<double>(b) * ratio + guard)));
    const double length_s = static_cast<double>(b - a) / fs_in;
    if (length_s <= policy.max_bridge_s) {
      r.bridged.emplace_back(lo, hi);
      ++r.n_gaps_bridged;
    } else {
      std::fill(r.samples.begin() + lo, r.samples.begin() + hi,
                std::numeric_limits<double>::quiet_NaN());
      ++r.n_gaps_invalid;
    }
  }
  return r;
}

}  // namespace scapredict::dsp

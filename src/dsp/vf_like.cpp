#include "dsp/vf_like.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "dsp/dsp_error.hpp"
#include "dsp/spectrum.hpp"

namespace scapredict::dsp {

VfLikeWindow vf_like_window(std::span<const double> window, double fs_hz, std::size_t nfft,
                            const VfLikeRule& rule) {
  if (window.empty() || nfft < window.size() || !(fs_hz > 0))
    throw DspError("VF-like rule: window of " + std::to_string(window.size()) +
                   " samples does not fit an FFT of " + std::to_string(nfft));
  VfLikeWindow out;
  if (std::any_of(window.begin(), window.end(), [](double v) { return !std::isfinite(v); }))
    return out;
  const double mean =
      std::accumulate(window.begin(), window.end(), 0.0) / static_cast<double>(window.size());
  std::vector<double> w(window.begin(), window.end());
  for (auto& v : w) v -= mean;
  out.magnitude = rfft_magnitude(w, nfft);
  const double per_bin = static_cast<double>(nfft) / fs_hz;  // bins per Hz
  auto bin = [&](double hz) {
    return std::min(out.magnitude.size(), static_cast<std::size_t>(std::ceil(hz * per_bin)));
  };
  const std::size_t t0 = bin(rule.total_lo_hz), t1 = bin(rule.total_hi_hz);
  const std::size_t b0 = bin(rule.band_lo_hz), b1 = bin(rule.band_hi_hz);
  double band = 0, total = 0;
  for (std::size_t k = t0; k < t1; ++k) {
    const double p = out.magnitude[k] * out.magnitude[k];
    total += p;
    if (k >= b0 && k < b1) band += p;
  }
  out.band_fraction = total > 0 ? band / total : 0.0;
  out.vf_like = total > 0 && out.band_fraction > rule.threshold;
  return out;
}

}  // namespace scapredict::dsp

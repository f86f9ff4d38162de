#include "dsp/spectrum.hpp"

#include <fftw3.h>

#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>

namespace scapredict::dsp {
namespace {

bool is_pow2(std::size_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

std::size_t next_pow2(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

// FFTW's planner is not thread-safe; plans are created once per length under this mutex and
// executed concurrently with the new-array interface (which is thread-safe). FFTW_ESTIMATE keeps
// the algorithm, and so every output bit, independent of timing.
struct PlanCache {
  std::mutex mu;
  std::map<std::size_t, fftw_plan> plans;
  ~PlanCache() {
    for (auto& [n, p] : plans) fftw_destroy_plan(p);
  }
  fftw_plan get(std::size_t n) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = plans.find(n);
    if (it != plans.end()) return it->second;
    double* in = fftw_alloc_real(n);
    fftw_complex* out = fftw_alloc_complex(n / 2 + 1);
    fftw_plan p = fftw_plan_dft_r2c_1d(static_cast<int>(n), in, out, FFTW_ESTIMATE);
    fftw_free(in);
    fftw_free(out);
    plans.emplace(n, p);
    return p;
  }
};

PlanCache& plan_cache() {
  static PlanCache cache;
  return cache;
}

struct FftwFree {
  void operator()(void* p) const { fftw_free(p); }
};

}  // namespace

std::vector<double> rfft_magnitude(std::span<const double> x, std::size_t L) {
  if (!is_pow2(L) || L < x.size())
    throw DspError("FFT length must be a power of two >= the input length");
  fftw_plan plan = plan_cache().get(L);
  std::unique_ptr<double, FftwFree> in(fftw_alloc_real(L));
  std::unique_ptr<fftw_complex, FftwFree> out(fftw_alloc_complex(L / 2 + 1));
  std::copy(x.begin(), x.end(), in.get());
  std::fill(in.get() + x.size(), in.get() + L, 0.0);
  fftw_execute_dft_r2c(plan, in.get(), out.get());
  std::vector<double> mag(L / 2 + 1);
  // sqrt(re^2 + im^2) rather than std::hypot, which guards against overflow at 1e154 (far beyond
  // any ECG spectrum) and took a quarter of a 24-h record's scoring time.
  for (std::size_t k = 0; k < mag.size(); ++k) {
    const double re = out.get()[k][0], im = out.get()[k][1];
    mag[k] = std::sqrt(re * re + im * im);
  }
  return mag;
}

SpectrumReducer::SpectrumReducer(std::size_t n_samples, std::size_t n_bins)
    : n_samples_(n_samples), n_bins_(n_bins) {
  if (!is_pow2(n_bins) || n_bins < 2 || n_bins > 65536) {
    throw DspError("number of spectral bins must be a power of two in 2..65536, got " +
                   std::to_string(n_bins));
  }
  if (n_samples == 0) throw DspError("spectrum of an empty segment");
  fft_length_ = next_pow2(std::max(n_samples, 2 * n_bins));
}

std::vector<double> SpectrumReducer::operator()(std::span<const double> x) const {
  if (x.size() != n_samples_) {
    throw DspError("spectrum expects " + std::to_string(n_samples_) + " samples, got " +
                   std::to_string(x.size()));
  }
  for (double v : x) {
    if (!std::isfinite(v)) throw DspError("spectrum of a segment with invalid (NaN) samples");
  }
  const auto mag = rfft_magnitude(x, fft_length_);
  const std::size_t r = values_per_bin();
  const double scale = 1.0 / (static_cast<double>(n_samples_) * static_cast<double>(r));
  std::vector<double> out(n_bins_);
  for (std::size_t b = 0; b < n_bins_; ++b) {
    double s = 0;
    for (std::size_t k = b * r; k < (b + 1) * r; ++k) s += mag[k];
    out[b] = s * scale;
  }
  return out;
}

Spectrogram spectrogram(std::span<const double> x, std::size_t window, std::size_t hop) {
  if (window < 2 || hop == 0 || x.size() < window) {
    throw DspError("spectrogram needs window >= 2, hop >= 1 and at least one window of samples");
  }
  const std::size_t L = next_pow2(window);
  std::vector<double> w(window);
  double wsum = 0;
  for (std::size_t i = 0; i < window; ++i) {
    // Periodic Hann window.
    w[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) /
                                static_cast<double>(window));
    wsum += w[i];
  }
  Spectrogram s;
  s.n_frames = 1 + (x.size() - window) / hop;
  s.n_freqs = L / 2 + 1;
  s.values.resize(s.n_frames * s.n_freqs);
  std::vector<double> frame(window);
  for (std::size_t f = 0; f < s.n_frames; ++f) {
    for (std::size_t i = 0; i < window; ++i) frame[i] = x[f * hop + i] * w[i];
    auto mag = rfft_magnitude(frame, L);
    for (std::size_t k = 0; k < s.n_freqs; ++k) s.values[f * s.n_freqs + k] = mag[k] / wsum;
  }
  return s;
}

}  // namespace scapredict::dsp

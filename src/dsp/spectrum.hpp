#pragma once
// Magnitude spectra of 1-minute segments (the paper's DFT input) and the FFT they rest on.
#include <cstddef>
#include <span>
#include <vector>

#include "dsp/dsp_error.hpp"

namespace scapredict::dsp {

/// |DFT| of `x` zero-padded to `fft_length` (a power of two >= x.size()): fft_length/2 + 1 values.
/// Uses a cached FFTW plan; safe to call from several threads.
std::vector<double> rfft_magnitude(std::span<const double> x, std::size_t fft_length);

/// Reduces a segment of `n_samples` samples to `n_bins` spectral bins covering 0 .. fs/2.
///
/// The reduction (docs/method.md): the segment is zero-padded to L = the smallest power of two
/// >= max(n_samples, 2 * n_bins); |X_k| / n_samples is computed for k = 0 .. L/2 - 1 and bin b is
/// the mean of the r = L / (2 n_bins) consecutive values k = b r .. b r + r - 1. With the paper's
/// 7680-sample minutes at 128 Hz, L = 8192, the FFT spacing is 1/64 Hz, and bin b averages the
/// FFT values at b * 64 / n_bins Hz and the next r - 1 frequencies.
class SpectrumReducer {
 public:
  /// n_bins must be a power of two in [2, 65536]; n_samples > 0. Throws DspError otherwise.
  explicit SpectrumReducer(std::size_t n_samples = 7680, std::size_t n_bins = 1024);

  /// The n_bins spectrum of `x` (x.size() must equal n_samples; NaN is a DspError).
  std::vector<double> operator()(std::span<const double> x) const;

  std::size_t n_samples() const { return n_samples_; }
  std::size_t n_bins() const { return n_bins_; }
  std::size_t fft_length() const { return fft_length_; }
  /// FFT values averaged into one bin.
  std::size_t values_per_bin() const { return fft_length_ / (2 * n_bins_); }
  /// Frequency of the first FFT value averaged into bin b, in Hz at sampling rate fs_hz.
  double bin_low_hz(std::size_t b, double fs_hz) const {
    return static_cast<double>(b) * fs_hz / (2.0 * static_cast<double>(n_bins_));
  }

 private:
  std::size_t n_samples_;
  std::size_t n_bins_;
  std::size_t fft_length_;
};

/// Short-time Fourier transform magnitude: Hann window of `window` samples, hop `hop`, each frame
/// zero-padded to the next power of two >= window; |X| / sum(window). Frames are
/// 1 + (n - window) / hop; each holds fft/2 + 1 values. Returned frame-major.
struct Spectrogram {
  std::size_t n_frames = 0;
  std::size_t n_freqs = 0;
  std::vector<double> values;  ///< n_frames * n_freqs, frame-major
};
Spectrogram spectrogram(std::span<const double> x, std::size_t window = 256, std::size_t hop = 128);

}  // namespace scapredict::dsp

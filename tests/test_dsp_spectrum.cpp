#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>

#include "dsp/dwt.hpp"
#include "dsp/spectrum.hpp"

using namespace scapredict::dsp;

namespace {
// Slow reference: the reduction of SpectrumReducer computed with an O(n^2) DFT.
std::vector<double> naive_reduced(const std::vector<double>& x, std::size_t n_bins, std::size_t L) {
  const std::size_t r = L / (2 * n_bins);
  std::vector<double> out(n_bins, 0.0);
  for (std::size_t k = 0; k < L / 2; ++k) {
    std::complex<double> s = 0;
    for (std::size_t t = 0; t < x.size(); ++t) {
      s += x[t] * std::polar(1.0, -2 * std::numbers::pi * double(k) * double(t) / double(L));
    }
    out[k / r] += std::abs(s) / double(x.size()) / double(r);
  }
  return out;
}
}  // namespace

TEST(Spectrum, MatchesNaiveDftOnSmallRandomInputs) {
  std::mt19937 rng(3);
  std::normal_distribution<double> d;
  for (auto [n, bins] :
       std::vector<std::pair<std::size_t, std::size_t>>{{60, 8}, {100, 64}, {17, 4}, {256, 128}}) {
    std::vector<double> x(n);
    for (auto& v : x) v = d(rng);
    SpectrumReducer red(n, bins);
    auto fast = red(x);
    auto slow = naive_reduced(x, bins, red.fft_length());
    ASSERT_EQ(fast.size(), bins);
    for (std::size_t b = 0; b < bins; ++b)
      EXPECT_NEAR(fast[b], slow[b], 1e-9) << n << "/" << bins << " bin " << b;
  }
}

TEST(Spectrum, PaperGeometryAndTonesLandInTheirBin) {
  SpectrumReducer red(7680, 1024);
  EXPECT_EQ(red.fft_length(), 8192u);
  EXPECT_EQ(red.values_per_bin(), 4u);
  for (std::size_t bins : {128u, 256u, 512u, 1024u, 2048u, 4096u}) {
    SpectrumReducer r(7680, bins);
    for (double f : {1.0, 7.3, 25.0, 50.5}) {
      // Put the tone at the centre of the FFT values its bin averages: k = b r .. b r + r - 1.
      const double width = 64.0 / double(bins);
      const double df = 128.0 / double(r.fft_length());
      const double rr = double(r.values_per_bin());
      const double fc = (std::floor(f / width) * rr + (rr - 1) / 2) * df;
      std::vector<double> x(7680);
      for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = std::cos(2 * std::numbers::pi * fc * double(i) / 128.0);
      auto s = r(x);
      auto peak = std::max_element(s.begin(), s.end()) - s.begin();
      EXPECT_EQ(static_cast<std::size_t>(peak), static_cast<std::size_t>(fc / width))
          << bins << " bins, " << fc << " Hz";
    }
  }
}

TEST(Spectrum, RejectsBadSizesAndNaN) {
  EXPECT_THROW(SpectrumReducer(7680, 1000), DspError);
  EXPECT_THROW(SpectrumReducer(0, 1024), DspError);
  SpectrumReducer r(16, 4);
  EXPECT_THROW(r(std::vector<double>(15)), DspError);
  std::vector<double> x(16, 1.0);
  x[2] = std::nan("");
  EXPECT_THROW(r(x), DspError);
}

TEST(Spectrogram, ChirpPeakFollowsTheInstantaneousFrequency) {
  // Linear chirp 2 -> 50 Hz over 60 s at 128 Hz.
  const double fs = 128, T = 60, f0 = 2, f1 = 50;
  std::vector<double> x(7680);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = double(i) / fs;
    x[i] = std::sin(2 * std::numbers::pi * (f0 * t + (f1 - f0) * t * t / (2 * T)));
  }
  auto s = spectrogram(x, 256, 128);
  EXPECT_EQ(s.n_frames, 59u);
  EXPECT_EQ(s.n_freqs, 129u);
  for (std::size_t f = 0; f < s.n_frames; ++f) {
    const double tc = (double(f) * 128 + 128) / fs;  // frame centre
    const double inst = f0 + (f1 - f0) * tc / T;
    auto row = s.values.begin() + static_cast<long>(f * s.n_freqs);
    auto k = std::max_element(row, row + static_cast<long>(s.n_freqs)) - row;
    EXPECT_NEAR(double(k) * fs / 256.0, inst, 1.0) << "frame " << f;
  }
}

TEST(Dwt, PerfectReconstructionAndParseval) {
  std::mt19937 rng(5);
  std::normal_distribution<double> d;
  std::vector<double> x(7680);
  for (auto& v : x) v = d(rng);
  for (int levels : {1, 3, 5, 9}) {
    auto c = dwt_db4(x, levels);
    ASSERT_EQ(c.size(), static_cast<std::size_t>(levels + 1));
    auto y = idwt_db4(c);
    double e_x = 0, e_c = 0, err = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      e_x += x[i] * x[i];
      err = std::max(err, std::abs(x[i] - y[i]));
    }
    for (const auto& v : c)
      for (double u : v) e_c += u * u;
    EXPECT_LT(err, 1e-10) << levels;
    EXPECT_NEAR(e_c / e_x, 1.0, 1e-10) << levels;
  }
  EXPECT_EQ(dwt_db4_flat(x, 5).size(), x.size());
  EXPECT_THROW(dwt_db4(std::vector<double>(7680), 10), DspError);
  double sum = 0;
  for (double h : db4_filter()) sum += h;
  EXPECT_NEAR(sum, std::sqrt(2.0), 1e-12);
}

TEST(Dwt, ConstantSignalHasNoDetail) {
  std::vector<double> x(256, 3.0);
  auto c = dwt_db4(x, 4);
  for (std::size_t l = 1; l < c.size(); ++l)
    for (double v : c[l]) EXPECT_NEAR(v, 0.0, 1e-12);
}

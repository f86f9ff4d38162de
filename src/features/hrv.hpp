#pragma once
// Heart-rate variability of NN-interval windows: time domain, Lomb-Scargle frequency domain,
// Poincare, entropies, DFA, ectopy (docs/hrv.md gives every definition and constant).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "features/nn.hpp"

namespace scapredict::features {

/// Frequency bands (Task Force of the ESC/NASPE 1996), Hz: LF [0.04, 0.15), HF [0.15, 0.4).
inline constexpr double kLfLowHz = 0.04, kLfHighHz = 0.15, kHfHighHz = 0.4;
/// Width of the cells of the Lomb-Scargle frequency grid (evaluated at cell midpoints), Hz.
inline constexpr double kSpectrumStepHz = 0.001;
/// Band powers below this are raised to it before the logarithm (ms^2): far below the
/// quantisation noise of 1/128 s beat times, so it only keeps ln finite for constant series.
inline constexpr double kPowerFloorMs2 = 0.01;
/// Shannon entropy bin width: 1/128 s = 7.8125 ms, the coarser of the two recorders' grids.
inline constexpr double kShannonBinS = 1.0 / 128.0;
/// Entropy embedding dimension and tolerance (fraction of the series' sample SD).
inline constexpr int kEntropyM = 2;
inline constexpr double kEntropyRFraction = 0.2;
/// DFA short-term exponent box sizes, in beats.
inline constexpr int kDfaMinBox = 4, kDfaMaxBox = 16;

// ---- Individual measures. `x` is any series (ms in hrv_window); spans may be empty only where
// ---- said. `adjacent` (optional, as NnSeries::adjacent) marks which successive pairs exist;
// ---- empty means every pair is adjacent.

/// Arithmetic mean; requires x non-empty.
double mean(std::span<const double> x);
/// Sample standard deviation (n - 1); requires x.size() >= 2.
double sdnn(std::span<const double> x);
/// Successive differences x[k] - x[k-1] over adjacent pairs.
std::vector<double> successive_differences(std::span<const double> x,
                                           std::span<const std::uint8_t> adjacent = {});
/// Root mean square of the successive differences; requires at least one adjacent pair.
double rmssd(std::span<const double> x, std::span<const std::uint8_t> adjacent = {});
/// Percentage of successive differences whose magnitude exceeds 50 ms (x in ms); requires at
/// least one adjacent pair.
double pnn50(std::span<const double> x_ms, std::span<const std::uint8_t> adjacent = {});

/// Poincare descriptors over adjacent pairs (x[k-1], x[k]): SD1 = SD((x[k] - x[k-1]) / sqrt 2),
/// SD2 = SD((x[k] + x[k-1]) / sqrt 2), sample SDs (n - 1); requires at least two pairs.
struct Poincare {
  double sd1 = 0, sd2 = 0;
};
Poincare poincare(std::span<const double> x, std::span<const std::uint8_t> adjacent = {});

/// One-sided Lomb-Scargle power spectral density of x(t) after removing its mean, normalised so
/// that its integral over frequency equals the variance of x (x-units^2 per Hz): the classical
/// periodogram P(f) (Scargle 1982) times 2 * mean sampling interval. Evaluated at the midpoints
/// of cells of width step_hz covering [f_lo_hz, f_hi_hz).
struct Periodogram {
  std::vector<double> freq_hz;
  std::vector<double> psd;
  double step_hz = 0;
};
/// Requires t strictly increasing, t.size() == x.size() >= 3, 0 <= f_lo < f_hi, step > 0, all
/// finite; throws FeatureError otherwise.
Periodogram lomb_scargle(std::span<const double> t_s, std::span<const double> x, double f_lo_hz,
                         double f_hi_hz, double step_hz = kSpectrumStepHz);
/// Power in [f_lo_hz, f_hi_hz): the sum of psd * step over the cells whose midpoint lies inside.
double band_power(const Periodogram& p, double f_lo_hz, double f_hi_hz);

/// Sample entropy (Richman & Moorman 2000) with tolerance r (absolute, Chebyshev distance <= r):
/// -ln(A / B), A and B the template pairs matching at m + 1 and m among the first N - m
/// templates. When A or B is 0 it returns the largest finite value the series can give,
/// ln((N - m)(N - m - 1) / 2). Requires x.size() > m + 1, m >= 1, r >= 0.
double sample_entropy(std::span<const double> x, int m, double r);
/// Approximate entropy (Pincus 1991): Phi_m(r) - Phi_{m+1}(r), self-matches included (always
/// finite). Requires x.size() > m + 1, m >= 1, r >= 0.
double approximate_entropy(std::span<const double> x, int m, double r);
/// Shannon entropy (bits) of the histogram of x in bins of width bin_width centred on multiples
/// of bin_width. Requires x non-empty, bin_width > 0.
double shannon_entropy(std::span<const double> x, double bin_width);
/// DFA (Peng et al. 1995) short-term exponent: slope of ln F(n) against ln n for box sizes
/// min_box..max_box, linear detrending, boxes laid from both ends. Returns 0 when the series has
/// no fluctuation left after detrending. Requires 2 <= min_box < max_box <= x.size().
double dfa_alpha1(std::span<const double> x, int min_box = kDfaMinBox, int max_box = kDfaMaxBox);

// ---- The fixed feature set of one window.

struct HrvOptions {
  double min_coverage = 0.5;  ///< accepted NN time / window length below this: not usable
  int min_intervals = 20;     ///< fewer accepted NN intervals: not usable (>= kDfaMaxBox)
  NnOptions nn;               ///< NN filtering
};

struct HrvWindow {
  double t0_s = 0, t1_s = 0;  ///< the window [t0, t1)
  bool usable = false;
  /// Why not usable, one of a fixed set (fit for tallies): "no beats", "too few NN intervals",
  /// "NN coverage below min_coverage", "fewer than 2 adjacent NN pairs", "a feature is not
  /// finite"; empty when usable.
  std::string reason;
  /// The counts behind it: beats, NN intervals, coverage and what the filter excluded (no commas).
  std::string detail;
  std::vector<double> values;  ///< hrv_feature_names().size() values when usable, else empty
  NnSeries nn;
};

/// mean_nn_ms, sdnn_ms, rmssd_ms, pnn50, log_lf, log_hf, log_lf_hf, sd1_ms, sd2_ms, sampen,
/// apen, shannon_entropy, dfa_alpha1, pvc_per_min, couplets_per_min, ectopic_fraction.
const std::vector<std::string>& hrv_feature_names();

/// The feature set of the window [t0, t1): usable when it holds at least min_intervals NN
/// intervals covering at least min_coverage of the window and two adjacent pairs; then every
/// value is finite. Requires t0 < t1 finite and sane options; throws FeatureError.
HrvWindow hrv_window(const Beats& beats, double t0, double t1, const HrvOptions& options = {});

/// Consecutive windows [k w, (k + 1) w) that fit in [0, beats.end_s) (the last beat time when
/// end_s is 0). Requires window_s finite and > 0.
/// Throws FeatureError when the record would span more than 10^6 windows.
std::vector<HrvWindow> hrv_windows(const Beats& beats, double window_s,
                                   const HrvOptions& options = {});

}  // namespace scapredict::features

#include "features/hrv.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

namespace scapredict::features {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw FeatureError(what);
}

bool all_finite(std::span<const double> x) {
  return std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); });
}

bool is_adjacent(std::span<const std::uint8_t> adjacent, std::size_t k) {
  return adjacent.empty() || adjacent[k] != 0;
}

void check_adjacent(std::span<const double> x, std::span<const std::uint8_t> adjacent) {
  require(adjacent.empty() || adjacent.size() == x.size(),
          "adjacency flags and series differ in length");
}

}  // namespace

double mean(std::span<const double> x) {
  require(!x.empty(), "mean of an empty series");
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double sdnn(std::span<const double> x) {
  require(x.size() >= 2, "SDNN needs at least 2 values");
  const double m = mean(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

std::vector<double> successive_differences(std::span<const double> x,
                                           std::span<const std::uint8_t> adjacent) {
  check_adjacent(x, adjacent);
  std::vector<double> d;
  for (std::size_t k = 1; k < x.size(); ++k)
    if (is_adjacent(adjacent, k)) d.push_back(x[k] - x[k - 1]);
  return d;
}

double rmssd(std::span<const double> x, std::span<const std::uint8_t> adjacent) {
  const auto d = successive_differences(x, adjacent);
  require(!d.empty(), "RMSSD needs at least one adjacent pair");
  double ss = 0;
  for (double v : d) ss += v * v;
  return std::sqrt(ss / static_cast<double>(d.size()));
}

double pnn50(std::span<const double> x_ms, std::span<const std::uint8_t> adjacent) {
  const auto d = successive_differences(x_ms, adjacent);
  require(!d.empty(), "pNN50 needs at least one adjacent pair");
  const auto n = std::count_if(d.begin(), d.end(), [](double v) { return std::abs(v) > 50.0; });
  return 100.0 * static_cast<double>(n) / static_cast<double>(d.size());
}

Poincare poincare(std::span<const double> x, std::span<const std::uint8_t> adjacent) {
  check_adjacent(x, adjacent);
  std::vector<double> minor, major;
  for (std::size_t k = 1; k < x.size(); ++k) {
    if (!is_adjacent(adjacent, k)) continue;
    minor.push_back((x[k] - x[k - 1]) / std::numbers::sqrt2);
    major.push_back((x[k] + x[k - 1]) / std::numbers::sqrt2);
  }
  require(minor.size() >= 2, "Poincare descriptors need at least 2 adjacent pairs");
  return {sdnn(minor), sdnn(major)};
}

namespace {

void check_periodogram_args(std::span<const double> t, std::span<const double> x, double lo,
                            double hi, double step) {
  require(t.size() == x.size() && x.size() >= 3,
          "Lomb-Scargle needs as many times as values, at least 3");
  require(all_finite(t) && all_finite(x), "Lomb-Scargle input not finite");
  for (std::size_t j = 1; j < t.size(); ++j)
    require(t[j] > t[j - 1], "Lomb-Scargle times must increase strictly");
  require(std::isfinite(lo) && std::isfinite(hi) && std::isfinite(step) && lo >= 0 && hi > lo &&
              step > 0 && (hi - lo) / step < 1e7,
          "Lomb-Scargle needs 0 <= f_lo < f_hi and a step > 0 giving < 1e7 cells");
}

}  // namespace

Periodogram lomb_scargle(std::span<const double> t_s, std::span<const double> x, double f_lo_hz,
                         double f_hi_hz, double step_hz) {
  check_periodogram_args(t_s, x, f_lo_hz, f_hi_hz, step_hz);
  const std::size_t n = x.size();
  const auto cells = static_cast<std::size_t>(std::llround((f_hi_hz - f_lo_hz) / step_hz));
  const double xm = mean(x), t0 = t_s[0];
  const double dt = (t_s[n - 1] - t0) / static_cast<double>(n - 1);
  // cos and sin of w t_j at the first frequency, advanced by a rotation of dw t_j per cell.
  std::vector<double> c(n), s(n), cd(n), sd(n), y(n);
  const double w0 = 2 * std::numbers::pi * (f_lo_hz + 0.5 * step_hz);
  const double dw = 2 * std::numbers::pi * step_hz;
  for (std::size_t j = 0; j < n; ++j) {
    const double t = t_s[j] - t0;
    c[j] = std::cos(w0 * t), s[j] = std::sin(w0 * t);
    cd[j] = std::cos(dw * t), sd[j] = std::sin(dw * t);
    y[j] = x[j] - xm;
  }
  Periodogram p;
  p.step_hz = step_hz;
  for (std::size_t k = 0; k < cells; ++k) {
    double s2 = 0, c2 = 0;
    for (std::size_t j = 0; j < n; ++j) s2 += 2 * s[j] * c[j], c2 += c[j] * c[j] - s[j] * s[j];
    const double wtau = 0.5 * std::atan2(s2, c2);  // tan(2 w tau) = S2 / C2
    const double ct = std::cos(wtau), st = std::sin(wtau);
    double yc = 0, ys = 0, cc = 0, ss = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const double cj = c[j] * ct + s[j] * st, sj = s[j] * ct - c[j] * st;
      yc += y[j] * cj, ys += y[j] * sj, cc += cj * cj, ss += sj * sj;
    }
    const double power = 0.5 * ((cc > 0 ? yc * yc / cc : 0) + (ss > 0 ? ys * ys / ss : 0));
    p.freq_hz.push_back(f_lo_hz + (static_cast<double>(k) + 0.5) * step_hz);
    p.psd.push_back(2 * dt * power);
    for (std::size_t j = 0; j < n; ++j) {
      const double cn = c[j] * cd[j] - s[j] * sd[j];
      s[j] = s[j] * cd[j] + c[j] * sd[j];
      c[j] = cn;
    }
  }
  return p;
}

double band_power(const Periodogram& p, double f_lo_hz, double f_hi_hz) {
  double sum = 0;
  for (std::size_t k = 0; k < p.freq_hz.size(); ++k)
    if (p.freq_hz[k] >= f_lo_hz && p.freq_hz[k] < f_hi_hz) sum += p.psd[k];
  return sum * p.step_hz;
}

namespace {

void check_entropy_args(std::span<const double> x, int m, double r) {
  require(m >= 1 && x.size() > static_cast<std::size_t>(m) + 1,
          "entropy needs m >= 1 and more than m + 1 values");
  require(std::isfinite(r) && r >= 0 && all_finite(x), "entropy needs finite values and r >= 0");
}

// Chebyshev distance of the templates of length len at i and j is <= r.
bool match(std::span<const double> x, std::size_t i, std::size_t j, int len, double r) {
  for (int k = 0; k < len; ++k)
    if (std::abs(x[i + static_cast<std::size_t>(k)] - x[j + static_cast<std::size_t>(k)]) > r)
      return false;
  return true;
}

// Phi_m(r) of approximate entropy: mean over templates of ln(matching fraction), self included.
double apen_phi(std::span<const double> x, int m, double r) {
  const std::size_t count = x.size() - static_cast<std::size_t>(m) + 1;
  double sum = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t c = 0;
    for (std::size_t j = 0; j < count; ++j) c += match(x, i, j, m, r) ? 1 : 0;
    sum += std::log(static_cast<double>(c) / static_cast<double>(count));
  }
  return sum / static_cast<double>(count);
}

}  // namespace

double sample_entropy(std::span<const double> x, int m, double r) {
  check_entropy_args(x, m, r);
  const std::size_t templates = x.size() - static_cast<std::size_t>(m);
  const auto um = static_cast<std::size_t>(m);
  double a = 0, b = 0;
  for (std::size_t i = 0; i < templates; ++i) {
    for (std::size_t j = i + 1; j < templates; ++j) {
      if (!match(x, i, j, m, r)) continue;
      b += 1;
      if (std::abs(x[i + um] - x[j + um]) <= r) a += 1;
    }
  }
  const double n = static_cast<double>(templates);
  if (a == 0 || b == 0) return std::log(n * (n - 1) / 2);
  return -std::log(a / b);
}

double approximate_entropy(std::span<const double> x, int m, double r) {
  check_entropy_args(x, m, r);
  return apen_phi(x, m, r) - apen_phi(x, m + 1, r);
}

double shannon_entropy(std::span<const double> x, double bin_width) {
  require(!x.empty() && all_finite(x), "Shannon entropy needs finite values");
  require(std::isfinite(bin_width) && bin_width > 0, "Shannon entropy needs a bin width > 0");
  std::map<long long, std::size_t> counts;
  for (double v : x) ++counts[std::llround(v / bin_width)];
  double h = 0;
  const double n = static_cast<double>(x.size());
  for (const auto& [bin, c] : counts) {
    const double p = static_cast<double>(c) / n;
    h -= p * std::log2(p);
  }
  return h;
}

namespace {

// Sum of squared residuals of a least-squares line through y[start .. start + n).
double detrended_ss(const std::vector<double>& y, std::size_t start, std::size_t n) {
  const double nn = static_cast<double>(n), um = (nn - 1) / 2;
  double ym = 0;
  for (std::size_t i = 0; i < n; ++i) ym += y[start + i];
  ym /= nn;
  double suu = 0, suy = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = static_cast<double>(i) - um, v = y[start + i] - ym;
    suu += u * u, suy += u * v, syy += v * v;
  }
  return std::max(0.0, syy - suy * suy / suu);
}

// Least-squares slope of v against u.
double slope(const std::vector<double>& u, const std::vector<double>& v) {
  const double n = static_cast<double>(u.size());
  double um = 0, vm = 0;
  for (std::size_t i = 0; i < u.size(); ++i) um += u[i], vm += v[i];
  um /= n, vm /= n;
  double suu = 0, suv = 0;
  for (std::size_t i = 0; i < u.size(); ++i)
    suu += (u[i] - um) * (u[i] - um), suv += (u[i] - um) * (v[i] - vm);
  return suv / suu;
}

}  // namespace

double dfa_alpha1(std::span<const double> x, int min_box, int max_box) {
  require(2 <= min_box && min_box < max_box && static_cast<std::size_t>(max_box) <= x.size(),
          "DFA needs 2 <= min_box < max_box <= series length");
  require(all_finite(x), "DFA input not finite");
  const double xm = mean(x);
  std::vector<double> y(x.size());
  double acc = 0;
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = acc += x[i] - xm;
  std::vector<double> log_n, log_f;
  bool any_fluctuation = false;
  for (int box = min_box; box <= max_box; ++box) {
    const auto n = static_cast<std::size_t>(box);
    const std::size_t boxes = y.size() / n;
    double ss = 0;
    for (std::size_t b = 0; b < boxes; ++b) {
      ss += detrended_ss(y, b * n, n);                   // from the start
      ss += detrended_ss(y, y.size() - (b + 1) * n, n);  // from the end
    }
    const double f2 = ss / static_cast<double>(2 * boxes * n);
    any_fluctuation = any_fluctuation || f2 > 0;
    log_n.push_back(std::log(static_cast<double>(box)));
    log_f.push_back(0.5 * std::log(std::max(f2, 1e-300)));
  }
  return any_fluctuation ? slope(log_n, log_f) : 0.0;
}

const std::vector<std::string>& hrv_feature_names() {
  static const std::vector<std::string> names = {
      "mean_nn_ms",      "sdnn_ms",     "rmssd_ms",
      "pnn50",           "log_lf",      "log_hf",
      "log_lf_hf",       "sd1_ms",      "sd2_ms",
      "sampen",          "apen",        "shannon_entropy",
      "dfa_alpha1",      "pvc_per_min", "couplets_per_min",
      "ectopic_fraction"};
  return names;
}

namespace {

void check_hrv_options(const HrvOptions& o) {
  require(std::isfinite(o.min_coverage) && o.min_coverage >= 0 && o.min_coverage <= 1,
          "HRV: min_coverage must lie in [0, 1]");
  require(o.min_intervals >= kDfaMaxBox,
          "HRV: min_intervals must be at least " + std::to_string(kDfaMaxBox));
}

// Why the window cannot be used, or empty.
// Sets w.reason (a fixed category) and w.detail (the counts behind it) when w is not usable.
void judge_usable(HrvWindow& w, const HrvOptions& o) {
  const NnSeries& nn = w.nn;
  double covered = 0;
  for (double v : nn.nn_s) covered += v;
  const double coverage = covered / (w.t1_s - w.t0_s);
  w.detail = std::to_string(nn.n_beats) + " beats " + std::to_string(nn.n_intervals) + " NN (" +
             std::to_string(static_cast<int>(100 * coverage)) +
             "% of the window); excluded: " + std::to_string(nn.n_excluded_rhythm) + " rhythm " +
             std::to_string(nn.n_ectopic) + " ectopic " + std::to_string(nn.n_artefact) +
             " artefact";
  if (nn.n_beats == 0) {
    w.reason = "no beats";
  } else if (nn.n_intervals < o.min_intervals) {
    w.reason = "too few NN intervals";
  } else if (coverage < o.min_coverage) {
    w.reason = "NN coverage below min_coverage";
  } else if (std::count(nn.adjacent.begin(), nn.adjacent.end(), 1) < 2) {
    w.reason = "fewer than 2 adjacent NN pairs";
  }
}

std::vector<double> features_of(const NnSeries& nn, double length_s) {
  std::vector<double> ms(nn.nn_s.size());
  std::transform(nn.nn_s.begin(), nn.nn_s.end(), ms.begin(), [](double v) { return 1000 * v; });
  const double sd = sdnn(ms);
  const auto spectrum = lomb_scargle(nn.t_s, ms, kLfLowHz, kHfHighHz);
  const double lf = std::max(band_power(spectrum, kLfLowHz, kLfHighHz), kPowerFloorMs2);
  const double hf = std::max(band_power(spectrum, kLfHighHz, kHfHighHz), kPowerFloorMs2);
  const auto pc = poincare(ms, nn.adjacent);
  const double r = kEntropyRFraction * sd;
  const double minutes = length_s / 60;
  const double ectopic = nn.n_beats > 0 ? static_cast<double>(nn.n_non_normal) / nn.n_beats : 0;
  return {mean(ms),
          sd,
          rmssd(ms, nn.adjacent),
          pnn50(ms, nn.adjacent),
          std::log(lf),
          std::log(hf),
          std::log(lf) - std::log(hf),
          pc.sd1,
          pc.sd2,
          sample_entropy(ms, kEntropyM, r),
          approximate_entropy(ms, kEntropyM, r),
          shannon_entropy(nn.nn_s, kShannonBinS),
          dfa_alpha1(ms),
          nn.n_ventricular / minutes,
          nn.n_couplets / minutes,
          ectopic};
}

}  // namespace

HrvWindow hrv_window(const Beats& beats, double t0, double t1, const HrvOptions& options) {
  check_hrv_options(options);
  HrvWindow w;
  w.t0_s = t0;
  w.t1_s = t1;
  w.nn = nn_intervals(beats, t0, t1, options.nn);  // validates t0, t1
  judge_usable(w, options);
  if (!w.reason.empty()) return w;
  w.values = features_of(w.nn, t1 - t0);
  if (!all_finite(w.values)) {  // cannot happen by construction; never let it leak
    w.values.clear();
    w.reason = "a feature is not finite";
    return w;
  }
  w.usable = true;
  return w;
}

std::vector<HrvWindow> hrv_windows(const Beats& beats, double window_s, const HrvOptions& options) {
  require(std::isfinite(window_s) && window_s > 0, "HRV: window length must be finite and > 0");
  const double end = beats.end_s > 0 ? beats.end_s : (beats.t_s.empty() ? 0 : beats.t_s.back());
  // Bounded by what a recording can hold: a million windows is two years of minutes.
  if (end / window_s > 1e6)
    throw FeatureError(
        "HRV: the record spans " + std::to_string(end / window_s) +
        " windows (more than 1,000,000); is its length or an annotation time wrong?");
  std::vector<HrvWindow> out;
  for (long long k = 0; static_cast<double>(k + 1) * window_s <= end; ++k)
    out.push_back(hrv_window(beats, static_cast<double>(k) * window_s,
                             static_cast<double>(k + 1) * window_s, options));
  return out;
}

}  // namespace scapredict::features

#include "dsp/qrs.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <string>

#include "dsp/dsp_error.hpp"

namespace scapredict::dsp {

namespace {

using Index = std::int64_t;

// Slopes below this (units per second) are rounding noise of a flat signal, not an ECG: a QRS
// rises at 1-100 mV/s, one ADC step at 1000 Hz is about 1 mV/s.
constexpr double kSlopeFloor = 1e-6;

void check_rate(double fs_hz) {
  if (!std::isfinite(fs_hz) || fs_hz <= 0)
    throw DspError("QRS detection: sampling frequency " + std::to_string(fs_hz) +
                   " Hz is not finite and positive");
}

// A duration in whole samples, at least one.
std::size_t samples_of(double seconds, double fs_hz) {
  return static_cast<std::size_t>(std::max(1.0, std::round(seconds * fs_hz)));
}

// Centred moving mean over [i - half, i + half], the window cut at both ends of x.
template <typename In, typename Out>
void centred_mean(const In* x, std::size_t n, std::size_t half, Out* out) {
  double sum = 0;
  std::size_t lo = 0, hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t want_hi = std::min(n, i + half + 1);
    const std::size_t want_lo = i >= half ? i - half : 0;
    for (; hi < want_hi; ++hi) sum += static_cast<double>(x[hi]);
    for (; lo < want_lo; ++lo) sum -= static_cast<double>(x[lo]);
    out[i] = static_cast<Out>(sum / static_cast<double>(hi - lo));
  }
}

// Causal moving mean over the last `width` samples (fewer at the start).
void causal_mean(const double* x, std::size_t n, std::size_t width, double* out) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += x[i];
    if (i >= width) sum -= x[i - width];
    out[i] = sum / static_cast<double>(std::min(i + 1, width));
  }
}

// Runs [begin, end) of finite samples.
std::vector<std::pair<std::size_t, std::size_t>> finite_runs(const std::vector<double>& x) {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  std::size_t i = 0;
  while (i < x.size()) {
    while (i < x.size() && !std::isfinite(x[i])) ++i;
    const std::size_t b = i;
    while (i < x.size() && std::isfinite(x[i])) ++i;
    if (i > b) runs.emplace_back(b, i);
  }
  return runs;
}

// A local maximum of the detection feature.
struct Peak {
  Index at = 0;
  double height = 0;
  double slope = 0;  // largest squared slope near the peak (for the T-wave rule)
};

// Local maxima of f above zero; of two closer than `separation` samples the larger is kept.
std::vector<Peak> feature_peaks(const std::vector<float>& f, std::size_t separation) {
  std::vector<Peak> peaks;
  for (std::size_t i = 1; i + 1 < f.size(); ++i) {
    if (!(f[i] > 0 && f[i] > f[i - 1] && f[i] >= f[i + 1])) continue;
    const Peak p{static_cast<Index>(i), f[i], 0};
    bool keep = true;
    while (!peaks.empty() && p.at - peaks.back().at < static_cast<Index>(separation)) {
      if (peaks.back().height >= p.height) {
        keep = false;
        break;
      }
      peaks.pop_back();
    }
    if (keep) peaks.push_back(p);
  }
  return peaks;
}

// Largest value of v within [at - half, at + half].
double local_max(const std::vector<float>& v, Index at, std::size_t half) {
  const auto n = static_cast<Index>(v.size());
  const Index lo = std::max<Index>(0, at - static_cast<Index>(half));
  const Index hi = std::min<Index>(n - 1, at + static_cast<Index>(half));
  double m = 0;
  for (Index i = lo; i <= hi; ++i) m = std::max(m, static_cast<double>(v[static_cast<size_t>(i)]));
  return m;
}

// The detector's signals: the band-passed leads, each lead's weight (the reciprocal of its
// typical RMS slope, per block of samples), and the weighted sum of the leads' RMS slopes.
struct Feature {
  std::vector<std::vector<float>> band;           // per lead; 0 where the lead is invalid
  std::vector<std::vector<double>> block_weight;  // per lead and block
  std::size_t block = 1;                          // samples per block
  std::vector<float> integrated;
  double fs_hz = 1;

  // A lead's weight at sample i: linear between block centres.
  double weight(std::size_t lead, Index i) const {
    const auto& w = block_weight[lead];
    const double pos = (static_cast<double>(i) + 0.5) / static_cast<double>(block) - 0.5;
    if (pos <= 0) return w.front();
    const auto k = static_cast<std::size_t>(pos);
    if (k + 1 >= w.size()) return w.back();
    const double frac = pos - static_cast<double>(k);
    return w[k] * (1 - frac) + w[k + 1] * frac;
  }
  // A lead's absolute slope at sample i (1 <= i < n - 1), in units per second.
  double slope(std::size_t lead, Index i) const {
    const auto& b = band[lead];
    return std::fabs(b[static_cast<size_t>(i + 1)] - b[static_cast<size_t>(i - 1)]) * fs_hz / 2;
  }
};

// Band-passes one finite run of a lead into `band` and writes its squared slope to `slope2`.
void lead_run(const double* x, std::size_t n, double fs_hz, const QrsOptions& o, float* band,
              float* slope2, std::vector<double>& a, std::vector<double>& b) {
  const std::size_t lp = samples_of(o.lowpass_window_s, fs_hz) / 2;
  const std::size_t hp = samples_of(o.highpass_window_s, fs_hz) / 2;
  centred_mean(x, n, lp, a.data());
  centred_mean(a.data(), n, lp, b.data());  // triangle low-pass
  centred_mean(b.data(), n, hp, a.data());  // the baseline a high-pass removes
  for (std::size_t i = 0; i < n; ++i) {
    b[i] -= a[i];
    band[i] = static_cast<float>(b[i]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t lo = i == 0 ? 0 : i - 1, hi = i + 1 == n ? i : i + 1;
    const double d = n < 2 ? 0.0 : (b[hi] - b[lo]) * fs_hz / static_cast<double>(hi - lo);
    slope2[i] = static_cast<float>(d * d);
  }
}

// Per block, the reciprocal of the median RMS slope over the lead's valid samples (0 for a block
// without any): a lead's QRS complexes then count in multiples of its own background.
std::vector<double> block_weights(const std::vector<float>& rms, const std::vector<double>& lead,
                                  std::size_t block) {
  std::vector<double> weights;
  std::vector<float> valid;
  for (std::size_t b = 0; b < rms.size(); b += block) {
    valid.clear();
    for (std::size_t i = b; i < std::min(rms.size(), b + block); ++i)
      if (std::isfinite(lead[i])) valid.push_back(rms[i]);
    double w = 0;
    if (!valid.empty()) {
      const double top = *std::max_element(valid.begin(), valid.end());
      auto mid = valid.begin() + static_cast<std::ptrdiff_t>(valid.size() / 2);
      std::nth_element(valid.begin(), mid, valid.end());
      // The background is at least 1 % of the block's largest slope (a noise-free lead is not
      // weighted without bound) and at least kSlopeFloor (a flat lead adds nothing).
      const double background = std::max<double>(*mid, 0.01 * top);
      if (background > kSlopeFloor) w = 1.0 / background;
    }
    weights.push_back(w);
  }
  return weights;
}

Feature compute_feature(const std::vector<std::vector<double>>& leads, double fs_hz,
                        const QrsOptions& o) {
  const std::size_t n = leads.front().size();
  Feature f;
  f.fs_hz = fs_hz;
  f.block = samples_of(o.weight_block_s, fs_hz);
  f.integrated.assign(n, 0.0f);
  std::vector<double> a(n), b(n);
  std::vector<float> slope2(n), rms(n);
  const std::size_t min_run = samples_of(o.refractory_s, fs_hz);
  const std::size_t half = samples_of(o.integration_window_s, fs_hz) / 2;
  for (std::size_t k = 0; k < leads.size(); ++k) {
    const auto& lead = leads[k];
    f.band.emplace_back(n, 0.0f);
    std::fill(slope2.begin(), slope2.end(), 0.0f);
    for (const auto& [begin, end] : finite_runs(lead)) {
      if (end - begin < min_run) continue;  // a few valid samples between gaps: no slope
      lead_run(lead.data() + begin, end - begin, fs_hz, o, f.band.back().data() + begin,
               slope2.data() + begin, a, b);
    }
    centred_mean(slope2.data(), n, half, rms.data());
    for (float& v : rms)
      v = v > kSlopeFloor * kSlopeFloor ? std::sqrt(v) : 0.0f;  // linear in amplitude
    f.block_weight.push_back(block_weights(rms, lead, f.block));
    for (std::size_t i = 0; i < n; ++i)
      f.integrated[i] += static_cast<float>(f.weight(k, static_cast<Index>(i)) * rms[i]);
  }
  return f;
}

// The largest weighted slope summed over the leads within [at - half, at + half].
double peak_slope(const Feature& f, Index at, std::size_t half) {
  const auto n = static_cast<Index>(f.integrated.size());
  const Index lo = std::max<Index>(1, at - static_cast<Index>(half));
  const Index hi = std::min<Index>(n - 2, at + static_cast<Index>(half));
  double best = 0;
  for (Index i = lo; i <= hi; ++i) {
    double s = 0;
    for (std::size_t k = 0; k < f.band.size(); ++k) s += f.weight(k, i) * f.slope(k, i);
    best = std::max(best, s);
  }
  return best;
}

// Hamilton & Tompkins (1986): the last eight QRS peaks, noise peaks and RR intervals.
class Levels {
 public:
  static void push(std::deque<double>& d, double v) {
    if (d.size() == 8) d.pop_front();
    d.push_back(v);
  }
  static double median(const std::deque<double>& d) {
    std::vector<double> v(d.begin(), d.end());
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : (v[(v.size() - 1) / 2] + v[v.size() / 2]) / 2;
  }
  double threshold(double fraction) const {
    const double noise = median(noise_);
    return noise + fraction * (median(qrs_) - noise);
  }
  std::deque<double> qrs_, noise_, rr_;
};

// Seeds the QRS level with the largest feature value of each of the first eight seconds that
// hold signal (Hamilton & Tompkins' start-up).
void seed_levels(Levels& levels, const std::vector<float>& f, double fs_hz) {
  const std::size_t second = samples_of(1.0, fs_hz);
  std::size_t i = 0;
  while (i < f.size() && f[i] <= 0) ++i;
  for (int s = 0; s < 8 && i < f.size(); ++s) {
    const std::size_t end = std::min(f.size(), i + second);
    levels.qrs_.push_back(*std::max_element(f.begin() + static_cast<std::ptrdiff_t>(i),
                                            f.begin() + static_cast<std::ptrdiff_t>(end)));
    i = end;
  }
  levels.noise_.push_back(0.0);
}

// Peaks accepted as QRS complexes: thresholds, refractory period, T-wave rule, search-back.
std::vector<Peak> select_beats(const std::vector<Peak>& peaks, Levels& levels, double fs_hz,
                               const QrsOptions& o) {
  std::vector<Peak> beats;
  std::vector<Peak> since_last;  // noise peaks after the last beat, for the search-back
  const double refractory = o.refractory_s * fs_hz, t_window = o.t_wave_window_s * fs_hz;
  auto t_wave = [&](const Peak& p) {
    return !beats.empty() && static_cast<double>(p.at - beats.back().at) < t_window &&
           p.slope < o.t_wave_slope_ratio * beats.back().slope;
  };
  auto accept = [&](const Peak& p) {
    if (!beats.empty()) Levels::push(levels.rr_, static_cast<double>(p.at - beats.back().at));
    Levels::push(levels.qrs_, p.height);
    beats.push_back(p);
    std::erase_if(since_last, [&](const Peak& q) { return q.at <= p.at; });
  };
  for (const Peak& p : peaks) {
    while (!beats.empty() && !levels.rr_.empty() &&
           static_cast<double>(p.at - beats.back().at) >
               o.searchback_rr_factor * Levels::median(levels.rr_)) {
      const double floor = o.searchback_fraction * levels.threshold(o.threshold_fraction);
      const Peak* best = nullptr;
      for (const Peak& q : since_last) {
        if (static_cast<double>(q.at - beats.back().at) < refractory || q.height <= floor ||
            t_wave(q) || static_cast<double>(p.at - q.at) < refractory)
          continue;
        if (best == nullptr || q.height > best->height) best = &q;
      }
      if (best == nullptr) break;
      accept(*best);
    }
    if (!beats.empty() && static_cast<double>(p.at - beats.back().at) < refractory) continue;
    if (p.height > levels.threshold(o.threshold_fraction) && !t_wave(p)) {
      accept(p);
    } else {
      Levels::push(levels.noise_, p.height);
      since_last.push_back(p);
    }
  }
  return beats;
}

// The fiducial point of a beat: the largest |band-passed| sample near it, in the lead whose
// weighted slope there is steepest.
Index fiducial(const Feature& f, Index at, std::size_t half) {
  const auto n = static_cast<Index>(f.integrated.size());
  const Index lo = std::max<Index>(1, at - static_cast<Index>(half));
  const Index hi = std::min<Index>(n - 2, at + static_cast<Index>(half));
  std::size_t lead = 0;
  double steepest = -1;
  for (std::size_t k = 0; k < f.band.size(); ++k) {
    for (Index i = lo; i <= hi; ++i) {
      const double s = f.weight(k, i) * f.slope(k, i);
      if (s > steepest) steepest = s, lead = k;
    }
  }
  Index best = at;
  float best_abs = -1;
  for (Index i = lo; i <= hi; ++i) {
    const float v = std::fabs(f.band[lead][static_cast<size_t>(i)]);
    if (v > best_abs) best_abs = v, best = i;
  }
  return best;
}

// --- The textbook Pan & Tompkins (1985) detector ---------------------------------------------

struct PtSignals {
  std::vector<double> band;  // causal band-pass output
  std::vector<float> slope2, integrated;
  std::size_t band_delay = 0;  // samples the band-pass delays the QRS
  std::size_t window = 1;      // integration window in samples
};

// The paper's filters as boxes of fixed duration: low-pass two 30 ms boxes (6 samples at 200 Hz),
// high-pass the 160 ms box mean subtracted from the delayed signal (32 samples at 200 Hz), the
// five-point derivative, squaring and the 150 ms moving-window integrator, all causal.
PtSignals pt_signals(const std::vector<double>& lead, double fs_hz) {
  const std::size_t n = lead.size();
  std::vector<double> x(n), a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = std::isfinite(lead[i]) ? lead[i] : 0.0;
  const std::size_t lp = samples_of(0.030, fs_hz), hp = samples_of(0.160, fs_hz);
  causal_mean(x.data(), n, lp, a.data());
  causal_mean(a.data(), n, lp, b.data());
  causal_mean(b.data(), n, hp, a.data());
  PtSignals s;
  const std::size_t hp_delay = (hp - 1) / 2;
  s.band.resize(n);
  for (std::size_t i = 0; i < n; ++i) s.band[i] = b[i >= hp_delay ? i - hp_delay : 0] - a[i];
  s.band_delay = (lp - 1) + hp_delay;
  s.slope2.resize(n);
  auto at = [&](std::size_t i, std::size_t back) { return s.band[i >= back ? i - back : 0]; };
  for (std::size_t i = 0; i < n; ++i) {
    const double d = (2 * at(i, 0) + at(i, 1) - at(i, 3) - 2 * at(i, 4)) * fs_hz / 8.0;
    s.slope2[i] = static_cast<float>(d * d);
    x[i] = d * d;
  }
  s.window = samples_of(0.150, fs_hz);
  causal_mean(x.data(), n, s.window, a.data());
  s.integrated.assign(a.begin(), a.end());
  return s;
}

// RR AVERAGE1 (last eight RR) and RR AVERAGE2 (last eight RR within 92-116 % of RR AVERAGE2).
struct PtRhythm {
  std::deque<double> rr1, rr2;
  static double mean(const std::deque<double>& d) {
    double s = 0;
    for (double v : d) s += v;
    return d.empty() ? 0.0 : s / static_cast<double>(d.size());
  }
  void add(double rr) {
    const double avg2 = mean(rr2);
    Levels::push(rr1, rr);
    if (rr2.empty() || (rr >= 0.92 * avg2 && rr <= 1.16 * avg2)) Levels::push(rr2, rr);
  }
  bool regular() const {
    const double avg2 = mean(rr2);
    return std::all_of(rr1.begin(), rr1.end(),
                       [&](double rr) { return rr >= 0.92 * avg2 && rr <= 1.16 * avg2; });
  }
};

std::vector<Peak> pt_select(const std::vector<Peak>& peaks, const PtSignals& s, double fs_hz) {
  const std::size_t learn = std::min(s.integrated.size(), samples_of(2.0, fs_hz));
  double spki = 0, npki = 0;
  for (std::size_t i = 0; i < learn; ++i) {
    spki = std::max(spki, static_cast<double>(s.integrated[i]));
    npki += s.integrated[i];
  }
  spki /= 3;
  npki /= 2 * static_cast<double>(std::max<std::size_t>(1, learn));
  std::vector<Peak> beats, noise;
  PtRhythm rhythm;
  const double refractory = 0.2 * fs_hz, t_window = 0.36 * fs_hz;
  auto accept = [&](const Peak& p) {
    if (!beats.empty()) rhythm.add(static_cast<double>(p.at - beats.back().at));
    beats.push_back(p);
    noise.clear();
  };
  auto t_wave = [&](const Peak& p) {
    return !beats.empty() && static_cast<double>(p.at - beats.back().at) < t_window &&
           p.slope < 0.25 * beats.back().slope;  // half the slope = a quarter of its square
  };
  for (const Peak& p : peaks) {
    double thr1 = npki + 0.25 * (spki - npki);
    if (!rhythm.rr1.empty() && !rhythm.regular()) thr1 *= 0.5;
    if (!beats.empty() && !rhythm.rr2.empty() &&
        static_cast<double>(p.at - beats.back().at) > 1.66 * PtRhythm::mean(rhythm.rr2)) {
      const Peak* best = nullptr;
      for (const Peak& q : noise) {
        if (static_cast<double>(q.at - beats.back().at) >= refractory && q.height > 0.5 * thr1 &&
            (best == nullptr || q.height > best->height))
          best = &q;
      }
      if (best != nullptr) {
        spki = 0.25 * best->height + 0.75 * spki;
        accept(Peak(*best));
      }
    }
    if (!beats.empty() && static_cast<double>(p.at - beats.back().at) < refractory) continue;
    if (p.height > thr1 && !t_wave(p)) {
      spki = 0.125 * p.height + 0.875 * spki;
      accept(p);
    } else {
      npki = 0.125 * p.height + 0.875 * npki;
      noise.push_back(p);
    }
  }
  return beats;
}

}  // namespace

std::vector<std::int64_t> detect_qrs(const std::vector<std::vector<double>>& leads, double fs_hz,
                                     const QrsOptions& options) {
  check_rate(fs_hz);
  if (leads.empty()) throw DspError("QRS detection: no lead given");
  for (const auto& lead : leads) {
    if (lead.size() != leads.front().size())
      throw DspError("QRS detection: leads differ in length (" + std::to_string(lead.size()) +
                     " and " + std::to_string(leads.front().size()) + " samples)");
  }
  if (leads.front().size() < 3) return {};
  const Feature f = compute_feature(leads, fs_hz, options);
  std::vector<Peak> peaks =
      feature_peaks(f.integrated, samples_of(options.peak_separation_s, fs_hz));
  const std::size_t slope_half = samples_of(options.integration_window_s, fs_hz) / 2;
  for (Peak& p : peaks) p.slope = peak_slope(f, p.at, slope_half);
  Levels levels;
  seed_levels(levels, f.integrated, fs_hz);
  std::vector<std::int64_t> out;
  const std::size_t half = samples_of(options.fiducial_window_s, fs_hz);
  for (const Peak& b : select_beats(peaks, levels, fs_hz, options))
    out.push_back(fiducial(f, b.at, half));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::int64_t> detect_record_qrs(const io::Record& record,
                                            const std::vector<int>& signals,
                                            const QrsOptions& options) {
  std::vector<int> chosen = signals;
  if (chosen.empty()) {
    for (int s = 0; s < static_cast<int>(record.header().signals.size()); ++s) chosen.push_back(s);
  }
  std::vector<std::vector<double>> leads;
  for (int s : chosen) {
    if (s < 0 || s >= static_cast<int>(record.header().signals.size()))
      throw DspError(record.header().source + ": no signal " + std::to_string(s) + " (record has " +
                     std::to_string(record.header().signals.size()) + ")");
    leads.push_back(record.read_physical(s));
  }
  if (leads.empty()) throw DspError(record.header().source + ": record has no signals");
  return detect_qrs(leads, record.fs_hz(), options);
}

std::vector<std::int64_t> detect_qrs_pan_tompkins(const std::vector<double>& lead, double fs_hz) {
  check_rate(fs_hz);
  if (lead.size() < 5) return {};
  const PtSignals s = pt_signals(lead, fs_hz);
  std::vector<Peak> peaks = feature_peaks(s.integrated, samples_of(0.2, fs_hz));
  std::erase_if(peaks, [](const Peak& p) { return p.height <= kSlopeFloor * kSlopeFloor; });
  for (Peak& p : peaks)
    p.slope = local_max(s.slope2, p.at - static_cast<Index>(s.window / 2), s.window / 2);
  std::vector<std::int64_t> out;
  for (const Peak& b : pt_select(peaks, s, fs_hz)) {
    // The QRS lies in the integration window that ends at the peak: its largest |band-passed|
    // sample, moved back by the band-pass delay.
    const Index lo = std::max<Index>(0, b.at - static_cast<Index>(s.window) - 2);
    Index best = b.at;
    for (Index i = lo; i <= b.at; ++i) {
      if (std::fabs(s.band[static_cast<size_t>(i)]) > std::fabs(s.band[static_cast<size_t>(best)]))
        best = i;
    }
    out.push_back(std::max<Index>(0, best - static_cast<Index>(s.band_delay)));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace scapredict::dsp

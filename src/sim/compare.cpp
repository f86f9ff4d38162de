// Realism of the simulator, measured against the real PhysioNet excerpts (docs/simulation.md).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/run_config.hpp"
#include "dsp/prepare.hpp"
#include "dsp/spectrum.hpp"
#include "dsp/vf_like.hpp"
#include "io/signal.hpp"
#include "sim/physiology.hpp"
#include "sim/render.hpp"
#include "sim/simulate.hpp"

namespace scapredict::sim {
namespace fs = std::filesystem;
namespace {

// R peaks by a plain energy detector: squared first difference, threshold at 30% of its 99th
// percentile, 250 ms refractory period. Returns peak indices.
std::vector<std::size_t> detect_r_peaks(const std::vector<double>& x, double fs_hz) {
  std::vector<double> e(x.size(), 0.0);
  for (std::size_t i = 1; i < x.size(); ++i) e[i] = (x[i] - x[i - 1]) * (x[i] - x[i - 1]);
  std::vector<double> sorted = e;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() * 99 / 100),
                   sorted.end());
  const double thr = 0.3 * sorted[sorted.size() * 99 / 100];
  const auto refractory = static_cast<std::size_t>(0.25 * fs_hz);
  std::vector<std::size_t> peaks;
  for (std::size_t i = 1; i + 1 < e.size(); ++i) {
    if (e[i] < thr) continue;
    if (!peaks.empty() && i - peaks.back() < refractory) continue;
    // The R peak is the largest |x - local median| within +-60 ms.
    const auto w = static_cast<std::size_t>(0.06 * fs_hz);
    std::size_t best = i;
    for (std::size_t j = (i > w ? i - w : 0); j < std::min(x.size(), i + w); ++j) {
      if (std::abs(x[j]) > std::abs(x[best])) best = j;
    }
    peaks.push_back(best);
    i += refractory;
  }
  return peaks;
}

struct MinuteFeatures {
  std::vector<double> spectrum;
  double hr_bpm = 0;
  double qrs_mv = 0;
};

MinuteFeatures features(std::vector<double> x, double fs_hz) {
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  for (auto& v : x) v -= mean;
  MinuteFeatures f;
  f.spectrum = dsp::SpectrumReducer(dsp::kMinuteSamples, 1024)(x);
  auto peaks = detect_r_peaks(x, fs_hz);
  f.hr_bpm = static_cast<double>(peaks.size()) * 60.0 / (static_cast<double>(x.size()) / fs_hz);
  std::vector<double> amps;
  const auto w = static_cast<std::size_t>(0.06 * fs_hz);
  for (auto p : peaks) {
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t j = (p > w ? p - w : 0); j < std::min(x.size(), p + w); ++j) {
      lo = std::min(lo, x[j]);
      hi = std::max(hi, x[j]);
    }
    amps.push_back(hi - lo);
  }
  if (!amps.empty()) {
    std::nth_element(amps.begin(), amps.begin() + static_cast<long>(amps.size() / 2), amps.end());
    f.qrs_mv = amps[amps.size() / 2];
  }
  return f;
}

std::vector<double> mean_of(const std::vector<std::vector<double>>& v) {
  std::vector<double> m(v.at(0).size(), 0.0);
  for (const auto& s : v)
    for (std::size_t i = 0; i < m.size(); ++i) m[i] += s[i] / static_cast<double>(v.size());
  return m;
}

// RMS of log10 ratios over the bins from lo_hz to hi_hz (bins of 64/n Hz).
double log_spectral_distance(const std::vector<double>& a, const std::vector<double>& b,
                             double lo_hz, double hi_hz) {
  const double width = 64.0 / static_cast<double>(a.size());
  double s = 0;
  int n = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double f = static_cast<double>(i) * width;
    if (f < lo_hz || f >= hi_hz) continue;
    const double d = std::log10((a[i] + 1e-6) / (b[i] + 1e-6));
    s += d * d;
    ++n;
  }
  return std::sqrt(s / n);
}

// Mean spectrum (0-64 Hz, 1024 bins) of 8-s windows whose power is concentrated at 3-8 Hz, the
// signature of ventricular fibrillation; peak frequency of that spectrum.
std::vector<std::vector<double>> vf_like_minutes(const std::vector<double>& x128) {
  std::vector<std::vector<double>> out;
  const std::size_t win = 1024;
  for (std::size_t s = 0; s + win <= x128.size(); s += win) {
    const auto v = dsp::vf_like_window(std::span<const double>(x128).subspan(s, win),
                                       dsp::kAnalysisFsHz, 8192);  // 1/64 Hz spacing
    if (!v.vf_like) continue;
    const auto& mag = v.magnitude;
    std::vector<double> spec(1024);
    for (std::size_t b = 0; b < 1024; ++b)
      spec[b] = (mag[4 * b] + mag[4 * b + 1] + mag[4 * b + 2] + mag[4 * b + 3]) / 4 / win;
    out.push_back(spec);
  }
  return out;
}

double peak_hz(const std::vector<double>& spec) {
  std::size_t best = 32;  // search 2-10 Hz
  for (std::size_t i = 32; i < 160; ++i)
    if (spec[i] > spec[best]) best = i;
  return static_cast<double>(best) * 64.0 / static_cast<double>(spec.size());
}

std::vector<double> adu_to_mv(const std::vector<std::int32_t>& adu, double gain) {
  io::SignalSpec spec;
  spec.adc_gain = gain;
  return io::to_physical(spec, adu);
}

}  // namespace

nlohmann::json RealismReport::to_json() const {
  return {{"nsr_log_spectral_distance_0p5_40hz", nsr_spectral_distance},
          {"nsr_log_spectral_distance_real_half_vs_half", nsr_spectral_distance_null},
          {"hr_bpm", {{"real", real_hr_bpm_mean}, {"simulated", sim_hr_bpm_mean}}},
          {"qrs_amplitude_mv", {{"real", real_qrs_mv_mean}, {"simulated", sim_qrs_mv_mean}}},
          {"vf_peak_hz", {{"real_cudb", vf_peak_hz_real}, {"simulated", vf_peak_hz_sim}}},
          {"vf_log_spectral_distance_1_20hz", vf_spectral_distance}};
}

RealismReport compare_real(const fs::path& dir, std::uint64_t seed) {
  RealismReport rep;
  std::vector<MinuteFeatures> real, simulated;
  const auto headers = io::list_headers(dir / "nsrdb-1min");
  if (headers.empty()) throw SimError((dir / "nsrdb-1min").string() + ": no NSRDB minutes found");
  for (const auto& h : headers) {
    io::Record rec(h);
    real.push_back(features(rec.read_physical(0), rec.fs_hz()));
  }
  const RiskEffects fx;
  const Recorder nsr = nsrdb_recorder(1.0);
  for (std::size_t i = 0; i < headers.size(); ++i) {
    Rng rng(derive_seed(seed, SeedUse::kSimRecord, hash_name("compare/" + std::to_string(i))));
    Patient p = draw_patient(rng);
    Schedule s = schedule_beats(p, fx, 0.0, 70.0, std::nullopt, rng);
    Rendered r = render(p, s, nsr, nsr.gain_adu_per_mv, 70.0, std::nullopt, rng);
    auto x = adu_to_mv(r.adu[0], nsr.gain_adu_per_mv);
    x.erase(
        x.begin(),
        x.begin() + static_cast<long>(x.size() - dsp::kMinuteSamples));  // drop the filter start-up
    simulated.push_back(features(x, nsr.fs_hz));
  }
  auto collect = [](const std::vector<MinuteFeatures>& v, std::size_t a, std::size_t b) {
    std::vector<std::vector<double>> s;
    for (std::size_t i = a; i < b; ++i) s.push_back(v[i].spectrum);
    return s;
  };
  rep.real_mean_spectrum = mean_of(collect(real, 0, real.size()));
  rep.sim_mean_spectrum = mean_of(collect(simulated, 0, simulated.size()));
  rep.nsr_spectral_distance =
      log_spectral_distance(rep.sim_mean_spectrum, rep.real_mean_spectrum, 0.5, 40);
  rep.nsr_spectral_distance_null =
      log_spectral_distance(mean_of(collect(real, 0, real.size() / 2)),
                            mean_of(collect(real, real.size() / 2, real.size())), 0.5, 40);
  auto avg = [](const std::vector<MinuteFeatures>& v, double MinuteFeatures::*m) {
    double s = 0;
    for (const auto& f : v) s += f.*m;
    return s / static_cast<double>(v.size());
  };
  rep.real_hr_bpm_mean = avg(real, &MinuteFeatures::hr_bpm);
  rep.sim_hr_bpm_mean = avg(simulated, &MinuteFeatures::hr_bpm);
  rep.real_qrs_mv_mean = avg(real, &MinuteFeatures::qrs_mv);
  rep.sim_qrs_mv_mean = avg(simulated, &MinuteFeatures::qrs_mv);

  // VF: VF-like windows of the real CUDB records against simulated VF, both at 128 Hz.
  std::vector<std::vector<double>> vf_real, vf_sim;
  if (fs::is_directory(dir / "cudb")) {
    for (const auto& h : io::list_headers(dir / "cudb")) {
      io::Record rec(h);
      auto p = dsp::load_channel(rec, 0, 0.0, static_cast<double>(rec.n_frames()) / rec.fs_hz());
      for (auto& s : vf_like_minutes(p.samples)) vf_real.push_back(std::move(s));
    }
  }
  const Recorder sddb = sddb_recorder();
  for (int i = 0; i < 8; ++i) {
    Rng rng(derive_seed(seed, SeedUse::kSimRecord, hash_name("compare-vf/" + std::to_string(i))));
    Patient p = draw_patient(rng);
    Schedule s = schedule_beats(p, fx, 0.0, 60.0, 10.0, rng);
    Rendered r = render(p, s, sddb, sddb.gain_adu_per_mv, 60.0, 10.0, rng);
    auto x = adu_to_mv(r.adu[0], sddb.gain_adu_per_mv);
    x.erase(x.begin(), x.begin() + 250 * 15);
    auto y = dsp::resample_with_gaps(x, 250, 128).samples;
    for (auto& w : vf_like_minutes(y)) vf_sim.push_back(std::move(w));
  }
  if (!vf_real.empty() && !vf_sim.empty()) {
    auto mr = mean_of(vf_real), ms = mean_of(vf_sim);
    rep.vf_peak_hz_real = peak_hz(mr);
    rep.vf_peak_hz_sim = peak_hz(ms);
    rep.vf_spectral_distance = log_spectral_distance(ms, mr, 1, 20);
  }
  return rep;
}

}  // namespace scapredict::sim

#include "sim/physiology.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace scapredict::sim {
namespace {

nlohmann::json wave_json(const Wave& w) {
  return {{"offset_s", w.offset_s}, {"width_s", w.width_s}, {"amp_mv", {w.amp_mv[0], w.amp_mv[1]}}};
}

// Unit-variance AR(2) resonator sampled at fs: a narrow-band process centred on f0.
class Resonator {
 public:
  Resonator(double f0, double fs, double radius) {
    a1_ = 2 * radius * std::cos(2 * std::numbers::pi * f0 / fs);
    a2_ = -radius * radius;
    const double var = (1 - a2_) / ((1 + a2_) * ((1 - a2_) * (1 - a2_) - a1_ * a1_));
    gain_ = 1.0 / std::sqrt(var);
  }
  double step(Rng& rng) {
    const double x = a1_ * x1_ + a2_ * x2_ + rng.normal();
    x2_ = x1_;
    x1_ = x;
    return x * gain_;
  }

 private:
  double a1_ = 0, a2_ = 0, gain_ = 1, x1_ = 0, x2_ = 0;
};

}  // namespace

nlohmann::json Patient::to_json() const {
  return {{"hr_bpm", hr_bpm},
          {"circadian_bpm", circadian_bpm},
          {"rr_variability", rr_variability},
          {"lf_hf", lf_hf},
          {"pvc_per_h", pvc_per_h},
          {"waves",
           {{"P", wave_json(p)},
            {"Q", wave_json(q)},
            {"R", wave_json(r)},
            {"S", wave_json(s)},
            {"T", wave_json(t)},
            {"PVC_QRS", wave_json(v_qrs)},
            {"PVC_S", wave_json(v_s)},
            {"PVC_T", wave_json(v_t)}}},
          {"wander_mv", wander_mv},
          {"resp_hz", resp_hz},
          {"emg_mv", emg_mv},
          {"motion_per_h", motion_per_h},
          {"vf_amp_mv", vf_amp_mv}};
}

nlohmann::json RiskEffects::to_json() const {
  return {{"hr_increase_bpm", hr_increase_bpm},
          {"hrv_reduction", hrv_reduction},
          {"lf_hf_increase", lf_hf_increase},
          {"pvc_per_h", pvc_per_h},
          {"couplet_probability", couplet_probability},
          {"nsvt_per_h", nsvt_per_h},
          {"twa_mv", twa_mv},
          {"qt_increase_s", qt_increase_s},
          {"ramp_tau_min", ramp_tau_min}};
}

Patient draw_patient(Rng& rng) {
  Patient p;
  auto jitter = [&](double v, double rel) { return v * (1 + rel * rng.normal()); };
  p.hr_bpm = std::clamp(rng.uniform(62, 100), 45.0, 110.0);
  p.circadian_bpm = rng.uniform(3, 9);
  p.circadian_phase = rng.uniform(0, 2 * std::numbers::pi);
  p.rr_variability = rng.uniform(0.03, 0.07);
  p.lf_hf = rng.uniform(1.0, 2.5);
  p.lf_hz = rng.uniform(0.08, 0.12);
  p.hf_hz = rng.uniform(0.2, 0.3);
  p.pvc_per_h = rng.uniform(0.2, 3.0);
  // Lead projections: channel 1 sees each wave through its own factor.
  const double axis = rng.uniform(-0.6, 0.6);
  auto wave = [&](double off, double width, double amp) {
    Wave w;
    w.offset_s = off + 0.003 * rng.normal();
    w.width_s = std::max(0.004, jitter(width, 0.12));
    w.amp_mv[0] = jitter(amp, 0.2);
    w.amp_mv[1] = w.amp_mv[0] * (0.6 + axis + 0.2 * rng.normal());
    return w;
  };
  const double r_amp = rng.uniform(1.0, 2.6);
  p.p = wave(-0.17, 0.022, 0.12 * r_amp);
  p.q = wave(-0.035, 0.010, -0.1 * r_amp);
  p.r = wave(0.0, 0.011, r_amp);
  p.s = wave(0.035, 0.012, -0.25 * r_amp);
  p.t = wave(0.28, 0.055, 0.28 * r_amp);
  const double focus = rng.uniform() < 0.5 ? 1.0 : -1.0;
  p.v_qrs = wave(0.0, 0.035, 1.6 * focus * r_amp);
  p.v_s = wave(0.06, 0.035, -0.5 * focus * r_amp);
  p.v_t = wave(0.32, 0.08, -0.45 * focus * r_amp);
  p.wander_mv = rng.uniform(0.03, 0.15);
  p.resp_hz = p.hf_hz;
  p.emg_mv = rng.uniform(0.005, 0.025);
  p.motion_per_h = rng.uniform(0.5, 4.0);
  p.vf_amp_mv = rng.uniform(0.3, 0.9) * r_amp;
  return p;
}

double risk_ramp(const RiskEffects& fx, double risk, std::optional<double> onset_s, double t) {
  if (!onset_s || risk == 0.0 || t >= *onset_s) return 0.0;
  return risk * std::exp(-(*onset_s - t) / 60.0 / fx.ramp_tau_min);
}

Schedule schedule_beats(const Patient& p, const RiskEffects& fx, double risk, double end_s,
                        std::optional<double> onset_s, Rng& rng) {
  Schedule s;
  const double grid_hz = 2.0;  // RR modulation sampled at 2 Hz, held between grid points
  Resonator lf(p.lf_hz, grid_hz, 0.97), hf(p.hf_hz, grid_hz, 0.9);
  double grid_t = 0, lf_v = 0, hf_v = 0;
  for (int i = 0; i < 200; ++i) {  // warm-up so the processes start stationary
    lf_v = lf.step(rng);
    hf_v = hf.step(rng);
  }
  const double stop = onset_s ? std::min(*onset_s, end_s) : end_s;
  s.rhythms.push_back({0.0, "(N"});
  double t = rng.uniform(0.2, 0.8);
  bool alt = false;
  while (t < stop) {
    while (grid_t <= t) {
      lf_v = lf.step(rng);
      hf_v = hf.step(rng);
      grid_t += 1.0 / grid_hz;
    }
    const double ramp = risk_ramp(fx, risk, onset_s, t);
    const double hr =
        p.hr_bpm +
        p.circadian_bpm * std::sin(2 * std::numbers::pi * t / 86400.0 + p.circadian_phase) +
        fx.hr_increase_bpm * ramp;
    const double mean_rr = 60.0 / std::max(35.0, hr);
    const double lfhf = p.lf_hf * (1 + fx.lf_hf_increase * ramp);
    const double mod = std::sqrt(lfhf / (1 + lfhf)) * lf_v + std::sqrt(1 / (1 + lfhf)) * hf_v;
    const double rr = mean_rr * (1 + p.rr_variability * (1 - fx.hrv_reduction * ramp) * mod);
    alt = !alt;
    const double twa = (alt ? 1 : -1) * fx.twa_mv * ramp;
    const double qt = fx.qt_increase_s * ramp;
    // Ectopy: a PVC replaces the next sinus beat at a short coupling interval.
    const double pvc_rate = (p.pvc_per_h + fx.pvc_per_h * ramp) / 3600.0;
    const double nsvt_rate = fx.nsvt_per_h * ramp * ramp / 3600.0;
    if (rng.event(nsvt_rate, rr)) {
      const int n = 3 + static_cast<int>(rng.uniform() * 6);
      double tv = t;
      s.rhythms.push_back({t, "(VT"});
      for (int k = 0; k < n && tv < stop; ++k) {
        s.beats.push_back({tv, rr, true, 0, qt});
        tv += rng.uniform(0.33, 0.4);
      }
      s.rhythms.push_back({tv, "(N"});
      t = tv + rr;
      continue;
    }
    if (!s.beats.empty() && rng.event(pvc_rate, rr)) {
      // Coupling interval 0.6 RR after the previous beat; the next sinus beat comes two sinus
      // cycles after the previous one (full compensatory pause), later after a couplet.
      const double prev = s.beats.back().t;
      const double tv = prev + 0.6 * rr;
      double next = prev + 2 * rr;
      if (tv < stop) {
        s.beats.push_back({tv, rr, true, 0, qt});
        if (rng.uniform() < fx.couplet_probability * ramp && tv + 0.5 * rr < stop) {
          s.beats.push_back({tv + 0.5 * rr, rr, true, 0, qt});
          next = tv + 0.5 * rr + 1.6 * rr;
        }
      }
      t = std::max(t, next);
      continue;
    }
    s.beats.push_back({t, rr, false, twa, qt});
    t += rr;
  }
  if (onset_s && *onset_s < end_s) s.rhythms.push_back({*onset_s, "(VF"});
  return s;
}

}  // namespace scapredict::sim

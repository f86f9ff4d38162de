#include "sim/render.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "io/signal.hpp"

namespace scapredict::sim {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;
constexpr double kWowHz = 0.5;

// Adds one Gaussian event centred at tc (device time, s) to both channels.
void add_wave(std::vector<double>* y, double fs, double tc, double width, const double amp[2],
              double amp_scale0 = 1.0, double extra0 = 0.0) {
  const auto n = static_cast<std::int64_t>(y[0].size());
  const double half = 4.0 * width;
  const auto lo = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::ceil((tc - half) * fs)));
  const auto hi =
      std::min<std::int64_t>(n - 1, static_cast<std::int64_t>(std::floor((tc + half) * fs)));
  const double a0 = amp[0] * amp_scale0 + extra0;
  const double a1 = amp[0] != 0 ? a0 * amp[1] / amp[0] : amp[1];
  const double k = -0.5 / (width * width);
  for (std::int64_t i = lo; i <= hi; ++i) {
    const double d = static_cast<double>(i) / fs - tc;
    const double g = std::exp(k * d * d);
    y[0][static_cast<std::size_t>(i)] += a0 * g;
    y[1][static_cast<std::size_t>(i)] += a1 * g;
  }
}

// Second-order Butterworth low-pass (bilinear transform), direct form I.
struct Biquad {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0, x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  Biquad(double fc, double fs) {
    const double w = kTwoPi * fc / fs;
    const double alpha = std::sin(w) / (2 * std::sqrt(0.5));
    const double c = std::cos(w), a0 = 1 + alpha;
    b0 = (1 - c) / 2 / a0;
    b1 = (1 - c) / a0;
    b2 = b0;
    a1 = -2 * c / a0;
    a2 = (1 - alpha) / a0;
  }
  double step(double x) {
    const double y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    return y;
  }
};

}  // namespace

namespace {

using Channels = std::vector<double>[2];

// The device samples true time t at device time t - disp(t) (wow and flutter).
struct DeviceClock {
  double wow_amp_s;
  double operator()(double t) const { return t - wow_amp_s * std::sin(kTwoPi * kWowHz * t); }
};

// Every beat's waves into `y`, and its annotation (plus the rhythm annotations) into `out`.
void add_beats(Channels& y, const Patient& p, const Schedule& s, double fs, std::size_t n,
               const DeviceClock& device_time, Rendered& out) {
  for (const auto& b : s.beats) {
    const double td = device_time(b.t);
    if (b.pvc) {
      add_wave(y, fs, td + p.v_qrs.offset_s, p.v_qrs.width_s, p.v_qrs.amp_mv);
      add_wave(y, fs, td + p.v_s.offset_s, p.v_s.width_s, p.v_s.amp_mv);
      add_wave(y, fs, td + p.v_t.offset_s + b.qt_shift_s, p.v_t.width_s, p.v_t.amp_mv);
    } else {
      const double qt_scale = std::sqrt(b.rr / 0.8);  // Bazett-like QT adaptation to RR
      add_wave(y, fs, td + p.p.offset_s, p.p.width_s, p.p.amp_mv);
      add_wave(y, fs, td + p.q.offset_s, p.q.width_s, p.q.amp_mv);
      add_wave(y, fs, td + p.r.offset_s, p.r.width_s, p.r.amp_mv);
      add_wave(y, fs, td + p.s.offset_s, p.s.width_s, p.s.amp_mv);
      add_wave(y, fs, td + p.t.offset_s * qt_scale + b.qt_shift_s, p.t.width_s * qt_scale,
               p.t.amp_mv, 1.0, b.twa_mv);
    }
    io::Annotation a;
    a.sample = std::llround(td * fs);
    a.code = b.pvc ? io::code::kPvc : io::code::kNormal;
    if (a.sample >= 0 && a.sample < static_cast<std::int64_t>(n)) out.annotations.push_back(a);
  }
  for (const auto& r : s.rhythms) {
    io::Annotation a;
    a.sample = std::clamp<std::int64_t>(std::llround(device_time(r.t) * fs), 0,
                                        static_cast<std::int64_t>(n) - 1);
    a.code = io::code::kRhythm;
    a.aux = r.aux;
    out.annotations.push_back(a);
  }
  std::stable_sort(
      out.annotations.begin(), out.annotations.end(),
      [](const io::Annotation& a, const io::Annotation& b) { return a.sample < b.sample; });
}

// Ventricular fibrillation from `first`: a quasi-periodic 4-7 Hz wave with drifting rate and
// amplitude.
void add_vf(Channels& y, const Patient& p, double fs, std::size_t first, Rng& rng) {
  const std::size_t n = y[0].size();
  double f = rng.uniform(4.5, 6.5), amp = p.vf_amp_mv, phase = 0;
  const double proj = rng.uniform(0.5, 1.1) * (rng.uniform() < 0.5 ? -1 : 1);
  const auto step = static_cast<std::size_t>(std::max(1.0, 0.1 * fs));
  for (std::size_t i = first; i < n; ++i) {
    if ((i - first) % step == 0) {
      f = std::clamp(f + 0.15 * rng.normal(), 4.0, 7.0);
      amp = std::clamp(amp * (1 + 0.05 * rng.normal()), 0.15, 1.5);
    }
    phase += kTwoPi * f / fs;
    const double v =
        amp * (std::sin(phase) + 0.3 * std::sin(2 * phase + 0.7)) + 0.05 * amp * rng.noise();
    y[0][i] += v;
    y[1][i] += proj * v;
  }
}

// Electrode-motion bursts: low-passed noise under a Hann envelope, 1-5 s long. Returns how many.
int add_motion(Channels& y, const Patient& p, double fs, double duration_s, Rng& rng) {
  const std::size_t n = y[0].size();
  const int bursts =
      static_cast<int>(std::floor(p.motion_per_h * duration_s / 3600.0 + rng.uniform()));
  for (int k = 0; k < bursts; ++k) {
    const double t0 = rng.uniform(0, duration_s), len = rng.uniform(1, 5),
                 a = rng.uniform(0.2, 0.8);
    const auto i0 = static_cast<std::size_t>(t0 * fs);
    const auto m = static_cast<std::size_t>(len * fs);
    const double pole = std::exp(-kTwoPi * 3.0 / fs);
    double st[2] = {0, 0};
    for (std::size_t j = 0; j < m && i0 + j < n; ++j) {
      const double env =
          0.5 - 0.5 * std::cos(kTwoPi * static_cast<double>(j) / static_cast<double>(m));
      for (int c = 0; c < 2; ++c) {
        st[c] = pole * st[c] + (1 - pole) * rng.normal() * 6.0;
        y[c][i0 + j] += a * env * st[c];
      }
    }
  }
  return bursts;
}

// Baseline wander, muscle noise, mains; then the analogue chain, noise floor and the ADC.
std::vector<std::vector<std::int32_t>> digitise(const Channels& y, const Patient& p,
                                                const Recorder& rec, double gain, Rng& rng) {
  const double fs = rec.fs_hz;
  const std::size_t n = y[0].size();
  const double wander_pole = std::exp(-kTwoPi * 0.05 / fs);
  const double wander_drive = std::sqrt(1 - wander_pole * wander_pole);
  const double resp_phase = rng.uniform(0, kTwoPi), mains_phase = rng.uniform(0, kTwoPi);
  const double hp_rc = 1.0 / (kTwoPi * rec.highpass_hz), dt = 1.0 / fs;
  const double hp_alpha = hp_rc / (hp_rc + dt);
  const bool lowpass = rec.lowpass_hz < 0.49 * fs;
  const double adc_max = std::ldexp(1.0, rec.adc_bits - 1) - 1;
  std::vector<std::vector<std::int32_t>> adu(2, std::vector<std::int32_t>(n));
  for (int c = 0; c < 2; ++c) {
    double wander = 0, hp_y = 0, hp_x = 0;
    Biquad lp(std::min(rec.lowpass_hz, 0.45 * fs), fs);
    const double wander_amp = p.wander_mv * (c == 0 ? 1.0 : 0.7);
    for (std::size_t i = 0; i < n; ++i) {
      const double t = static_cast<double>(i) * dt;
      wander = wander_pole * wander + wander_drive * rng.noise();
      double v = y[c][i] +
                 wander_amp * (wander + 0.5 * std::sin(kTwoPi * p.resp_hz * t + resp_phase)) +
                 p.emg_mv * rng.noise() + rec.mains_mv * std::sin(kTwoPi * 60.0 * t + mains_phase);
      if (i == 0) hp_x = v;
      hp_y = hp_alpha * (hp_y + v - hp_x);
      hp_x = v;
      v = lowpass ? lp.step(hp_y) : hp_y;
      v += rec.noise_floor_mv * rng.noise();
      adu[c][i] = static_cast<std::int32_t>(std::clamp(std::round(v * gain), -adc_max, adc_max));
    }
  }
  return adu;
}

// Tape dropouts: both channels invalid for 0.05 s .. dropout_max_s. Returns the samples lost.
std::int64_t add_dropouts(std::vector<std::vector<std::int32_t>>& adu, const Recorder& rec,
                          double duration_s, Rng& rng) {
  const double fs = rec.fs_hz;
  const std::size_t n = adu[0].size();
  std::int64_t lost = 0;
  const int drops =
      static_cast<int>(std::floor(rec.dropouts_per_hour * duration_s / 3600.0 + rng.uniform()));
  for (int k = 0; k < drops; ++k) {
    const auto i0 = static_cast<std::size_t>(rng.uniform(0, duration_s) * fs);
    const auto m = static_cast<std::size_t>(rng.uniform(0.05, rec.dropout_max_s) * fs);
    for (std::size_t j = i0; j < std::min(n, i0 + m); ++j) {
      adu[0][j] = io::kInvalidAdu;
      adu[1][j] = io::kInvalidAdu;
      ++lost;
    }
  }
  return lost;
}

}  // namespace

Rendered render(const Patient& p, const Schedule& s, const Recorder& rec, double gain,
                double duration_s, std::optional<double> onset_s, Rng& rng) {
  const double fs = rec.fs_hz;
  const auto n = static_cast<std::size_t>(std::llround(duration_s * fs));
  Channels y = {std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)};
  const DeviceClock device_time{rec.wow_flutter / (kTwoPi * kWowHz)};
  Rendered out;
  add_beats(y, p, s, fs, n, device_time, out);
  if (onset_s && *onset_s < duration_s)
    add_vf(y, p, fs, static_cast<std::size_t>(std::max(0.0, device_time(*onset_s) * fs)), rng);
  out.motion_bursts = add_motion(y, p, fs, duration_s, rng);
  out.adu = digitise(y, p, rec, gain, rng);
  out.dropout_samples += add_dropouts(out.adu, rec, duration_s, rng);
  return out;
}

}  // namespace scapredict::sim

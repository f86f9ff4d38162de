// Speed of QRS detection in multiples of real time on a 30-minute, 360 Hz, two-lead record
// (MIT-BIH 100 when $SCAPREDICT_PHYSIONET or ../shared/physionet holds it, else a synthetic ECG),
// against the textbook Pan-Tompkins and a plain pass over the samples in the same run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "dsp/qrs.hpp"
#include "io/signal.hpp"

namespace sp = scapredict;

namespace {

constexpr double kFs = 360.0, kSeconds = 1800.0;

// A synthetic two-lead ECG: Gaussian P, QRS and T waves, RR varying around 0.8 s, white noise.
std::vector<std::vector<double>> synthetic_leads() {
  const auto n = static_cast<std::size_t>(kFs * kSeconds);
  std::vector<std::vector<double>> x(2, std::vector<double>(n, 0.0));
  std::mt19937 rng(5);
  std::normal_distribution<double> noise(0, 0.02), rr(0.8, 0.05);
  auto wave = [&](double centre_s, double width_s, double a0, double a1) {
    const auto lo = static_cast<std::ptrdiff_t>((centre_s - 4 * width_s) * kFs);
    const auto hi = static_cast<std::ptrdiff_t>((centre_s + 4 * width_s) * kFs);
    for (std::ptrdiff_t i = std::max<std::ptrdiff_t>(0, lo);
         i <= hi && i < static_cast<std::ptrdiff_t>(n); ++i) {
      const double d = (static_cast<double>(i) / kFs - centre_s) / width_s;
      const double g = std::exp(-0.5 * d * d);
      x[0][static_cast<std::size_t>(i)] += a0 * g;
      x[1][static_cast<std::size_t>(i)] += a1 * g;
    }
  };
  for (double t = 0.5; t < kSeconds - 1; t += std::clamp(rr(rng), 0.5, 1.2)) {
    wave(t - 0.16, 0.025, 0.15, 0.1);
    wave(t, 0.012, 1.2, -0.6);
    wave(t + 0.3, 0.05, 0.3, 0.15);
  }
  for (auto& lead : x)
    for (double& v : lead) v += noise(rng);
  return x;
}

std::string source = "synthetic ECG";  // what leads() holds

// MIT-BIH record 100 when present (its first 30 minutes), else the synthetic record.
const std::vector<std::vector<double>>& leads() {
  static const std::vector<std::vector<double>> x = [] {
    const char* env = std::getenv("SCAPREDICT_PHYSIONET");
    for (const std::filesystem::path& dir : {std::filesystem::path(env != nullptr ? env : ""),
                                             std::filesystem::path("../shared/physionet"),
                                             std::filesystem::path("../../../shared/physionet")}) {
      if (dir.empty() || !std::filesystem::exists(dir / "mitdb" / "100.hea")) continue;
      const sp::io::Record rec(dir / "mitdb" / "100");
      const auto n = static_cast<std::int64_t>(kFs * kSeconds);
      if (rec.fs_hz() != kFs || rec.n_frames() < n) continue;
      source = "MIT-BIH 100";
      return std::vector<std::vector<double>>{rec.read_physical(0, 0, n),
                                              rec.read_physical(1, 0, n)};
    }
    return synthetic_leads();
  }();
  return x;
}

void report(benchmark::State& state, std::size_t beats) {
  state.counters["x_realtime"] = benchmark::Counter(
      kSeconds * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["beats"] = static_cast<double>(beats);
  state.SetLabel(source);
}

}  // namespace

// Runs `detect` (returning beat samples) once per iteration and reports the beats it found.
template <typename Detect>
void time_detector(benchmark::State& state, Detect detect) {
  std::size_t beats = 0;
  for (auto _ : state) {
    auto b = detect();
    beats = b.size();
    benchmark::DoNotOptimize(b.data());
  }
  report(state, beats);
}

// The detector on both leads (target: >= 1000x real time).
static void BM_QrsDetectTwoLeads30min(benchmark::State& state) {
  time_detector(state, [] { return sp::dsp::detect_qrs(leads(), kFs); });
}
BENCHMARK(BM_QrsDetectTwoLeads30min)->Unit(benchmark::kMillisecond);

static void BM_QrsDetectOneLead30min(benchmark::State& state) {
  const std::vector<std::vector<double>> x = {leads()[0]};
  time_detector(state, [&] { return sp::dsp::detect_qrs(x, kFs); });
}
BENCHMARK(BM_QrsDetectOneLead30min)->Unit(benchmark::kMillisecond);

// Reference: the textbook Pan-Tompkins on one lead.
static void BM_QrsPanTompkinsOneLead30min(benchmark::State& state) {
  time_detector(state, [] { return sp::dsp::detect_qrs_pan_tompkins(leads()[0], kFs); });
}
BENCHMARK(BM_QrsPanTompkinsOneLead30min)->Unit(benchmark::kMillisecond);

// Reference: one plain pass over both leads (squared first difference summed): the memory floor.
static void BM_PlainPassTwoLeads30min(benchmark::State& state) {
  const auto& x = leads();
  for (auto _ : state) {
    double acc = 0;
    for (const auto& lead : x)
      for (std::size_t i = 1; i < lead.size(); ++i) {
        const double d = lead[i] - lead[i - 1];
        acc += d * d;
      }
    benchmark::DoNotOptimize(acc);
  }
  report(state, 0);
}
BENCHMARK(BM_PlainPassTwoLeads30min)->Unit(benchmark::kMillisecond);

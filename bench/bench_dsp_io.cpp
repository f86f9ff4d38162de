// Throughput of the hot loops: 212 decoding, resampling, spectra, and a whole 24 h Holter.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <numbers>
#include <random>

#include "dsp/prepare.hpp"
#include "dsp/resample.hpp"
#include "dsp/spectrum.hpp"
#include "io/signal.hpp"

namespace sp = scapredict;

static std::vector<std::int32_t> synthetic_adu(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 20);
  std::vector<std::int32_t> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = double(i) / 250.0;
    double v = 800 * std::exp(-std::pow(std::fmod(t, 0.8) - 0.4, 2) / 0.0002) + noise(rng);
    x[i] = static_cast<std::int32_t>(std::clamp(v, -2047.0, 2047.0));
  }
  return x;
}

static void BM_Decode212(benchmark::State& state) {
  const std::size_t n = 250 * 3600;  // one hour
  auto bytes = sp::io::encode_samples(212, synthetic_adu(n, 1));
  std::vector<std::int32_t> out(n);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        sp::io::decode_samples(212, bytes, 0, static_cast<std::int64_t>(n), out.data()));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetLabel("items = samples");
}
BENCHMARK(BM_Decode212)->Unit(benchmark::kMillisecond);

static void BM_Resample250to128(benchmark::State& state) {
  const std::size_t n = 250 * 600;  // ten minutes
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = std::sin(2 * std::numbers::pi * 7.0 * double(i) / 250.0);
  for (auto _ : state) benchmark::DoNotOptimize(sp::dsp::resample(x, 250, 128));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetLabel("items = input samples");
}
BENCHMARK(BM_Resample250to128)->Unit(benchmark::kMillisecond);

static void BM_SpectrumMinute(benchmark::State& state) {
  sp::dsp::SpectrumReducer red(7680, static_cast<std::size_t>(state.range(0)));
  std::vector<double> x(7680);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(double(i) * 0.1);
  for (auto _ : state) benchmark::DoNotOptimize(red(x));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("items = minutes");
}
BENCHMARK(BM_SpectrumMinute)->Arg(128)->Arg(1024)->Arg(4096)->Unit(benchmark::kMicrosecond);

// A generated 24 h, 2-channel, 250 Hz format-212 record: read channel 0, resample to 128 Hz,
// spectrum of every minute. Single-threaded. Reports seconds and multiples of real time.
static void BM_WholeHolter24h(benchmark::State& state) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "scapredict-bench-holter";
  const std::size_t n = 250ull * 86400;
  if (!fs::exists(dir / "h24.hea")) {
    sp::io::Header h;
    h.record_name = "h24";
    h.n_signals = 2;
    h.fs_hz = 250;
    for (int i = 0; i < 2; ++i) {
      sp::io::SignalSpec s;
      s.file_name = "h24.dat";
      s.format = 212;
      s.adc_gain = 800;
      s.adc_resolution = 12;
      s.description = "ECG";
      h.signals.push_back(s);
    }
    fs::create_directories(dir);
    sp::io::write_record(dir, h, {synthetic_adu(n, 2), synthetic_adu(n, 3)});
  }
  double seconds = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    sp::io::Record rec(dir / "h24");
    auto p = sp::dsp::load_channel(rec, 0, 0.0, 86400.0);
    sp::dsp::SpectrumReducer red(7680, 1024);
    double acc = 0;
    for (std::size_t m = 0; m + 7680 <= p.samples.size(); m += 7680) {
      acc += red(std::span<const double>(p.samples).subspan(m, 7680))[10];
    }
    benchmark::DoNotOptimize(acc);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  state.counters["seconds"] = seconds;
  state.counters["x_realtime"] = 86400.0 / seconds;
}
BENCHMARK(BM_WholeHolter24h)->Unit(benchmark::kSecond)->Iterations(1);

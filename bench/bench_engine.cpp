// Time per scored minute (the Time column: one iteration scores one minute's spectrum) of the
// paper's CNN on DFT-1024: the LibTorch-free engine in fp32, pruned (50 % of weights zero, dense
// loops) and int8, against LibTorch's own forward pass (one thread, batch of one) in the same run.
// The model is trained for two epochs on random spectra with a planted difference, so its weights
// are those of a real training run's shape.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "model/classifier.hpp"

namespace sp = scapredict;

namespace {

struct Fixture {
  sp::model::Classifier clf;
  std::vector<std::vector<float>> x;
  sp::engine::Engine f32, pruned, int8;
  Fixture() {
    std::mt19937 rng(3);
    std::normal_distribution<float> n01(0, 1);
    sp::model::Dataset d;
    for (int i = 0; i < 256; ++i) {
      std::vector<float> v(1024);
      for (auto& e : v) e = std::abs(n01(rng)) + (i % 2 ? 0.3f : 0.f);
      d.x.push_back(v);
      d.y.push_back(i % 2);
    }
    sp::model::TrainConfig tc;
    tc.epochs = 2;
    sp::model::set_threads(1);
    clf = sp::model::Classifier::train(d, sp::model::Arch::kCnn1d, {}, tc);
    const auto path = std::filesystem::temp_directory_path() / "scapredict-bench-engine.spm";
    clf.save(path);
    f32 = sp::engine::Engine::load(path);
    std::filesystem::remove(path);
    pruned = f32.pruned(0.5);
    int8 = f32.quantised(d.x);
    x = d.x;
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void run_engine(benchmark::State& state, const sp::engine::Engine& e, const char* label) {
  const auto& x = fixture().x;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(e.score(x[i++ % x.size()]));
  }
  state.counters["weight_bytes"] = static_cast<double>(e.weight_bytes());
  state.counters["macs"] = static_cast<double>(e.macs());
  state.SetLabel(label);
}

void BM_EngineFp32(benchmark::State& s) {
  run_engine(s, fixture().f32, "engine fp32");
}
void BM_EnginePruned50(benchmark::State& s) {
  run_engine(s, fixture().pruned, "engine pruned 50%");
}
void BM_EngineInt8(benchmark::State& s) {
  run_engine(s, fixture().int8, "engine int8");
}

// The reference: LibTorch's forward pass on one minute at a time.
void BM_LibTorchOneMinute(benchmark::State& state) {
  const auto& f = fixture();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.clf.predict_proba({f.x[i++ % f.x.size()]}));
  }
  state.SetLabel("LibTorch 1 thread (reference)");
}

}  // namespace

BENCHMARK(BM_EngineFp32);
BENCHMARK(BM_EnginePruned50);
BENCHMARK(BM_EngineInt8);
BENCHMARK(BM_LibTorchOneMinute);

// The LibTorch-free engine against LibTorch on the protocol's test minutes (docs/engine.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "common/atomic_file.hpp"
#include "data/cohort.hpp"
#include "data/minutes.hpp"
#include "engine/engine.hpp"
#include "engine/model_file.hpp"
#include "engine/scorer.hpp"
#include "sim/simulate.hpp"
#include "stats/metrics.hpp"
#include "test_util.hpp"
#include "train/experiment.hpp"

using namespace scapredict;
namespace st = scapredict::testing;

namespace {

// A small simulated protocol: the first repetition's training and test minutes as features.
struct Minutes {
  st::TempDir dir;
  model::Dataset train, test;
  explicit Minutes(std::size_t bins = 1024) {
    sim::simulate(st::small_sim(dir.path(), 1.0, 1.0, 0.4, 0.3, 4));
    const auto cohort = data::load_cohort(dir.path());
    data::ProtocolConfig pc;
    pc.train_scd = pc.test_scd = pc.train_normal = pc.test_normal = 2;
    pc.train_minutes = 6;
    pc.horizons = {5, 10, 15, 20};
    RunConfig run;
    run.repetitions = 1;
    const auto pm = data::prepare_protocol(cohort, pc, run);
    features::FeatureConfig f;
    f.bins = bins;
    train = train::make_dataset(pm, pm.plans[0].train, f);
    test = train::make_dataset(pm, pm.plans[0].test, f);
  }
};

model::Classifier fit(const Minutes& m, model::Arch arch, std::size_t bins = 1024) {
  model::TrainConfig tc;
  tc.epochs = 8;
  features::FeatureConfig f;
  f.bins = bins;
  return model::Classifier::train(m.train, arch, f, tc);
}

// The engine of `clf` as the file `dir`/m.spm holds it.
engine::Engine through_file(const model::Classifier& clf, const st::TempDir& dir) {
  clf.save(dir / "m.spm");
  return engine::Engine::load(dir / "m.spm");
}

// The simulated protocol's minutes, made once for the tests that share them.
const Minutes& shared_minutes() {
  static const Minutes m;
  return m;
}

std::vector<double> engine_scores(const engine::Engine& e, const model::Dataset& d) {
  std::vector<double> p;
  for (const auto& x : d.x) p.push_back(e.score(x));
  return p;
}

}  // namespace

TEST(Engine, Fp32AgreesWithLibTorchOnEveryTestMinute) {
  const Minutes& m = shared_minutes();
  ASSERT_GE(m.test.x.size(), 8u);
  for (auto arch : {model::Arch::kCnn1d, model::Arch::kMlp}) {
    const auto clf = fit(m, arch);
    st::TempDir dir;
    const auto engine = through_file(clf, dir);
    EXPECT_EQ(engine.input_length(), 1024u);
    const auto torch_p = clf.predict_proba(m.test.x);
    const auto ours = engine_scores(engine, m.test);
    double worst = 0;
    for (std::size_t i = 0; i < ours.size(); ++i)
      worst = std::max(worst, std::abs(ours[i] - torch_p[i]));
    EXPECT_LE(worst, 1e-5) << model::to_string(arch);
    // Not a constant: the agreement is over scores that differ.
    const auto [lo, hi] = std::minmax_element(ours.begin(), ours.end());
    EXPECT_GT(*hi - *lo, 0.1) << model::to_string(arch);
  }
}

TEST(Engine, OtherInputLengthsFoldTheSameWay) {
  // 256: even; 1020: 127 convolution positions (the odd last one is not pooled); 1030: a
  // remainder of 6 values that no position reads. Band-limited spectra have such lengths; here
  // the vectors are random with a planted class difference.
  for (std::size_t n : {256u, 1020u, 1030u}) {
    std::mt19937 rng(static_cast<unsigned>(n));
    std::normal_distribution<float> n01(0, 1);
    model::Dataset d;
    for (int i = 0; i < 64; ++i) {
      std::vector<float> v(n);
      for (auto& e : v) e = n01(rng) + (i % 2 ? 0.4f : 0.f);
      d.x.push_back(std::move(v));
      d.y.push_back(i % 2);
    }
    model::TrainConfig tc;
    tc.epochs = 3;
    const auto clf = model::Classifier::train(d, model::Arch::kCnn1d, {}, tc);
    st::TempDir dir;
    const auto engine = through_file(clf, dir);
    ASSERT_EQ(engine.input_length(), n);
    const auto torch_p = clf.predict_proba(d.x);
    for (std::size_t i = 0; i < d.x.size(); ++i)
      EXPECT_NEAR(engine.score(d.x[i]), torch_p[i], 1e-5) << n;
  }
}

TEST(Engine, Int8KernelEqualsThePlainLoopForEveryLengthAndTail) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> w8(-127, 127);
  for (int n : {1, 7, 15, 16, 17, 31, 33, 64, 1000, 1024, 1027, 4099}) {
    const std::size_t stride = static_cast<std::size_t>(n) + 3;  // rows not 16-aligned
    std::vector<std::int8_t> w(8 * stride);
    std::vector<std::int16_t> x(static_cast<std::size_t>(n));
    for (auto& v : w) v = static_cast<std::int8_t>(w8(rng));
    for (auto& v : x) v = static_cast<std::int16_t>(w8(rng));
    // The extremes too: every product at +-127 * 127.
    if (n == 4099) {
      std::fill(w.begin(), w.end(), std::int8_t{-127});
      std::fill(x.begin(), x.end(), std::int16_t{127});
    }
    std::int32_t r[8];
    engine::int8_dot_rows8(w.data(), stride, x.data(), n, r);
    for (int k = 0; k < 8; ++k) {
      std::int64_t want = 0;
      for (int i = 0; i < n; ++i)
        want +=
            std::int64_t{w[static_cast<std::size_t>(k) * stride + static_cast<std::size_t>(i)]} *
            x[static_cast<std::size_t>(i)];
      EXPECT_EQ(r[k], want) << "n " << n << " row " << k;
    }
  }
}

TEST(Engine, Int8StaysCloseAndPruningZeroesWhatItSays) {
  const Minutes& m = shared_minutes();
  const auto clf = fit(m, model::Arch::kCnn1d);
  st::TempDir dir;
  const auto f32 = through_file(clf, dir);
  const auto q8 = f32.quantised(m.train.x);
  EXPECT_EQ(q8.precision(), engine::Engine::Precision::kInt8);
  EXPECT_LT(q8.weight_bytes() * 3, f32.weight_bytes());
  const auto a = engine_scores(f32, m.test), b = engine_scores(q8, m.test);
  double mean_diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) mean_diff += std::abs(a[i] - b[i]) / double(a.size());
  EXPECT_LT(mean_diff, 0.05);
  EXPECT_GT(mean_diff, 0.0) << "int8 changes the arithmetic, so some score must move";
  EXPECT_NEAR(stats::auroc(a, m.test.y), stats::auroc(b, m.test.y), 0.05);

  const auto half = f32.pruned(0.5);
  EXPECT_NEAR(half.sparsity(), 0.5, 0.01);
  EXPECT_LT(half.weight_bytes(), f32.weight_bytes());
  const auto none = f32.pruned(0.0);
  for (const auto& x : m.test.x) EXPECT_EQ(none.score(x), f32.score(x));
  EXPECT_THROW(f32.pruned(1.0), engine::EngineError);
  EXPECT_THROW(f32.quantised({}), engine::EngineError);
}

TEST(Engine, FineTuningAfterPruningKeepsTheZerosAndRecoversTheScores) {
  const Minutes& m = shared_minutes();
  const auto clf = fit(m, model::Arch::kCnn1d);
  const auto f32 = engine::EngineScorer::from_header(clf.file_header(), "test").engine();
  const auto tuned = clf.pruned(m.train, 0.8, 6, 99);
  const auto e = engine::EngineScorer::from_header(tuned.file_header(), "test").engine();
  // The zeros survive fine-tuning and BatchNorm folding: 80 % of every layer's weights.
  EXPECT_NEAR(e.sparsity(), 0.8, 0.01);
  EXPECT_NEAR(e.pruned(0.8).sparsity(), e.sparsity(), 1e-9) << "pruning again changes nothing";
  // The pruned LibTorch model and its engine agree as fp32 engines do.
  const auto torch_p = tuned.predict_proba(m.test.x);
  for (std::size_t i = 0; i < m.test.x.size(); ++i)
    EXPECT_NEAR(e.score(m.test.x[i]), torch_p[i], 1e-5);
  // Fine-tuning lowers the training loss that pruning alone raised.
  const auto raw = f32.pruned(0.8);
  auto log_loss = [&](const engine::Engine& g) {
    double loss = 0;
    for (std::size_t i = 0; i < m.train.x.size(); ++i) {
      const double p = std::clamp(g.score(m.train.x[i]), 1e-7, 1 - 1e-7);
      loss -= m.train.y[i] ? std::log(p) : std::log(1 - p);
    }
    return loss / static_cast<double>(m.train.x.size());
  };
  EXPECT_LT(log_loss(e), log_loss(raw));
  // Zero epochs: pruning only, the same zeros as the engine's own pruning.
  const auto untuned =
      engine::EngineScorer::from_header(clf.pruned(m.train, 0.5, 0, 1).file_header(), "t").engine();
  EXPECT_NEAR(untuned.sparsity(), 0.5, 0.01);
  EXPECT_THROW(clf.pruned(m.train, 1.0, 1, 1), engine::ModelError);
  EXPECT_THROW(fit(m, model::Arch::kLstm).pruned(m.train, 0.5, 1, 1), engine::ModelError);
}

TEST(Engine, BadInputsAndModelsAreErrors) {
  const Minutes& m = shared_minutes();
  const auto clf = fit(m, model::Arch::kCnn1d);
  st::TempDir dir;
  const auto engine = through_file(clf, dir);
  EXPECT_THROW(engine.score(std::vector<float>(1023, 0.f)), engine::EngineError);
  std::vector<float> nan_minute(1024, 1.f);
  nan_minute[7] = std::nanf("");
  EXPECT_THROW(engine.score(nan_minute), engine::EngineError);
  // A recurrent network has no engine.
  const auto gru = fit(m, model::Arch::kGru);
  gru.save(dir / "g.spm");
  try {
    engine::Engine::load(dir / "g.spm");
    FAIL() << "a GRU model built an engine";
  } catch (const engine::EngineError& e) {
    EXPECT_NE(std::string(e.what()).find("no engine for architecture gru"), std::string::npos);
  }
  // A tampered engine tensor breaks the checksum; a re-framed one with a bad shape is refused.
  auto file = engine::decode_model_file(read_file(dir / "m.spm"), "m.spm");
  file.header["engine"]["tensors"]["fc2.bias"]["shape"] = {3};
  const auto reframed = engine::encode_model_file(file.header, file.weights);
  write_file_atomic(dir / "bad.spm", reframed);
  EXPECT_THROW(engine::Engine::load(dir / "bad.spm"), engine::EngineError);
  // A self-consistent tensor of the wrong shape: decodes, but the engine refuses it.
  file.header["engine"]["tensors"]["fc2.bias"] = {{"shape", {3}},
                                                  {"f32le_base64", "AAAAAAAAAAAAAAAA"}};
  write_file_atomic(dir / "shape.spm", engine::encode_model_file(file.header, file.weights));
  EXPECT_THROW(engine::Engine::load(dir / "shape.spm"), engine::EngineError);
  file.header["engine"]["tensors"]["fc2.bias"] = {{"shape", {2}}, {"f32le_base64", "AAAA*AAA"}};
  write_file_atomic(dir / "bad64.spm", engine::encode_model_file(file.header, file.weights));
  EXPECT_THROW(engine::Engine::load(dir / "bad64.spm"), Error);
  auto text = read_file(dir / "m.spm");
  const auto pos = text.find("f32le_base64\":\"");
  ASSERT_NE(pos, std::string::npos);
  const auto at = pos + 20;
  text[at] = text[at] == 'A' ? 'B' : 'A';
  write_file_atomic(dir / "tampered.spm", text);
  EXPECT_THROW(engine::Engine::load(dir / "tampered.spm"), engine::ModelError);
  EXPECT_THROW(engine::Engine::load(dir / "absent.spm"), engine::ModelError);
}

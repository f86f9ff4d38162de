#include <gtest/gtest.h>

#include <limits>
#include <sstream>

#include <cmath>
#include <fstream>
#include <random>

#include "common/atomic_file.hpp"
#include "model/classifier.hpp"
#include "model/networks.hpp"
#include "test_util.hpp"

using namespace scapredict;
using scapredict::testing::TempDir;

namespace {
// Two classes of "spectra": class 1 has a bump at bins 40-60.
model::Dataset toy(std::size_t n, std::size_t length, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0, 1);
  model::Dataset d;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<float> x(length);
    const int y = static_cast<int>(i % 2);
    for (std::size_t k = 0; k < length; ++k)
      x[k] = noise(rng) + ((y && k >= 40 && k < 60) ? 2.5f : 0.f);
    d.x.push_back(x);
    d.y.push_back(y);
  }
  return d;
}
double accuracy(const model::Classifier& c, const model::Dataset& d) {
  auto p = c.predict_proba(d.x);
  int ok = 0;
  for (std::size_t i = 0; i < p.size(); ++i) ok += (p[i] >= 0.5) == (d.y[i] == 1);
  return double(ok) / double(p.size());
}
}  // namespace

TEST(Classifier, EveryArchitectureLearnsASeparableToyProblem) {
  auto train = toy(120, 256, 1), test = toy(60, 256, 2);
  features::FeatureConfig f;
  f.bins = 256;
  model::TrainConfig tc;
  tc.epochs = 40;  // the training default
  for (auto a : {model::Arch::kCnn1d, model::Arch::kMlp, model::Arch::kLstm, model::Arch::kGru,
                 model::Arch::kRnn}) {
    auto c = model::Classifier::train(train, a, f, tc);
    EXPECT_EQ(c.input_length(), 256u);
    EXPECT_GT(accuracy(c, test), 0.85) << model::to_string(a);
  }
}

TEST(Classifier, SameSeedSameModelDifferentSeedDifferentModel) {
  auto train = toy(60, 128, 3), test = toy(20, 128, 4);
  features::FeatureConfig f;
  model::TrainConfig tc;
  tc.epochs = 5;
  auto a = model::Classifier::train(train, model::Arch::kCnn1d, f, tc).predict_proba(test.x);
  auto b = model::Classifier::train(train, model::Arch::kCnn1d, f, tc).predict_proba(test.x);
  EXPECT_EQ(a, b);
  tc.seed = 2;
  auto c = model::Classifier::train(train, model::Arch::kCnn1d, f, tc).predict_proba(test.x);
  EXPECT_NE(a, c);
}

TEST(Classifier, SaveLoadRoundTripAndBadFiles) {
  TempDir dir;
  features::FeatureConfig f;
  f.input = features::InputKind::kDft;
  f.bins = 128;
  f.band_hz = std::make_pair(0.5, 40.0);
  ASSERT_EQ(features::input_length(f), 79u);  // bins of 0.5 Hz from 0.5 to 39.5 Hz
  auto train = toy(40, 79, 5);
  model::TrainConfig tc;
  tc.epochs = 3;
  auto c = model::Classifier::train(train, model::Arch::kGru, f, tc);
  c.set_metadata({{"note", "round trip"}});
  c.save(dir / "m.spm");
  auto l = model::Classifier::load(dir / "m.spm");
  EXPECT_EQ(l.arch(), model::Arch::kGru);
  EXPECT_EQ(l.features().bins, 128u);
  EXPECT_EQ(l.features().band_hz->second, 40.0);
  EXPECT_EQ(l.metadata()["note"], "round trip");
  EXPECT_EQ(l.predict_proba(train.x), c.predict_proba(train.x));
  EXPECT_THROW(l.predict_proba({std::vector<float>(7)}), engine::ModelError);

  const std::string good = read_file(dir / "m.spm");
  auto expect_bad = [&](const std::string& content, const std::string& what) {
    write_file_atomic(dir / "bad.spm", content);
    try {
      model::Classifier::load(dir / "bad.spm");
      FAIL() << what;
    } catch (const engine::ModelError& e) {
      EXPECT_NE(std::string(e.what()).find("bad.spm"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  expect_bad("hello", "not a scapredict model file");
  expect_bad(good.substr(0, good.size() - 10), "corrupt model file");
  std::string other_version = good;
  auto pos = other_version.find("\"format_version\":2");
  ASSERT_NE(pos, std::string::npos);
  other_version.replace(pos, 18, "\"format_version\":9");
  expect_bad(other_version, "format version 9");
  EXPECT_THROW(model::Classifier::load(dir / "missing.spm"), engine::ModelError);

  // One flipped bit in the weights: the checksum no longer matches.
  std::string flipped = good;
  flipped[flipped.size() - 100] ^= 0x01;
  expect_bad(flipped, "checksum");
  // A header whose input length does not follow from its features (checksum recomputed).
  const auto file = engine::decode_model_file(good, "m.spm");
  auto header = file.header;
  header["input_length"] = 1024;
  expect_bad(engine::encode_model_file(header, file.weights), "does not match");
  header = file.header;
  header["normalisation"]["sd"][3] = -1.0;
  expect_bad(engine::encode_model_file(header, file.weights), "normalisation");
}

TEST(Classifier, NanWeightsOrNanTrainingDataAreRefused) {
  TempDir dir;
  features::FeatureConfig f;
  f.bins = 128;
  auto train = toy(40, 128, 6);
  model::TrainConfig tc;
  tc.epochs = 2;
  model::Classifier::train(train, model::Arch::kMlp, f, tc).save(dir / "good.spm");
  // The same file with every weight NaN, its checksum recomputed: only the weight check can
  // catch it.
  const auto good = engine::decode_model_file(read_file(dir / "good.spm"), "good.spm");
  auto net = model::make_network(model::Arch::kMlp, 128);
  torch::NoGradGuard no_grad;
  for (auto& p : net.ptr()->parameters()) p.fill_(std::numeric_limits<float>::quiet_NaN());
  std::ostringstream weights;
  torch::serialize::OutputArchive ar;
  net.ptr()->save(ar);
  ar.save_to(weights);
  write_file_atomic(dir / "nan.spm", engine::encode_model_file(good.header, weights.str()));
  try {
    model::Classifier::load(dir / "nan.spm");
    FAIL() << "a model with NaN weights loaded";
  } catch (const engine::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("nan.spm"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("NaN"), std::string::npos) << e.what();
  }
  train.x[0][0] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(model::Classifier::train(train, model::Arch::kMlp, f, tc), engine::ModelError);
}

// The default model (docs/default-model.md): the HRV model file's parser, the engine's SVM against
// dlib's on the same numbers, the committed file rebuilt from the real beat annotations, and
// records scored with it.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "data/beat_cohort.hpp"
#include "engine/hrv_model.hpp"
#include "eval/real/alarm_study.hpp"
#include "eval/real/beat_study.hpp"
#include "eval/real/default_model.hpp"
#include "infer/hrv_predict.hpp"
#include "model/tabular.hpp"
#include "test_util.hpp"

using namespace scapredict;

namespace {

// A tiny HRV model file: two features, two support vectors.
nlohmann::json tiny_model() {
  return {{"format", "scapredict-hrv-model"},
          {"format_version", 1},
          {"meaning", "test"},
          {"features", {"a", "b"}},
          {"window_s", 300.0},
          {"standardisation", {{"mean", {1.0, 2.0}}, {"sd", {2.0, 4.0}}}},
          {"svm",
           {{"gamma", 0.5},
            {"b", 0.25},
            {"alpha", {1.5, -0.75}},
            {"basis", {{0.0, 0.0}, {1.0, -1.0}}},
            {"platt_alpha", -2.0},
            {"platt_beta", 0.1}}},
          {"training_distance_q99", 3.0},
          {"provenance", nlohmann::json::object()}};
}

TEST(HrvModel, ScoresTheSvmItsFileDescribes) {
  const auto m = engine::HrvModel::parse(tiny_model().dump(), "tiny");
  // By hand: z = ((3-1)/2, (2-2)/4) = (1, 0); |z-sv0|^2 = 1, |z-sv1|^2 = 1;
  // f = 1.5 e^-0.5 - 0.75 e^-0.5 - 0.25; p = 1 / (1 + e^(-2 f + 0.1)).
  const double f = 0.75 * std::exp(-0.5) - 0.25;
  EXPECT_NEAR(m.probability({3.0, 2.0}), 1 / (1 + std::exp(-2 * f + 0.1)), 1e-15);
  EXPECT_NEAR(m.distance({3.0, 2.0}), 0.5, 1e-15);
  EXPECT_EQ(m.support_vectors(), 2u);
  EXPECT_THROW(m.probability({1.0}), engine::ModelError);
  EXPECT_THROW(m.probability({1.0, NAN}), engine::ModelError);
}

TEST(HrvModel, RefusesMalformedFilesWithTheirSource) {
  auto expect_refused = [](nlohmann::json j, const std::string& want) {
    try {
      engine::HrvModel::parse(j.dump(), "m.json");
      ADD_FAILURE() << "accepted: " << want;
    } catch (const engine::ModelError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("m.json: ", 0), 0u) << e.what();
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  };
  auto j = tiny_model();
  j["format"] = "other";
  expect_refused(j, "not an HRV model file");
  j = tiny_model();
  j["standardisation"]["sd"][1] = 0.0;
  expect_refused(j, "sd must be above 0");
  j = tiny_model();
  j["svm"]["basis"][1] = {1.0};
  expect_refused(j, "svm basis vector must hold 2 numbers");
  j = tiny_model();
  j["svm"]["alpha"] = {1.0};
  expect_refused(j, "one vector per alpha");
  j = tiny_model();
  j["svm"]["gamma"] = "x";
  expect_refused(j, "gamma is not a number");
  j = tiny_model();
  j.erase("provenance");
  expect_refused(j, "malformed HRV model file");
  j = tiny_model();
  j["training_distance_q99"] = -1.0;
  expect_refused(j, "training_distance_q99 must be above 0");
  j = tiny_model();
  j["meaning"] = "";
  expect_refused(j, "meaning must say");
  j = tiny_model();
  j["svm"]["platt_alpha"] = 1e308;
  expect_refused(j, "out of range");
  j = tiny_model();
  j["provenance"]["leave_one_patient_out"] = {{"auroc", {{"mean", 7.0}, {"ci95", {0.8, 0.9}}}}};
  expect_refused(j, "AUROC lies outside [0, 1]");
  EXPECT_THROW(engine::HrvModel::parse("{", "m.json"), engine::ModelError);
}

TEST(HrvModel, TheEngineScoresAsDlibDoesOnTheSameRows) {
  // Two groups of rows with different means: dlib's SVM and its export scored side by side.
  model::Dataset d;
  for (int i = 0; i < 40; ++i) {
    const float a = static_cast<float>(std::sin(i * 1.3)),
                b = static_cast<float>(std::cos(i * 0.7));
    d.x.push_back({a + (i % 2 ? 1.0f : -1.0f), b * 3.0f, a * b});
    d.y.push_back(i % 2);
  }
  const auto fitted = model::fit_tabular(model::TabularKind::kSvm, d, 1);
  auto j = tiny_model();
  j["features"] = {"x", "y", "z"};
  const auto w = fitted->export_weights();
  ASSERT_FALSE(w.is_null());
  j["standardisation"] = w["standardisation"];
  j["svm"] = w["svm"];
  const auto m = engine::HrvModel::parse(j.dump(), "exported");
  const auto p = fitted->predict_proba(d.x);
  for (std::size_t i = 0; i < d.x.size(); ++i)
    EXPECT_NEAR(m.probability({d.x[i].begin(), d.x[i].end()}), p[i], 1e-12) << i;
  // The other kinds have no export: their models are LibTorch's, dlib's or XGBoost's to score.
  EXPECT_TRUE(model::fit_tabular(model::TabularKind::kKnn, d, 1)->export_weights().is_null());
}

TEST(DefaultModel, TheCompiledInFileSaysWhatItIsAndWhereItCameFrom) {
  const auto& m = engine::default_hrv_model();
  EXPECT_NE(m.meaning().find("does NOT indicate imminent VF"), std::string::npos);
  EXPECT_EQ(m.window_s(), 300.0);
  const auto& p = m.provenance();
  EXPECT_FALSE(p.at("simulated").get<bool>());
  EXPECT_EQ(p.at("data").get<std::string>().rfind("REAL PhysioNet SDDB/NSRDB beat annotations", 0),
            0u);
  EXPECT_GE(p.at("records").at("sddb").size(), 10u);
  EXPECT_EQ(p.at("records").at("nsrdb").size(), 18u);
  const auto& lopo = p.at("leave_one_patient_out");
  EXPECT_EQ(lopo.at("classifier"), "svm");
  EXPECT_EQ(lopo.at("window_min"), 5);
  const double auroc = lopo.at("auroc").at("mean").get<double>();
  EXPECT_GT(auroc, 0.5);
  EXPECT_LE(auroc, 1.0);
  EXPECT_EQ(m.checksum(), engine::fnv1a64_hex(engine::default_hrv_model_text()));
}

// `make model` on the beat annotations at hand gives the committed file byte for byte.
TEST(DefaultModel, RebuildsBitIdenticallyFromTheRealBeatAnnotations) {
  SKIP_WITHOUT_PHYSIONET(root);
  const auto cohort = data::load_beat_cohort(root);
  const auto text = eval::build_default_hrv_model(cohort);
  const auto committed = std::string(engine::default_hrv_model_text());
  if (text != committed) {
    const auto a = nlohmann::json::parse(text)["provenance"]["records"];
    const auto b = nlohmann::json::parse(committed)["provenance"]["records"];
    if (a != b)
      GTEST_SKIP() << "the beat annotations at hand are not those the committed model was built "
                      "from: "
                   << a.dump() << " vs " << b.dump();
  }
  EXPECT_EQ(text, committed) << "run `make model` and commit models/default-hrv.json";
}

}  // namespace

namespace {

// Alarms over whole real days (REAL_REPORT.md's section): every record scored by a model that
// never saw its patient.
TEST(RealAlarms, EveryRealDayIsScoredWithoutItsPatientAndJudgedAgainstChance) {
  SKIP_WITHOUT_PHYSIONET(root);
  const auto cohort = data::load_beat_cohort(root);
  const auto e = eval::run_beat_alarms(cohort);
  EXPECT_EQ(e.records.size(), cohort.cohort.scd.size() + cohort.cohort.normal.size());
  EXPECT_EQ(e.summary.events, static_cast<int>(cohort.cohort.scd.size()));
  EXPECT_GT(e.summary.hours_monitored, 300.0);  // 18 healthy days and the patients' hours
  EXPECT_GE(e.summary.events_warned, 0);
  EXPECT_LE(e.summary.events_warned, e.summary.events);
  std::printf(
      "%d of %d warned, %.2f FA/24h [%.2f, %.2f], in warning %.3f, alarm on %.3f; chance "
      "pooled %.3f p %.3g, MC %.3f p %.3g, shuffled %.3f p %.3g, within %.3f p %.3g, "
      "within MC %.3f p %.3g\n",
      e.summary.events_warned, e.summary.events, e.summary.false_alarms_per_24h, e.summary.fa24_lo,
      e.summary.fa24_hi, e.summary.time_in_warning, e.summary.alarm_on_fraction,
      e.summary.pooled_analytic.sensitivity, e.summary.pooled_analytic.p_value,
      e.summary.pooled_monte_carlo.sensitivity, e.summary.pooled_monte_carlo.p_value,
      e.summary.shuffled_events.sensitivity, e.summary.shuffled_events.p_value,
      e.summary.within_analytic.sensitivity, e.summary.within_analytic.p_value,
      e.summary.within_monte_carlo.sensitivity, e.summary.within_monte_carlo.p_value);
}

}  // namespace

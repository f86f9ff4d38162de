#include "eval/real/default_model.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "common/text.hpp"
#include "engine/hrv_model.hpp"
#include "eval/real/beat_study.hpp"
#include "features/hrv.hpp"
#include "scapredict/version.hpp"

namespace scapredict::eval {

namespace {

constexpr const char* kMeaning =
    "P(resembles the SDDB cohort rather than NSRDB healthy subjects), from HRV of 5-minute "
    "windows; separates patients, does NOT indicate imminent VF (REAL_REPORT.md)";

nlohmann::json records_of(const data::BeatCohort& c) {
  nlohmann::json scd = nlohmann::json::array(), normal = nlohmann::json::array();
  for (std::size_t i = 0; i < c.cohort.scd.size(); ++i)
    scd.push_back({{"record", c.cohort.scd[i].id}, {"annotator", c.scd[i].annotator}});
  for (std::size_t i = 0; i < c.cohort.normal.size(); ++i)
    normal.push_back({{"record", c.cohort.normal[i].id}, {"annotator", c.normal[i].annotator}});
  return {{"sddb", scd}, {"nsrdb", normal}};
}

// The data named without its folder, so that the file does not depend on where it was built.
std::string data_name(const data::BeatCohort& c) {
  const std::string counts = std::to_string(c.cohort.scd.size()) + " SDDB records, " +
                             std::to_string(c.cohort.normal.size()) + " NSRDB records";
  if (c.cohort.source.kind == "physionet")
    return "REAL PhysioNet SDDB/NSRDB beat annotations: " + counts;
  if (c.cohort.source.kind == "simulated") return "SIMULATED beat annotations: " + counts;
  return "user beat annotations: " + counts;
}

double percentile99(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto k = static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(v.size()))) - 1;
  return v.at(std::min(k, v.size() - 1));
}

}  // namespace

std::string build_default_hrv_model(const data::BeatCohort& cohort, const ProgressFn& progress) {
  auto cfg = BeatStudyConfig::preregistered();
  cfg.classifiers = {model::TabularKind::kSvm};
  cfg.windows_min = {kDefaultModelWindowMin};
  const auto lopo = run_beat_lopo(cohort, cfg, kDefaultModelWindowMin, progress).at(0);
  std::map<std::string, int> unusable;
  const auto rows = all_patients_training_rows(cohort, cfg, kDefaultModelWindowMin, unusable);
  const auto fitted = model::fit_tabular(model::TabularKind::kSvm, rows,
                                         derive_seed(cfg.run.seed, SeedUse::kTraining, 90'000));
  auto weights = fitted->export_weights();
  const int scd_rows = static_cast<int>(std::count(rows.y.begin(), rows.y.end(), 1));
  nlohmann::json j = {
      {"format", std::string(engine::kHrvModelFormat)},
      {"format_version", 1},
      {"meaning", kMeaning},
      {"features", features::hrv_feature_names()},
      {"window_s", 60.0 * kDefaultModelWindowMin},
      {"standardisation", weights.at("standardisation")},
      {"svm", weights.at("svm")},
      {"training_distance_q99", 1.0},  // replaced below, from the training rows
      {"provenance",
       {{"data", data_name(cohort)},
        {"simulated", cohort.cohort.source.kind == "simulated"},
        {"records", records_of(cohort)},
        {"not_in_training", cohort.dropped},
        {"rows", {{"scd", scd_rows}, {"normal", static_cast<int>(rows.y.size()) - scd_rows}}},
        {"unusable_minutes", unusable},
        {"recipe",
         {{"classifier", "svm"},
          {"hyper_parameters", model::hyper_parameters(model::TabularKind::kSvm)},
          {"window_min", kDefaultModelWindowMin},
          {"training_minutes",
           "SCD: minutes 1-10 before onset; normal: 10 random minutes per record inside its "
           "annotated span (the study's leave-one-patient-out draw), every patient"},
          {"beats", "reference beat annotations (.atr, else .ari), docs/hrv.md's NN rules"},
          {"seed", cfg.run.seed},
          {"method", "docs/real-beats-method.md (fixed before the study), docs/default-model.md"},
          {"command", "scapredict train --beats DIR --out models/default-hrv.json (make model)"}}},
        {"leave_one_patient_out",
         {{"classifier", lopo.classifier},
          {"window_min", lopo.window_min},
          {"auroc", stats::to_json(lopo.all.auroc)},
          {"balanced_accuracy", stats::to_json(lopo.all.balanced_accuracy)},
          {"scd_patients", lopo.all.scd_patients},
          {"normal_patients", lopo.all.normal_patients},
          {"minutes", lopo.all.minutes}}},
        {"scapredict_version", kVersion}}}};
  // The training windows' own distances give the threshold of unlike_training.
  const auto m = engine::HrvModel::parse(json_text(j), "default model");
  std::vector<double> d;
  for (const auto& x : rows.x) d.push_back(m.distance(std::vector<double>(x.begin(), x.end())));
  j["training_distance_q99"] = percentile99(d);
  return json_text(j) + "\n";
}

}  // namespace scapredict::eval

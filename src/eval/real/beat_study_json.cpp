#include <cmath>

#include "eval/real/beat_study.hpp"
#include "features/hrv.hpp"
#include "scapredict/version.hpp"

// The real-beat study's configuration and results as JSON (real_results.json).
namespace scapredict::eval {

using stats::finite_or_null;

// ---------------------------------------------------------------------------------------------
// Configuration and result files

BeatStudyConfig BeatStudyConfig::preregistered() {
  BeatStudyConfig c;
  c.protocol.train_scd = 8;
  c.protocol.test_scd = 4;
  c.protocol.train_normal = 12;
  c.protocol.test_normal = 6;
  c.protocol.train_minutes = 10;
  c.run.repetitions = 20;
  c.classifiers = model::all_tabular_kinds();
  for (int k = 240; k <= 480; k += 30) c.far_minutes.push_back(k);
  return c;
}

nlohmann::json BeatStudyConfig::to_json() const {
  nlohmann::json cls = nlohmann::json::array();
  for (auto k : classifiers) {
    cls.push_back({{"name", model::to_string(k)},
                   {"library", model::library_of(k)},
                   {"hyper_parameters", model::hyper_parameters(k)}});
  }
  return {{"protocol", protocol.to_json()},
          {"run", run.to_json()},
          {"classifiers", cls},
          {"primary", model::to_string(primary)},
          {"windows_min", windows_min},
          {"control_grid_s", control_grid_s},
          {"far_minutes", far_minutes},
          {"bootstrap", bootstrap},
          {"features", features::hrv_feature_names()},
          {"method", "docs/real-beats-method.md"}};
}

nlohmann::json HorizonMetrics::to_json() const {
  return {{"horizon_min", horizon},
          {"accuracy", stats::to_json(accuracy)},
          {"balanced_accuracy", stats::to_json(balanced_accuracy)},
          {"sensitivity", stats::to_json(sensitivity)},
          {"specificity", stats::to_json(specificity)},
          {"auroc", stats::to_json(auroc)},
          {"always_normal_accuracy", stats::to_json(always_normal)},
          {"scd_minutes", scd_minutes},
          {"normal_minutes", normal_minutes}};
}

nlohmann::json ProtocolRun::to_json() const {
  nlohmann::json h = nlohmann::json::array();
  for (const auto& m : horizons) h.push_back(m.to_json());
  return {{"classifier", classifier},
          {"window_min", window_min},
          {"grid_s", grid_s},
          {"horizons", h},
          {"near_5_30", near.to_json()},
          {"far", far.to_json()},
          {"near_5_30_paired", near_paired.to_json()},
          {"far_paired", far_paired.to_json()},
          {"skipped_repetitions", skipped}};
}

nlohmann::json LopoRun::to_json() const {
  nlohmann::json by_h = nlohmann::json::object();
  for (const auto& [h, a] : auroc_by_horizon) by_h[std::to_string(h)] = finite_or_null(a);
  return {{"classifier", classifier},
          {"window_min", window_min},
          {"all", all.to_json()},
          {"auroc_by_horizon", by_h},
          {"scd_atr_only", atr_only.to_json()},
          {"scd_ari_only", ari_only.to_json()},
          {"older_normals", older_normals.to_json()},
          {"median_normal_age", median_normal_age},
          {"age_spearman", finite_or_null(age_spearman)}};
}

nlohmann::json ImminenceRun::to_json() const {
  auto minutes = [](const std::map<std::string, std::pair<int, int>>& m) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [id, n] : m) j[id] = {{"label_1", n.first}, {"label_0", n.second}};
    return j;
  };
  return {{"classifier", classifier},
          {"window_min", window_min},
          {"real", real.to_json()},
          {"placebo", placebo.to_json()},
          {"real_minutes_per_patient", minutes(real_minutes)},
          {"placebo_minutes_per_patient", minutes(placebo_minutes)}};
}

const ProtocolRun* BeatStudyResult::main_run(const std::string& classifier, int window_min) const {
  for (const auto& r : main)
    if (r.classifier == classifier && r.window_min == window_min) return &r;
  return nullptr;
}

nlohmann::json BeatStudyResult::to_json() const {
  auto list = [](const auto& runs) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& r : runs) a.push_back(r.to_json());
    return a;
  };
  return {{"data",
           {{"kind", source.kind},
            {"simulated", source.simulated},
            {"description", source.description},
            {"dir", source.dir.string()},
            {"scd_patients", patients_scd},
            {"normal_patients", patients_normal},
            {"annotators", annotators},
            {"dropped", dropped},
            {"notes", notes}}},
          {"config", config.to_json()},
          {"main", list(main)},
          {"quantised", list(quantised)},
          {"lopo", list(lopo)},
          {"imminence", list(imminence)},
          {"unusable_windows", unusable},
          {"seconds", seconds}};
}

}  // namespace scapredict::eval

#include "train/experiment.hpp"

#include <chrono>

#include "common/error.hpp"
#include "common/workers.hpp"

namespace scapredict::train {

model::Dataset make_dataset(const data::PreparedMinutes& pm,
                            const std::vector<data::MinuteRef>& refs,
                            const features::FeatureConfig& features) {
  model::Dataset d;
  for (const auto& r : refs) {
    d.x.push_back(features::extract_features(features, pm.samples(r)));
    d.y.push_back(r.scd ? 1 : 0);
  }
  return d;
}

std::map<int, HorizonScores> score_by_horizon(const std::vector<data::MinuteRef>& refs,
                                              const std::vector<double>& p) {
  std::map<int, HorizonScores> out;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    auto& h = out[refs[i].horizon.value()];
    h.confusion.add(refs[i].scd, p[i] >= 0.5);
    h.scores.push_back(p[i]);
    h.labels.push_back(refs[i].scd ? 1 : 0);
  }
  return out;
}

nlohmann::json ExperimentConfig::to_json() const {
  return {{"name", name},
          {"arch", model::to_string(arch)},
          {"features", features.to_json()},
          {"train", train.to_json()}};
}

ExperimentConfig ExperimentConfig::paper_cnn(const std::string& name, const RunConfig& run) {
  ExperimentConfig e;
  e.name = name;
  e.train.epochs = run.epochs;
  e.train.seed = run.seed;
  return e;
}

const HorizonResult* ExperimentResult::at(int h) const {
  for (const auto& r : horizons) {
    if (r.horizon == h) return &r;
  }
  return nullptr;
}

nlohmann::json ExperimentResult::to_json() const {
  nlohmann::json j = {{"config", config.to_json()}, {"seconds", seconds}};
  for (const auto& h : horizons) {
    j["horizons"].push_back({{"minutes_before_onset", h.horizon},
                             {"accuracy", stats::to_json(h.accuracy)},
                             {"sensitivity", stats::to_json(h.sensitivity)},
                             {"specificity", stats::to_json(h.specificity)},
                             {"auroc", stats::to_json(h.auroc)}});
  }
  for (const auto& [p, e] : patient_errors)
    j["patients"][p] = {{"wrong", e.first}, {"total", e.second}};
  return j;
}

namespace {

// Per-horizon values of every repetition, summarised as means with t-intervals at the end.
struct HorizonSamples {
  std::map<int, std::vector<double>> acc, sens, spec, auc;
  void add(const std::map<int, HorizonScores>& by_horizon) {
    for (const auto& [h, s] : by_horizon) {
      acc[h].push_back(s.confusion.accuracy());
      sens[h].push_back(s.confusion.sensitivity());
      spec[h].push_back(s.confusion.specificity());
      auc[h].push_back(s.auroc());
    }
  }
  std::vector<HorizonResult> summarise(const std::vector<int>& horizons) {
    std::vector<HorizonResult> out;
    for (int h : horizons) {
      if (!acc.count(h)) continue;
      out.push_back({h, stats::mean_ci95(acc[h]), stats::mean_ci95(sens[h]),
                     stats::mean_ci95(spec[h]), stats::mean_ci95(auc[h])});
    }
    return out;
  }
};

}  // namespace

ExperimentResult run_experiment(const data::Cohort& c, const data::PreparedMinutes& pm,
                                const ExperimentConfig& cfg, const ProgressFn& progress) {
  ExperimentResult res;
  res.config = cfg;
  const auto t0 = std::chrono::steady_clock::now();
  const ProgressTracker tracker(progress, cfg.name, cfg.progress_unit, pm.plans.size());
  HorizonSamples samples;
  // The repetitions are independent units: spread over the run's processes (common/workers.hpp),
  // their test probabilities gathered and summed up in repetition order.
  map_units(
      workers(), pm.plans.size(),
      [&](std::size_t rep) {
        const auto& plan = pm.plans[rep];
        auto tc = cfg.train;
        tc.seed = derive_seed(cfg.train.seed, SeedUse::kTraining, rep);
        const auto clf = model::Classifier::train(make_dataset(pm, plan.train, cfg.features),
                                                  cfg.arch, cfg.features, tc);
        return pack_doubles(clf.predict_proba(make_dataset(pm, plan.test, cfg.features).x));
      },
      [&](std::size_t rep, std::string&& bytes) {
        const auto& plan = pm.plans[rep];
        const auto p = unpack_doubles(bytes);
        if (p.size() != plan.test.size()) throw Error(cfg.name + ": a repetition's scores lost");
        for (std::size_t i = 0; i < plan.test.size(); ++i) {
          const auto& r = plan.test[i];
          auto& pe = res.patient_errors[c.patient(r.scd, r.patient).id];
          pe.first += ((p[i] >= 0.5) != r.scd);
          pe.second += 1;
        }
        samples.add(score_by_horizon(plan.test, p));
        res.test_p.push_back(p);
        tracker.report(rep + 1);
      },
      {}, 1);
  res.horizons = samples.summarise(pm.protocol.horizons);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace scapredict::train

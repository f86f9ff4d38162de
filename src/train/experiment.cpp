#include "scapredict/train/experiment.hpp"

#include <chrono>
#include <cstdio>
#include <optional>
#include <random>

namespace scapredict::train {

std::string PreparedProtocol::key(const cohort::MinuteRef& r) {
  return std::string(r.scd ? "s:" : "n:") + std::to_string(r.patient) + ":" +
         std::to_string(r.minute);
}

model::Dataset PreparedProtocol::dataset(const std::vector<cohort::MinuteRef>& refs,
                                         const cohort::FeatureConfig& features) const {
  model::Dataset d;
  for (const auto& r : refs) {
    d.x.push_back(cohort::extract_features(features, minutes.at(key(r))));
    d.y.push_back(r.scd ? 1 : 0);
  }
  return d;
}

std::map<int, HorizonScores> score_by_horizon(const std::vector<cohort::MinuteRef>& refs,
                                              const std::vector<double>& p) {
  std::map<int, HorizonScores> out;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    auto& h = out[refs[i].horizon];
    h.confusion.add(refs[i].scd, p[i] >= 0.5);
    h.scores.push_back(p[i]);
    h.labels.push_back(refs[i].scd ? 1 : 0);
  }
  return out;
}

PreparedProtocol prepare_protocol(const cohort::Cohort& c, const cohort::ProtocolConfig& cfg,
                                  bool progress) {
  return read_plans(c, cfg, cohort::plan_protocol(c, cfg), progress);
}

PreparedProtocol read_plans(const cohort::Cohort& c, const cohort::ProtocolConfig& cfg,
                            std::vector<cohort::RepetitionPlan> plans, bool progress) {
  PreparedProtocol pp;
  pp.config = cfg;
  pp.plans = std::move(plans);
  cohort::MinuteStore store(
      c, std::max(91, *std::max_element(cfg.horizons.begin(), cfg.horizons.end()) + 1));
  std::mt19937_64 seeder(cfg.seed ^ 0x5eedull);
  const auto t0 = std::chrono::steady_clock::now();
  int beyond_start = 0;
  for (std::size_t r = 0; r < pp.plans.size(); ++r) {
    auto& plan = pp.plans[r];
    auto resolve = [&](std::vector<cohort::MinuteRef>& refs) {
      std::vector<cohort::MinuteRef> kept;
      std::map<int, std::vector<int>> used;  // normal patient -> minutes already drawn
      for (auto ref : refs) {
        std::optional<dsp::Segment> drawn;  // a random normal minute, read (and usable) already
        if (!ref.scd && ref.minute < 0) {
          std::uint64_t state = seeder();
          drawn.emplace();
          ref.minute = store.random_normal_minute(ref.patient, state, used[ref.patient], &*drawn);
          used[ref.patient].push_back(ref.minute);
        }
        const auto k = PreparedProtocol::key(ref);
        if (!pp.minutes.count(k)) {
          dsp::Segment seg;
          try {
            seg = drawn ? std::move(*drawn) : store.minute(ref);
          } catch (const cohort::CohortError&) {
            if (!ref.scd) throw;
            ++beyond_start;  // this horizon lies before the start of a shorter record
            continue;
          }
          if (!seg.quality.usable()) {
            store.count_rejected(seg.quality);
            continue;
          }
          pp.minutes.emplace(k, std::move(seg.samples));
        }
        kept.push_back(ref);
      }
      refs = std::move(kept);
    };
    resolve(plan.train);
    resolve(plan.test);
    if (progress) {
      const double el =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "protocol: minutes of repetition %zu/%zu read, %.1f s, ETA %.1f s\n",
                   r + 1, pp.plans.size(), el,
                   el / double(r + 1) * double(pp.plans.size() - r - 1));
    }
  }
  pp.rejected = store.rejected();
  if (beyond_start > 0) pp.rejected["before the record start"] = beyond_start;
  return pp;
}

nlohmann::json ExperimentConfig::to_json() const {
  return {{"name", name},
          {"arch", model::to_string(arch)},
          {"features", features.to_json()},
          {"train", train.to_json()}};
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
                             {"accuracy", eval::to_json(h.accuracy)},
                             {"sensitivity", eval::to_json(h.sensitivity)},
                             {"specificity", eval::to_json(h.specificity)},
                             {"auroc", eval::to_json(h.auroc)}});
  }
  for (const auto& [p, e] : patient_errors)
    j["patients"][p] = {{"wrong", e.first}, {"total", e.second}};
  return j;
}

ExperimentResult run_experiment(const cohort::Cohort& c, const PreparedProtocol& pp,
                                const ExperimentConfig& cfg, bool progress) {
  ExperimentResult res;
  res.config = cfg;
  const auto t0 = std::chrono::steady_clock::now();
  std::map<int, std::vector<double>> acc, sens, spec, auc;
  for (std::size_t rep = 0; rep < pp.plans.size(); ++rep) {
    const auto& plan = pp.plans[rep];
    const model::Dataset train = pp.dataset(plan.train, cfg.features);
    auto tc = cfg.train;
    tc.seed = cfg.train.seed + rep * 7919;
    auto clf = model::Classifier::train(train, cfg.arch, cfg.features, tc);
    const auto p = clf.predict_proba(pp.dataset(plan.test, cfg.features).x);
    res.test_p.push_back(p);
    for (std::size_t i = 0; i < plan.test.size(); ++i) {
      const auto& r = plan.test[i];
      const bool pred = p[i] >= 0.5;
      const auto& id = r.scd ? c.scd[static_cast<std::size_t>(r.patient)].id
                             : c.normal[static_cast<std::size_t>(r.patient)].id;
      auto& pe = res.patient_errors[id];
      pe.first += (pred != r.scd);
      pe.second += 1;
    }
    for (const auto& [h, s] : score_by_horizon(plan.test, p)) {
      acc[h].push_back(s.confusion.accuracy());
      sens[h].push_back(s.confusion.sensitivity());
      spec[h].push_back(s.confusion.specificity());
      auc[h].push_back(s.auroc());
    }
    if (progress) {
      const double el =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "  %s: %s %zu/%zu, %.1f s, ETA %.1f s\n", cfg.name.c_str(),
                   cfg.progress_unit.c_str(), rep + 1, pp.plans.size(), el,
                   el / double(rep + 1) * double(pp.plans.size() - rep - 1));
    }
  }
  for (int h : pp.config.horizons) {
    if (!acc.count(h)) continue;
    res.horizons.push_back({h, eval::mean_ci95(acc[h]), eval::mean_ci95(sens[h]),
                            eval::mean_ci95(spec[h]), eval::mean_ci95(auc[h])});
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace scapredict::train

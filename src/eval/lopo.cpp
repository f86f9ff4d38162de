#include "scapredict/eval/lopo.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "scapredict/train/experiment.hpp"

namespace scapredict::eval {

nlohmann::json LopoConfig::to_json() const {
  return {{"epochs", epochs},
          {"seed", seed},
          {"bootstrap_resamples", bootstrap_resamples},
          {"balance", balance},
          {"train_minutes", protocol.train_minutes},
          {"horizons", protocol.horizons},
          {"protocol_seed", protocol.seed}};
}

nlohmann::json LopoResult::to_json() const {
  nlohmann::json j = {{"patients", patients},          {"minutes", minutes},
                      {"auroc", eval::to_json(auroc)}, {"accuracy", eval::to_json(accuracy)},
                      {"brier", eval::to_json(brier)}, {"skipped", skipped},
                      {"rejected_minutes", rejected},  {"seconds", seconds}};
  for (const auto& h : horizons)
    j["horizons"].push_back({{"minutes_before_onset", h.horizon},
                             {"auroc", eval::to_json(h.auroc)},
                             {"accuracy", eval::to_json(h.accuracy)}});
  for (const auto& b : reliability)
    j["reliability"].push_back({{"p_range", {b.lo, b.hi}},
                                {"n", b.n},
                                {"mean_p", b.mean_p},
                                {"observed", b.observed},
                                {"observed_ci95", {b.observed_lo, b.observed_hi}}});
  for (const auto& p : per_patient)
    j["per_patient"].push_back({{"id", p.id},
                                {"scd", p.scd},
                                {"minutes", p.minutes},
                                {"wrong", p.wrong},
                                {"mean_p", p.mean_p}});
  return j;
}

LopoResult lopo_probe(const cohort::Cohort& c, const LopoConfig& cfg, bool progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (progress) std::fprintf(stderr, "lopo: reading every patient's minutes\n");
  auto all =
      train::read_plans(c, cfg.protocol, {cohort::plan_all_patients(c, cfg.protocol)}, false);
  LopoResult r;
  r.rejected = all.rejected;
  const auto everyone = all.plans.front();
  all.plans = cohort::leave_one_patient_out(everyone, cfg.balance, cfg.seed);
  train::ExperimentConfig e;
  e.name = "leave-one-patient-out";
  e.progress_unit = "fold";
  e.train.epochs = cfg.epochs;
  e.train.seed = cfg.seed;
  const auto res = train::run_experiment(c, all, e, progress);

  // Out-of-fold minutes, one row each; the cluster of a minute is its patient.
  std::vector<double> p;
  std::vector<int> y, cluster, horizon;
  const int n_scd = static_cast<int>(c.scd.size());
  for (std::size_t f = 0; f < all.plans.size(); ++f) {
    const auto& fold = all.plans[f];
    LopoPatient pat;
    pat.scd = !fold.test_scd.empty();
    const int idx = pat.scd ? fold.test_scd.front() : fold.test_normal.front();
    pat.id = (pat.scd ? c.scd : c.normal)[static_cast<std::size_t>(idx)].id;
    for (std::size_t i = 0; i < fold.test.size(); ++i) {
      const double pi = res.test_p[f][i];
      p.push_back(pi);
      y.push_back(pat.scd ? 1 : 0);
      cluster.push_back(pat.scd ? idx : n_scd + idx);
      horizon.push_back(fold.test[i].horizon);
      ++pat.minutes;
      pat.wrong += (pi >= 0.5) != pat.scd;
      pat.mean_p += pi;
    }
    pat.mean_p /= pat.minutes;
    r.per_patient.push_back(pat);
  }
  std::set<std::string> held_out;
  for (const auto& q : r.per_patient) held_out.insert(q.id);
  for (const auto* group : {&c.scd, &c.normal})
    for (const auto& pat : *group)
      if (!held_out.count(pat.id)) r.skipped.push_back(pat.id);
  r.patients = static_cast<int>(r.per_patient.size());
  r.minutes = static_cast<int>(p.size());

  // Statistics over a subset of rows (a bootstrap resample may repeat rows).
  auto subset = [&](const std::vector<std::size_t>& rows, std::vector<double>& sp,
                    std::vector<int>& sy) {
    sp.clear();
    sy.clear();
    for (auto i : rows) {
      sp.push_back(p[i]);
      sy.push_back(y[i]);
    }
  };
  auto auroc_of = [&](const std::vector<std::size_t>& rows) {
    std::vector<double> sp;
    std::vector<int> sy;
    subset(rows, sp, sy);
    return auroc(sp, sy);
  };
  auto accuracy_of = [&](const std::vector<std::size_t>& rows) {
    Confusion k;
    for (auto i : rows) k.add(y[i] == 1, p[i] >= 0.5);
    return k.accuracy();
  };
  auto brier_of = [&](const std::vector<std::size_t>& rows) {
    std::vector<double> sp;
    std::vector<int> sy;
    subset(rows, sp, sy);
    return brier(sp, sy);
  };
  const int b = cfg.bootstrap_resamples;
  r.auroc = cluster_bootstrap(cluster, auroc_of, b, cfg.seed);
  r.accuracy = cluster_bootstrap(cluster, accuracy_of, b, cfg.seed + 1);
  r.brier = cluster_bootstrap(cluster, brier_of, b, cfg.seed + 2);
  r.reliability = reliability(p, y, 10);

  // Per horizon: the rows of that horizon's SCD minutes plus the normal rows (all of them for the
  // AUROC, those drawn for the horizon for the accuracy), bootstrapped over their patients.
  auto bootstrap_rows = [&](const std::vector<std::size_t>& rows, const auto& stat,
                            std::uint64_t seed) {
    std::vector<int> sub_cluster;
    for (auto i : rows) sub_cluster.push_back(cluster[i]);
    auto on_rows = [&](const std::vector<std::size_t>& sub) {
      std::vector<std::size_t> mapped;
      mapped.reserve(sub.size());
      for (auto k : sub) mapped.push_back(rows[k]);
      return stat(mapped);
    };
    return cluster_bootstrap(sub_cluster, on_rows, b, seed);
  };
  for (int h : cfg.protocol.horizons) {
    std::vector<std::size_t> for_auc, for_acc;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (y[i] == 0 || horizon[i] == h) for_auc.push_back(i);
      if (horizon[i] == h) for_acc.push_back(i);
    }
    if (for_acc.empty()) continue;
    const auto hs = static_cast<std::uint64_t>(h);
    r.horizons.push_back({h, bootstrap_rows(for_auc, auroc_of, cfg.seed + 3 + hs),
                          bootstrap_rows(for_acc, accuracy_of, cfg.seed + 5 + hs)});
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace scapredict::eval

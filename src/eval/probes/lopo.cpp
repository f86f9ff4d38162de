#include "eval/probes/lopo.hpp"

#include <chrono>
#include <set>

#include "data/minutes.hpp"
#include "train/experiment.hpp"

namespace scapredict::eval {

nlohmann::json LopoConfig::to_json(const RunConfig& run) const {
  return {{"epochs", run.epochs},
          {"seed", run.seed},
          {"bootstrap_resamples", bootstrap_resamples},
          {"balance", balance},
          {"train_minutes", train_minutes},
          {"horizons", horizons},
          {"protocol_seed", run.seed}};
}

nlohmann::json LopoResult::to_json() const {
  nlohmann::json j = {{"patients", patients},           {"minutes", minutes},
                      {"auroc", stats::to_json(auroc)}, {"accuracy", stats::to_json(accuracy)},
                      {"brier", stats::to_json(brier)}, {"skipped", skipped},
                      {"rejected_minutes", rejected},   {"seconds", seconds}};
  for (const auto& h : horizons)
    j["horizons"].push_back({{"minutes_before_onset", h.horizon},
                             {"auroc", stats::to_json(h.auroc)},
                             {"accuracy", stats::to_json(h.accuracy)}});
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

namespace {

// Out-of-fold minutes, one row each; the cluster of a minute is its patient.
struct OutOfFold {
  std::vector<double> p;
  std::vector<int> y, cluster, horizon;
  int bootstrap_resamples = 0;

  std::vector<std::size_t> all_rows() const {
    std::vector<std::size_t> rows(p.size());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    return rows;
  }
  // Scores and labels of `rows`, for a statistic over (scores, labels).
  template <typename Stat>
  double on_subset(const std::vector<std::size_t>& rows, Stat stat) const {
    std::vector<double> sp;
    std::vector<int> sy;
    for (auto i : rows) {
      sp.push_back(p[i]);
      sy.push_back(y[i]);
    }
    return stat(sp, sy);
  }
  double auroc_of(const std::vector<std::size_t>& rows) const {
    return on_subset(rows, stats::auroc);
  }
  double accuracy_of(const std::vector<std::size_t>& rows) const {
    stats::Confusion k;
    for (auto i : rows) k.add(y[i] == 1, p[i] >= 0.5);
    return k.accuracy();
  }
  double brier_of(const std::vector<std::size_t>& rows) const {
    return on_subset(rows, stats::brier);
  }
  // A statistic over `rows` (a subset of all rows), bootstrapped over the rows' patients.
  template <typename Stat>
  stats::MeanCi bootstrap(const std::vector<std::size_t>& rows, Stat stat,
                          std::uint64_t seed) const {
    std::vector<int> sub_cluster;
    for (auto i : rows) sub_cluster.push_back(cluster[i]);
    auto on_rows = [&](const std::vector<std::size_t>& sub) {
      std::vector<std::size_t> mapped;
      mapped.reserve(sub.size());
      for (auto k : sub) mapped.push_back(rows[k]);
      return (this->*stat)(mapped);
    };
    return stats::cluster_bootstrap(sub_cluster, on_rows, bootstrap_resamples, seed);
  }
};

// Collects every fold's held-out minutes and the per-patient summary.
void collect_folds(const data::Cohort& c, const data::PreparedMinutes& folds,
                   const train::ExperimentResult& res, OutOfFold& oof, LopoResult& r) {
  const int n_scd = static_cast<int>(c.scd.size());
  for (std::size_t f = 0; f < folds.plans.size(); ++f) {
    const auto& fold = folds.plans[f];
    LopoPatient pat;
    pat.scd = !fold.test_scd.empty();
    const int idx = pat.scd ? fold.test_scd.front() : fold.test_normal.front();
    pat.id = c.patient(pat.scd, idx).id;
    for (std::size_t i = 0; i < fold.test.size(); ++i) {
      const double pi = res.test_p[f][i];
      oof.p.push_back(pi);
      oof.y.push_back(pat.scd ? 1 : 0);
      oof.cluster.push_back(pat.scd ? idx : n_scd + idx);
      oof.horizon.push_back(fold.test[i].horizon.value());
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
  r.minutes = static_cast<int>(oof.p.size());
}

// Per horizon: the rows of that horizon's SCD minutes plus the normal rows (all of them for the
// AUROC, those drawn for the horizon for the accuracy), bootstrapped over their patients.
void summarise_horizons(const OutOfFold& oof, const LopoConfig& cfg, std::uint64_t seed,
                        LopoResult& r) {
  for (int h : cfg.horizons) {
    std::vector<std::size_t> for_auc, for_acc;
    for (std::size_t i = 0; i < oof.p.size(); ++i) {
      if (oof.y[i] == 0 || oof.horizon[i] == h) for_auc.push_back(i);
      if (oof.horizon[i] == h) for_acc.push_back(i);
    }
    if (for_acc.empty()) continue;
    const auto hs = static_cast<std::uint64_t>(h);
    r.horizons.push_back({h,
                          oof.bootstrap(for_auc, &OutOfFold::auroc_of,
                                        derive_seed(seed, SeedUse::kBootstrap, 3 + hs)),
                          oof.bootstrap(for_acc, &OutOfFold::accuracy_of,
                                        derive_seed(seed, SeedUse::kBootstrap, 5 + hs))});
  }
}

}  // namespace

LopoResult lopo_probe(const data::Cohort& c, const LopoConfig& cfg, const RunConfig& run,
                      const ProgressFn& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  data::ProtocolConfig minutes;
  minutes.train_minutes = cfg.train_minutes;
  minutes.horizons = cfg.horizons;
  auto all = data::read_plans(c, minutes, run, {data::plan_all_patients(c, minutes)});
  LopoResult r;
  r.rejected = all.rejected;
  const auto everyone = all.plans.front();
  all.plans = data::leave_one_patient_out(everyone, cfg.balance,
                                          derive_seed(run.seed, SeedUse::kFoldBalance));
  auto e = train::ExperimentConfig::paper_cnn("leave-one-patient-out", run);
  e.progress_unit = "fold";
  const auto res = train::run_experiment(c, all, e, progress);

  OutOfFold oof;
  oof.bootstrap_resamples = cfg.bootstrap_resamples;
  collect_folds(c, all, res, oof, r);
  const auto rows = oof.all_rows();
  r.auroc =
      oof.bootstrap(rows, &OutOfFold::auroc_of, derive_seed(run.seed, SeedUse::kBootstrap, 0));
  r.accuracy =
      oof.bootstrap(rows, &OutOfFold::accuracy_of, derive_seed(run.seed, SeedUse::kBootstrap, 1));
  r.brier =
      oof.bootstrap(rows, &OutOfFold::brier_of, derive_seed(run.seed, SeedUse::kBootstrap, 2));
  r.reliability = stats::reliability(oof.p, oof.y, 10);
  summarise_horizons(oof, cfg, run.seed, r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace scapredict::eval

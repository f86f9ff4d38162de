#include "eval/probes/near_far.hpp"

#include <algorithm>

#include "train/experiment.hpp"

namespace scapredict::eval {

NearFar near_far_verdict(const stats::MeanCi& near, const stats::MeanCi& far) {
  NearFar r{near, far, "inconclusive"};
  if (near.lo <= 0.5 && far.lo <= 0.5)
    r.verdict = "no signal";
  else if (far.lo > 0.6 && near.mean - far.mean < 0.1)
    r.verdict = "shortcut";
  else if (near.lo > 0.5 && near.mean - far.mean >= 0.1 && far.mean < 0.75)
    r.verdict = "risk signal";
  return r;
}

nlohmann::json BandMetrics::to_json() const {
  return {{"accuracy", stats::to_json(accuracy)},
          {"balanced_accuracy", stats::to_json(balanced_accuracy)},
          {"auroc", stats::to_json(auroc)},
          {"scd_minutes", scd_minutes},
          {"normal_minutes", normal_minutes}};
}

BandMetrics pooled_band(const data::PreparedMinutes& pm, const train::ExperimentResult& res,
                        const std::vector<int>& hs) {
  BandMetrics b;
  std::vector<double> acc, bal, auc;
  for (std::size_t rep = 0; rep < pm.plans.size(); ++rep) {
    stats::Confusion cf;
    std::vector<double> scores;
    std::vector<int> labels;
    for (const auto& [h, s] : train::score_by_horizon(pm.plans[rep].test, res.test_p[rep])) {
      if (std::find(hs.begin(), hs.end(), h) == hs.end()) continue;
      cf += s.confusion;
      scores.insert(scores.end(), s.scores.begin(), s.scores.end());
      labels.insert(labels.end(), s.labels.begin(), s.labels.end());
    }
    b.scd_minutes += cf.tp + cf.fn;
    b.normal_minutes += cf.tn + cf.fp;
    acc.push_back(cf.accuracy());
    bal.push_back((cf.sensitivity() + cf.specificity()) / 2);
    auc.push_back(stats::auroc(scores, labels));
  }
  b.accuracy = stats::mean_ci95(acc);
  b.balanced_accuracy = stats::mean_ci95(bal);
  b.auroc = stats::mean_ci95(auc);
  return b;
}

NearFar near_far_probe(const data::Cohort& c, const NearFarConfig& cfg, const RunConfig& run) {
  data::ProtocolConfig pc{cfg.split, cfg.near};
  pc.horizons.insert(pc.horizons.end(), cfg.far.begin(), cfg.far.end());
  const auto pm = data::prepare_protocol(c, pc, run);
  auto e = train::ExperimentConfig::paper_cnn("near-far", run);
  const auto res = train::run_experiment(c, pm, e);
  return near_far_verdict(pooled_band(pm, res, cfg.near).accuracy,
                          pooled_band(pm, res, cfg.far).accuracy);
}

}  // namespace scapredict::eval

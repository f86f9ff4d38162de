#include "eval/near_far.hpp"

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

stats::MeanCi pooled_accuracy(const data::PreparedMinutes& pm, const train::ExperimentResult& res,
                              const std::vector<int>& hs) {
  std::vector<double> acc;
  for (std::size_t rep = 0; rep < pm.plans.size(); ++rep) {
    stats::Confusion pooled_rep;
    for (const auto& [h, s] : train::score_by_horizon(pm.plans[rep].test, res.test_p[rep])) {
      if (std::find(hs.begin(), hs.end(), h) != hs.end()) pooled_rep += s.confusion;
    }
    acc.push_back(pooled_rep.accuracy());
  }
  return stats::mean_ci95(acc);
}

NearFar near_far_probe(const data::Cohort& c, const NearFarConfig& cfg, const RunConfig& run) {
  data::ProtocolConfig pc{cfg.split, cfg.near};
  pc.horizons.insert(pc.horizons.end(), cfg.far.begin(), cfg.far.end());
  const auto pm = data::prepare_protocol(c, pc, run);
  auto e = train::ExperimentConfig::paper_cnn("near-far", run);
  const auto res = train::run_experiment(c, pm, e);
  return near_far_verdict(pooled_accuracy(pm, res, cfg.near), pooled_accuracy(pm, res, cfg.far));
}

}  // namespace scapredict::eval

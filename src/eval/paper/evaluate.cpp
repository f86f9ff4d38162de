#include "eval/paper/evaluate.hpp"

#include <algorithm>

#include "common/json_number.hpp"
#include "data/minutes.hpp"
#include "train/experiment.hpp"

namespace scapredict::eval {

nlohmann::json HeldOutResult::to_json() const {
  nlohmann::json j = {{"data_source", data_source}, {"model", model}};
  for (const auto& h : horizons) {
    const auto& cf = h.confusion;
    j["horizons"].push_back({{"minutes_before_onset", h.horizon},
                             {"accuracy", cf.accuracy()},
                             {"sensitivity", cf.sensitivity()},
                             {"specificity", cf.specificity()},
                             {"auroc", h.auroc},
                             {"n", cf.total()}});
  }
  return j;
}

HeldOutResult evaluate_held_out(const data::Cohort& c, const model::Classifier& clf,
                                const ProgressFn& progress) {
  const auto& md = clf.metadata();
  if (!md.contains("protocol") || !md["protocol"].contains("seed"))
    throw engine::ModelError("model has no training protocol in its metadata");
  RunConfig run;
  run.seed = json_integer<std::uint64_t>(md["protocol"], "seed");
  run.repetitions = 1;
  const auto prepared = data::prepare_protocol(c, data::ProtocolConfig{}, run, progress);
  const auto& plan = prepared.plans.at(0);
  const auto& want = md["test_patients"]["scd"];
  for (int i : plan.test_scd) {
    if (std::find(want.begin(), want.end(), c.patient(true, i).id) == want.end()) {
      throw engine::ModelError(
          "the model's held-out patients do not match this data (was it trained on other data?)");
    }
  }
  const auto p = clf.predict_proba(train::make_dataset(prepared, plan.test, clf.features()).x);
  HeldOutResult r{c.source.description, clf.describe(), {}};
  for (const auto& [h, s] : train::score_by_horizon(plan.test, p))
    r.horizons.push_back({h, s.confusion, s.auroc()});
  return r;
}

}  // namespace scapredict::eval

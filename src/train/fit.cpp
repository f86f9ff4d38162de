#include "train/fit.hpp"

#include <cstdio>

#include "data/minutes.hpp"

namespace scapredict::train {

namespace {

std::vector<std::string> patient_ids(const data::Cohort& c, const std::vector<int>& v, bool scd) {
  std::vector<std::string> out;
  for (int i : v) out.push_back(c.patient(scd, i).id);
  return out;
}

}  // namespace

model::Classifier fit_first_split(const data::Cohort& c, const data::ProtocolConfig& protocol,
                                  const RunConfig& run, const ExperimentConfig& cfg,
                                  const ProgressFn& progress) {
  auto one = run;
  one.repetitions = 1;
  const auto prepared = data::prepare_protocol(c, protocol, one, progress);
  const auto& plan = prepared.plans.at(0);
  const ProgressTracker tracker(progress, "train", "epoch",
                                static_cast<std::size_t>(cfg.train.epochs));
  auto clf = model::Classifier::train(make_dataset(prepared, plan.train, cfg.features), cfg.arch,
                                      cfg.features, cfg.train, [&](int epoch, double loss) {
                                        char detail[48];
                                        std::snprintf(detail, sizeof detail, "loss %.4f", loss);
                                        tracker.report(static_cast<std::size_t>(epoch), detail);
                                      });
  auto protocol_json = protocol.to_json();
  protocol_json["repetitions"] = one.repetitions;
  protocol_json["seed"] = one.seed;
  clf.set_metadata({{"data_source", c.source.description},
                    {"simulated", c.source.simulated},
                    {"protocol", protocol_json},
                    {"train_patients",
                     {{"scd", patient_ids(c, plan.train_scd, true)},
                      {"normal", patient_ids(c, plan.train_normal, false)}}},
                    {"test_patients",
                     {{"scd", patient_ids(c, plan.test_scd, true)},
                      {"normal", patient_ids(c, plan.test_normal, false)}}},
                    {"rejected_minutes", prepared.rejected}});
  return clf;
}

}  // namespace scapredict::train

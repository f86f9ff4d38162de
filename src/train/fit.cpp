#include "train/fit.hpp"

#include <cstdio>

#include "data/minutes.hpp"
#include "io/header.hpp"

#include <set>

namespace scapredict::train {

namespace {

std::vector<std::string> patient_ids(const data::Cohort& c, const std::vector<int>& v, bool scd) {
  std::vector<std::string> out;
  for (int i : v) out.push_back(c.patient(scd, i).id);
  return out;
}

// Sampling rates and gains (channel 0) of the records a model trains on: what predict compares a
// new record with.
nlohmann::json training_data(const data::Cohort& c, const data::RepetitionPlan& plan) {
  std::set<double> fs, gain;
  std::set<std::string> recorders;
  auto add = [&](bool scd, const std::vector<int>& v) {
    for (int i : v) {
      const auto h = io::read_header(c.patient(scd, i).record);
      fs.insert(h.fs_hz);
      if (h.signals.empty()) continue;
      gain.insert(h.signals.front().adc_gain);
      recorders.insert(io::recorder_signature(h, 0));
    }
  };
  add(true, plan.train_scd);
  add(false, plan.train_normal);
  return {{"fs_hz", std::vector<double>(fs.begin(), fs.end())},
          {"gain_adu_per_mv", std::vector<double>(gain.begin(), gain.end())},
          {"recorders", std::vector<std::string>(recorders.begin(), recorders.end())}};
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
                    {"rejected_minutes", prepared.rejected},
                    {"training_data", training_data(c, plan)}});
  return clf;
}

}  // namespace scapredict::train

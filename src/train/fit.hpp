#pragma once
// One model for use: trained on the first split of the protocol, its held-out patients recorded.
#include "common/progress.hpp"
#include "common/run_config.hpp"
#include "data/protocol.hpp"
#include "model/classifier.hpp"
#include "train/experiment.hpp"

namespace scapredict::train {

/// Trains `config` on repetition 0 of the protocol (seed run.seed) and writes into the model's
/// metadata the data source, the protocol and the training and held-out patients, so that
/// eval::evaluate_held_out can test on exactly those. Progress: the minutes read, then one event
/// per epoch (task "train", detail "loss L").
model::Classifier fit_first_split(const data::Cohort& cohort, const data::ProtocolConfig& protocol,
                                  const RunConfig& run, const ExperimentConfig& config,
                                  const ProgressFn& progress = {});

}  // namespace scapredict::train

#pragma once
// Applying a trained model: one record minute by minute, or a held-out evaluation.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scapredict/cohort/cohort.hpp"
#include "scapredict/model/classifier.hpp"
#include "scapredict/train/experiment.hpp"

namespace scapredict::infer {

struct MinuteRisk {
  int minute = 0;  ///< index from the record start
  double start_s = 0;
  std::optional<double> minutes_before_onset;
  std::string quality;         ///< "ok" or the reasons it was not scored
  std::optional<double> risk;  ///< P(SCD) for usable minutes
};

struct RecordRisk {
  std::string record;
  std::optional<double> onset_s;
  std::vector<MinuteRisk> minutes;
};

/// Risk for every whole minute of `record` (channel 0 at 128 Hz).
RecordRisk predict_record(const model::Classifier& model, const std::filesystem::path& record);
std::string to_csv(const RecordRisk& r);
nlohmann::json to_json(const RecordRisk& r);
/// PNG timeline of the risk with the onset marked; false when gnuplot is missing.
bool plot_risk(const RecordRisk& r, const std::filesystem::path& png);

/// Trains one model on repetition 0 of the protocol and records the held-out patients in its
/// metadata, so that evaluate_model can test on exactly those.
model::Classifier train_model(const cohort::Cohort& cohort, const cohort::ProtocolConfig& protocol,
                              const train::ExperimentConfig& config);

/// Scores a model from train_model on its held-out patients (same data and protocol seed),
/// per horizon. Throws model::ModelError when the model's metadata does not fit the cohort.
nlohmann::json evaluate_model(const cohort::Cohort& cohort, const model::Classifier& model);

}  // namespace scapredict::infer

#pragma once
// Scoring a recording with a trained model, minute by minute. No training here.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dsp/segment.hpp"
#include "model/classifier.hpp"

namespace scapredict::infer {

struct PredictOptions {
  int channel = 0;             ///< signal index in the record
  dsp::QualityLimits quality;  ///< flat-line and saturation limits (the ADC range is the record's)
};

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

/// Risk for every whole minute of `record` (options.channel at 128 Hz). Throws io::IoError for a
/// bad record and model::ModelError when the model does not fit the features.
RecordRisk predict_record(const model::Classifier& model, const std::filesystem::path& record,
                          const PredictOptions& options = {});
std::string to_csv(const RecordRisk& r);
nlohmann::json to_json(const RecordRisk& r);

}  // namespace scapredict::infer

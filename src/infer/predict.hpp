#pragma once
// Scoring a recording with a trained model, minute by minute. No training here.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "dsp/segment.hpp"
#include "model/classifier.hpp"

namespace scapredict::infer {

class PredictError : public Error {
 public:
  using Error::Error;
};

struct PredictOptions {
  int channel = 0;             ///< signal index in the record
  dsp::QualityLimits quality;  ///< flat-line and saturation limits (the ADC range is the record's)
  std::string annotator;       ///< where to look for a VF onset; empty: atr, else ari, else none
};

struct MinuteRisk {
  int minute = 0;  ///< index from the record start
  double start_s = 0;
  std::string clock_time;  ///< "HH:MM:SS" of the minute's start when the header has a base time
  std::optional<double> minutes_before_onset;
  /// Why the minute is not scored, or notes on a scored one: invalid=N, flat, saturated,
  /// bridged (scored), after_onset, vf_like, unlike_training (scored). Empty: "ok".
  std::vector<std::string> flags;
  std::optional<double> risk;   ///< P(SCD), uncalibrated, for scored minutes
  std::string quality() const;  ///< the flags joined with ';', or "ok"
};

struct RecordRisk {
  std::string record;
  double fs_hz = 0;
  double gain_adu_per_mv = 0;
  std::optional<double> onset_s;
  std::string onset_source;  ///< "header comment", "rhythm annotation", "VF marker"
  std::vector<MinuteRisk> minutes;
  nlohmann::json model;               ///< the model's provenance (architecture, data source, ...)
  std::vector<std::string> warnings;  ///< the record lies outside what the model saw in training
  bool model_trained_on_simulated_data() const;
  int scored() const;
};

/// Risk for every whole minute of `record` (options.channel at 128 Hz). Minutes at or after an
/// annotated VF onset (flag after_onset) and minutes whose 8-s windows look like VF (vf_like) are
/// not scored; minutes far from the training spectra are flagged unlike_training. Throws
/// io::IoError for a bad record, PredictError when there is nothing to score (shorter than a
/// minute, or no usable minute: the counts by reason are in the message).
RecordRisk predict_record(const model::Classifier& model, const std::filesystem::path& record,
                          const PredictOptions& options = {});

/// RFC 4180 CSV with '#' comment lines first (provenance, warnings); quality flags joined by ';'.
std::string to_csv(const RecordRisk& r);
nlohmann::json to_json(const RecordRisk& r);
/// One line: record, minutes scored, model provenance.
std::string summary_line(const RecordRisk& r);

}  // namespace scapredict::infer

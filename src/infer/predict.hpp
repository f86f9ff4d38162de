#pragma once
// Scoring a recording with a trained model, minute by minute. No training here.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/progress.hpp"
#include "dsp/segment.hpp"
#include "dsp/stream.hpp"
#include "engine/scorer.hpp"
#include "infer/alarm.hpp"

namespace scapredict::infer {

class PredictError : public Error {
 public:
  using Error::Error;
};

struct PredictOptions {
  std::string channel = "0";   ///< channel index or label (io::open_channel)
  dsp::QualityLimits quality;  ///< flat-line and saturation limits (the ADC range is the record's)
  std::string annotator;       ///< where to look for a VF onset; empty: atr, else ari, else none
  int threads = 0;             ///< threads for the minutes' spectra; 0: the machine's cores, <= 8
  std::int64_t chunk_samples = 1 << 16;  ///< samples read at a time (memory, not results)
  /// Return a record without a usable minute (every row flagged) instead of throwing
  /// PredictError (batches: such a record is scored, with nothing to score).
  bool allow_nothing_scored = false;
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
  std::string format;      ///< "WFDB", "EDF", "EDF+", "ISHNE"
  std::string channel;     ///< index and label, e.g. "0 (ECG)"
  double fs_hz = 0;        ///< the scored channel's sampling rate
  double frame_fs_hz = 0;  ///< annotation time base: WFDB's frame rate, else fs_hz
  double gain_adu_per_mv = 0;
  /// How the channel was recorded (io::recorder_signature; WFDB only, else empty).
  std::string recorder;
  bool simulated_record = false;  ///< a header comment says scapredict's simulator wrote it
  std::optional<double> onset_s;
  std::string onset_source;  ///< "header comment", "rhythm annotation", "VF marker"
  std::vector<MinuteRisk> minutes;
  nlohmann::json model;  ///< the model's provenance (architecture, data source, scored by, ...)
  std::vector<std::string> warnings;  ///< the record lies outside what the model saw in training
  bool model_trained_on_simulated_data() const;
  int scored() const;
};

/// Rates streamed minutes: quality flags, the VF onset, the VF-like rule, unlike_training and
/// the model's risk. Shared by predict_record and the live monitor.
class MinuteRater {
 public:
  MinuteRater(const engine::Scorer& model, std::string base_time, std::optional<double> onset_s,
              dsp::QualityLimits limits, int threads = 1);
  /// The rows of `minutes`, in order; the spectra are computed on up to `threads` threads, the
  /// model scores the usable minutes as one batch.
  std::vector<MinuteRisk> rate(const std::vector<dsp::StreamMinute>& minutes);
  /// Scored minutes flagged unlike_training so far.
  int unlike_training() const { return unlike_; }

 private:
  const engine::Scorer& model_;
  std::string base_time_;
  std::optional<double> onset_s_;
  dsp::QualityLimits limits_;
  int threads_ = 1;
  int unlike_ = 0;
};

/// The model's provenance for result files: architecture, features, data source, simulated,
/// training data, and how the probabilities are computed ("scored_by").
nlohmann::json provenance(const engine::Scorer& model);

/// Risk for every whole minute of `record` (options.channel at 128 Hz), read a stretch at a time
/// (memory does not grow with the record). Minutes at or after an annotated VF onset (flag
/// after_onset) and minutes whose 8-s windows look like VF (vf_like) are not scored; minutes far
/// from the training spectra are flagged unlike_training. Throws io::IoError for a bad record,
/// PredictError when there is nothing to score (shorter than a minute, or no usable minute: the
/// counts by reason are in the message). Progress: task "predict", unit "minute".
RecordRisk predict_record(const engine::Scorer& model, const std::filesystem::path& record,
                          const PredictOptions& options = {}, const ProgressFn& progress = {});

/// Warnings when the record lies outside what the model saw in training (a model trained on
/// SIMULATED data scoring a record the simulator did not write; rate, gain or recorder; most
/// scored minutes unlike the training minutes); appended to `out`.
void check_training_range(const RecordRisk& r, int unlike_minutes, std::vector<std::string>& out);

/// RFC 4180 CSV with '#' comment lines first (provenance, warnings); quality flags joined by ';'.
/// With `alarm`, a comment line with its settings and a last column (field "alarm" in JSON)
/// with its state after each minute (infer/alarm.hpp).
std::string to_csv(const RecordRisk& r, const AlarmConfig* alarm = nullptr);
nlohmann::json to_json(const RecordRisk& r, const AlarmConfig* alarm = nullptr);
/// One line: record, minutes scored, model provenance.
std::string summary_line(const RecordRisk& r);

}  // namespace scapredict::infer

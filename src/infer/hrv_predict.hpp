#pragma once
// Scoring a record with an HRV model (engine/hrv_model.hpp; the default model): every whole
// minute gets the model's probability for the HRV of the window that ends where the minute ends
// (5 minutes for the default model), from beats detected on the channel or read from an
// annotation file. The rows, flags and outputs are predict's (predict.hpp).
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "engine/hrv_model.hpp"
#include "infer/predict.hpp"

namespace scapredict::infer {

struct HrvPredictOptions {
  PredictOptions predict;
  /// Beats from this annotator's file (e.g. "atr") instead of QRS detection; then a WFDB record
  /// whose signal file is absent (beat annotations only) is scored from its header and beats.
  std::string beats_annotator;
  std::string model_file;  ///< as named by the user; empty: the default model compiled in
};

/// The model's provenance for result files (the meaning, its data, its leave-one-patient-out
/// AUROC, the file and checksum, how the beats were found).
nlohmann::json hrv_provenance(const engine::HrvModel& model, const HrvPredictOptions& options);

/// Risk for every whole minute of `record`. A minute is not scored when its own signal is not
/// usable (the flags of predict), in its first window_s - 60 s (flag hrv_window_incomplete), when
/// the window's beats give no usable HRV (flag hrv_unusable: too few NN intervals, too little
/// coverage); a scored minute whose HRV lies far from the training windows is flagged
/// unlike_training. Throws as predict_record does. Progress: task "predict", unit "minute".
RecordRisk predict_hrv_record(const engine::HrvModel& model, const std::filesystem::path& record,
                              const HrvPredictOptions& options = {},
                              const ProgressFn& progress = {});

}  // namespace scapredict::infer

#pragma once
// scapredict: risk of sudden cardiac arrest from Holter ECG, one minute at a time.
//
// Usage:
//
//   #include <scapredict/scapredict.hpp>
//
//   // 1. Open a WFDB record: header facts, no samples read yet.
//   scapredict::RecordInfo info = scapredict::open_record("sddb/30");
//
//   // 2. The DFT magnitude spectrum of one minute at 128 Hz (the model's input).
//   scapredict::Spectrum s = scapredict::minute_spectrum("sddb/30", 12);
//
//   // 3. The default model (HRV of 5-minute windows, trained on real SDDB/NSRDB beat
//   //    annotations; it separates patients and does not indicate imminent VF), or
//   //    Model::load("model.spm") for a model written by `scapredict train`.
//   scapredict::Model model = scapredict::Model::default_model();
//
//   // 4. Score every minute of a record.
//   scapredict::ScoreOptions options;
//   options.channel = 0;
//   scapredict::RecordScore r = scapredict::score_record(model, "sddb/30", options);
//   for (const scapredict::MinuteScore& m : r.minutes)
//     if (m.risk) std::printf("minute %d: %.3f\n", m.minute, *m.risk);  // model.meaning()
//
// Every function throws scapredict::Error, whose message is one line naming the file and the
// problem, for bad input (a missing or malformed record, a corrupt model, a minute outside the
// record). The library prints nothing.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scapredict/error.hpp"

namespace scapredict {

/// The library's version, "MAJOR.MINOR.PATCH".
const char* version();

/// One signal of a record, as its header describes it.
struct SignalInfo {
  std::string description;  ///< e.g. "ECG", "MLII"
  std::string units;        ///< physical units, "mV" unless the header says otherwise
  double gain_adu_per_mv = 0;
  int adc_resolution_bits = 0;
};

/// Header facts of a WFDB record.
struct RecordInfo {
  std::string name;
  double fs_hz = 0;
  std::int64_t n_frames = 0;  ///< samples per signal
  double duration_s = 0;
  std::string base_time;  ///< "HH:MM:SS" as written in the header; empty when absent
  std::vector<SignalInfo> signals;
  std::optional<double> vf_onset_s;  ///< from the header comment `vfon`, when present
};

/// Opens a record ("dir/name" or "dir/name.hea") and reads its header.
/// Requires: the header and its signal files exist. Ensures: no sample is read.
/// Throws: Error for a missing or malformed header or a missing signal file.
RecordInfo open_record(const std::filesystem::path& record);

struct SpectrumOptions {
  std::size_t bins = 1024;  ///< 128, 256, 512, 1024, 2048 or 4096
  int channel = 0;
};

/// The magnitude spectrum of one minute at 128 Hz: `bins` values covering 0-64 Hz.
struct Spectrum {
  std::vector<double> magnitude;  ///< |DFT| / 7680, averaged over each bin (docs/method.md)
  double bin_width_hz = 0;
  double start_s = 0;
  std::string quality;  ///< "ok", or the problems found (flat, saturated, bridged)
};

/// The spectrum of minute `minute` (0-based, [60 minute, 60 minute + 60) s) of `record`.
/// Throws: Error for a bad record, a minute outside it, a bad option or invalid samples.
Spectrum minute_spectrum(const std::filesystem::path& record, int minute,
                         const SpectrumOptions& options = {});

/// A trained model scored without LibTorch: the default HRV model, an HRV model file, or the
/// paper's CNN or the MLP baseline with its feature configuration (the inference engine).
class Model {
 public:
  /// Reads a model file written by `scapredict train` (a model container, or an HRV model file
  /// from `train --beats`).
  /// Throws: Error naming the file when it is missing, corrupt, of another format version, or of
  /// an architecture the engine does not run (the recurrent baselines: score those with
  /// `scapredict predict`, which hands them to its LibTorch part).
  static Model load(const std::filesystem::path& path);
  /// The model compiled into the library (docs/default-model.md): an SVM on HRV of 5-minute
  /// windows trained on every real SDDB and NSRDB beat annotation at hand when it was built.
  /// Ensures: meaning() says what its number separates.
  static Model default_model();
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  std::string architecture() const;  ///< "hrv-svm", "cnn1d" or "mlp"
  std::string input() const;         ///< "hrv", "dft", "raw", "dwt" or "spectrogram"
  /// What a risk of this model is, in words, with its validation when known (the first lines of
  /// `scapredict predict`'s output), one line each.
  std::vector<std::string> meaning() const;
  std::string data_source() const;  ///< what the model was trained on (says SIMULATED if so)
  std::string checksum() const;     ///< the model file's FNV-1a 64 checksum, 16 hex digits

 private:
  Model();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend struct ModelAccess;
};

/// How a record is scored. Quality limits decide which minutes are left unscored.
struct ScoreOptions {
  int channel = 0;
  double flat_window_s = 2.0;         ///< a window this long ...
  double flat_range_mv = 0.01;        ///< ... with a smaller peak-to-peak range is a flat line
  double saturation_fraction = 0.01;  ///< more samples than this at the ADC's limits: saturated
};

struct MinuteScore {
  int minute = 0;  ///< index from the record start
  double start_s = 0;
  std::optional<double> minutes_before_onset;  ///< when the record has a VF onset
  std::string quality;                         ///< "ok" or why the minute was not scored
  std::optional<double> risk;                  ///< P(SCD), uncalibrated, for usable minutes
};

struct RecordScore {
  std::string record;
  std::optional<double> vf_onset_s;
  std::vector<MinuteScore> minutes;  ///< every whole minute, in order
};

/// Scores every whole minute of `record` with `model`.
/// Ensures: one MinuteScore per whole minute; risk in [0, 1] exactly for the minutes whose
/// quality is usable. Throws: Error for a bad record or channel, or a model that does not fit.
RecordScore score_record(const Model& model, const std::filesystem::path& record,
                         const ScoreOptions& options = {});

}  // namespace scapredict

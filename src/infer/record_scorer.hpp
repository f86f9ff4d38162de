#pragma once
// What predict scores a record with, whatever the model: the minutes' spectra through an
// engine::Scorer (the DFT-CNN, the MLP), or HRV windows through an HRV model (the default
// model). Batches, the CLI and the public API hold one of these.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/progress.hpp"
#include "engine/hrv_model.hpp"
#include "engine/scorer.hpp"
#include "infer/minute_rows.hpp"
#include "infer/predict.hpp"

namespace scapredict::infer {

class RecordScorer {
 public:
  virtual ~RecordScorer() = default;
  /// The record's rows (predict_record or predict_hrv_record).
  virtual RecordRisk score(const std::filesystem::path& record, const PredictOptions& options,
                           const ProgressFn& progress = {}) const = 0;
  /// One line of provenance: the model, its training data, how it scores, its file and checksum.
  virtual std::string comment() const = 0;
  /// The model file as the user named it ("built-in default model" for the default).
  virtual const std::string& file() const = 0;
  /// Minutes into rows for the live monitor, as score() makes them (minute_rows.hpp).
  virtual std::unique_ptr<MinuteRows> live_rows(MinuteContext context) const = 0;
  /// The model's provenance for a result's header (as RecordRisk::model holds it).
  virtual nlohmann::json provenance() const = 0;
  /// The spectrum model behind it, or nullptr for an HRV model.
  virtual const engine::Scorer* spectrum() const { return nullptr; }
};

/// One line of provenance of a spectrum model: architecture, training data, how it scores, its
/// file and checksum.
std::string model_comment(const engine::Scorer& m, const std::string& file);

/// `model` scoring the minutes' spectra; `file` as named.
std::unique_ptr<RecordScorer> spectrum_record_scorer(std::shared_ptr<const engine::Scorer> model,
                                                     std::string file);
/// An HRV model scoring its windows (5 minutes for the default model); beats detected, or from
/// the annotator the options name (--annotator). `file` empty: the default model.
std::unique_ptr<RecordScorer> hrv_record_scorer(engine::HrvModel model, std::string file);

/// True when the file at `path` is an HRV model file (JSON) rather than a model container.
bool is_hrv_model_file(const std::filesystem::path& path);

/// How a model container becomes a spectrum Scorer (engine::open_scorer by default; the tools
/// that link LibTorch fall back to it for the recurrent networks).
using SpectrumOpener =
    std::function<std::unique_ptr<engine::Scorer>(const std::filesystem::path& path)>;

/// The one way a model file is opened for scoring records: an HRV model file (JSON), else a
/// model container through `open_spectrum`; `path` empty is the default model compiled in.
/// Throws engine::ModelError or EngineError "<path>: <problem>".
std::unique_ptr<RecordScorer> open_record_scorer(const std::filesystem::path& path,
                                                 const SpectrumOpener& open_spectrum = {});

/// The lines every result of `r` opens with: what the number is and what it separates (the
/// model's meaning and its leave-one-patient-out AUROC), or, for a model trained on simulated
/// data, that its numbers are not clinical. Each without a newline or '#'.
std::vector<std::string> meaning_lines(const RecordRisk& r);
/// The same lines from a model's provenance alone (RecordScorer::provenance()), for outputs
/// that stand for several records.
std::vector<std::string> meaning_lines(const nlohmann::json& model_provenance);

}  // namespace scapredict::infer

#pragma once
// What predict and monitor share: their flags, the model they open, stdout checks. Nothing here
// links LibTorch; a model the engine cannot score is handed to scapredict-lab (lab.hpp) before
// the command line is parsed.
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/progress.hpp"
#include "engine/scorer.hpp"
#include "infer/alarm.hpp"
#include "infer/predict.hpp"
#include "infer/record_scorer.hpp"

namespace scapredict::cli {

struct ScoreFlags {
  std::string model;
  infer::PredictOptions options;
  infer::AlarmConfig alarm;
};

/// Opens a model the engine cannot score (the lab's LibTorch loader); may be empty.
using ScorerLoader = std::function<std::unique_ptr<engine::Scorer>(const std::string& path)>;
/// Installs the loader open_model falls back to (scapredict-lab installs LibTorch's).
void set_model_fallback(ScorerLoader loader);
/// The model file through the scoring core (engine::open_scorer); a model that needs LibTorch
/// goes to the fallback when one is installed.
std::unique_ptr<engine::Scorer> open_model(const std::string& path);

/// The model to score records with: `path` empty is the default model (HRV, compiled in); an HRV
/// model file or a model container (through open_model) otherwise.
std::unique_ptr<infer::RecordScorer> open_record_scorer(const std::string& path);

/// --model, --channel, --threads, --alarm-on, --alarm-minutes, --alarm-off.
void add_score_flags(CLI::App* cmd, ScoreFlags& f);
/// The alarm's settings together (T_off <= T_on); a ValidationError naming --alarm-off.
void check_alarm(const infer::AlarmConfig& a);
/// Progress lines at most once a second, and only for work that takes longer than that.
ProgressFn throttled_progress();
/// stdout must take everything: a full disk or a closed pipe is an error, not exit 0.
void flush_stdout();
/// Two outputs of one run on the same path would leave only the last: a ValidationError.
void check_distinct(const std::vector<std::pair<std::string, std::string>>& outputs);
/// A record's warnings on stderr, one line each.
void print_warnings(const std::string& where, const std::vector<std::string>& warnings);

void add_predict_command(CLI::App& app);
void add_monitor_command(CLI::App& app);

}  // namespace scapredict::cli

#pragma once
// predict and monitor: scoring recordings with a trained model. They link no LibTorch, so that
// the small scapredict-score executable carries them; the full tool adds a LibTorch fallback for
// the models the engine does not run (the recurrent networks).
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "infer/scorer.hpp"

namespace scapredict::cli {

/// Loads a model the engine cannot score (no engine section); may be empty.
using ScorerLoader = std::function<std::unique_ptr<infer::Scorer>(const std::string& path)>;

void add_score_commands(CLI::App& app, ScorerLoader fallback);

/// The full tool's fallback: the model file through LibTorch (cmd_ml.cpp).
std::unique_ptr<infer::Scorer> load_classifier_scorer(const std::string& path);

}  // namespace scapredict::cli

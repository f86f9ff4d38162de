// scapredict-score: predict and monitor without LibTorch (docs/engine.md). It starts in a few
// milliseconds and scores the CNN and MLP models; `scapredict predict` also runs the others.
#include <CLI/CLI.hpp>

#include "cli_main.hpp"
#include "scapredict/version.hpp"
#include "score.hpp"

int main(int argc, char** argv) {
  CLI::App app{"scapredict-score: risk of sudden cardiac arrest per minute, without LibTorch"};
  app.option_defaults()->always_capture_default();
  app.set_version_flag("--version", std::string("scapredict-score ") + scapredict::kVersion);
  app.require_subcommand(1);
  scapredict::cli::add_score_commands(app, {});
  return scapredict::cli::run_main(app, argc, argv);
}

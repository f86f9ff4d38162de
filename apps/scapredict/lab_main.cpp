// scapredict-lab: every command of scapredict, the ones that train included (LibTorch). The
// scapredict executable hands these to it with the same arguments (lab.hpp); run directly it
// behaves the same, and also scores every architecture through LibTorch.
#include <CLI/CLI.hpp>

#include "cli_main.hpp"
#include "commands.hpp"
#include "model/classifier_scorer.hpp"
#include "scapredict/version.hpp"
#include "score_flags.hpp"
#ifdef SCAPREDICT_HAVE_MPI
#include "mpi_run.hpp"
#endif

int main(int argc, char** argv) {
  using namespace scapredict::cli;
  CLI::App app{"scapredict: sudden cardiac arrest prediction from Holter ECG"};
  app.option_defaults()->always_capture_default();  // --help shows every default
  app.set_version_flag("--version", std::string("scapredict ") + scapredict::kVersion);
  app.require_subcommand(1);
  add_io_commands(app);
  add_sim_commands(app);
  add_ml_commands(app);
  add_audit_command(app);
  add_beats_commands(app);
  add_hrv_command(app);
  add_download_command(app);
  add_predict_command(app);
  add_monitor_command(app);
  add_alarms_command(app);
  set_model_fallback(
      [](const std::string& path) { return scapredict::model::load_classifier_scorer(path); });
#ifdef SCAPREDICT_HAVE_MPI
  return run_main_maybe_mpi(app, argc, argv);
#else
  return run_main(app, argc, argv);
#endif
}

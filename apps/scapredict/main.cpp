// scapredict: command-line front end. Parses flags, calls one library function, prints.
// Every failure is one line, `scapredict: FILE-or-FLAG: problem`, and exit code 2.
#include <CLI/CLI.hpp>

#include "cli_main.hpp"
#include "commands.hpp"
#ifdef SCAPREDICT_HAVE_MPI
#include "mpi_run.hpp"
#endif
#include "scapredict/version.hpp"
#include "score.hpp"

int main(int argc, char** argv) {
  CLI::App app{"scapredict: sudden cardiac arrest prediction from Holter ECG"};
  app.option_defaults()->always_capture_default();  // --help shows every default
  app.set_version_flag("--version", std::string("scapredict ") + scapredict::kVersion);
  app.require_subcommand(1);
  scapredict::cli::add_io_commands(app);
  scapredict::cli::add_sim_commands(app);
  scapredict::cli::add_ml_commands(app);
  scapredict::cli::add_audit_command(app);
  scapredict::cli::add_beats_commands(app);
  scapredict::cli::add_hrv_command(app);
  scapredict::cli::add_download_command(app);
  scapredict::cli::add_score_commands(app, scapredict::cli::load_classifier_scorer);
#ifdef SCAPREDICT_HAVE_MPI
  return scapredict::cli::run_main_maybe_mpi(app, argc, argv);
#else
  return scapredict::cli::run_main(app, argc, argv);
#endif
}

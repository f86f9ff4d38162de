// scapredict: command-line front end. Parses flags, calls one library function, prints.
// Every failure is one line, `scapredict: FILE-or-FLAG: problem`, and exit code 2.
// This executable links no LibTorch: scoring (predict, monitor), records (inspect, spectrum),
// beats (qrs, bxb, hrv). The commands that train, and every run under an MPI launcher, are
// handed to scapredict-lab beside it (lab.hpp).
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "cli_main.hpp"
#include "commands.hpp"
#include "common/error.hpp"
#include "common/workers.hpp"
#include "lab.hpp"
#include "scapredict/version.hpp"
#include "score_flags.hpp"

int main(int argc, char** argv) {
  using namespace scapredict::cli;
  remember_argv(argv);
  if (argc > 1 && (is_lab_command(argv[1]) || scapredict::launched_by_mpi())) {
    try {
      exec_lab(argv);
    } catch (const scapredict::Error& e) {
      std::cerr << "scapredict: " << e.what() << "\n";
      return 2;
    }
  }
  CLI::App app{"scapredict: sudden cardiac arrest prediction from Holter ECG"};
  app.option_defaults()->always_capture_default();  // --help shows every default
  app.set_version_flag("--version", std::string("scapredict ") + scapredict::kVersion);
  app.require_subcommand(1);
  add_io_commands(app);
  add_beats_commands(app);
  add_hrv_command(app);
  add_predict_command(app);
  add_monitor_command(app);
  add_alarms_command(app);
  add_lab_placeholders(app);
  // A model the engine cannot score (a recurrent network) is scored by the lab, through LibTorch.
  set_model_fallback(
      [](const std::string&) -> std::unique_ptr<scapredict::engine::Scorer> { exec_lab(); });
  return run_main(app, argc, argv);
}

// scapredict: command-line front end. Parses flags, calls one library function, prints.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "common/error.hpp"
#include "scapredict/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"scapredict: sudden cardiac arrest prediction from Holter ECG"};
  app.set_version_flag("--version", std::string("scapredict ") + scapredict::kVersion);
  app.require_subcommand(1);
  scapredict::cli::add_io_commands(app);
  scapredict::cli::add_sim_commands(app);
  scapredict::cli::add_ml_commands(app);
  scapredict::cli::add_audit_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const scapredict::Error& e) {
    std::cerr << "scapredict: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "scapredict: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

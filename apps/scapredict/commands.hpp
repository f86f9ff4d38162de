#pragma once
// Each command registers its flags on the CLI11 app and returns the callback that runs it.
#include <CLI/CLI.hpp>

namespace scapredict::cli {
void add_io_commands(CLI::App& app);
void add_sim_commands(CLI::App& app);
void add_ml_commands(CLI::App& app);
void add_audit_command(CLI::App& app);
}  // namespace scapredict::cli

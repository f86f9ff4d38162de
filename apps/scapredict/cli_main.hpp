#pragma once
// Parsing and running a command line with the project's error contract.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace scapredict::cli {

/// Parses argv into `app` and runs the chosen command. Returns the exit code: 0, 2 for bad input
/// of any kind (one line on stderr: "scapredict: FILE-or-FLAG: problem"), 1 for an internal error.
/// With `say_error`, the line (without its newline) goes there instead of to stderr.
int run_main(CLI::App& app, int argc, char** argv,
             const std::function<void(const std::string&)>& say_error = {});

}  // namespace scapredict::cli

#pragma once
// scapredict hands the commands that train (and anything run under an MPI launcher) to
// scapredict-lab, the part that links LibTorch, as git hands `git foo` to git-foo: the same
// arguments, the same process (exec), so the flags, messages and exit codes are the lab's.
// scapredict itself maps no LibTorch (docs/architecture.md).
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace scapredict::cli {

/// The commands only scapredict-lab runs (train, evaluate, reproduce, search, audit, simulate,
/// download).
bool is_lab_command(std::string_view name);

/// Registers each lab command on the lean app with its one-line description, so that
/// `scapredict --help` lists every command; its flags are the lab's (`scapredict CMD --help`).
void add_lab_placeholders(CLI::App& app);

/// Replaces this process with scapredict-lab (beside this executable) on the same argv.
/// Returns only when that cannot be done; throws Error "scapredict-lab: <problem>" then.
[[noreturn]] void exec_lab(char** argv);

/// Remembers argv for a later exec_lab (a model the engine cannot score).
void remember_argv(char** argv);
/// exec_lab with the remembered argv.
[[noreturn]] void exec_lab();

}  // namespace scapredict::cli

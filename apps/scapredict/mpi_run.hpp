#pragma once
// scapredict under mpirun or srun (docs/mpi.md): the processes share the work of search,
// reproduce, audit and predict; the first one prints and writes, and the run ends with one
// error line however many processes saw it.
#include <CLI/CLI.hpp>

namespace scapredict::cli {

/// Runs `app` as one process of an MPI run when a launcher started this process, and as
/// run_main otherwise. Returns the exit code.
int run_main_maybe_mpi(CLI::App& app, int argc, char** argv);

}  // namespace scapredict::cli

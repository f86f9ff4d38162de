#pragma once
// Each command registers its flags on the CLI11 app and a callback that runs it.
#include <CLI/CLI.hpp>

#include "common/run_config.hpp"

namespace scapredict::cli {
void add_io_commands(CLI::App& app);
void add_sim_commands(CLI::App& app);
void add_ml_commands(CLI::App& app);
void add_audit_command(CLI::App& app);
/// qrs (QRS detection into a WFDB annotation file) and bxb (EC57 beat-by-beat comparison).
void add_beats_commands(CLI::App& app);
/// hrv: heart-rate variability per window from beat annotations.
void add_hrv_command(CLI::App& app);
/// alarms: the alarm evaluation of risk series (docs/alarms.md).
void add_alarms_command(CLI::App& app);
/// download: a PhysioNet database (sddb, nsrdb, mitdb) into DIR/<db>/, verified (docs/download.md).
void add_download_command(CLI::App& app);

/// train --beats DIR: the default HRV model from the beat annotations in `dir`, into `out`.
void train_default_model(const std::string& dir, const std::string& out);
/// reproduce --beats DIR: the study on the real beat annotations in `dir` into `out`
/// (REAL_REPORT.md); `repetitions_given`: run.repetitions replaces the pre-registered 20.
void run_real_beats(const std::string& dir, const RunConfig& run, bool repetitions_given,
                    const std::string& out);

/// --seed, --repetitions, --epochs, --threads into `run` (repetitions only when asked).
void add_run_flags(CLI::App* cmd, RunConfig& run, bool repetitions);
/// Applies run.threads to LibTorch and stores the count in force back into it.
void apply_threads(RunConfig& run);
}  // namespace scapredict::cli

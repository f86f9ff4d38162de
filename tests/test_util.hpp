#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/simulate.hpp"

namespace scapredict::testing {

/// ../shared/physionet, or $SCAPREDICT_PHYSIONET; nullopt when absent.
std::optional<std::filesystem::path> physionet_dir();

/// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
/// Runs the scapredict executable with `args`, without a shell (every argument reaches it
/// literally), stdin from /dev/null; stdout and stderr are captured. exit_code is -1 when the
/// program died from a signal or ran past the time limit (540 s) and was killed.
CliResult run_cli(const std::vector<std::string>& args);
/// The same for any executable (`program`), with stdin read from `stdin_path`.
CliResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::string& stdin_path = "/dev/null");
/// Path of the scapredict executable.
std::string cli_path();
/// Path of scapredict-lab, the part of the tool that links LibTorch (the commands that train).
std::string lab_cli_path();

/// Knobs of a small simulated cohort in `dir`: `patients` SDDB and `patients` NSRDB records,
/// `hours_before_onset` before each onset, 0.01 h after it, `nsrdb_hours` per normal record, two
/// threads, no progress. Callers run sim::simulate on it.
sim::SimConfig small_sim(const std::filesystem::path& dir, double risk_effect, double device_gap,
                         double hours_before_onset, double nsrdb_hours, int patients);

void write_bytes(const std::filesystem::path& p, const std::vector<unsigned char>& bytes);
void write_text(const std::filesystem::path& p, const std::string& text);

}  // namespace scapredict::testing

#define SKIP_WITHOUT_PHYSIONET(var)                                          \
  auto var##_opt = ::scapredict::testing::physionet_dir();                   \
  if (!var##_opt)                                                            \
    GTEST_SKIP() << "real PhysioNet data not found (../shared/physionet or " \
                    "$SCAPREDICT_PHYSIONET); skipping real-data check";      \
  const std::filesystem::path var = *var##_opt

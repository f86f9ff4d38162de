#pragma once
// Which data a command runs on: --data, else data/physionet, else the simulated default cohort.
#include <filesystem>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "data/cohort.hpp"

namespace scapredict::cli {

/// The --data and --cache flags of every command that trains or evaluates.
struct DataFlags {
  std::string data;
  std::string cache = ".cache";
  std::string onsets;
  void add(CLI::App* cmd);
};

/// Loads the cohort the flags name: --data when given; else data/physionet if it holds sddb/ and
/// nsrdb/; else the simulated default cohort in the cache (generated once, reused afterwards).
/// Says on stderr which it uses.
data::Cohort load_data(const DataFlags& flags);

}  // namespace scapredict::cli

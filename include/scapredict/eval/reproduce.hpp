#pragma once
// `scapredict reproduce`: the paper's figures and tables from our own runs (results/REPORT.md).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scapredict/eval/metrics.hpp"
#include "scapredict/train/experiment.hpp"

namespace scapredict::eval {

struct ReproduceConfig {
  std::optional<std::filesystem::path> data;  ///< none: data/physionet, else the simulated cohort
  std::filesystem::path out = "results";
  std::filesystem::path cache = ".cache";
  std::uint64_t seed = 1;
  int repetitions = 10;
  int epochs = 40;
  bool progress = true;
};

/// Runs every experiment of the report and writes REPORT.md, results.json and PNG figures into
/// config.out. Returns results.json's content.
nlohmann::json reproduce(const ReproduceConfig& config);

/// Draws a line chart with gnuplot: `series` are (title, x, y, ylo, yhi) with error bars.
/// Returns false (and writes nothing) when gnuplot is not available.
struct Series {
  std::string title;
  std::vector<double> x, y, lo, hi;
  /// Adds the point (x, 100 mean) with its interval in percent, clipped to [0, 100]; a NaN mean
  /// adds nothing.
  void add(double x, const MeanCi& m);
};
/// Accuracy by horizon of an experiment, in percent with 95 % CIs.
Series accuracy_series(const train::ExperimentResult& r, const std::string& title);
bool plot_png(const std::filesystem::path& png, const std::string& title, const std::string& xlabel,
              const std::string& ylabel, const std::vector<Series>& series, bool log2_x = false);

}  // namespace scapredict::eval

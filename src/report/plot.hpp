#pragma once
// Line charts with gnuplot, run without a shell; every string is escaped for gnuplot.
#include <filesystem>
#include <string>
#include <vector>

#include "stats/metrics.hpp"
#include "train/experiment.hpp"

namespace scapredict::report {

/// One line with error bars: points (x, y) with the interval [lo, hi].
struct Series {
  std::string title;
  std::vector<double> x, y, lo, hi;
  /// Adds the point (x, 100 mean) with its interval in percent, clipped to [0, 100]; a NaN mean
  /// adds nothing.
  void add(double x, const stats::MeanCi& m);
};

/// Accuracy by horizon of an experiment, in percent with 95 % CIs.
Series accuracy_series(const train::ExperimentResult& r, const std::string& title);

/// A gnuplot single-quoted string literal holding `text`: quotes doubled, control characters and
/// invalid bytes replaced by '?'.
std::string gnuplot_quote(const std::string& text);

/// Draws `series` into `png` (written aside and renamed into place). Returns false, writing
/// nothing, when gnuplot is not installed or fails.
bool plot_png(const std::filesystem::path& png, const std::string& title, const std::string& xlabel,
              const std::string& ylabel, const std::vector<Series>& series, bool log2_x = false);

}  // namespace scapredict::report

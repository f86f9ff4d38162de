#pragma once
// Line charts with gnuplot, run without a shell; every string is escaped for gnuplot.
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stats/metrics.hpp"

namespace scapredict::report {

/// One line of a chart: points (x, y) with the interval [lo, hi].
struct Series {
  enum class Style { kErrorLines, kPoints, kLines };
  std::string title;
  std::vector<double> x, y, lo, hi;
  Style style = Style::kErrorLines;
  /// Adds the point (x, 100 mean) with its interval in percent, clipped to [0, 100]; a NaN mean
  /// adds nothing.
  void add(double x, const stats::MeanCi& m);
  /// Adds a point without an interval; a NaN y breaks the line there.
  void add(double x, double y);
};

/// A horizontal reference line.
struct HLine {
  double y = 0;
  std::string title;
};

struct Chart {
  Chart() = default;
  Chart(std::string title_, std::string xlabel_, std::string ylabel_,
        std::vector<Series> series_ = {}, std::vector<HLine> hlines_ = {})
      : title(std::move(title_)),
        xlabel(std::move(xlabel_)),
        ylabel(std::move(ylabel_)),
        series(std::move(series_)),
        hlines(std::move(hlines_)) {}
  std::string title, xlabel, ylabel;
  std::vector<Series> series;
  std::vector<HLine> hlines;
  bool log2_x = false;
  /// y axis range; none: from the data with a margin, within [0, 100].
  std::optional<std::pair<double, double>> yrange;
  bool x_clock = false;  ///< x values are seconds since midnight, shown as HH:MM
};

/// A gnuplot single-quoted string literal holding `text` (where gnuplot substitutes nothing):
/// ' becomes the typographic apostrophe U+2019, control characters '?'.
std::string gnuplot_quote(const std::string& text);

/// The gnuplot script that draws `chart` into `png` (what plot_png runs).
std::string gnuplot_script(const Chart& chart, const std::filesystem::path& png);

/// Draws `chart` into `png` (written aside and renamed into place). Returns false, writing
/// nothing, when gnuplot is not installed or fails.
bool plot_png(const std::filesystem::path& png, const Chart& chart);

}  // namespace scapredict::report

#pragma once
// REPORT.md, results.json and the figures of `scapredict reproduce`.
#include <filesystem>
#include <string>

#include "eval/paper/reproduce.hpp"
#include "report/plot.hpp"

namespace scapredict::report {

/// The markdown of REPORT.md; figures are linked when `figures` says they were drawn.
struct ReproduceFigures {
  bool fig3 = false, fig4 = false, fig5 = false;
};
std::string reproduce_markdown(const eval::ReproduceResult& result,
                               const ReproduceFigures& figures);

/// Writes REPORT.md, results.json and the PNG figures into `out` (created if needed; each file
/// written aside and renamed into place).
void write_reproduce_report(const eval::ReproduceResult& result, const std::filesystem::path& out);

/// Accuracy by horizon of an experiment, in percent with 95 % CIs.
Series accuracy_series(const train::ExperimentResult& r, const std::string& title);

}  // namespace scapredict::report

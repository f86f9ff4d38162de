#include "report/lopo_report.hpp"

#include <cstdio>
#include <sstream>

#include "report/plot.hpp"

namespace scapredict::report {
namespace fs = std::filesystem;

// Probe 6's section of AUDIT.md, with its figures written next to it.
// `title` heads the section; figures are written to out/<stem>_reliability.png and
// out/<stem>_horizons.png.
std::string lopo_markdown(const eval::LopoResult& r, const fs::path& out, const std::string& title,
                          const std::string& stem) {
  std::ostringstream md;
  char brier_text[64];
  std::snprintf(brier_text, sizeof brier_text, "%.3f [%.3f, %.3f]", r.brier.mean, r.brier.lo,
                r.brier.hi);
  md << title << "\n\n"
     << r.patients << " patients held out, " << r.minutes << " out-of-fold minutes. "
     << "AUROC " << stats::percent_ci(r.auroc) << ", accuracy " << stats::percent_ci(r.accuracy)
     << ", Brier score " << brier_text << " (0 is perfect; 0.25 is a constant 0.5).\n\n";
  if (!r.skipped.empty()) {
    md << "Patients without a usable test minute (not held out): ";
    for (std::size_t i = 0; i < r.skipped.size(); ++i) md << (i ? ", " : "") << r.skipped[i];
    md << ".";
  }
  if (!r.rejected.empty()) {
    md << " Unusable minutes left out:";
    for (const auto& [why, n] : r.rejected) md << " " << n << " (" << why << ")";
    md << ".";
  }
  md << "\n\n";
  md << "| minutes before VF | AUROC (vs all normal minutes) | accuracy |\n|---|---|---|\n";
  Series auc_series{"AUROC", {}, {}, {}, {}}, acc_series{"accuracy", {}, {}, {}, {}};
  for (const auto& h : r.horizons) {
    md << "| " << h.horizon << " | " << stats::percent_ci(h.auroc) << " | "
       << stats::percent_ci(h.accuracy) << " |\n";
    auc_series.add(h.horizon, h.auroc);
    acc_series.add(h.horizon, h.accuracy);
  }
  md << "\nReliability (10 bins of P(SCD); observed = fraction of SCD minutes, Wilson 95 % "
        "interval):\n\n| P(SCD) bin | minutes | mean P | observed |\n|---|---|---|---|\n";
  Series rel{"observed (Wilson 95 %)", {}, {}, {}, {}}, diag{"perfect calibration", {}, {}, {}, {}};
  for (const auto& b : r.reliability) {
    char line[160];
    if (b.n == 0) {
      std::snprintf(line, sizeof line, "| %.1f-%.1f | 0 | - | - |\n", b.lo, b.hi);
    } else {
      std::snprintf(line, sizeof line, "| %.1f-%.1f | %d | %.3f | %.3f [%.3f, %.3f] |\n", b.lo,
                    b.hi, b.n, b.mean_p, b.observed, b.observed_lo, b.observed_hi);
      rel.add(100 * b.mean_p, stats::MeanCi{b.observed, b.observed_lo, b.observed_hi, 0, b.n});
    }
    md << line;
  }
  for (double v : {0.0, 1.0}) diag.add(100 * v, stats::MeanCi{v, v, v, 0, 0});
  md << "\nPer patient (out-of-fold minutes on the wrong side of P = 0.5):\n\n| patient | group | "
        "wrong / minutes | mean P(SCD) |\n|---|---|---|---|\n";
  for (const auto& p : r.per_patient) {
    char line[160];
    std::snprintf(line, sizeof line, "| %s | %s | %d / %d | %.3f |\n", p.id.c_str(),
                  p.scd ? "SCD" : "normal", p.wrong, p.minutes, p.mean_p);
    md << line;
  }
  md << "\n";
  const std::string reliability_png = stem + "_reliability.png",
                    horizons_png = stem + "_horizons.png";
  diag.style = Series::Style::kLines;
  Chart reliability_chart{"Leave-one-patient-out reliability (" + stem + ")",
                          "mean predicted P(SCD) %",
                          "observed SCD fraction %",
                          {rel, diag}};
  reliability_chart.yrange = std::make_pair(0.0, 105.0);
  if (plot_png(out / reliability_png, reliability_chart))
    md << "![reliability](" << reliability_png << ")\n\n";
  if (plot_png(out / horizons_png, Chart{"Leave-one-patient-out by horizon (" + stem + ")",
                                         "minutes before VF onset",
                                         "%",
                                         {auc_series, acc_series},
                                         {{50.0, "chance"}}}))
    md << "![by horizon](" << horizons_png << ")\n\n";
  return md.str();
}

}  // namespace scapredict::report

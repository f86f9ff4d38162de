#include "report/search_report.hpp"

#include <cstdio>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "scapredict/version.hpp"

namespace scapredict::report {

namespace {

std::string candidate_text(const eval::Candidate& c) {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "conv %d x k%d s%d, pool %d, dense %d, dropout %.2f; lr %.1e, %d epochs; %zu bins",
                c.cnn.filters, c.cnn.kernel, c.cnn.stride, c.cnn.pool, c.cnn.dense, c.cnn.dropout,
                c.learning_rate, c.epochs, c.bins);
  return buf;
}

std::string method_name(eval::SearchMethod m) {
  switch (m) {
    case eval::SearchMethod::kBayes:
      return "Bayesian optimisation (GP, expected improvement)";
    case eval::SearchMethod::kRandom:
      return "random search";
    case eval::SearchMethod::kDlib:
      return "dlib find_max_global";
    case eval::SearchMethod::kPaper:
      return "the paper's network (no search)";
  }
  return "?";
}

}  // namespace

std::string search_markdown(const eval::SearchResult& r) {
  std::ostringstream md;
  md << "Data: " << (r.simulated ? "SIMULATED: " : "") << r.data_source << "\n\n";
  md << "# Architecture search, nested and patient-disjoint\n\n";
  md << r.scd_patients << " SCD and " << r.normal_patients << " normal patients, " << r.minutes
     << " minutes (SCD: the " << r.protocol.train_minutes
     << " minutes before onset; normal: as many random minutes). " << r.config.outer_folds
     << " outer folds by patient; in each, every method searches on " << r.config.inner_folds
     << " inner folds of the outer training patients (mean AUROC), and its best candidate, "
        "retrained on all of them, is scored on the outer fold's patients. Only these outer "
        "numbers are reported as results; the inner ones chose.\n\n";
  md << "Budget: " << r.config.trials
     << " trials per method and outer fold (the paper's network: one). Seed " << r.run.seed
     << ".\n\n";
  md << "| method | outer AUROC % | outer accuracy % | trials evaluated (from journal) | time s "
        "|\n|---|---|---|---|---|\n";
  for (const auto& m : r.methods) {
    char t[32];
    std::snprintf(t, sizeof t, "%.1f", m.seconds);
    md << "| " << method_name(m.method) << " | " << stats::percent_ci(m.outer_auroc) << " | "
       << stats::percent_ci(m.outer_accuracy) << " | " << m.trials_evaluated << " ("
       << m.trials_from_journal << ") | " << t << " |\n";
  }
  md << "\n## Chosen per outer fold\n\n| method | fold | chosen | inner AUROC % | outer AUROC % | "
        "test patients / minutes |\n|---|---|---|---|---|---|\n";
  for (const auto& m : r.methods)
    for (const auto& f : m.folds) {
      char nums[96];
      std::snprintf(nums, sizeof nums, "%.1f | %.1f", 100 * f.inner_auroc, 100 * f.outer_auroc);
      md << "| " << eval::to_string(m.method) << " | " << f.fold + 1 << " | "
         << candidate_text(f.chosen) << " | " << nums << " | " << f.test_patients << " / "
         << f.test_minutes << " |\n";
    }
  char t[32];
  std::snprintf(t, sizeof t, "%.1f", r.seconds);
  md << "\n## Provenance\n\n- scapredict " << kVersion << "\n- data: " << r.data_source
     << "\n- seed " << r.run.seed << ", paper network's epochs " << r.run.epochs << "\n- run time "
     << t << " s\n- every trial is in search.json\n";
  return md.str();
}

void write_search_report(const eval::SearchResult& r, const std::filesystem::path& out) {
  create_output_dir(out);
  write_file_atomic(out / "search.json", json_text(r.to_json()));
  write_file_atomic(out / "SEARCH.md", search_markdown(r));
}

}  // namespace scapredict::report

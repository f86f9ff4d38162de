#include "report/reproduce_report.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "report/plot.hpp"
#include "scapredict/version.hpp"

namespace scapredict::report {

Series accuracy_series(const train::ExperimentResult& r, const std::string& title) {
  Series s;
  s.title = title;
  for (const auto& h : r.horizons) s.add(h.horizon, h.accuracy);
  return s;
}
namespace fs = std::filesystem;
using stats::percent_ci;

namespace {

const std::vector<std::size_t> kBins = {128, 256, 512, 1024, 2048, 4096};
const std::vector<std::string> kModels = {"cnn1d", "mlp", "lstm", "gru", "rnn"};

std::string at_or_na(const train::ExperimentResult& r, int h) {
  const auto* x = r.at(h);
  return x ? percent_ci(x->accuracy) : std::string("n/a");
}

// Where the data came from, for figure titles.
std::string data_tag(const eval::ReproduceResult& res) {
  return res.source.simulated ? " [SIMULATED data]" : " [REAL data]";
}

ReproduceFigures draw_figures(const eval::ReproduceResult& res, const fs::path& out) {
  ReproduceFigures f;
  Chart fig3{"Fig. 3: CNN on DFT-1024, accuracy vs minutes before VF" + data_tag(res),
             "minutes before VF onset",
             "accuracy (%)",
             {accuracy_series(res.at("cnn1d-dft1024"), "scapredict (mean, 95% CI)")},
             {{94.0, "paper: at least 94 % at every horizon"}}};
  f.fig3 = plot_png(out / "fig3_accuracy_vs_horizon.png", fig3);
  Chart fig4{"Fig. 4: accuracy at 60 min vs DFT bins" + data_tag(res), "bins", "accuracy (%)"};
  Series bins_series{"scapredict CNN, 60 min (mean, 95% CI)", {}, {}, {}, {}};
  for (std::size_t b : kBins) {
    if (const auto* h = res.at("cnn1d-dft" + std::to_string(b)).at(60))
      bins_series.add(double(b), h->accuracy);
  }
  Series paper4{"paper, 1024 bins (Tab. 2)", {}, {}, {}, {}, Series::Style::kPoints};
  paper4.add(1024, 94.5);
  fig4.series = {bins_series, paper4};
  fig4.log2_x = true;
  f.fig4 = plot_png(out / "fig4_accuracy_vs_bins.png", fig4);
  Chart fig5{"Fig. 5: CNN vs baselines on DFT-1024" + data_tag(res), "minutes before VF onset",
             "accuracy (%)"};
  for (const auto& m : kModels) fig5.series.push_back(accuracy_series(res.at(m + "-dft1024"), m));
  Series paper5{"paper CNN, 60 min (Tab. 2)", {}, {}, {}, {}, Series::Style::kPoints};
  paper5.add(60, 94.5);
  fig5.series.push_back(paper5);
  f.fig5 = plot_png(out / "fig5_models.png", fig5);
  return f;
}

void header_section(std::ostream& md, const eval::ReproduceResult& res) {
  const auto& pc = res.protocol;
  md << "Data: " << res.source.description << "\n\n";
  md << "# scapredict reproduction of the SDDB-vs-NSRDB SCA prediction protocol\n\n";
  if (res.source.simulated) {
    md << "**These numbers come from SIMULATED cohorts (`scapredict simulate`), not from patients. "
          "They test the pipeline and the evaluation; they say nothing clinical.**\n\n";
  }
  md << "Protocol: " << res.run.repetitions << " repetitions; per repetition " << pc.train_scd
     << " SCD patients x " << pc.train_minutes << " minutes before onset + " << pc.train_normal
     << " normals x " << pc.train_minutes << " random minutes for training; " << pc.test_scd
     << " other SCD + " << pc.test_normal
     << " other normals for testing, one minute per horizon (5..90 min). Patient-disjoint. Means "
        "with 95% CI (Student t over repetitions).\n\n";
  md << "Unusable minutes skipped (never used):";
  if (res.rejected_minutes.empty()) md << " none";
  for (const auto& [why, n] : res.rejected_minutes) md << " " << why << " = " << n << ";";
  md << "\n\n";
}

void main_sections(std::ostream& md, const eval::ReproduceResult& res, const ReproduceFigures& f) {
  const auto& main = res.at("cnn1d-dft1024");
  md << "## Tab. 2: CNN on DFT-1024 at 60 minutes before VF\n\n| | accuracy % | sensitivity % | "
        "specificity % | AUROC % |\n|---|---|---|---|---|\n";
  md << "| paper | 94.5 | 95.5 | 93.5 | not reported |\n";
  if (const auto* h = main.at(60)) {
    md << "| scapredict | " << percent_ci(h->accuracy) << " | " << percent_ci(h->sensitivity)
       << " | " << percent_ci(h->specificity) << " | " << percent_ci(h->auroc) << " |\n\n";
  }
  md << "## Fig. 3: accuracy vs minutes before VF (CNN, DFT-1024)\n\nPaper: at least 94% at every "
        "horizon.\n\n"
     << (f.fig3 ? "![Fig. 3](fig3_accuracy_vs_horizon.png)\n\n"
                : "(gnuplot not available: no PNG)\n\n");
  md << "| minutes before VF | accuracy % | sensitivity % | specificity % | AUROC % "
        "|\n|---|---|---|---|---|\n";
  for (const auto& h : main.horizons) {
    md << "| " << h.horizon << " | " << percent_ci(h.accuracy) << " | " << percent_ci(h.sensitivity)
       << " | " << percent_ci(h.specificity) << " | " << percent_ci(h.auroc) << " |\n";
  }
  md << "\n## Tab. 1: input representation at 60 minutes (CNN)\n\n| input | paper accuracy % | "
        "scapredict accuracy % |\n|---|---|---|\n";
  const std::vector<std::pair<std::string, std::string>> tab1 = {{"cnn1d-dft1024", "94.5"},
                                                                 {"cnn1d-spectrogram", "90"},
                                                                 {"cnn1d-raw", "54"},
                                                                 {"cnn1d-dwt", "52.5"}};
  for (const auto& [name, paper] : tab1)
    md << "| " << name.substr(6) << " | " << paper << " | " << at_or_na(res.at(name), 60) << " |\n";
  md << "\n## Fig. 4: DFT bins at 60 minutes (CNN)\n\n"
     << (f.fig4 ? "![Fig. 4](fig4_accuracy_vs_bins.png)\n\n" : "(no PNG)\n\n");
  md << "| bins | accuracy % |\n|---|---|\n";
  for (std::size_t b : kBins)
    md << "| " << b << " | " << at_or_na(res.at("cnn1d-dft" + std::to_string(b)), 60) << " |\n";
}

void compression_section(std::ostream& md, const eval::CompressionResult& c) {
  md << "\n## Compression of the CNN (the paper's future work)\n\n"
     << "The paper's CNN (DFT-1024) of each of " << c.repetitions
     << " repetitions, scored by the LibTorch-free engine (docs/engine.md) on its "
     << "repetition's test minutes (" << c.test_minutes
     << " in all). Pruning sets each layer's smallest-magnitude weights to zero; fine-tuning "
        "then trains "
     << c.config.fine_tune_epochs
     << " more epochs with them held at zero. int8 quantises the dense layers, calibrated on the "
        "training minutes. Time: one core, best of three passes, median over repetitions; it "
        "varies with the machine and its load.\n\n"
     << "| variant | weight bytes | zero weights % | MACs per minute | us per minute | accuracy % "
        "| AUROC % | AUROC change vs fp32 (points) | mean / max abs(P - P_fp32) |\n"
        "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : c.rows) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "| %zu | %.0f | %zu | %.1f | ", r.weight_bytes, 100 * r.sparsity,
                  r.macs, r.us_per_minute);
    char d[160];
    std::snprintf(d, sizeof d, " | %+.2f [%+.2f, %+.2f] | %.4f / %.3f |", 100 * r.delta_auroc.mean,
                  100 * r.delta_auroc.lo, 100 * r.delta_auroc.hi, r.mean_abs_dp, r.max_abs_dp);
    md << "| " << r.variant << " " << buf << stats::percent_ci(r.accuracy) << " | "
       << stats::percent_ci(r.auroc) << d << "\n";
  }
  md << "\nBytes count what a store of the variant holds: 4 per fp32 weight, 1 per int8 weight "
        "plus the scales, and for a pruned engine 4 + 2 (an index) per non-zero weight. The "
        "engine still runs the dense loops over zero weights, so pruning alone does not make it "
        "faster.\n";
}

void model_sections(std::ostream& md, const eval::ReproduceResult& res, const ReproduceFigures& f) {
  md << "\n## Fig. 5: CNN vs baselines (DFT-1024)\n\n"
     << (f.fig5 ? "![Fig. 5](fig5_models.png)\n\n" : "(no PNG)\n\n");
  md << "| model | accuracy at 5 min % | at 60 min % | at 90 min % | training+test time s "
        "|\n|---|---|---|---|---|\n";
  for (const auto& m : kModels) {
    const auto& r = res.at(m + "-dft1024");
    char t[32];
    std::snprintf(t, sizeof t, "%.1f", r.seconds);
    md << "| " << m << " | " << at_or_na(r, 5) << " | " << at_or_na(r, 60) << " | "
       << at_or_na(r, 90) << " | " << t << " |\n";
  }
  const auto& main = res.at("cnn1d-dft1024");
  md << "\n## Patients most often misclassified (CNN, DFT-1024)\n\n| patient | wrong / total test "
        "minutes |\n|---|---|\n";
  std::vector<std::pair<double, std::string>> worst;
  for (const auto& [p, e] : main.patient_errors) worst.push_back({double(e.first) / e.second, p});
  std::sort(worst.rbegin(), worst.rend());
  for (std::size_t i = 0; i < std::min<std::size_t>(8, worst.size()); ++i) {
    const auto& e = main.patient_errors.at(worst[i].second);
    md << "| " << worst[i].second << " | " << e.first << " / " << e.second << " |\n";
  }
  compression_section(md, res.compression);
  char tbuf[64];
  std::snprintf(tbuf, sizeof tbuf, "%.1f", res.seconds);
  md << "\n## Provenance\n\n- scapredict " << kVersion << ", LibTorch " << TORCH_VERSION
     << "\n- data: " << res.source.description << "\n- protocol seed " << res.run.seed
     << ", training epochs " << res.run.epochs << "\n- run time " << tbuf
     << " s\n- every number above is in results.json with its configuration\n";
}

}  // namespace

std::string reproduce_markdown(const eval::ReproduceResult& res, const ReproduceFigures& f) {
  std::ostringstream md;
  header_section(md, res);
  main_sections(md, res, f);
  model_sections(md, res, f);
  return md.str();
}

void write_reproduce_report(const eval::ReproduceResult& res, const fs::path& out) {
  create_output_dir(out);
  const auto figures = draw_figures(res, out);
  write_file_atomic(out / "results.json", json_text(res.to_json()));
  write_file_atomic(out / "REPORT.md", reproduce_markdown(res, figures));
}

}  // namespace scapredict::report

#include "scapredict/eval/reproduce.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "scapredict/common/atomic_file.hpp"
#include "scapredict/train/experiment.hpp"
#include "scapredict/version.hpp"

namespace scapredict::eval {
namespace fs = std::filesystem;

void Series::add(double px, const MeanCi& m) {
  if (!std::isfinite(m.mean)) return;
  x.push_back(px);
  y.push_back(100 * m.mean);
  lo.push_back(100 * std::clamp(m.lo, 0.0, 1.0));
  hi.push_back(100 * std::clamp(m.hi, 0.0, 1.0));
}

Series accuracy_series(const train::ExperimentResult& r, const std::string& title) {
  Series s;
  s.title = title;
  for (const auto& h : r.horizons) s.add(h.horizon, h.accuracy);
  return s;
}

nlohmann::json reproduce(const ReproduceConfig& rc) {
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path data = cohort::resolve_data_dir(rc.data, rc.cache, 20240501);
  const auto cohort = cohort::load_cohort(data, cohort::default_onset_table());
  std::cerr << "reproduce: " << cohort.source.description << "\n";
  cohort::ProtocolConfig pc;
  pc.repetitions = rc.repetitions;
  pc.seed = rc.seed;
  const auto prepared = train::prepare_protocol(cohort, pc, rc.progress);

  auto base = [&](const std::string& name) {
    train::ExperimentConfig e;
    e.name = name;
    e.train.epochs = rc.epochs;
    e.train.seed = rc.seed;
    return e;
  };
  std::vector<train::ExperimentConfig> configs;
  configs.push_back(base("cnn1d-dft1024"));
  for (const char* in : {"spectrogram", "raw", "dwt"}) {
    auto e = base(std::string("cnn1d-") + in);
    e.features.input = cohort::parse_input_kind(in);
    configs.push_back(e);
  }
  for (std::size_t bins : {128u, 256u, 512u, 2048u, 4096u}) {
    auto e = base("cnn1d-dft" + std::to_string(bins));
    e.features.bins = bins;
    configs.push_back(e);
  }
  for (const char* a : {"mlp", "lstm", "gru", "rnn"}) {
    auto e = base(std::string(a) + "-dft1024");
    e.arch = model::parse_arch(a);
    configs.push_back(e);
  }
  std::map<std::string, train::ExperimentResult> res;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    std::cerr << "reproduce: experiment " << i + 1 << "/" << configs.size() << " ("
              << configs[i].name << ")\n";
    res.emplace(configs[i].name, train::run_experiment(cohort, prepared, configs[i], rc.progress));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  fs::create_directories(rc.out);
  // Figures.
  const auto& main = res.at("cnn1d-dft1024");
  const bool fig3 =
      plot_png(rc.out / "fig3_accuracy_vs_horizon.png",
               "Fig. 3: CNN on DFT-1024, accuracy vs minutes before VF", "minutes before VF onset",
               "accuracy (%)", {accuracy_series(main, "scapredict (mean, 95% CI)")});
  Series bins_series{"CNN, 60 min", {}, {}, {}, {}};
  for (std::size_t b : {128u, 256u, 512u, 1024u, 2048u, 4096u}) {
    const auto* h = res.at("cnn1d-dft" + std::to_string(b)).at(60);
    if (!h) continue;
    bins_series.add(double(b), h->accuracy);
  }
  const bool fig4 =
      plot_png(rc.out / "fig4_accuracy_vs_bins.png", "Fig. 4: accuracy at 60 min vs DFT bins",
               "bins", "accuracy (%)", {bins_series}, true);
  std::vector<Series> models;
  for (const char* m : {"cnn1d", "mlp", "lstm", "gru", "rnn"})
    models.push_back(accuracy_series(res.at(std::string(m) + "-dft1024"), m));
  const bool fig5 = plot_png(rc.out / "fig5_models.png", "Fig. 5: CNN vs baselines on DFT-1024",
                             "minutes before VF onset", "accuracy (%)", models);

  std::ostringstream md;
  md << "Data: " << cohort.source.description << "\n\n";
  md << "# scapredict reproduction of the SDDB-vs-NSRDB SCA prediction protocol\n\n";
  if (cohort.source.simulated) {
    md << "**These numbers come from SIMULATED cohorts (`scapredict simulate`), not from patients. "
          "They test the "
          "pipeline and the evaluation; they say nothing clinical.**\n\n";
  }
  md << "Protocol: " << pc.repetitions << " repetitions; per repetition " << pc.train_scd
     << " SCD patients x " << pc.train_minutes << " minutes before onset + " << pc.train_normal
     << " normals x " << pc.train_minutes << " random minutes for training; " << pc.test_scd
     << " other SCD + " << pc.test_normal
     << " other normals for testing, one minute per horizon (5..90 min). Patient-disjoint. Means "
        "with 95% CI "
        "(Student t over repetitions).\n\n";
  md << "Unusable minutes skipped (never used):";
  if (prepared.rejected.empty()) md << " none";
  for (const auto& [why, n] : prepared.rejected) md << " " << why << " = " << n << ";";
  md << "\n\n";

  md << "## Tab. 2: CNN on DFT-1024 at 60 minutes before VF\n\n| | accuracy % | sensitivity % | "
        "specificity % | AUROC % |\n|---|---|---|---|---|\n";
  md << "| paper | 94.5 | 95.5 | 93.5 | not reported |\n";
  if (const auto* h = main.at(60)) {
    md << "| scapredict | " << percent_ci(h->accuracy) << " | " << percent_ci(h->sensitivity)
       << " | " << percent_ci(h->specificity) << " | " << percent_ci(h->auroc) << " |\n\n";
  }
  md << "## Fig. 3: accuracy vs minutes before VF (CNN, DFT-1024)\n\nPaper: at least 94% at every "
        "horizon.\n\n"
     << (fig3 ? "![Fig. 3](fig3_accuracy_vs_horizon.png)\n\n"
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
  for (const auto& [name, paper] : tab1) {
    const auto* h = res.at(name).at(60);
    md << "| " << name.substr(6) << " | " << paper << " | " << (h ? percent_ci(h->accuracy) : "n/a")
       << " |\n";
  }
  md << "\n## Fig. 4: DFT bins at 60 minutes (CNN)\n\n"
     << (fig4 ? "![Fig. 4](fig4_accuracy_vs_bins.png)\n\n" : "(no PNG)\n\n");
  md << "| bins | accuracy % |\n|---|---|\n";
  for (std::size_t b : {128u, 256u, 512u, 1024u, 2048u, 4096u}) {
    const auto* h = res.at("cnn1d-dft" + std::to_string(b)).at(60);
    md << "| " << b << " | " << (h ? percent_ci(h->accuracy) : "n/a") << " |\n";
  }
  md << "\n## Fig. 5: CNN vs baselines (DFT-1024)\n\n"
     << (fig5 ? "![Fig. 5](fig5_models.png)\n\n" : "(no PNG)\n\n");
  md << "| model | accuracy at 5 min % | at 60 min % | at 90 min % | training+test time s "
        "|\n|---|---|---|---|---|\n";
  for (const char* m : {"cnn1d", "mlp", "lstm", "gru", "rnn"}) {
    const auto& r = res.at(std::string(m) + "-dft1024");
    auto at = [&](int h) {
      const auto* x = r.at(h);
      return x ? percent_ci(x->accuracy) : std::string("n/a");
    };
    char t[32];
    std::snprintf(t, sizeof t, "%.1f", r.seconds);
    md << "| " << m << " | " << at(5) << " | " << at(60) << " | " << at(90) << " | " << t << " |\n";
  }
  md << "\n## Patients most often misclassified (CNN, DFT-1024)\n\n| patient | wrong / total test "
        "minutes |\n|---|---|\n";
  std::vector<std::pair<double, std::string>> worst;
  for (const auto& [p, e] : main.patient_errors) worst.push_back({double(e.first) / e.second, p});
  std::sort(worst.rbegin(), worst.rend());
  for (std::size_t i = 0; i < std::min<std::size_t>(8, worst.size()); ++i) {
    const auto& e = main.patient_errors.at(worst[i].second);
    md << "| " << worst[i].second << " | " << e.first << " / " << e.second << " |\n";
  }
  char tbuf[64];
  std::snprintf(tbuf, sizeof tbuf, "%.1f", seconds);
  md << "\n## Provenance\n\n- scapredict " << kVersion << ", LibTorch " << TORCH_VERSION
     << "\n- data: " << cohort.source.description << "\n- protocol seed " << rc.seed
     << ", training epochs " << rc.epochs << "\n- run time " << tbuf
     << " s\n- every number above is in results.json with its configuration\n";

  nlohmann::json j = {
      {"data_source", cohort.source.description},
      {"simulated", cohort.source.simulated},
      {"simulator", cohort.source.knobs},
      {"scapredict_version", kVersion},
      {"torch_version", TORCH_VERSION},
      {"protocol", pc.to_json()},
      {"rejected_minutes", prepared.rejected},
      {"excluded_records", cohort.excluded},
      {"seconds", seconds},
      {"paper",
       {{"tab2_60min", {{"accuracy", 94.5}, {"sensitivity", 95.5}, {"specificity", 93.5}}},
        {"tab1_60min", {{"dft", 94.5}, {"spectrogram", 90}, {"raw", 54}, {"dwt", 52.5}}},
        {"fig3", "accuracy >= 94% at every horizon"}}}};
  for (const auto& [name, r] : res) j["experiments"][name] = r.to_json();
  write_file_atomic(rc.out / "results.json", j.dump(1));
  write_file_atomic(rc.out / "REPORT.md", md.str());
  return j;
}

}  // namespace scapredict::eval

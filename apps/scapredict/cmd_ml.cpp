// train, evaluate, predict, reproduce: the paper's method and its application.
#include <torch/torch.h>

#include <iostream>
#include <optional>

#include "commands.hpp"
#include "scapredict/common/atomic_file.hpp"
#include "scapredict/eval/audit.hpp"
#include "scapredict/eval/reproduce.hpp"
#include "scapredict/infer/predict.hpp"

namespace scapredict::cli {
namespace {

struct DataFlags {
  std::string data;
  std::string cache = ".cache";
  std::optional<std::filesystem::path> dir() const {
    return data.empty() ? std::nullopt : std::optional<std::filesystem::path>(data);
  }
  void add(CLI::App* cmd) {
    cmd->add_option("--data", data,
                    "Directory with sddb/ and nsrdb/ (PhysioNet layout); default: data/physionet, "
                    "else simulated");
    cmd->add_option("--cache", cache, "Where the simulated cohort is cached");
  }
};

}  // namespace

void add_ml_commands(CLI::App& app) {
  {
    auto* cmd = app.add_subcommand("train", "Train a model on the protocol's first training split");
    auto d = std::make_shared<DataFlags>();
    auto out = std::make_shared<std::string>();
    auto arch = std::make_shared<std::string>("cnn1d");
    auto input = std::make_shared<std::string>("dft");
    auto cfg = std::make_shared<train::ExperimentConfig>();
    auto seed = std::make_shared<std::uint64_t>(1);
    d->add(cmd);
    cmd->add_option("--out", *out, "Model file to write (.spm)")->required();
    cmd->add_option("--model", *arch, "cnn1d, mlp, lstm, gru, rnn");
    cmd->add_option("--input", *input, "dft, raw, dwt, spectrogram");
    cmd->add_option("--bins", cfg->features.bins, "DFT bins")
        ->check(CLI::IsMember({128, 256, 512, 1024, 2048, 4096}));
    cmd->add_option("--epochs", cfg->train.epochs, "Training epochs");
    cmd->add_option("--seed", *seed, "Protocol and training seed");
    cmd->callback([=] {
      cfg->arch = model::parse_arch(*arch);
      cfg->features.input = cohort::parse_input_kind(*input);
      cfg->train.seed = *seed;
      auto c = cohort::load_cohort(cohort::resolve_data_dir(d->dir(), d->cache, 20240501),
                                   cohort::default_onset_table());
      cohort::ProtocolConfig pc;
      pc.seed = *seed;
      auto clf = infer::train_model(c, pc, *cfg);
      clf.save(*out);
      std::cout << "Data: " << c.source.description << "\nmodel written to " << *out << "\n";
    });
  }
  {
    auto* cmd =
        app.add_subcommand("evaluate", "Score a model from `train` on its held-out patients");
    auto d = std::make_shared<DataFlags>();
    auto model = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    d->add(cmd);
    cmd->add_option("--model", *model, "Model file")->required();
    cmd->add_option("--out", *out, "Write JSON here as well");
    cmd->callback([=] {
      auto clf = model::Classifier::load(*model);
      auto c = cohort::load_cohort(cohort::resolve_data_dir(d->dir(), d->cache, 20240501),
                                   cohort::default_onset_table());
      auto j = infer::evaluate_model(c, clf);
      std::cout << "Data: " << c.source.description << "\n";
      std::cout << "minutes_before_onset accuracy sensitivity specificity auroc n\n";
      for (const auto& h : j["horizons"]) {
        std::cout << h["minutes_before_onset"] << " " << h["accuracy"] << " " << h["sensitivity"]
                  << " " << h["specificity"] << " " << h["auroc"] << " " << h["n"] << "\n";
      }
      if (!out->empty()) write_file_atomic(*out, j.dump(1));
    });
  }
  {
    auto* cmd = app.add_subcommand("predict", "Risk of every minute of a recording");
    auto record = std::make_shared<std::string>();
    auto model = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto plot = std::make_shared<std::string>();
    cmd->add_option("record", *record, "Record path")->required();
    cmd->add_option("--model", *model, "Model file")->required();
    cmd->add_option("--out", *out, "CSV (or .json) output; default stdout");
    cmd->add_option("--plot", *plot, "PNG risk timeline");
    cmd->callback([=] {
      auto clf = model::Classifier::load(*model);
      auto r = infer::predict_record(clf, *record);
      const bool json = out->size() > 5 && out->substr(out->size() - 5) == ".json";
      const std::string text = json ? infer::to_json(r).dump(1) : infer::to_csv(r);
      if (out->empty())
        std::cout << text;
      else
        write_file_atomic(*out, text);
      if (!plot->empty() && !infer::plot_risk(r, *plot))
        std::cerr << "predict: gnuplot not found, no PNG written\n";
    });
  }
  {
    auto* cmd =
        app.add_subcommand("reproduce", "Run the paper's protocol and write results/REPORT.md");
    auto d = std::make_shared<DataFlags>();
    auto cfg = std::make_shared<eval::ReproduceConfig>();
    auto out = std::make_shared<std::string>("results");
    d->add(cmd);
    cmd->add_option("--out", *out, "Output directory");
    cmd->add_option("--seed", cfg->seed, "Protocol seed");
    cmd->add_option("--repetitions", cfg->repetitions, "Repetitions (paper: 10)");
    cmd->add_option("--epochs", cfg->epochs, "Training epochs");
    cmd->callback([=] {
      cfg->data = d->dir();
      cfg->cache = d->cache;
      cfg->out = *out;
      auto j = eval::reproduce(*cfg);
      std::cout << "Data: " << j["data_source"].get<std::string>() << "\nreport written to " << *out
                << "/REPORT.md\n";
    });
  }
}

}  // namespace scapredict::cli

namespace scapredict::cli {
void add_audit_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "audit", "Does the model see cardiac risk, or the recorder? Writes AUDIT.md");
  auto cfg = std::make_shared<eval::AuditConfig>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>("results");
  auto phys = std::make_shared<std::string>("../shared/physionet");
  auto band = std::make_shared<std::vector<double>>();
  cmd->add_option("--data", *data,
                  "Directory with sddb/ and nsrdb/; default: data/physionet, else simulated");
  cmd->add_option("--out", *out, "Output directory");
  cmd->add_option("--physionet", *phys, "Real excerpts (nsrdb-1min, cudb) for probes 1 and 2");
  cmd->add_option("--repetitions", cfg->repetitions, "Repetitions per probe");
  cmd->add_option("--epochs", cfg->epochs, "Training epochs");
  cmd->add_option("--seed", cfg->seed, "Seed");
  cmd->add_option("--band", *band, "Band for probe 3, e.g. --band 0.5 40")->expected(2);
  cmd->add_option("--bootstrap", cfg->bootstrap_resamples,
                  "Patient-bootstrap resamples for probe 6")
      ->check(CLI::Range(100, 100000));
  cmd->callback([=] {
    if (!data->empty()) cfg->data = *data;
    if (std::filesystem::is_directory(*phys)) cfg->physionet = *phys;
    if (band->size() == 2) cfg->band_hz = {(*band)[0], (*band)[1]};
    cfg->out = *out;
    auto j = eval::audit(*cfg);
    std::cout << "audit written to " << *out << "/AUDIT.md\n";
  });
}
}  // namespace scapredict::cli

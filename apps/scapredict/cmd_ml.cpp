// train, evaluate, predict, reproduce: the paper's method and its application.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "common/workers.hpp"
#include "data/beat_cohort.hpp"
#include "data_dir.hpp"
#include "eval/paper/evaluate.hpp"
#include "eval/real/real_rhythm.hpp"
#include "flags.hpp"
#include "model/classifier_scorer.hpp"
#include "report/reproduce_report.hpp"
#include "report/search_report.hpp"
#include "stderr_progress.hpp"
#include "train/fit.hpp"

namespace scapredict::cli {

void add_run_flags(CLI::App* cmd, RunConfig& run, bool repetitions) {
  add_seed_option(cmd, run.seed, "Base seed of splits, minutes and training");
  if (repetitions)
    cmd->add_option("--repetitions", run.repetitions, "Repetitions (paper: 10)")
        ->check(whole_range(1, 1000));
  cmd->add_option("--epochs", run.epochs, "Training epochs")->check(whole_range(1, 100000));
  cmd->add_option("--threads", run.threads, "LibTorch threads (0: its default)")
      ->check(whole_range(0, 1024));
}

void apply_threads(RunConfig& run) {
  run.threads = model::set_threads(run.threads);  // the count in force, written with results
}

namespace {

void add_train(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train a model on the protocol's first training split");
  auto d = std::make_shared<DataFlags>();
  auto out = std::make_shared<std::string>();
  auto arch = std::make_shared<std::string>("cnn1d");
  auto input = std::make_shared<std::string>("dft");
  auto cfg = std::make_shared<train::ExperimentConfig>();
  auto run = std::make_shared<RunConfig>();
  d->add(cmd);
  cmd->add_option("--out", *out, "Model file to write (.spm)")->required();
  cmd->add_option("--arch", *arch, "Architecture")
      ->check(one_of({"cnn1d", "mlp", "lstm", "gru", "rnn"}, "architecture"));
  cmd->add_option("--input", *input, "Input representation")
      ->check(one_of({"dft", "raw", "dwt", "spectrogram"}, "input"));
  cmd->add_option("--bins", cfg->features.bins, "DFT bins")
      ->check(one_of({"128", "256", "512", "1024", "2048", "4096"}, "bin count"));
  auto beats = std::make_shared<std::string>();
  cmd->add_option("--beats", *beats,
                  "Train the default model instead: the pre-registered HRV SVM of 5-minute windows "
                  "on the REAL SDDB/NSRDB beat annotations in DIR (make model; "
                  "docs/default-model.md)")
      ->excludes(cmd->get_option("--data"))
      ->excludes(cmd->get_option("--arch"))
      ->excludes(cmd->get_option("--input"))
      ->excludes(cmd->get_option("--bins"));
  add_run_flags(cmd, *run, false);
  cmd->callback([=] {
    check_writable(*out);  // before training, not after
    if (!beats->empty()) return train_default_model(*beats, *out);
    apply_threads(*run);
    cfg->arch = model::parse_arch(*arch);
    cfg->features.input = features::parse_input_kind(*input);
    cfg->train.seed = run->seed;
    cfg->train.epochs = run->epochs;
    const auto c = load_data(*d);
    auto clf = train::fit_first_split(c, data::ProtocolConfig{}, *run, *cfg, stderr_progress());
    clf.save(*out);
    std::cout << "Data: " << c.source.description << "\nmodel written to " << *out << "\n";
  });
}

void add_evaluate(CLI::App& app) {
  auto* cmd = app.add_subcommand("evaluate", "Score a model from `train` on its held-out patients");
  auto d = std::make_shared<DataFlags>();
  auto model_path = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  d->add(cmd);
  cmd->add_option("--model", *model_path, "Model file")->required();
  cmd->add_option("--out", *out, "Write JSON here as well");
  cmd->callback([=] {
    if (!out->empty()) check_writable(*out);
    const auto clf = model::Classifier::load(*model_path);
    const auto c = load_data(*d);
    const auto r = eval::evaluate_held_out(c, clf, stderr_progress());
    std::cout << "Data: " << c.source.description << "\n";
    std::cout << "Model: trained on " << clf.metadata().value("data_source", std::string("?"))
              << "\n";
    std::cout << "minutes_before_onset scd_minutes normal_minutes accuracy sensitivity specificity "
                 "auroc\n";
    auto num = [](double v) {
      char b[32];
      std::snprintf(b, sizeof b, "%.3f", v);
      return std::isfinite(v) ? std::string(b) : std::string("n/a");
    };
    for (const auto& h : r.horizons) {
      const auto& cf = h.confusion;
      const int scd = cf.tp + cf.fn, normal = cf.tn + cf.fp;
      // With one class only, "accuracy" would be sensitivity or specificity under another name.
      const double acc = scd > 0 && normal > 0 ? cf.accuracy() : std::nan("");
      std::cout << h.horizon << " " << scd << " " << normal << " " << num(acc) << " "
                << num(cf.sensitivity()) << " " << num(cf.specificity()) << " " << num(h.auroc)
                << "\n";
    }
    const auto j = r.to_json();
    if (!out->empty()) write_file_atomic(*out, json_text(j));
  });
}

void add_reproduce(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("reproduce", "Run the paper's protocol and write results/REPORT.md");
  auto d = std::make_shared<DataFlags>();
  auto run = std::make_shared<RunConfig>();
  auto out = std::make_shared<std::string>("results");
  auto beats = std::make_shared<std::string>();
  d->add(cmd);
  cmd->add_option("--out", *out, "Output directory");
  auto* beats_opt =
      cmd->add_option(
             "--beats", *beats,
             "Run the study on REAL SDDB/NSRDB beat annotations in DIR (default "
             "../shared/physionet) and write REAL_REPORT.md; 20 repetitions unless --repetitions "
             "is given")
          ->expected(0, 1)
          ->default_str("../shared/physionet");
  add_run_flags(cmd, *run, true);
  cmd->callback([=] {
    if (beats_opt->count() > 0) {
      if (!d->data.empty() || !d->onsets.empty())
        throw CLI::ValidationError("--beats",
                                   "reads beat annotations; --data and --onsets "
                                   "name signal records");
      const std::string dir = beats->empty() ? "../shared/physionet" : *beats;
      run_real_beats(dir, *run, cmd->count("--repetitions") > 0, *out);
      return;
    }
    check_output_dir(*out);
    apply_threads(*run);
    const auto c = load_data(*d);
    std::cerr << "reproduce: " << c.source.description << "\n";
    const auto r = eval::run_reproduce(c, data::ProtocolConfig{}, *run, stderr_progress());
    if (workers().root()) report::write_reproduce_report(r, *out);  // one process writes
    std::cout << "Data: " << c.source.description << "\nreport written to " << *out
              << "/REPORT.md\n";
  });
}

struct SearchFlags {
  DataFlags data;
  std::string out, journal, beats;
  std::vector<std::string> methods;
  eval::SearchConfig cfg;
  RunConfig run;
};

void run_search_command(SearchFlags& f, bool initial_random_given) {
  // The folder is made first (the journal may live in it); a run that fails leaves no empty
  // folder it made behind. A journal inside it keeps it.
  check_output_dir(f.out);
  struct RemoveIfEmpty {
    std::filesystem::path p;
    bool armed;
    ~RemoveIfEmpty() {
      std::error_code ec;
      if (armed && std::filesystem::is_empty(p, ec) && !ec) std::filesystem::remove(p, ec);
    }
  } made{f.out, !std::filesystem::exists(f.out)};
  create_output_dir(f.out);
  if (!f.journal.empty()) check_writable(f.journal);
  if (!f.methods.empty()) {
    f.cfg.methods.clear();
    for (const auto& m : f.methods) f.cfg.methods.push_back(eval::parse_search_method(m));
  }
  f.cfg.journal = f.journal;
  if (!initial_random_given)
    f.cfg.initial_random = std::min(f.cfg.initial_random, f.cfg.trials);
  else if (f.cfg.initial_random > f.cfg.trials)
    throw CLI::ValidationError("--initial-random", "more than --trials");
  apply_threads(f.run);
  // Rendered records (--beats) live in a folder under --out for the run, removed after it
  // however it ends.
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() {
      std::error_code ec;
      if (!p.empty()) std::filesystem::remove_all(p, ec);
    }
  } cleanup;
  data::Cohort c;
  if (!f.beats.empty()) {
    cleanup.p =
        std::filesystem::path(f.out) / (".scapredict-search-render-" + std::to_string(::getpid()) +
                                        "-r" + std::to_string(workers().rank()));
    auto rr = eval::RealRhythmConfig::preregistered();
    rr.run.seed = f.run.seed;
    c = eval::render_one_recorder(data::load_beat_cohort(f.beats), rr, cleanup.p,
                                  stderr_progress());
  } else {
    c = load_data(f.data);
  }
  const auto r = eval::run_search(c, data::ProtocolConfig{}, f.run, f.cfg, stderr_progress());
  if (workers().root()) report::write_search_report(r, f.out);  // one process writes
  const bool says = c.source.description.find("SIMULATED") != std::string::npos;
  std::cout << "Data: " << (r.simulated && !says ? "SIMULATED: " : "") << c.source.description
            << "\n";
  for (const auto& m : r.methods)
    std::cout << eval::to_string(m.method) << ": outer AUROC " << stats::percent_ci(m.outer_auroc)
              << " %, accuracy " << stats::percent_ci(m.outer_accuracy) << " %\n";
  std::cout << "report written to " << (std::filesystem::path(f.out) / "SEARCH.md").string()
            << "\n";
  made.armed = false;
}

}  // namespace

void add_search(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "search", "The paper's Bayesian architecture search, nested: BO, random, dlib, the paper");
  auto f = std::make_shared<SearchFlags>();
  f->data.add(cmd);
  cmd->add_option("--out", f->out, "Output directory (SEARCH.md, search.json)")->required();
  cmd->add_option("--method", f->methods, "bo, random, dlib, paper (repeatable; default all)")
      ->check(one_of({"bo", "random", "dlib", "paper"}, "search method"));
  cmd->add_option("--trials", f->cfg.trials, "Trials per method and outer fold")
      ->check(whole_range(2, 10000));
  cmd->add_option("--outer-folds", f->cfg.outer_folds, "Outer folds (by patient)")
      ->check(whole_range(2, 50));
  cmd->add_option("--inner-folds", f->cfg.inner_folds, "Inner folds (by patient)")
      ->check(whole_range(2, 50));
  cmd->add_option("--initial-random", f->cfg.initial_random,
                  "BO: uniform trials before the surrogate leads")
      ->check(whole_range(2, 10000));
  cmd->add_option("--journal", f->journal,
                  "JSON lines of every trial; a run with the same settings resumes from it");
  cmd->add_option("--beats", f->beats,
                  "Search on REAL SDDB/NSRDB beat times rendered through one SIMULATED recorder "
                  "(experiment 4 of docs/real-ecg-method.md; DIR holds sddb-beats/, nsrdb-beats/)")
      ->excludes(cmd->get_option("--data"));
  add_run_flags(cmd, f->run, false);
  cmd->callback([=] { run_search_command(*f, cmd->get_option("--initial-random")->count() > 0); });
}

void add_ml_commands(CLI::App& app) {
  add_train(app);
  add_evaluate(app);
  add_reproduce(app);
  add_search(app);
}

}  // namespace scapredict::cli

#include "eval/paper/compression.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include "common/json_number.hpp"
#include "common/workers.hpp"
#include "engine/scorer.hpp"
#include "train/experiment.hpp"

namespace scapredict::eval {

nlohmann::json CompressionConfig::to_json() const {
  return {{"prune_fractions", prune_fractions},
          {"fine_tune_epochs", fine_tune_epochs},
          {"int8_after_pruning", int8_after_pruning},
          {"max_repetitions", max_repetitions}};
}

namespace {

std::string percent(double f) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f %%", 100 * f);
  return buf;
}

struct Samples {
  std::size_t weight_bytes = 0, macs = 0;
  double sparsity = 0;
  std::vector<double> us, accuracy, auroc, delta_auroc, abs_dp;
};

// Best of three passes over `x`, in microseconds per vector.
double time_per_minute(const engine::Engine& e, const std::vector<std::vector<float>>& x) {
  double best = INFINITY;
  for (int pass = 0; pass < 3; ++pass) {
    const auto t0 = std::chrono::steady_clock::now();
    double sink = 0;
    for (const auto& v : x) sink += e.score(v);
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    if (sink >= 0) best = std::min(best, us / static_cast<double>(x.size()));
  }
  return best;
}

using Variants = std::vector<std::pair<std::string, engine::Engine>>;

// The engines one repetition compares: fp32, int8, and for each pruning fraction the pruned
// network with and without fine-tuning (and the fine-tuned one in int8 at int8_after_pruning).
Variants engine_variants(const model::Classifier& clf, const model::Dataset& train,
                         const CompressionConfig& cfg, std::uint64_t seed) {
  const auto fp32 = engine::EngineScorer::from_header(clf.file_header(), "compression");
  Variants variants;
  variants.emplace_back("fp32", fp32.engine());
  variants.emplace_back("int8", fp32.engine().quantised(train.x));
  for (double f : cfg.prune_fractions) {
    // Both pruned variants rank the network's own weights (before BatchNorm is folded into
    // the convolution), so they share one mask and differ only by the fine-tuning.
    const auto cut = clf.pruned(train, f, 0, seed + 1);
    variants.emplace_back(
        "pruned " + percent(f),
        engine::EngineScorer::from_header(cut.file_header(), "compression").engine().pruned(f));
    const auto tuned = clf.pruned(train, f, cfg.fine_tune_epochs, seed + 1);
    const auto e =
        engine::EngineScorer::from_header(tuned.file_header(), "compression").engine().pruned(f);
    variants.emplace_back("pruned " + percent(f) + " + fine-tuned", e);
    if (f == cfg.int8_after_pruning)
      variants.emplace_back("pruned " + percent(f) + " + fine-tuned + int8", e.quantised(train.x));
  }
  return variants;
}

// Every variant's figures on the test minutes, against the first (fp32): the JSON one
// repetition's unit carries (NaN as null).
nlohmann::json variant_figures(const Variants& variants, const model::Dataset& test) {
  nlohmann::json out = {{"test_minutes", test.x.size()}, {"variants", nlohmann::json::array()}};
  std::vector<double> p0;
  double auroc0 = 0;
  for (const auto& [name, e] : variants) {
    std::vector<double> p;
    p.reserve(test.x.size());
    for (const auto& v : test.x) p.push_back(e.score(v));
    const bool fp32 = &e == &variants.front().second;
    if (fp32) p0 = p;
    int right = 0;
    nlohmann::json abs_dp = nlohmann::json::array();
    for (std::size_t i = 0; i < p.size(); ++i) {
      right += (p[i] >= 0.5) == (test.y[i] == 1);
      abs_dp.push_back(json_double(std::abs(p[i] - p0[i])));
    }
    const double a = stats::auroc(p, test.y);
    if (fp32) auroc0 = a;
    out["variants"].push_back(
        {{"name", name},
         {"weight_bytes", e.weight_bytes()},
         {"macs", e.macs()},
         {"sparsity", json_double(e.sparsity())},
         {"us", json_double(time_per_minute(e, test.x))},
         {"accuracy", json_double(static_cast<double>(right) / static_cast<double>(p.size()))},
         {"auroc", json_double(a)},
         {"delta_auroc", json_double(a - auroc0)},
         {"abs_dp", abs_dp}});
  }
  return out;
}

// One row per variant, in the order the variants came: its figures over the repetitions.
std::vector<CompressionRow> summarise(const std::vector<std::string>& order,
                                      std::map<std::string, Samples>& by) {
  std::vector<CompressionRow> rows;
  for (const auto& name : order) {
    auto& s = by[name];
    CompressionRow row;
    row.variant = name;
    row.weight_bytes = s.weight_bytes;
    row.macs = s.macs;
    row.sparsity = s.sparsity;
    std::sort(s.us.begin(), s.us.end());
    row.us_per_minute = s.us[s.us.size() / 2];
    row.accuracy = stats::mean_ci95(s.accuracy);
    row.auroc = stats::mean_ci95(s.auroc);
    row.delta_auroc = stats::mean_ci95(s.delta_auroc);
    double sum = 0;
    for (double d : s.abs_dp) {
      sum += d;
      row.max_abs_dp = std::max(row.max_abs_dp, d);
    }
    row.mean_abs_dp = s.abs_dp.empty() ? 0 : sum / static_cast<double>(s.abs_dp.size());
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

CompressionResult run_compression(const data::PreparedMinutes& pm, const RunConfig& run,
                                  const CompressionConfig& cfg, const ProgressFn& progress) {
  CompressionResult res;
  res.config = cfg;
  const auto cnn = train::ExperimentConfig::paper_cnn("compression", run);
  const auto reps = std::min<std::size_t>(
      pm.plans.size(), static_cast<std::size_t>(std::max(0, cfg.max_repetitions)));
  const ProgressTracker tracker(progress, "compression", "repetition", reps);
  std::vector<std::string> order;
  std::map<std::string, Samples> by;
  // One repetition: every variant's figures (a unit spread over the run's processes).
  auto one_repetition = [&](std::size_t rep) {
    const auto& plan = pm.plans[rep];
    auto tc = cnn.train;
    tc.seed = derive_seed(cnn.train.seed, SeedUse::kTraining, rep);
    const auto train = train::make_dataset(pm, plan.train, cnn.features);
    const auto test = train::make_dataset(pm, plan.test, cnn.features);
    const auto clf = model::Classifier::train(train, cnn.arch, cnn.features, tc);
    return variant_figures(engine_variants(clf, train, cfg, tc.seed), test).dump();
  };
  map_units(
      workers(), reps, one_repetition,
      [&](std::size_t rep, std::string&& text) {
        const auto j = nlohmann::json::parse(text);
        res.test_minutes += json_integer<std::size_t>(j, "test_minutes");
        for (const auto& v : j.at("variants")) {
          const auto name = v.at("name").get<std::string>();
          if (!by.count(name)) order.push_back(name);
          auto& s = by[name];
          if (rep == 0) {
            s.weight_bytes = json_integer<std::size_t>(v, "weight_bytes");
            s.macs = json_integer<std::size_t>(v, "macs");
            s.sparsity = double_from_json(v.at("sparsity"));
          }
          s.us.push_back(double_from_json(v.at("us")));
          s.accuracy.push_back(double_from_json(v.at("accuracy")));
          s.auroc.push_back(double_from_json(v.at("auroc")));
          s.delta_auroc.push_back(double_from_json(v.at("delta_auroc")));
          for (const auto& d : v.at("abs_dp")) s.abs_dp.push_back(double_from_json(d));
        }
        tracker.report(rep + 1);
      },
      {}, 1);
  res.repetitions = static_cast<int>(reps);
  res.rows = summarise(order, by);
  return res;
}

nlohmann::json CompressionResult::to_json() const {
  nlohmann::json rows_j = nlohmann::json::array();
  for (const auto& r : rows)
    rows_j.push_back({{"variant", r.variant},
                      {"weight_bytes", r.weight_bytes},
                      {"macs_per_minute", r.macs},
                      {"sparsity", r.sparsity},
                      {"us_per_minute_one_core", r.us_per_minute},
                      {"accuracy", stats::to_json(r.accuracy)},
                      {"auroc", stats::to_json(r.auroc)},
                      {"delta_auroc_vs_fp32", stats::to_json(r.delta_auroc)},
                      {"mean_abs_delta_p", r.mean_abs_dp},
                      {"max_abs_delta_p", r.max_abs_dp}});
  return {{"config", config.to_json()},
          {"model", "the paper's CNN on DFT-1024, scored by the LibTorch-free engine"},
          {"repetitions", repetitions},
          {"test_minutes", test_minutes},
          {"rows", rows_j}};
}

}  // namespace scapredict::eval

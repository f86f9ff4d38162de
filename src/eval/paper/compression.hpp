#pragma once
// Compression of the paper's CNN, the paper's future work for low-end devices: magnitude pruning
// with and without fine-tuning and int8 post-training quantisation, measured on the protocol's
// test minutes against the fp32 engine (docs/engine.md, "Compression").
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "data/minutes.hpp"
#include "stats/metrics.hpp"

namespace scapredict::eval {

struct CompressionConfig {
  std::vector<double> prune_fractions = {0.5, 0.8, 0.9};
  int fine_tune_epochs = 10;        ///< after pruning, with the model's own training settings
  double int8_after_pruning = 0.8;  ///< the pruned, fine-tuned engine also quantised to int8
  int max_repetitions = 10;         ///< of the protocol's plans
  nlohmann::json to_json() const;
};

/// One variant of the engine over the repetitions.
struct CompressionRow {
  std::string variant;  ///< "fp32", "int8", "pruned 80 %", "pruned 80 % + fine-tuned", ...
  std::size_t weight_bytes = 0, macs = 0;  ///< of the first repetition's engine
  double sparsity = 0;                     ///< fraction of zero weights
  double us_per_minute = 0;       ///< median over repetitions of the best of 3 timed passes
  stats::MeanCi accuracy, auroc;  ///< on all test minutes of a repetition, over repetitions
  stats::MeanCi delta_auroc;      ///< this variant's AUROC minus fp32's, per repetition
  double mean_abs_dp = 0;         ///< mean |P - P_fp32| over every test minute
  double max_abs_dp = 0;
};

struct CompressionResult {
  CompressionConfig config;
  int repetitions = 0;
  std::size_t test_minutes = 0;  ///< summed over repetitions
  std::vector<CompressionRow> rows;
  nlohmann::json to_json() const;
};

/// The paper's CNN on DFT-1024 trained on each plan's training minutes (the seed of the CNN
/// experiment's repetition), then every variant scored by the engine on the plan's test minutes.
/// int8 scales are calibrated on the training minutes. Progress: task "compression", one event
/// per repetition.
CompressionResult run_compression(const data::PreparedMinutes& prepared, const RunConfig& run,
                                  const CompressionConfig& config = {},
                                  const ProgressFn& progress = {});

}  // namespace scapredict::eval

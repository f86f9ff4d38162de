#pragma once
// The paper's experiments (Fig. 3, Tab. 1, Fig. 4, Fig. 5, Tab. 2) on one cohort.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "common/run_config.hpp"
#include "data/cohort.hpp"
#include "data/protocol.hpp"
#include "eval/paper/compression.hpp"
#include "train/experiment.hpp"

namespace scapredict::eval {

/// The experiments of the report, in the order they run: the CNN on DFT-1024, the other inputs
/// (Tab. 1), the other bin counts (Fig. 4) and the other models (Fig. 5).
std::vector<train::ExperimentConfig> paper_experiments(const RunConfig& run);

struct ReproduceResult {
  data::DataSource source;
  std::vector<std::string> excluded_records;
  data::ProtocolConfig protocol;
  RunConfig run;
  std::map<std::string, int> rejected_minutes;
  std::map<std::string, train::ExperimentResult> experiments;  ///< by ExperimentConfig::name
  CompressionResult compression;  ///< the CNN pruned and quantised (the paper's future work)
  double seconds = 0;
  const train::ExperimentResult& at(const std::string& name) const { return experiments.at(name); }
  /// results.json: every number of the report with its configuration.
  nlohmann::json to_json() const;
};

/// Reads the protocol's minutes once and runs every experiment on them, then the compression
/// study (run_compression). Progress: the minutes, then "reproduce" events per experiment and
/// each experiment's repetitions, then "compression".
ReproduceResult run_reproduce(const data::Cohort& cohort, const data::ProtocolConfig& protocol,
                              const RunConfig& run, const ProgressFn& progress = {});

}  // namespace scapredict::eval

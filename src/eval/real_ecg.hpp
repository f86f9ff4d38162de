#pragma once
// Experiment 2 of docs/real-ecg-method.md: does real ECG announce imminent VF/VT when recorder,
// population and annotator are held equal? Minutes just before each VFDB record's event against
// its earlier minutes, leave-one-record-out, with a placebo event and a null of MIT-BIH records.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "common/run_config.hpp"
#include "stats/metrics.hpp"

namespace scapredict::eval {

struct RealEcgConfig {
  int near_first = 1, near_last = 5;  ///< label 1: minutes k before the event
  int far_first = 10, far_last = 30;  ///< label 0
  int placebo_shift = 10;             ///< the placebo moves the event this many minutes earlier
  int min_minutes_before = 15;        ///< records with fewer minutes before their event: out
  int cnn_epochs = 40;
  int bootstrap = 2000;
  std::uint64_t seed = kDefaultSeed;
  nlohmann::json to_json() const;
};

/// One record of the experiment and why its minutes were or were not used.
struct EcgRecordUse {
  std::string id;         ///< "vfdb/422", "mitdb/100"
  std::string event;      ///< "VF", "sustained VT", "VT", "pseudo-event at the end"
  double event_min = 0;   ///< minutes from the record start to the event
  int near = 0, far = 0;  ///< usable minutes of each label (real setting)
  std::string excluded;   ///< non-empty when the record is not used, with the reason
};

/// Pooled leave-one-record-out result of one model in one setting.
struct ImminenceRow {
  std::string model;    ///< "cnn1d DFT-1024", "svm HRV", "logistic HRV"
  std::string setting;  ///< "VFDB real event", "VFDB placebo (-10 min)", "MIT-BIH null"
  stats::MeanCi auroc, balanced_accuracy;
  int records = 0, near_minutes = 0, far_minutes = 0;
  nlohmann::json to_json() const;
};

struct RealEcgResult {
  RealEcgConfig config;
  std::filesystem::path dir;
  std::vector<EcgRecordUse> records;
  std::vector<ImminenceRow> rows;
  std::map<std::string, int> minutes_left_out;  ///< by reason
  double seconds = 0;
  nlohmann::json to_json() const;
};

/// Runs experiment 2 on DIR/vfdb (and DIR/mitdb for the null). Throws DataError when DIR holds
/// neither.
RealEcgResult run_real_ecg(const std::filesystem::path& dir, const RealEcgConfig& config,
                           const ProgressFn& progress = {});

}  // namespace scapredict::eval

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
#include "eval/probes/two_group.hpp"
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

// ---- Experiment 3: the paper's setup on real ECG -----------------------------------------------

struct PaperSetupConfig {
  int near_first = 1, near_last = 5;                ///< pre-event minutes: k before the event
  RunConfig run{kDefaultSeed, 20, 40, 0};           ///< 20 repetitions, 40 epochs (docs/method.md)
  std::pair<double, double> band_hz = {0.5, 40.0};  ///< the band-limited control
  int risk_folds = 5;  ///< folds over the VF records for the risk-vs-minutes traces
  nlohmann::json to_json() const;
};

/// One two-group comparison: what is told apart, and how well.
struct TwoGroupRow {
  std::string name;      ///< "pre-event vs normal", "database identity: NSRDB vs MIT-BIH", ...
  std::string group_a;   ///< label 1
  std::string group_b;   ///< label 0
  std::string question;  ///< what a high accuracy would mean
  TwoGroupResult result;
  nlohmann::json to_json() const;
};

/// P(pre-event) of every usable minute of one real VF record before its VF, scored by a model
/// that never saw the record (its fold of the VF records held out).
struct RiskTrace {
  std::string id;
  double event_min = 0;
  std::vector<int> minutes_before;  ///< k: the minute [event - 60 k, event - 60 (k - 1))
  std::vector<double> p;
};

struct PaperSetupResult {
  PaperSetupConfig config;
  std::filesystem::path dir;
  std::map<std::string, int> pre_event_minutes;  ///< by record ("vfdb/418", "cudb/cu01m")
  std::map<std::string, int> normal_minutes;     ///< by record ("nsrdb-1min/16265m", "mitdb/100")
  std::vector<std::string> records_not_used;     ///< with the reason
  std::vector<TwoGroupRow> rows;
  std::vector<RiskTrace> traces;
  std::map<std::string, int> minutes_left_out;  ///< by reason
  double seconds = 0;
  nlohmann::json to_json() const;
};

/// Runs experiment 3 of docs/real-ecg-method.md on DIR/vfdb, DIR/cudb (pre-event minutes),
/// DIR/nsrdb-1min and DIR/mitdb (normal minutes). Throws DataError when either group has fewer
/// than 4 records.
PaperSetupResult run_real_ecg_paper_setup(const std::filesystem::path& dir,
                                          const PaperSetupConfig& config,
                                          const ProgressFn& progress = {});

}  // namespace scapredict::eval

#pragma once
// The study on real beat annotations (docs/real-beats-method.md): HRV windows of SDDB and NSRDB
// patients, the literature's classifiers, the paper's protocol, leave-one-patient-out, and the
// controls for imminence, distance from onset, quantisation, annotator and age.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "common/run_config.hpp"
#include "data/beat_cohort.hpp"
#include "data/protocol.hpp"
#include "model/tabular.hpp"
#include "stats/pooled.hpp"

namespace scapredict::eval {

struct BeatStudyConfig {
  /// Train 8 SCD + 12 normal patients, test the other SCD patients and 6 normals; horizons 5..90.
  data::ProtocolConfig protocol;
  RunConfig run;  ///< seed and repetitions (20)
  std::vector<model::TabularKind> classifiers;
  model::TabularKind primary = model::TabularKind::kSvm;
  std::vector<int> windows_min = {1, 5};  ///< HRV window lengths, ending where the minute ends
  double control_grid_s = 1.0 / 64.0;     ///< the quantisation control's common grid
  std::vector<int> far_minutes;           ///< minutes before onset of the far-from-onset control
  int bootstrap = 2000;                   ///< patient-bootstrap resamples
  /// The pre-registered configuration of docs/real-beats-method.md.
  static BeatStudyConfig preregistered();
  nlohmann::json to_json() const;
};

/// Metrics of the test minutes of one horizon: each the mean over repetitions with a t-interval.
struct HorizonMetrics {
  int horizon = 0;
  stats::MeanCi accuracy, balanced_accuracy, sensitivity, specificity, auroc;
  stats::MeanCi always_normal;  ///< accuracy of answering "normal" for every test minute
  int scd_minutes = 0, normal_minutes = 0;  ///< summed over repetitions
  nlohmann::json to_json() const;
};

/// One classifier on one window length under the protocol's repetitions.
struct ProtocolRun {
  std::string classifier;
  int window_min = 1;
  double grid_s = 0;  ///< 0: beat times at the annotator's resolution
  std::vector<HorizonMetrics> horizons;
  HorizonMetrics near;  ///< SCD minutes 5-30 min before onset against the test normals (horizon 0)
  HorizonMetrics far;   ///< SCD minutes 4-8 h before onset against the same normals
  /// near and far over the same SCD patients: those with usable minutes in both bands (added
  /// after the first real run: far minutes exist only where the onset comes late enough).
  HorizonMetrics near_paired, far_paired;
  int skipped = 0;  ///< repetitions whose training minutes held one class only
  nlohmann::json to_json() const;
};

/// Pooled over leave-one-out folds, with percentile bootstrap intervals over patients.
using stats::pooled_metrics;
using stats::PooledMetrics;

struct LopoRun {
  std::string classifier;
  int window_min = 1;
  PooledMetrics all;
  std::map<int, double> auroc_by_horizon;
  PooledMetrics atr_only, ari_only;  ///< SCD patients by annotator, against every normal
  PooledMetrics older_normals;       ///< every SCD patient against normals aged >= the median
  double median_normal_age = 0;
  double age_spearman = 0;  ///< mean P(SCD) of each normal against its age (Spearman rho)
  nlohmann::json to_json() const;
};

/// Within SCD patients: last 10 minutes against minutes 60-119 before onset, and a placebo with
/// the onset one hour earlier. Leave-one-SCD-patient-out.
struct ImminenceRun {
  std::string classifier;
  int window_min = 1;
  PooledMetrics real, placebo;
  /// Per SCD patient: usable minutes of label 1 and label 0 (real, then placebo); a patient
  /// without both is left out of that analysis.
  std::map<std::string, std::pair<int, int>> real_minutes, placebo_minutes;
  nlohmann::json to_json() const;
};

struct BeatStudyResult {
  data::DataSource source;
  std::vector<std::string> patients_scd, patients_normal, dropped, notes;
  std::map<std::string, std::string> annotators;  ///< patient id -> "atr" / "ari"
  BeatStudyConfig config;
  std::vector<ProtocolRun> main, quantised;
  std::vector<LopoRun> lopo;
  std::vector<ImminenceRun> imminence;
  std::map<std::string, int> unusable;  ///< windows not used, by reason
  double seconds = 0;
  const ProtocolRun* main_run(const std::string& classifier, int window_min) const;
  nlohmann::json to_json() const;
};

/// The leave-one-patient-out analysis of one window length for every classifier of `config`,
/// with the seeds run_beat_study gives it (the same numbers as its rows of `lopo`).
std::vector<LopoRun> run_beat_lopo(const data::BeatCohort& cohort, const BeatStudyConfig& config,
                                   int window_min, const ProgressFn& progress = {});

/// Every patient's training minutes as rows of HRV features of `window_min`-minute windows
/// (label 1 SCD, 0 normal): SCD minutes 1-10 before onset, each normal patient's random minutes
/// drawn as the leave-one-patient-out analysis draws them; unusable minutes are left out and
/// counted by reason into `unusable`. With `patient`, each row's patient is appended to it (an
/// SCD patient's index, a normal one's index + 100000).
model::Dataset all_patients_training_rows(const data::BeatCohort& cohort,
                                          const BeatStudyConfig& config, int window_min,
                                          std::map<std::string, int>& unusable,
                                          std::vector<int>* patient = nullptr);

/// Runs the whole study. One progress event per model fitted group (task "beats").
BeatStudyResult run_beat_study(const data::BeatCohort& cohort, const BeatStudyConfig& config,
                               const ProgressFn& progress = {});

}  // namespace scapredict::eval

#pragma once
// `scapredict audit`: does the model see cardiac risk, or the recorder? (docs/audit.md)
// Each probe is one function returning a typed result; report/ turns them into AUDIT.md.
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "common/run_config.hpp"
#include "data/cohort.hpp"
#include "eval/probes/lopo.hpp"
#include "eval/probes/near_far.hpp"
#include "eval/probes/two_group.hpp"
#include "train/experiment.hpp"

namespace scapredict::eval {

struct AuditConfig {
  RunConfig run;
  /// Probe 3 runs this protocol; probes 4 and 5 use its split, probe 6 its training minutes and
  /// horizons.
  data::ProtocolConfig protocol;
  std::vector<int> near = {5, 10, 15, 20, 25, 30};  ///< near band of probes 4 and 5
  std::vector<int> grid_far = {300, 330, 360};      ///< far band of probe 4
  double grid_hours_before_onset = 6.0;    ///< written before each onset in the grid cohorts
  int grid_records = 0;                    ///< records per database in the grid cohorts; 0: all
  double grid_nsrdb_hours = 2.0;           ///< length of the grid cohorts' normal records
  std::filesystem::path cache = ".cache";  ///< simulated grid cohorts are kept here
  std::optional<std::filesystem::path> physionet;  ///< real excerpts for probes 1 and 2
  std::pair<double, double> band_hz = {0.5, 40.0};
  int bootstrap_resamples = 2000;  ///< probe 6's patient bootstrap
};

/// Probe 1: real NSRDB minutes against the same minutes through the SDDB-like chain.
struct ResamplingSignature {
  TwoGroupResult result;
  nlohmann::json to_json() const;
};
std::optional<ResamplingSignature> probe_resampling_signature(const AuditConfig& config);

/// Probe 2: real NSRDB minutes against real CUDB minutes before any VF-like window.
struct DatabaseIdentity {
  TwoGroupResult result;
  std::vector<std::string> cudb_records_used;
  int cudb_records_seen = 0;  ///< CUDB records in the folder, used or not
  nlohmann::json to_json() const;
};
std::optional<DatabaseIdentity> probe_database_identity(const AuditConfig& config);

/// Probe 3: the protocol on the main data with the full and with a band-limited spectrum.
struct BandLimited {
  std::pair<double, double> band_hz;
  train::ExperimentResult full, band;
  nlohmann::json to_json() const;
};
BandLimited probe_band_limited(const data::Cohort& cohort, const AuditConfig& config);

/// Probe 4: the near/far rule on simulated cohorts with known risk effect and device gap.
struct GridCell {
  double risk_effect = 0, device_gap = 0;
  NearFar result;
  std::string expected;
};
struct KnownAnswerGrid {
  double hours_before_onset = 0;
  std::vector<GridCell> cells;
  const GridCell* cell(double risk_effect, double device_gap) const;
  nlohmann::json to_json() const;
};
KnownAnswerGrid probe_known_answer_grid(const AuditConfig& config, const ProgressFn& progress);

/// Probe 5: the near/far rule on the main data, as far from onset as its records allow.
struct FarFromOnset {
  std::vector<int> far_horizons;
  NearFar result;
  nlohmann::json to_json() const;
};
FarFromOnset probe_far_from_onset(const data::Cohort& cohort, const AuditConfig& config);

/// Probe 6: leave-one-patient-out on the main data and on the same-device simulated cohort.
struct LeaveOnePatientOut {
  LopoConfig config;
  RunConfig run;
  LopoResult main, same_device;
  nlohmann::json to_json() const;
};
LeaveOnePatientOut probe_leave_one_patient_out(const data::Cohort& cohort,
                                               const AuditConfig& config,
                                               const ProgressFn& progress);

struct AuditResult {
  AuditConfig config;
  data::DataSource source;
  std::optional<ResamplingSignature> resampling_signature;
  std::optional<DatabaseIdentity> database_identity;
  BandLimited band_limited;
  KnownAnswerGrid grid;
  FarFromOnset far_from_onset;
  LeaveOnePatientOut lopo;
  /// audit.json: every probe's numbers with the configuration and data source.
  nlohmann::json to_json() const;
};

/// Runs the six probes in order. Progress: one "audit" event per probe, and the folds of probe 6.
AuditResult run_audit(const data::Cohort& cohort, const AuditConfig& config,
                      const ProgressFn& progress = {});

}  // namespace scapredict::eval

#pragma once
// Audit probe 6: leave-one-patient-out over every patient, with patient-bootstrap intervals and
// calibration (docs/audit.md, "Probe 6").
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "common/run_config.hpp"
#include "data/protocol.hpp"
#include "stats/metrics.hpp"

namespace scapredict::eval {

/// Every patient is held out once, so there are no patient counts or repetitions; epochs and the
/// seed come from RunConfig.
struct LopoConfig {
  int bootstrap_resamples = 2000;
  /// Train each fold on as many SCD as normal patients (data::leave_one_patient_out).
  bool balance = true;
  int train_minutes = 10;  ///< as in the protocol
  std::vector<int> horizons = data::ProtocolConfig{}.horizons;
  nlohmann::json to_json(const RunConfig& run) const;
};

/// One held-out patient's out-of-fold outcome.
struct LopoPatient {
  std::string id;
  bool scd = false;
  int minutes = 0, wrong = 0;  ///< test minutes and those on the wrong side of P = 0.5
  double mean_p = 0;           ///< mean P(SCD) over its test minutes
};

/// At one horizon: AUROC of the SCD minutes at that horizon against every normal test minute, and
/// accuracy over the SCD minutes at that horizon plus the normal minutes drawn for it.
struct LopoHorizon {
  int horizon = 0;
  stats::MeanCi auroc, accuracy;
};

/// Every interval is a percentile bootstrap over patients (stats::MeanCi::mean is the estimate on
/// all out-of-fold minutes, stats::MeanCi::n the number of patients).
struct LopoResult {
  int patients = 0, minutes = 0;
  stats::MeanCi auroc, accuracy, brier;
  std::vector<LopoHorizon> horizons;
  std::vector<stats::ReliabilityBin> reliability;  ///< 10 equal-width bins of P(SCD)
  std::vector<LopoPatient> per_patient;            ///< SCD patients first, in cohort order
  std::vector<std::string> skipped;                ///< patients without a usable test minute
  std::map<std::string, int> rejected;             ///< unusable minutes by reason
  double seconds = 0;
  nlohmann::json to_json() const;
};

/// Holds out each patient of `cohort` in turn, trains the paper's CNN on DFT-1024 on every other
/// patient's training minutes and scores the held-out patient's test minutes. One progress event
/// per fold.
LopoResult lopo_probe(const data::Cohort& cohort, const LopoConfig& config, const RunConfig& run,
                      const ProgressFn& progress = {});

}  // namespace scapredict::eval

#pragma once
// Audit probe 6: leave-one-patient-out over every patient, with patient-bootstrap intervals and
// calibration (docs/audit.md, "Probe 6").
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scapredict/cohort/cohort.hpp"
#include "scapredict/eval/metrics.hpp"

namespace scapredict::eval {

struct LopoConfig {
  int epochs = 40;
  std::uint64_t seed = 1;
  int bootstrap_resamples = 2000;
  /// Train each fold on as many SCD as normal patients (cohort::leave_one_patient_out).
  bool balance = true;
  /// train_minutes and horizons are used; patient counts and repetitions are not (every patient
  /// is held out once).
  cohort::ProtocolConfig protocol;
  nlohmann::json to_json() const;
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
  MeanCi auroc, accuracy;
};

/// Every interval is a percentile bootstrap over patients (MeanCi::mean is the estimate on all
/// out-of-fold minutes, MeanCi::n the number of patients).
struct LopoResult {
  int patients = 0, minutes = 0;
  MeanCi auroc, accuracy, brier;
  std::vector<LopoHorizon> horizons;
  std::vector<ReliabilityBin> reliability;  ///< 10 equal-width bins of P(SCD)
  std::vector<LopoPatient> per_patient;     ///< SCD patients first, in cohort order
  std::vector<std::string> skipped;         ///< patients without a usable test minute
  std::map<std::string, int> rejected;      ///< unusable minutes by reason
  double seconds = 0;
  nlohmann::json to_json() const;
};

/// Holds out each patient of `cohort` in turn, trains the paper's CNN on DFT-1024 on every other
/// patient's training minutes and scores the held-out patient's test minutes. Progress on stderr.
LopoResult lopo_probe(const cohort::Cohort& cohort, const LopoConfig& config, bool progress = true);

}  // namespace scapredict::eval

#pragma once
// Telling two groups of patients apart from their minutes (audit probes 1 and 2).
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/run_config.hpp"
#include "features/features.hpp"
#include "stats/metrics.hpp"

namespace scapredict::eval {

/// The minutes of one patient, each 7680 samples at 128 Hz.
using PatientMinutes = std::vector<std::vector<double>>;

struct TwoGroupResult {
  stats::MeanCi accuracy, auroc;
  stats::MeanCi majority;  ///< accuracy of always answering the larger group of the test minutes
  int patients_a = 0, patients_b = 0, minutes = 0;
};

/// Accuracy of telling group A (label 1) from group B, patient-disjoint: in each of
/// run.repetitions repetitions half of each group's patients train the CNN on `features`
/// (DFT-1024 unless given; run.epochs) and the rest are tested. With `paired_patients`, patient i
/// of A and of B are the same person and stay on the same side.
TwoGroupResult two_group_probe(const std::vector<PatientMinutes>& group_a,
                               const std::vector<PatientMinutes>& group_b, const RunConfig& run,
                               bool paired_patients = false,
                               const features::FeatureConfig& features = {});

/// The SDDB-like chain applied to a 128 Hz minute: upsample to 250 Hz, quantise at 800 adu/mV in
/// 12 bits, resample 250 -> 128 Hz (soxr HQ, as SDDB is). Mirrored padding keeps edges clean.
std::vector<double> sddb_like_chain(const std::vector<double>& minute128);

}  // namespace scapredict::eval

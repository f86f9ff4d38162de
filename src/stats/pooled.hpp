#pragma once
// Metrics of one set of scores, and of scores pooled over patients (or records) with a
// bootstrap over those clusters: what the real-data studies report for every classifier.
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/metrics.hpp"

namespace scapredict::stats {

/// Accuracy, balanced accuracy, sensitivity, specificity (threshold 0.5) and AUROC of scores `p`
/// against 0/1 labels `y`; NaN where a class is missing. always_normal: the accuracy of calling
/// every score normal.
struct SetMetrics {
  double accuracy, balanced, se, sp, auroc, always_normal;
  int pos = 0, neg = 0;
};
SetMetrics set_metrics(const std::vector<double>& p, const std::vector<int>& y);

struct PooledMetrics {
  MeanCi auroc, balanced_accuracy, accuracy;
  double always_normal = 0;
  int scd_patients = 0, normal_patients = 0, minutes = 0;
  nlohmann::json to_json() const;
};

/// AUROC, balanced accuracy and accuracy (threshold 0.5) of scores `p` with 0/1 labels `y`,
/// each with a percentile bootstrap over the clusters (patients or records) in `cluster`
/// (seeds seed, seed + 1, seed + 2). Counts other than `minutes` are left to the caller.
PooledMetrics pooled_metrics(const std::vector<double>& p, const std::vector<int>& y,
                             const std::vector<int>& cluster, int resamples, std::uint64_t seed);

/// v as JSON, or null when it is not finite.
nlohmann::json finite_or_null(double v);

}  // namespace scapredict::stats

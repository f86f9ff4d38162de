#pragma once
// Classification metrics and confidence intervals.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace scapredict::stats {

/// A 2x2 confusion matrix; positive = SCD.
struct Confusion {
  int tp = 0, fn = 0, tn = 0, fp = 0;
  void add(bool truth_positive, bool predicted_positive);
  Confusion& operator+=(const Confusion& other);
  int total() const { return tp + fn + tn + fp; }
  double accuracy() const;     ///< (tp + tn) / total; NaN when empty
  double sensitivity() const;  ///< tp / (tp + fn); NaN without positives
  double specificity() const;  ///< tn / (tn + fp); NaN without negatives
};

/// Area under the ROC curve: the probability that a random positive scores above a random
/// negative, ties counting one half (Mann-Whitney U / (n_pos n_neg)). NaN if a class is missing.
double auroc(const std::vector<double>& scores, const std::vector<int>& labels);

/// Mean with a two-sided 95% confidence interval from Student's t over the values (NaN skipped).
struct MeanCi {
  double mean = 0, lo = 0, hi = 0, sd = 0;
  int n = 0;
};
MeanCi mean_ci95(const std::vector<double>& values);

/// {"mean", "ci95": [lo, hi], "sd", "n"}: how every result file writes a MeanCi.
nlohmann::json to_json(const MeanCi& m);

/// "mean [lo, hi]" in percent, the interval clipped to [0, 100] % (a proportion's range); "n/a"
/// for a NaN mean; "mean (no interval, n=N)" when the interval is not finite.
std::string percent_ci(const MeanCi& m);

/// Student t quantile t_{0.975, df} (df >= 1).
double t975(int df);

/// Spearman's rank correlation of x and y (average ranks for ties); NaN for fewer than 3 pairs
/// or a constant series.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

/// Brier score: mean squared difference between P(positive) and the 0/1 truth.
double brier(const std::vector<double>& p, const std::vector<int>& labels);

/// Percentile bootstrap over clusters (patients). `cluster[i]` names the cluster of item i (any
/// ints). Each of `resamples` draws picks as many clusters as there are, with replacement, and
/// evaluates `statistic` on the items of the drawn clusters (a cluster drawn twice contributes its
/// items twice). Returns mean = the statistic on all items, [lo, hi] = the 2.5 and 97.5
/// percentiles of the finite resampled values, sd = their standard deviation, n = the number of
/// clusters. Deterministic in `seed`.
MeanCi cluster_bootstrap(const std::vector<int>& cluster,
                         const std::function<double(const std::vector<std::size_t>&)>& statistic,
                         int resamples, std::uint64_t seed);

/// One bin of a reliability diagram: predictions with P in [lo, hi) (the last bin includes 1).
struct ReliabilityBin {
  double lo = 0, hi = 0;
  int n = 0;
  double mean_p = 0;    ///< mean predicted probability in the bin (NaN when empty)
  double observed = 0;  ///< fraction of positives in the bin (NaN when empty)
  double observed_lo = 0, observed_hi = 0;  ///< Wilson 95 % interval of `observed`
};
/// Equal-width bins over [0, 1].
std::vector<ReliabilityBin> reliability(const std::vector<double>& p,
                                        const std::vector<int>& labels, int bins = 10);

}  // namespace scapredict::stats

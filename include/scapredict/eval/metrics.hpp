#pragma once
// Classification metrics and confidence intervals.
#include <string>
#include <vector>

namespace scapredict::eval {

/// A 2x2 confusion matrix; positive = SCD.
struct Confusion {
  int tp = 0, fn = 0, tn = 0, fp = 0;
  void add(bool truth_positive, bool predicted_positive);
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

/// "mean [lo, hi]" in percent, the interval clipped to [0, 100] % (a proportion's range); "n/a"
/// for NaN.
std::string percent_ci(const MeanCi& m);

/// Student t quantile t_{0.975, df} (df >= 1).
double t975(int df);

/// Brier score: mean squared difference between P(positive) and the 0/1 truth.
double brier(const std::vector<double>& p, const std::vector<int>& labels);

}  // namespace scapredict::eval

#include "scapredict/eval/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

namespace scapredict::eval {

void Confusion::add(bool truth, bool predicted) {
  if (truth)
    (predicted ? tp : fn)++;
  else
    (predicted ? fp : tn)++;
}

static double ratio(int a, int b) {
  return b == 0 ? std::numeric_limits<double>::quiet_NaN() : double(a) / b;
}
double Confusion::accuracy() const {
  return ratio(tp + tn, total());
}
double Confusion::sensitivity() const {
  return ratio(tp, tp + fn);
}
double Confusion::specificity() const {
  return ratio(tn, tn + fp);
}

double auroc(const std::vector<double>& s, const std::vector<int>& y) {
  std::vector<std::size_t> idx(s.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return s[a] < s[b]; });
  // Mid-ranks for ties, then U of the positives.
  double rank_sum = 0;
  std::size_t n_pos = 0;
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j < idx.size() && s[idx[j]] == s[idx[i]]) ++j;
    const double mid = (double(i) + double(j - 1)) / 2.0 + 1.0;
    for (std::size_t k = i; k < j; ++k) {
      if (y[idx[k]] == 1) {
        rank_sum += mid;
        ++n_pos;
      }
    }
    i = j;
  }
  const std::size_t n_neg = s.size() - n_pos;
  if (n_pos == 0 || n_neg == 0) return std::numeric_limits<double>::quiet_NaN();
  const double u = rank_sum - double(n_pos) * double(n_pos + 1) / 2.0;
  return u / (double(n_pos) * double(n_neg));
}

double t975(int df) {
  // Two-sided 95% quantiles of Student's t for df = 1..30; 1.96 beyond.
  static const double t[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                             2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                             2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return std::numeric_limits<double>::quiet_NaN();
  return df <= 30 ? t[df - 1] : 1.96;
}

MeanCi mean_ci95(const std::vector<double>& values) {
  MeanCi r;
  std::vector<double> v;
  for (double x : values)
    if (std::isfinite(x)) v.push_back(x);
  r.n = static_cast<int>(v.size());
  if (v.empty()) {
    r.mean = r.lo = r.hi = r.sd = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  r.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  if (v.size() < 2) {
    r.lo = r.hi = r.mean;
    return r;
  }
  double ss = 0;
  for (double x : v) ss += (x - r.mean) * (x - r.mean);
  r.sd = std::sqrt(ss / double(v.size() - 1));
  const double half = t975(r.n - 1) * r.sd / std::sqrt(double(v.size()));
  r.lo = r.mean - half;
  r.hi = r.mean + half;
  return r;
}

std::string percent_ci(const MeanCi& m) {
  if (!std::isfinite(m.mean)) return "n/a";
  char b[64];
  std::snprintf(b, sizeof b, "%.1f [%.1f, %.1f]", 100 * m.mean, 100 * std::max(0.0, m.lo),
                100 * std::min(1.0, m.hi));
  return b;
}

double brier(const std::vector<double>& p, const std::vector<int>& y) {
  double s = 0;
  for (std::size_t i = 0; i < p.size(); ++i) s += (p[i] - y[i]) * (p[i] - y[i]);
  return p.empty() ? std::numeric_limits<double>::quiet_NaN() : s / double(p.size());
}

}  // namespace scapredict::eval

#include "stats/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <random>

namespace scapredict::stats {

void Confusion::add(bool truth, bool predicted) {
  if (truth)
    (predicted ? tp : fn)++;
  else
    (predicted ? fp : tn)++;
}

Confusion& Confusion::operator+=(const Confusion& o) {
  tp += o.tp;
  fn += o.fn;
  tn += o.tn;
  fp += o.fp;
  return *this;
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

nlohmann::json to_json(const MeanCi& m) {
  return {{"mean", m.mean}, {"ci95", {m.lo, m.hi}}, {"sd", m.sd}, {"n", m.n}};
}

std::string percent_ci(const MeanCi& m) {
  if (!std::isfinite(m.mean)) return "n/a";
  char b[64];
  if (!std::isfinite(m.lo) || !std::isfinite(m.hi)) {
    std::snprintf(b, sizeof b, "%.1f (no interval, n=%d)", 100 * m.mean, m.n);
    return b;
  }
  std::snprintf(b, sizeof b, "%.1f [%.1f, %.1f]", 100 * m.mean, 100 * std::max(0.0, m.lo),
                100 * std::min(1.0, m.hi));
  return b;
}

double brier(const std::vector<double>& p, const std::vector<int>& y) {
  double s = 0;
  for (std::size_t i = 0; i < p.size(); ++i) s += (p[i] - y[i]) * (p[i] - y[i]);
  return p.empty() ? std::numeric_limits<double>::quiet_NaN() : s / double(p.size());
}

namespace {

std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> rank(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double r = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) rank[order[k]] = r;
    i = j + 1;
  }
  return rank;
}

}  // namespace

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (x.size() != y.size() || x.size() < 3) return nan;
  const auto rx = average_ranks(x), ry = average_ranks(y);
  const double n = static_cast<double>(x.size()), mean = (n + 1) / 2;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (sxx == 0 || syy == 0) return nan;
  return sxy / std::sqrt(sxx * syy);
}

MeanCi cluster_bootstrap(const std::vector<int>& cluster,
                         const std::function<double(const std::vector<std::size_t>&)>& statistic,
                         int resamples, std::uint64_t seed) {
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < cluster.size(); ++i) members[cluster[i]].push_back(i);
  std::vector<const std::vector<std::size_t>*> groups;
  for (const auto& [id, items] : members) groups.push_back(&items);
  std::vector<std::size_t> all(cluster.size());
  std::iota(all.begin(), all.end(), 0);
  MeanCi r;
  r.mean = statistic(all);
  r.n = static_cast<int>(groups.size());
  r.lo = r.hi = r.sd = std::numeric_limits<double>::quiet_NaN();
  if (groups.empty()) return r;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, groups.size() - 1);
  std::vector<double> values;
  std::vector<std::size_t> items;
  for (int b = 0; b < resamples; ++b) {
    items.clear();
    for (std::size_t k = 0; k < groups.size(); ++k) {
      const auto* g = groups[pick(rng)];
      items.insert(items.end(), g->begin(), g->end());
    }
    const double v = statistic(items);
    if (std::isfinite(v)) values.push_back(v);
  }
  if (values.empty()) return r;
  std::sort(values.begin(), values.end());
  // Percentiles by linear interpolation between order statistics.
  auto quantile = [&](double q) {
    const double pos = q * double(values.size() - 1);
    const auto i = static_cast<std::size_t>(pos);
    const double f = pos - double(i);
    return i + 1 < values.size() ? values[i] * (1 - f) + values[i + 1] * f : values[i];
  };
  r.lo = quantile(0.025);
  r.hi = quantile(0.975);
  const double m = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
  double ss = 0;
  for (double v : values) ss += (v - m) * (v - m);
  r.sd = values.size() > 1 ? std::sqrt(ss / double(values.size() - 1)) : 0.0;
  return r;
}

std::vector<ReliabilityBin> reliability(const std::vector<double>& p, const std::vector<int>& y,
                                        int bins) {
  std::vector<ReliabilityBin> out(static_cast<std::size_t>(std::max(bins, 1)));
  std::vector<double> sum_p(out.size(), 0.0);
  std::vector<int> pos(out.size(), 0);
  for (std::size_t b = 0; b < out.size(); ++b) {
    out[b].lo = double(b) / double(out.size());
    out[b].hi = double(b + 1) / double(out.size());
  }
  for (std::size_t i = 0; i < p.size(); ++i) {
    auto b = static_cast<std::size_t>(std::clamp(p[i], 0.0, 1.0) * double(out.size()));
    b = std::min(b, out.size() - 1);
    ++out[b].n;
    sum_p[b] += p[i];
    pos[b] += y[i] == 1;
  }
  const double z = 1.959964;
  for (std::size_t b = 0; b < out.size(); ++b) {
    auto& r = out[b];
    if (r.n == 0) {
      r.mean_p = r.observed = r.observed_lo = r.observed_hi =
          std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    const double n = r.n, f = pos[b] / n;
    r.mean_p = sum_p[b] / n;
    r.observed = f;
    const double centre = (f + z * z / (2 * n)) / (1 + z * z / n);
    const double half = z / (1 + z * z / n) * std::sqrt(f * (1 - f) / n + z * z / (4 * n * n));
    r.observed_lo = std::max(0.0, centre - half);
    r.observed_hi = std::min(1.0, centre + half);
  }
  return out;
}

}  // namespace scapredict::stats

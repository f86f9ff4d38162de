#include "stats/pooled.hpp"

#include <cmath>
#include <cstddef>
#include <limits>

namespace scapredict::stats {

nlohmann::json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nullptr;
}

SetMetrics set_metrics(const std::vector<double>& p, const std::vector<int>& y) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  SetMetrics m{nan, nan, nan, nan, nan, nan};
  Confusion c;
  for (std::size_t i = 0; i < p.size(); ++i) c.add(y[i] == 1, p[i] >= 0.5);
  m.pos = c.tp + c.fn;
  m.neg = c.tn + c.fp;
  if (c.total() == 0) return m;
  m.accuracy = c.accuracy();
  m.se = c.sensitivity();
  m.sp = c.specificity();
  m.balanced = (m.se + m.sp) / 2;  // NaN when a class is missing
  m.auroc = auroc(p, y);
  m.always_normal = static_cast<double>(m.neg) / static_cast<double>(c.total());
  return m;
}

nlohmann::json PooledMetrics::to_json() const {
  return {{"auroc", stats::to_json(auroc)},
          {"balanced_accuracy", stats::to_json(balanced_accuracy)},
          {"accuracy", stats::to_json(accuracy)},
          {"always_normal_accuracy", finite_or_null(always_normal)},
          {"scd_patients", scd_patients},
          {"normal_patients", normal_patients},
          {"minutes", minutes}};
}

PooledMetrics pooled_metrics(const std::vector<double>& p, const std::vector<int>& y,
                             const std::vector<int>& cluster, int resamples, std::uint64_t seed) {
  auto metric = [&](double SetMetrics::*field) {
    return [&p, &y, field](const std::vector<std::size_t>& idx) {
      std::vector<double> ps;
      std::vector<int> ys;
      for (auto i : idx) {
        ps.push_back(p[i]);
        ys.push_back(y[i]);
      }
      return set_metrics(ps, ys).*field;
    };
  };
  PooledMetrics m;
  m.minutes = static_cast<int>(p.size());
  m.auroc = cluster_bootstrap(cluster, metric(&SetMetrics::auroc), resamples, seed);
  m.balanced_accuracy =
      cluster_bootstrap(cluster, metric(&SetMetrics::balanced), resamples, seed + 1);
  m.accuracy = cluster_bootstrap(cluster, metric(&SetMetrics::accuracy), resamples, seed + 2);
  return m;
}

}  // namespace scapredict::stats

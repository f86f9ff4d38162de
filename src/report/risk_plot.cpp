#include "report/risk_plot.hpp"

#include "report/plot.hpp"

namespace scapredict::report {

bool plot_risk(const infer::RecordRisk& r, const std::filesystem::path& png) {
  Series s;
  s.title = "P(SCD) per minute";
  for (const auto& m : r.minutes) {
    if (!m.risk) continue;
    s.x.push_back(m.start_s / 3600.0);
    s.y.push_back(100 * *m.risk);
    s.lo.push_back(100 * *m.risk);
    s.hi.push_back(100 * *m.risk);
  }
  std::vector<Series> series = {s};
  if (r.onset_s) {
    Series onset{
        "VF onset", {*r.onset_s / 3600.0, *r.onset_s / 3600.0}, {0, 100}, {0, 100}, {0, 100}};
    series.push_back(onset);
  }
  return plot_png(png, "Risk timeline of record " + r.record, "hours from record start", "risk (%)",
                  series);
}

}  // namespace scapredict::report

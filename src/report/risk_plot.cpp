#include "report/risk_plot.hpp"

#include <algorithm>

#include "io/annotation.hpp"
#include "report/plot.hpp"

namespace scapredict::report {

bool plot_risk(const infer::RecordRisk& r, const std::filesystem::path& png) {
  // x: seconds since midnight when the minutes carry clock times, else hours from the start.
  std::optional<double> base;
  if (!r.minutes.empty() && !r.minutes.front().clock_time.empty())
    base = io::parse_elapsed_time(r.minutes.front().clock_time);
  const double span_s = r.minutes.empty() ? 0.0 : r.minutes.back().start_s + 60.0;
  const double unit_s = span_s <= 7200.0 ? 60.0 : 3600.0;  // minutes for short records
  auto x_of = [&](double t_s) { return base ? *base + t_s : t_s / unit_s; };
  Series s{"P(SCD) per scored minute", {}, {}, {}, {}, Series::Style::kPoints};
  for (const auto& m : r.minutes)
    if (m.risk) s.add(x_of(m.start_s + 30.0), 100 * *m.risk);
  Chart c;
  c.title = "Record " + r.record + ": P(SCD) per minute, uncalibrated; model trained on " +
            (r.model_trained_on_simulated_data() ? std::string("SIMULATED data")
                                                 : r.model.value("data_source", std::string("?")));
  c.xlabel = base             ? "clock time (HH:MM)"
             : unit_s == 60.0 ? "minutes from record start"
                              : "hours from record start";
  c.ylabel = "P(SCD), uncalibrated (%)";
  c.series = {s};
  if (r.onset_s) {
    Series onset{"VF onset", {x_of(*r.onset_s), x_of(*r.onset_s)},
                 {0, 100},   {0, 100},
                 {0, 100},   Series::Style::kLines};
    c.series.push_back(onset);
  }
  c.hlines = {{50.0, "decision threshold (P = 0.5)"}};
  c.yrange = std::make_pair(0.0, 105.0);
  c.x_clock = base.has_value();
  return plot_png(png, c);
}

}  // namespace scapredict::report

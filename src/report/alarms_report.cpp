#include "report/alarms_report.hpp"

#include <cstdio>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "report/plot.hpp"

namespace scapredict::report {

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string p_text(double p) {
  return p < 0.001 ? "< 0.001" : fmt("%.3f", p);
}

}  // namespace

std::string alarms_in_words(const eval::AlarmEvaluation& e) {
  const auto& s = e.summary;
  const auto& c = e.config;
  std::ostringstream o;
  o << "Of " << s.events << " arrests, " << s.events_warned << " were warned " << c.sph_min
    << " to " << c.sph_min + c.sop_min << " minutes ahead, at "
    << fmt("%.1f", s.false_alarms_per_24h) << " false alarms per 24 h (the alarm on "
    << fmt("%.0f", 100 * s.alarm_on_fraction)
    << " % of the monitored time); an alarm ringing at random as often warns "
    << fmt("%.1f", s.pooled_analytic.sensitivity * s.events) << " (pooled, p "
    << p_text(s.pooled_analytic.p_value) << "), and one with each record's own time in warning "
    << fmt("%.1f", s.within_analytic.sensitivity * s.events) << " (within records, p "
    << p_text(s.within_analytic.p_value) << ").";
  return o.str();
}

std::string chance_table(const eval::AlarmSummary& s) {
  std::ostringstream o;
  o << "| random predictor | chance sensitivity | one-sided p |\n|---|---|---|\n";
  auto row = [&](const char* name, const eval::Chance& ch) {
    o << "| " << name << " | " << fmt("%.3f", ch.sensitivity) << " | " << p_text(ch.p_value)
      << " |\n";
  };
  row("pooled, analytic: Poisson alarms at the pooled rate", s.pooled_analytic);
  row("pooled, Monte Carlo: the same number of alarms at random minutes", s.pooled_monte_carlo);
  row("events shuffled within each record, alarms kept", s.shuffled_events);
  row("within each record, analytic: its own time in warning", s.within_analytic);
  row("within each record, Monte Carlo: its alarms shifted at random", s.within_monte_carlo);
  return o.str();
}

std::string alarms_markdown(const eval::AlarmEvaluation& e, const std::string& figure) {
  const auto& s = e.summary;
  const auto& c = e.config;
  std::ostringstream o;
  o << (e.data_source.empty() ? std::string("risk series of unknown origin")
                              : printable(e.data_source, 400))
    << "\n\n# Alarms: events warned, false alarms per 24 h, against chance\n\n";
  o << alarms_in_words(e) << "\n\n";
  o << "Settings: alarm on after " << c.alarm.consecutive
    << " consecutive scored minutes with P >= " << c.alarm.on << ", off below " << c.alarm.off
    << "; SPH " << c.sph_min << " min, SOP " << c.sop_min << " min (docs/alarms.md); "
    << e.records.size() << " records, " << fmt("%.1f", s.hours_monitored)
    << " monitored hours (scored minutes before any event).\n\n";
  o << "| measure | value |\n|---|---|\n";
  o << "| events warned / events | " << s.events_warned << " / " << s.events << " |\n";
  o << "| sensitivity (Wilson 95 % CI over events) | " << fmt("%.2f", s.sensitivity) << " ["
    << fmt("%.2f", s.sensitivity_lo) << ", " << fmt("%.2f", s.sensitivity_hi) << "] |\n";
  o << "| false alarms / monitored hours | " << s.false_alarms << " / "
    << fmt("%.1f", s.hours_monitored) << " |\n";
  o << "| false alarms per 24 h (bootstrap 95 % CI over records) | "
    << fmt("%.2f", s.false_alarms_per_24h) << " [" << fmt("%.2f", s.fa24_lo) << ", "
    << fmt("%.2f", s.fa24_hi) << "] |\n";
  o << "| time in warning (SPH..SPH+SOP after an alarm) | " << fmt("%.3f", s.time_in_warning)
    << " |\n";
  o << "| time with the alarm on | " << fmt("%.3f", s.alarm_on_fraction) << " |\n";
  o << "| median warning time | "
    << (s.median_warning_min ? fmt("%.1f min", *s.median_warning_min) : std::string("n/a"))
    << " |\n\n";
  o << "## Against chance\n\n" << chance_table(s);
  o << "\nThe pooled predictors answer \"does it beat an alarm that rings as often at random?\". "
       "A predictor that only tells patients apart (alarm on in the patients' records, off in the "
       "healthy ones) beats them by far while knowing nothing about when. The within-record "
       "predictors keep each record's own time in warning and only move the alarms or the event "
       "in time: they answer \"does it know when\".\n\n";
  if (!figure.empty()) o << "![sensitivity against false alarms per 24 h](" << figure << ")\n\n";
  o << "## Sweep over T_on\n\n| T_on | sensitivity | false alarms / 24 h | time in warning | "
       "chance (pooled) | chance (within records) |\n|---|---|---|---|---|---|\n";
  for (const auto& p : e.sweep)
    o << "| " << p.t_on << " | " << fmt("%.2f", p.summary.sensitivity) << " | "
      << fmt("%.2f", p.summary.false_alarms_per_24h) << " | "
      << fmt("%.3f", p.summary.time_in_warning) << " | "
      << fmt("%.2f", p.summary.pooled_analytic.sensitivity) << " | "
      << fmt("%.2f", p.summary.within_analytic.sensitivity) << " |\n";
  o << "\n## Per event\n\n| record | warned | warning time |\n|---|---|---|\n";
  for (const auto& r : e.records)
    if (r.has_event)
      o << "| " << printable(r.record, 80) << " | " << (r.warned ? "yes" : "no") << " | "
        << (r.warning_min ? fmt("%.1f min", *r.warning_min) : std::string("")) << " |\n";
  o << "\n## Per record\n\n| record | event | hours | alarms | false alarms | time in warning "
       "|\n|---|---|---|---|---|---|\n";
  for (const auto& r : e.records)
    o << "| " << printable(r.record, 80) << " | " << (r.has_event ? "yes" : "no") << " | "
      << fmt("%.2f", r.hours()) << " | " << r.alarms << " | " << r.false_alarms << " | "
      << fmt("%.3f", r.minutes_monitored ? double(r.minutes_in_warning) / r.minutes_monitored : 0)
      << " |\n";
  o << "\nalarms.json holds every number with its settings, the inputs' provenance (their '#' "
       "lines: data, model, version) and scapredict's version.\n";
  return o.str();
}

void write_alarms_report(const eval::AlarmEvaluation& e, const std::filesystem::path& out) {
  StagedDir stage(out, "the alarm evaluation writes a new one");
  Series found{"this predictor", {}, {}, {}, {}, Series::Style::kErrorLines};
  Series pooled{"chance, pooled (same alarm rate)", {}, {}, {}, {}, Series::Style::kLines};
  Series within{
      "chance, within records (same time in warning)", {}, {}, {}, {}, Series::Style::kLines};
  for (const auto& p : e.sweep) {
    const double x = p.summary.false_alarms_per_24h;
    found.x.push_back(x);
    found.y.push_back(100 * p.summary.sensitivity);
    found.lo.push_back(100 * p.summary.sensitivity_lo);
    found.hi.push_back(100 * p.summary.sensitivity_hi);
    pooled.add(x, 100 * p.summary.pooled_analytic.sensitivity);
    within.add(x, 100 * p.summary.within_analytic.sensitivity);
  }
  Chart chart("Events warned against false alarms (T_on swept)", "false alarms per 24 h",
              "events warned (%)", {found, pooled, within});
  chart.yrange = std::make_pair(0.0, 100.0);
  const std::string figure = "alarms_sweep.png";
  const bool drawn = plot_png(stage.path() / figure, chart);
  write_file_atomic(stage.path() / "ALARMS.md", alarms_markdown(e, drawn ? figure : ""));
  write_file_atomic(stage.path() / "alarms.json", json_text(e.to_json()));
  stage.commit();
}

}  // namespace scapredict::report

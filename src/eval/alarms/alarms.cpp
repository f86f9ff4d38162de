#include "eval/alarms/alarms.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

#include "common/run_config.hpp"
#include "scapredict/version.hpp"

namespace scapredict::eval {

namespace {

// Wilson's 95 % interval of k successes in n.
std::pair<double, double> wilson(int k, int n) {
  if (n == 0) return {0, 1};
  const double z = 1.959963984540054, p = static_cast<double>(k) / n, nn = n;
  const double centre = (p + z * z / (2 * nn)) / (1 + z * z / nn);
  const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

// P(X >= k) for X the number of successes of independent trials with probabilities p.
double at_least(const std::vector<double>& p, int k) {
  std::vector<double> dist(p.size() + 1, 0.0);
  dist[0] = 1;
  for (std::size_t i = 0; i < p.size(); ++i)
    for (std::size_t j = i + 1; j-- > 0;) {
      dist[j + 1] += dist[j] * p[i];
      dist[j] *= 1 - p[i];
    }
  double tail = 0;
  for (std::size_t j = static_cast<std::size_t>(std::max(k, 0)); j < dist.size(); ++j)
    tail += dist[j];
  return std::min(1.0, tail);
}

// The monitored minutes of a record (their starts) and its alarms, as evaluate_record sees them.
struct Monitored {
  std::vector<double> start_s;
};

bool in_window(double lead_s, const AlarmEvalConfig& c) {
  return lead_s >= c.sph_min * 60.0 && lead_s <= (c.sph_min + c.sop_min) * 60.0;
}

bool any_alarm_warns(const std::vector<double>& alarm_s, double onset_s, const AlarmEvalConfig& c) {
  return std::any_of(alarm_s.begin(), alarm_s.end(),
                     [&](double a) { return in_window(onset_s - a, c); });
}

Monitored monitored(const RiskSeries& s, const RecordAlarms& r) {
  Monitored m;
  for (std::size_t i = 0; i < s.start_s.size(); ++i) {
    if (r.has_event && s.start_s[i] + 60.0 > r.onset_s) break;
    if (s.risk[i]) m.start_s.push_back(s.start_s[i]);
  }
  return m;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The totals of `records` without the Monte Carlo chances.
AlarmSummary totals(const std::vector<RecordAlarms>& records) {
  AlarmSummary s;
  int minutes = 0, in_warning = 0, alarm_on = 0;
  std::vector<double> warning_min, p_within;
  std::vector<int> window;
  for (const auto& r : records) {
    minutes += r.minutes_monitored;
    in_warning += r.minutes_in_warning;
    alarm_on += r.minutes_alarm_on;
    s.false_alarms += r.false_alarms;
    s.alarms += r.alarms;
    if (!r.has_event) continue;
    ++s.events;
    window.push_back(r.minutes_in_event_window);
    if (r.warned) {
      ++s.events_warned;
      warning_min.push_back(*r.warning_min);
    }
    p_within.push_back(r.minutes_monitored > 0
                           ? static_cast<double>(r.minutes_in_warning) / r.minutes_monitored
                           : 0.0);
  }
  s.sensitivity = s.events ? static_cast<double>(s.events_warned) / s.events : 0;
  std::tie(s.sensitivity_lo, s.sensitivity_hi) = wilson(s.events_warned, s.events);
  s.hours_monitored = minutes / 60.0;
  s.false_alarms_per_24h = minutes ? 24.0 * s.false_alarms / s.hours_monitored : 0;
  s.time_in_warning = minutes ? static_cast<double>(in_warning) / minutes : 0;
  s.alarm_on_fraction = minutes ? static_cast<double>(alarm_on) / minutes : 0;
  if (!warning_min.empty()) s.median_warning_min = median(warning_min);
  // Pooled: a Poisson predictor raising alarms at the pooled rate warns an event when one falls
  // in the monitored part of the SOP-long window before SPH.
  const double rate = minutes ? static_cast<double>(s.alarms) / minutes : 0;
  std::vector<double> p_pooled;
  for (int w : window) p_pooled.push_back(1 - std::exp(-rate * w));
  s.pooled_analytic = {p_pooled.empty() ? 0.0
                                        : std::accumulate(p_pooled.begin(), p_pooled.end(), 0.0) /
                                              static_cast<double>(p_pooled.size()),
                       at_least(p_pooled, s.events_warned)};
  // Within each record: an event placed at random in its record falls in warning as often as the
  // record is in warning.
  s.within_analytic = {p_within.empty() ? 0.0
                                        : std::accumulate(p_within.begin(), p_within.end(), 0.0) /
                                              static_cast<double>(p_within.size()),
                       at_least(p_within, s.events_warned)};
  return s;
}

// A Monte Carlo chance: `draw` returns the events one draw warns; the p-value counts draws that
// warn at least as many as the predictor did.
template <typename Draw>
Chance monte_carlo(int draws, int events, int warned, Draw draw) {
  if (events == 0 || draws <= 0) return {0, 1};
  double sum = 0;
  int as_many = 0;
  for (int d = 0; d < draws; ++d) {
    const int k = draw();
    sum += k;
    as_many += k >= warned;
  }
  return {sum / draws / events, (1.0 + as_many) / (draws + 1.0)};
}

void monte_carlo_chances(const std::vector<RiskSeries>& series,
                         const std::vector<RecordAlarms>& records, const AlarmEvalConfig& c,
                         AlarmSummary& s) {
  std::vector<Monitored> mon;
  for (std::size_t i = 0; i < series.size(); ++i) mon.push_back(monitored(series[i], records[i]));
  std::vector<std::pair<std::size_t, double>> pool;  // every monitored minute: record, end time
  for (std::size_t i = 0; i < mon.size(); ++i)
    for (double t : mon[i].start_s) pool.emplace_back(i, t + 60.0);
  std::mt19937_64 rng(derive_seed(c.seed, SeedUse::kBootstrap, 500));
  // The pooled alarm count, each at a random monitored minute of any record.
  s.pooled_monte_carlo = monte_carlo(c.monte_carlo, s.events, s.events_warned, [&] {
    std::vector<char> warned(records.size(), 0);
    if (pool.empty()) return 0;
    std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
    for (int a = 0; a < s.alarms; ++a) {
      const auto& [i, t] = pool[pick(rng)];
      if (records[i].has_event && in_window(records[i].onset_s - t, c)) warned[i] = 1;
    }
    return static_cast<int>(std::count(warned.begin(), warned.end(), 1));
  });
  // Each event moved to a random minute end of its record; the alarms stay where they were.
  s.shuffled_events = monte_carlo(c.monte_carlo, s.events, s.events_warned, [&] {
    int k = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (!records[i].has_event || mon[i].start_s.empty()) continue;
      std::uniform_int_distribution<std::size_t> pick(0, mon[i].start_s.size() - 1);
      k += any_alarm_warns(records[i].alarm_s, mon[i].start_s[pick(rng)] + 60.0, c);
    }
    return k;
  });
  // Each record's alarms shifted by one random offset, circularly within its monitored span.
  s.within_monte_carlo = monte_carlo(c.monte_carlo, s.events, s.events_warned, [&] {
    int k = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (!records[i].has_event || mon[i].start_s.empty()) continue;
      const double lo = mon[i].start_s.front(), span = mon[i].start_s.back() + 60.0 - lo;
      std::uniform_real_distribution<double> offset(0, span);
      const double o = offset(rng);
      std::vector<double> shifted;
      for (double a : records[i].alarm_s) shifted.push_back(lo + std::fmod(a - lo + o, span));
      k += any_alarm_warns(shifted, records[i].onset_s, c);
    }
    return k;
  });
}

// The false-alarm rate's percentile interval over records resampled with replacement.
std::pair<double, double> fa24_interval(const std::vector<RecordAlarms>& records,
                                        const AlarmEvalConfig& c) {
  if (records.empty()) return {0, 0};
  std::mt19937_64 rng(derive_seed(c.seed, SeedUse::kBootstrap, 501));
  std::uniform_int_distribution<std::size_t> pick(0, records.size() - 1);
  std::vector<double> v;
  for (int b = 0; b < c.bootstrap; ++b) {
    double fa = 0, hours = 0;
    for (std::size_t j = 0; j < records.size(); ++j) {
      const auto& r = records[pick(rng)];
      fa += r.false_alarms;
      hours += r.hours();
    }
    v.push_back(hours > 0 ? 24.0 * fa / hours : 0.0);
  }
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[static_cast<std::size_t>(q * (v.size() - 1))]; };
  return {at(0.025), at(0.975)};
}

}  // namespace

void AlarmEvalConfig::validate(double longest_min) const {
  alarm.validate();
  if (!std::isfinite(sph_min) || !(sph_min > 0))
    throw AlarmsError("--sph: must be a finite number of minutes above 0");
  if (!std::isfinite(sop_min) || !(sop_min > 0))
    throw AlarmsError("--sop: must be a finite number of minutes above 0");
  if (sph_min + sop_min > longest_min) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "--sop: SPH + SOP (%g min) is longer than the longest record's data (%g min); "
                  "give a shorter --sop for short records",
                  sph_min + sop_min, longest_min);
    throw AlarmsError(buf);
  }
}

nlohmann::json AlarmEvalConfig::to_json() const {
  return {{"alarm", alarm.to_json()},
          {"sph_min", sph_min},
          {"sop_min", sop_min},
          {"monte_carlo_draws", monte_carlo},
          {"bootstrap_resamples", bootstrap},
          {"seed", seed},
          {"sweep_t_on", sweep}};
}

RecordAlarms evaluate_record(const RiskSeries& s, const AlarmEvalConfig& c) {
  RecordAlarms r;
  r.record = s.record;
  const double end_s = s.start_s.empty() ? 0.0 : s.start_s.back() + 60.0;
  // An event after the data ends was not observed: the record counts as one without an event.
  r.has_event = s.onset_s && *s.onset_s <= end_s;
  r.onset_s = r.has_event ? *s.onset_s : 0.0;
  infer::Alarm alarm(c.alarm);
  std::vector<double> monitored_s;
  for (std::size_t i = 0; i < s.start_s.size(); ++i) {
    const double t1 = s.start_s[i] + 60.0;
    if (r.has_event && t1 > r.onset_s) break;  // monitoring ends at the event
    const bool changed = alarm.update(s.risk[i]);
    if (s.risk[i]) {
      ++r.minutes_monitored;
      monitored_s.push_back(s.start_s[i]);
      if (alarm.on()) ++r.minutes_alarm_on;
    }
    if (changed && alarm.on()) r.alarm_s.push_back(t1);
  }
  r.alarms = static_cast<int>(r.alarm_s.size());
  std::optional<double> earliest;
  for (double a : r.alarm_s) {
    if (r.has_event && in_window(r.onset_s - a, c)) {
      if (!earliest) earliest = a;
    } else {
      ++r.false_alarms;
    }
  }
  r.warned = earliest.has_value();
  if (earliest) r.warning_min = (r.onset_s - *earliest) / 60.0;
  for (double t : monitored_s)
    r.minutes_in_event_window += r.has_event && in_window(r.onset_s - (t + 60.0), c);
  for (double t : monitored_s)
    r.minutes_in_warning += std::any_of(r.alarm_s.begin(), r.alarm_s.end(), [&](double a) {
      return t >= a + c.sph_min * 60.0 && t < a + (c.sph_min + c.sop_min) * 60.0;
    });
  return r;
}

AlarmEvaluation evaluate_alarms(const std::vector<RiskSeries>& series,
                                const AlarmEvalConfig& config) {
  if (series.empty()) throw AlarmsError("RISK: no risk series");
  double longest = 0;
  for (const auto& s : series)  // the span of its minutes, gaps included
    if (!s.start_s.empty())
      longest = std::max(longest, (s.start_s.back() + 60.0 - s.start_s.front()) / 60.0);
  config.validate(longest);
  AlarmEvaluation e;
  e.config = config;
  for (const auto& s : series) {
    e.records.push_back(evaluate_record(s, config));
    e.provenance[s.record] = s.comments;
    if (e.data_source.empty() && !s.comments.empty()) e.data_source = s.comments.front();
  }
  e.summary = totals(e.records);
  std::tie(e.summary.fa24_lo, e.summary.fa24_hi) = fa24_interval(e.records, config);
  monte_carlo_chances(series, e.records, config, e.summary);
  for (double t_on : config.sweep) {
    auto c = config;
    c.alarm.off = std::max(0.0, t_on - (config.alarm.on - config.alarm.off));
    c.alarm.on = t_on;
    std::vector<RecordAlarms> rs;
    for (const auto& s : series) rs.push_back(evaluate_record(s, c));
    e.sweep.push_back({t_on, totals(rs)});
  }
  return e;
}

namespace {

nlohmann::json chance_json(const Chance& c) {
  return {{"sensitivity", c.sensitivity}, {"p_value", c.p_value}};
}

nlohmann::json summary_json(const AlarmSummary& s) {
  return {{"events", s.events},
          {"events_warned", s.events_warned},
          {"sensitivity", s.sensitivity},
          {"sensitivity_ci95", {s.sensitivity_lo, s.sensitivity_hi}},
          {"alarms", s.alarms},
          {"false_alarms", s.false_alarms},
          {"hours_monitored", s.hours_monitored},
          {"false_alarms_per_24h", s.false_alarms_per_24h},
          {"false_alarms_per_24h_ci95", {s.fa24_lo, s.fa24_hi}},
          {"time_in_warning", s.time_in_warning},
          {"alarm_on_fraction", s.alarm_on_fraction},
          {"median_warning_min",
           s.median_warning_min ? nlohmann::json(*s.median_warning_min) : nlohmann::json()},
          {"chance_sensitivity", s.pooled_analytic.sensitivity},
          {"p_value", s.pooled_analytic.p_value},
          {"chance",
           {{"pooled_analytic", chance_json(s.pooled_analytic)},
            {"pooled_monte_carlo", chance_json(s.pooled_monte_carlo)},
            {"shuffled_events", chance_json(s.shuffled_events)},
            {"within_record_analytic", chance_json(s.within_analytic)},
            {"within_record_monte_carlo", chance_json(s.within_monte_carlo)}}}};
}

}  // namespace

nlohmann::json AlarmEvaluation::to_json() const {
  auto j = summary_json(summary);
  j["settings"] = config.to_json();
  j["scapredict_version"] = kVersion;
  j["data_source"] = data_source;
  j["provenance"] = provenance;
  nlohmann::json recs = nlohmann::json::array(), events = nlohmann::json::array();
  for (const auto& r : records) {
    recs.push_back({{"record", r.record},
                    {"has_event", r.has_event},
                    {"hours_monitored", r.hours()},
                    {"alarms", r.alarms},
                    {"false_alarms", r.false_alarms},
                    {"minutes_alarm_on", r.minutes_alarm_on},
                    {"minutes_in_warning", r.minutes_in_warning},
                    {"minutes_in_event_window", r.minutes_in_event_window},
                    {"alarm_s", r.alarm_s}});
    if (r.has_event)
      events.push_back(
          {{"record", r.record},
           {"onset_s", r.onset_s},
           {"warned", r.warned},
           {"warning_min", r.warning_min ? nlohmann::json(*r.warning_min) : nlohmann::json()}});
  }
  j["records"] = recs;
  j["per_event"] = events;
  nlohmann::json sw = nlohmann::json::array();
  for (const auto& p : sweep) {
    auto s = summary_json(p.summary);
    s["t_on"] = p.t_on;
    sw.push_back(s);
  }
  j["sweep"] = sw;
  j["within_record_answers"] =
      "does it know when: the within-record chance keeps each record's own time in warning, so a "
      "predictor that only tells patients apart does not beat it";
  return j;
}

}  // namespace scapredict::eval

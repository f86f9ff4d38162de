// The alarm evaluation on known truth (docs/alarms.md): hand-built risk series whose answer is
// known to the minute, the files it reads and refuses, and chance that tells "which patient"
// from "when".
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "eval/alarms/alarms.hpp"
#include "test_util.hpp"

using namespace scapredict;
using eval::RiskSeries;

namespace {

// `minutes` minutes at risk 0.1, the listed minutes at 0.9; nullopt where `gaps` says.
RiskSeries series(const std::string& name, int minutes, const std::vector<int>& high,
                  std::optional<double> onset_s = {}, const std::vector<int>& gaps = {}) {
  RiskSeries s;
  s.record = name;
  for (int m = 0; m < minutes; ++m) {
    s.start_s.push_back(60.0 * m);
    const bool hi = std::find(high.begin(), high.end(), m) != high.end();
    const bool gap = std::find(gaps.begin(), gaps.end(), m) != gaps.end();
    s.risk.push_back(gap ? std::nullopt : std::optional<double>(hi ? 0.9 : 0.1));
  }
  s.onset_s = onset_s;
  return s;
}

eval::AlarmEvalConfig config() {
  eval::AlarmEvalConfig c;
  c.alarm.on = 0.5;
  c.alarm.off = 0.4;
  c.alarm.consecutive = 1;
  c.sph_min = 5;
  c.sop_min = 30;
  c.monte_carlo = 200;
  c.bootstrap = 200;
  return c;
}

TEST(Alarms, AnAlarmExactlySphBeforeTheEventWarnsIt) {
  // Event at 60:00; minute 54 ends at 55:00, 5 minutes (SPH) before it.
  const auto r = eval::evaluate_record(series("a", 120, {54}, 3600.0), config());
  EXPECT_TRUE(r.warned);
  ASSERT_TRUE(r.warning_min);
  EXPECT_DOUBLE_EQ(*r.warning_min, 5.0);
  EXPECT_EQ(r.alarms, 1);
  EXPECT_EQ(r.false_alarms, 0);
  EXPECT_EQ(r.minutes_monitored, 60);  // the minutes before the event only
  // At the far edge: 35 minutes (SPH + SOP) before still warns, one minute earlier does not.
  EXPECT_TRUE(eval::evaluate_record(series("b", 120, {24}, 3600.0), config()).warned);
  const auto early = eval::evaluate_record(series("c", 120, {23}, 3600.0), config());
  EXPECT_FALSE(early.warned);
  EXPECT_EQ(early.false_alarms, 1);
}

TEST(Alarms, TooLateAfterTheEventAndOnANormalRecord) {
  const auto late = eval::evaluate_record(series("late", 120, {55}, 3600.0), config());
  EXPECT_FALSE(late.warned);  // 4 minutes ahead: inside SPH, too late to act
  EXPECT_EQ(late.false_alarms, 1);
  const auto after = eval::evaluate_record(series("after", 120, {61, 70}, 3600.0), config());
  EXPECT_EQ(after.alarms, 0);  // after the event nothing is monitored
  EXPECT_EQ(after.minutes_monitored, 60);
  const auto normal = eval::evaluate_record(series("normal", 1440, {100, 500, 501}), config());
  EXPECT_FALSE(normal.has_event);
  EXPECT_EQ(normal.alarms, 2);  // 500 and 501 are one alarm
  EXPECT_EQ(normal.false_alarms, 2);
  EXPECT_EQ(normal.minutes_alarm_on, 3);
  EXPECT_DOUBLE_EQ(normal.hours(), 24.0);
}

TEST(Alarms, GapsFirstMinuteEventsAndRecordsWithoutScores) {
  auto c = config();
  c.alarm.consecutive = 2;
  // High, not scored, high: the gap breaks the run of two.
  const auto gap = eval::evaluate_record(series("g", 60, {10, 12}, {}, {11}), c);
  EXPECT_EQ(gap.alarms, 0);
  EXPECT_EQ(gap.minutes_monitored, 59);
  const auto first = eval::evaluate_record(series("f", 60, {0}, 30.0), config());
  EXPECT_TRUE(first.has_event);
  EXPECT_EQ(first.minutes_monitored, 0);
  EXPECT_FALSE(first.warned);
  RiskSeries none = series("n", 30, {});
  for (auto& r : none.risk) r.reset();
  const auto e = eval::evaluate_alarms({none, series("a", 120, {54}, 3600.0)}, config());
  EXPECT_EQ(e.records[0].minutes_monitored, 0);
  EXPECT_EQ(e.summary.events, 1);
  EXPECT_EQ(e.summary.events_warned, 1);
  EXPECT_DOUBLE_EQ(e.summary.hours_monitored, 1.0);
  EXPECT_EQ(e.summary.false_alarms, 0);
}

TEST(Alarms, TotalsCountFalseAlarmsPer24HoursOverMonitoredTime) {
  // Two normal days with 3 and 1 false alarms, one patient warned: 4 false alarms in 49 h.
  const auto e = eval::evaluate_alarms(
      {series("n1", 1440, {10, 200, 900}), series("n2", 1440, {50}), series("p", 60, {40}, 3600.0)},
      config());
  EXPECT_EQ(e.summary.false_alarms, 4);
  EXPECT_DOUBLE_EQ(e.summary.hours_monitored, 49.0);
  EXPECT_NEAR(e.summary.false_alarms_per_24h, 4 * 24.0 / 49.0, 1e-12);
  EXPECT_LE(e.summary.fa24_lo, e.summary.false_alarms_per_24h);
  EXPECT_GE(e.summary.fa24_hi, e.summary.false_alarms_per_24h);
  EXPECT_DOUBLE_EQ(e.summary.sensitivity, 1.0);
  ASSERT_TRUE(e.summary.median_warning_min);
  EXPECT_DOUBLE_EQ(*e.summary.median_warning_min, 19.0);
  EXPECT_EQ(e.sweep.size(), config().sweep.size());
  const auto j = e.to_json();
  for (const char* key : {"events", "events_warned", "sensitivity", "false_alarms",
                          "hours_monitored", "false_alarms_per_24h", "time_in_warning",
                          "chance_sensitivity", "p_value", "settings", "records", "per_event"})
    EXPECT_TRUE(j.contains(key)) << key;
}

TEST(Alarms, SeparatingPatientsBeatsPooledChanceButNotChanceWithinRecords) {
  // Ten patients whose alarm rings every 10 minutes all day, twenty healthy days without one.
  std::vector<RiskSeries> s;
  for (int p = 0; p < 10; ++p) {
    std::vector<int> high;
    for (int m = 0; m < 600; ++m)
      if (m % 10 != 0) high.push_back(m);  // a dip every 10 minutes: the alarm rings again
    s.push_back(series("p" + std::to_string(p), 700, high, 600 * 60.0));
  }
  for (int n = 0; n < 20; ++n) s.push_back(series("n" + std::to_string(n), 1440, {}));
  const auto e = eval::evaluate_alarms(s, config());
  EXPECT_EQ(e.summary.events_warned, 10);
  EXPECT_LT(e.summary.pooled_analytic.p_value, 0.001);
  EXPECT_LT(e.summary.pooled_monte_carlo.p_value, 0.01);
  EXPECT_GT(e.summary.within_analytic.p_value, 0.5);  // it does not know when
  EXPECT_GT(e.summary.within_monte_carlo.p_value, 0.5);
  EXPECT_GT(e.summary.shuffled_events.p_value, 0.5);
  // One alarm 10 minutes before each event and none elsewhere knows when.
  std::vector<RiskSeries> w;
  for (int p = 0; p < 10; ++p) w.push_back(series("w" + std::to_string(p), 700, {589}, 600 * 60.0));
  const auto k = eval::evaluate_alarms(w, config());
  EXPECT_EQ(k.summary.events_warned, 10);
  EXPECT_LT(k.summary.within_analytic.p_value, 0.001);
  EXPECT_LT(k.summary.shuffled_events.p_value, 0.01);
}

TEST(Alarms, ReadsTablesByColumnNameAndRefusesWhatIsNotOne) {
  scapredict::testing::TempDir d;
  scapredict::testing::write_text(
      d / "r1.csv",
      "# made by hand\r\nrisk,minute,start_s,minutes_before_onset\r\n0.2,0,0,10\r\n"
      "NA,1,60,9\r\n0.7,2,120,8\r\n");
  const auto s = eval::read_risk_csv(d / "r1.csv");
  EXPECT_EQ(s.record, "r1");
  ASSERT_EQ(s.risk.size(), 3u);
  EXPECT_FALSE(s.risk[1]);
  EXPECT_DOUBLE_EQ(*s.risk[2], 0.7);
  ASSERT_TRUE(s.onset_s);
  EXPECT_DOUBLE_EQ(*s.onset_s, 600.0);
  EXPECT_EQ(s.comments.at(0), "made by hand");
  auto refused = [&](const std::string& text, const std::string& want) {
    scapredict::testing::write_text(d / "bad.csv", text);
    try {
      eval::read_risk_csv(d / "bad.csv");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const eval::AlarmsError& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  };
  refused("minute,start_s\n0,0\n", "no column 'risk'");
  refused("minute,start_s,risk\n0,0,1.5\n", "outside [0, 1]");
  refused("minute,start_s,risk\n0,0,nan\n", "not a finite number");
  refused("minute,start_s,risk\n0,60,0.1\n1,0,0.1\n", "out of order");
  refused("# only comments\n", "no column names");
  refused("minute,start_s,risk\n0.5,0,0.1\n", "not a whole number");
  refused("minute,start_s,risk,minutes_before_onset\n0,0,0.1,10\n1,60,0.1,3\n", "disagrees");
  refused("minute,start_s,risk,minutes_before_onset\n0,0,0.1,-5\n", "before the first minute");
  // Events: a record without a risk series, an onset outside its record, a record twice.
  std::vector<RiskSeries> v = {s};
  scapredict::testing::write_text(d / "ev.csv", "record,onset_s\nr9,10\n");
  EXPECT_THROW(eval::apply_events_file(d / "ev.csv", v), eval::AlarmsError);
  scapredict::testing::write_text(d / "ev.csv", "record,onset_s\nr1,1e6\n");
  EXPECT_THROW(eval::apply_events_file(d / "ev.csv", v), eval::AlarmsError);
  scapredict::testing::write_text(d / "ev.csv", "record,onset_s\nr1,10\nr1,20\n");
  EXPECT_THROW(eval::apply_events_file(d / "ev.csv", v), eval::AlarmsError);
  scapredict::testing::write_text(d / "ev.csv", "record,onset_s\nr1,150\n");
  eval::apply_events_file(d / "ev.csv", v);
  EXPECT_DOUBLE_EQ(*v[0].onset_s, 150.0);
  EXPECT_THROW(eval::read_risk_inputs({(d / "r1.csv").string(), (d / "r1.csv").string()}),
               eval::AlarmsError);
  // SPH and SOP must be positive and fit the data.
  auto c = config();
  c.sph_min = 0;
  EXPECT_THROW(eval::evaluate_alarms({series("a", 120, {})}, c), eval::AlarmsError);
  c = config();
  c.sop_min = std::nan("");
  EXPECT_THROW(eval::evaluate_alarms({series("a", 120, {})}, c), eval::AlarmsError);
  c = config();
  c.sop_min = 200;
  EXPECT_THROW(eval::evaluate_alarms({series("a", 120, {})}, c), eval::AlarmsError);
}

}  // namespace

#include "infer/outputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/text.hpp"

namespace scapredict::infer {

namespace {

std::string p_text(const std::optional<double>& p) {
  if (!p) return "NA";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", *p);
  return buf;
}

}  // namespace

std::vector<io::Annotation> risk_annotations(const RecordRisk& r, double frame_fs_hz,
                                             const AlarmConfig& config) {
  if (!std::isfinite(frame_fs_hz) || !(frame_fs_hz > 0))
    throw Error("risk annotations: the sampling rate must be finite and positive");
  Alarm alarm(config);
  std::vector<io::Annotation> out;
  out.reserve(r.minutes.size());
  for (const auto& m : r.minutes) {
    io::Annotation a;
    a.sample = std::llround(m.start_s * frame_fs_hz);
    a.code = kNoteCode;
    // The quality text is ours (flags, ';'-joined); spaces never occur in it.
    a.aux = "p=" + p_text(m.risk) + " q=" + m.quality();
    if (alarm.update(m.risk)) {
      a.aux += alarm.on() ? " alarm=on" : " alarm=off";
      a.subtype = alarm.on() ? 1 : 2;
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<RiskNote> parse_risk_note(const std::string& aux) {
  std::istringstream in(aux);
  std::string p, q, alarm, extra;
  if (!(in >> p >> q) || p.rfind("p=", 0) != 0 || q.rfind("q=", 0) != 0) return std::nullopt;
  RiskNote n;
  n.quality = q.substr(2);
  if (p != "p=NA") {
    try {
      std::size_t used = 0;
      n.p = std::stod(p.substr(2), &used);
      if (used != p.size() - 2 || !std::isfinite(*n.p)) return std::nullopt;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (in >> alarm) {
    if (alarm != "alarm=on" && alarm != "alarm=off") return std::nullopt;
    n.alarm = alarm.substr(6);
  }
  if (in >> extra) return std::nullopt;
  return n;
}

CohortRow summarise(const RecordRisk& r, const AlarmConfig& config) {
  CohortRow row;
  row.record = r.record;
  row.minutes = static_cast<int>(r.minutes.size());
  Alarm alarm(config);
  double sum = 0;
  for (const auto& m : r.minutes) {
    if (m.flags.empty()) ++row.ok;
    for (const auto& f : m.flags) {
      const auto name = f.substr(0, f.find('='));
      if (name == "bridged") ++row.bridged;
      if (name == "invalid") ++row.invalid;
      if (name == "flat") ++row.flat;
      if (name == "saturated") ++row.saturated;
      if (name == "after_onset") ++row.after_onset;
      if (name == "vf_like") ++row.vf_like;
      if (name == "unlike_training") ++row.unlike_training;
    }
    if (m.risk) {
      ++row.scored;
      sum += *m.risk;
      row.max_risk = std::max(row.max_risk.value_or(0.0), *m.risk);
      if (*m.risk >= config.on) ++row.above_threshold;
    }
    if (alarm.update(m.risk) && alarm.on() && !row.first_alarm) {
      row.first_alarm = m.minute;
      row.first_alarm_s = m.start_s;
    }
  }
  if (row.scored > 0) row.mean_risk = sum / row.scored;
  row.vf_onset_s = r.onset_s;
  if (r.onset_s && row.first_alarm_s)
    row.minutes_before_onset = (*r.onset_s - *row.first_alarm_s) / 60.0;
  return row;
}

std::string cohort_csv(const std::vector<CohortRow>& rows,
                       const std::vector<std::string>& comments) {
  std::ostringstream o;
  o.precision(6);
  for (const auto& c : comments) o << "# " << c << "\r\n";
  o << "record,table,status,minutes,scored,ok,bridged,invalid,flat,saturated,after_onset,vf_like,"
       "unlike_training,max_risk,mean_risk,minutes_above_threshold,first_alarm_minute,"
       "first_alarm_s,vf_onset_s,minutes_before_onset\r\n";
  auto opt = [&](const auto& v) {
    if (v) o << *v;
  };
  for (const auto& r : rows) {
    o << csv_field(r.record) << "," << csv_field(r.table) << ","
      << csv_field(r.error.empty() ? "ok" : "failed: " + r.error);
    if (!r.error.empty()) {
      o << ",,,,,,,,,,,,,,,,,\r\n";
      continue;
    }
    o << "," << r.minutes << "," << r.scored << "," << r.ok << "," << r.bridged << "," << r.invalid
      << "," << r.flat << "," << r.saturated << "," << r.after_onset << "," << r.vf_like << ","
      << r.unlike_training << ",";
    opt(r.max_risk);
    o << ",";
    opt(r.mean_risk);
    o << "," << r.above_threshold << ",";
    opt(r.first_alarm);
    o << ",";
    opt(r.first_alarm_s);
    o << ",";
    opt(r.vf_onset_s);
    o << ",";
    opt(r.minutes_before_onset);
    o << "\r\n";
  }
  return o.str();
}

}  // namespace scapredict::infer

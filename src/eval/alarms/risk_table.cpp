// The risk tables and events files of the alarm evaluation: CSV read by column names. Needs
// common only (fuzz_risk_table links it alone).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "common/text.hpp"
#include "eval/alarms/alarms.hpp"

namespace scapredict::eval {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxRows = 1'000'000;
constexpr std::uintmax_t kMaxFileBytes = 256u << 20;

// One CSV line's fields (RFC 4180 quotes; CR at the end dropped).
std::vector<std::string> split_csv(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

double number(const std::string& text, const std::string& where) {
  double v = 0;
  std::size_t used = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !std::isfinite(v))
    throw AlarmsError(where + ": " + quote_field(text) + " is not a finite number");
  return v;
}

std::string read_text(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw AlarmsError(path.string() + ": not a regular file");
  if (fs::file_size(path, ec) > kMaxFileBytes)
    throw AlarmsError(path.string() + ": larger than 256 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw AlarmsError(path.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void check_risk_minutes(const RiskSeries& s, const std::string& where) {
  if (s.start_s.empty()) throw AlarmsError(where + ": no minute in it");
  for (std::size_t i = 1; i < s.start_s.size(); ++i)
    if (!(s.start_s[i] > s.start_s[i - 1]))
      throw AlarmsError(where + ": minutes out of order at start_s " +
                        std::to_string(s.start_s[i]));
}

RiskSeries read_risk_csv(const fs::path& path) {
  const auto text = read_text(path);
  RiskSeries s;
  s.record = path.stem().string();
  s.source = path.string();
  std::istringstream in(text);
  std::string line;
  std::map<std::string, std::size_t> col;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    if (line[0] == '#') {
      if (line.back() == '\r') line.pop_back();
      const auto comment = line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1);
      if (col.empty() && s.comments.size() < 64) s.comments.push_back(printable(comment, 400));
      continue;
    }
    const auto f = split_csv(line);
    const std::string where = s.source + ": line " + std::to_string(line_no);
    if (col.empty()) {
      for (std::size_t i = 0; i < f.size(); ++i) col[f[i]] = i;
      for (const char* need : {"minute", "start_s", "risk"})
        if (!col.count(need))
          throw AlarmsError(s.source + ": no column '" + need +
                            "' (a risk table names minute, start_s and risk)");
      continue;
    }
    if (s.start_s.size() >= kMaxRows) throw AlarmsError(s.source + ": more than 10^6 minutes");
    auto field = [&](const char* name) -> std::string {
      const auto i = col.at(name);
      if (i >= f.size()) throw AlarmsError(where + ": fewer fields than columns");
      return f[i];
    };
    const double minute = number(field("minute"), where);
    if (minute < 0 || minute != std::floor(minute) || minute > 1e9)
      throw AlarmsError(where + ": minute " + quote_field(field("minute")) +
                        " is not a whole number from 0");
    const double start = number(field("start_s"), where);
    if (std::abs(start) > 1e12) throw AlarmsError(where + ": start_s out of range");
    const std::string r = field("risk");
    std::optional<double> risk;
    if (!r.empty() && r != "NA") {
      risk = number(r, where);
      if (*risk < 0 || *risk > 1) throw AlarmsError(where + ": risk " + r + " outside [0, 1]");
    }
    if (col.count("minutes_before_onset")) {  // one onset: every row must agree with it
      const auto b = field("minutes_before_onset");
      if (!b.empty() && b != "NA") {
        const double onset = start + 60.0 * number(b, where);
        if (!s.onset_s) s.onset_s = onset;
        if (std::abs(onset - *s.onset_s) > 1e-3)
          throw AlarmsError(where +
                            ": minutes_before_onset disagrees with the earlier rows' onset");
      }
    }
    s.start_s.push_back(start);
    s.risk.push_back(risk);
    if (col.count("quality")) s.quality.push_back(printable(field("quality"), 200));
  }
  if (col.empty()) throw AlarmsError(s.source + ": no column names (not a risk table)");
  check_risk_minutes(s, s.source);
  if (s.onset_s && *s.onset_s < s.start_s.front())
    throw AlarmsError(s.source + ": minutes_before_onset puts the onset before the first minute");
  return s;
}

void apply_events_file(const fs::path& path, std::vector<RiskSeries>& series) {
  const auto text = read_text(path);
  std::map<std::string, double> onsets;
  std::istringstream in(text);
  std::string line;
  std::size_t line_no = 0;
  bool header = true;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r" || line[0] == '#') continue;
    const auto f = split_csv(line);
    const std::string where = path.string() + ": line " + std::to_string(line_no);
    if (header) {
      if (f.size() < 2 || f[0] != "record" || f[1] != "onset_s")
        throw AlarmsError(where + ": the first line must name the columns record,onset_s");
      header = false;
      continue;
    }
    if (f.size() != 2) throw AlarmsError(where + ": expected record,onset_s");
    const double t = number(f[1], where);
    if (!onsets.emplace(f[0], t).second)
      throw AlarmsError(where + ": record " + quote_field(f[0]) + " has two events");
  }
  if (header) throw AlarmsError(path.string() + ": no column names (record,onset_s)");
  for (const auto& entry : onsets) {
    const auto& record = entry.first;
    const double t = entry.second;
    const auto it = std::find_if(series.begin(), series.end(),
                                 [&record](const RiskSeries& s) { return s.record == record; });
    if (it == series.end())
      throw AlarmsError(path.string() + ": record " + quote_field(record) + " has no risk series");
    if (t < 0 || t > it->start_s.back() + 60.0)
      throw AlarmsError(path.string() + ": onset " + std::to_string(t) + " s of record " +
                        quote_field(record) + " lies outside its minutes (0 to " +
                        std::to_string(it->start_s.back() + 60.0) + " s)");
  }
  for (auto& s : series) {
    const auto it = onsets.find(s.record);
    s.onset_s = it == onsets.end() ? std::nullopt : std::optional<double>(it->second);
  }
}

}  // namespace scapredict::eval

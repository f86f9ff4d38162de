#include "report/html_page.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/text.hpp"
#include "dsp/prepare.hpp"
#include "dsp/qrs.hpp"
#include "dsp/resample.hpp"
#include "dsp/spectrum.hpp"
#include "infer/record_scorer.hpp"
#include "io/source.hpp"
#include "scapredict/version.hpp"

namespace scapredict::report {

namespace fs = std::filesystem;

PageRecord page_record(const infer::RecordRisk& r, const fs::path& record) {
  PageRecord p;
  p.path = record;
  p.series.record = r.record;
  p.series.source = record.string();
  p.series.onset_s = r.onset_s;
  p.series.comments = infer::meaning_lines(r);
  for (const auto& m : r.minutes) {
    p.series.start_s.push_back(m.start_s);
    p.series.risk.push_back(m.risk);
    p.series.quality.push_back(m.quality());
  }
  p.warnings = r.warnings;
  return p;
}

std::vector<PageRecord> batch_page_records(const infer::BatchResult& batch,
                                           const PageOptions& options) {
  std::vector<PageRecord> pages;
  for (const auto& e : batch.entries) {
    PageRecord p;
    p.path = e.record;
    p.error = e.error;
    if (e.error.empty()) {
      p.series = eval::read_risk_csv(e.table);
      p.series.record = e.record.filename().string();
      hold_minutes(p, options);
    }
    pages.push_back(std::move(p));
  }
  return pages;
}

namespace {

// Minutes the alarm is on, as [first, last] row ranges (infer::Alarm over the rows).
std::vector<std::pair<std::size_t, std::size_t>> alarm_periods(const eval::RiskSeries& s,
                                                               const infer::AlarmConfig& c) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  infer::Alarm alarm(c);
  for (std::size_t i = 0; i < s.risk.size(); ++i) {
    alarm.update(s.risk[i]);
    if (!alarm.on()) continue;
    if (!out.empty() && out.back().second + 1 == i)
      out.back().second = i;
    else
      out.emplace_back(i, i);
  }
  return out;
}

// Rows to hold, each with why (the first reason wins).
std::vector<std::pair<std::size_t, std::string>> choose(const PageRecord& r, const PageOptions& o) {
  const auto& s = r.series;
  std::vector<std::pair<std::size_t, std::string>> out;
  std::set<std::size_t> taken;
  auto take = [&](std::size_t i, const char* why) {
    if (i < s.risk.size() && taken.insert(i).second) out.emplace_back(i, why);
  };
  int n = 0;
  for (const auto& [first, last] : alarm_periods(s, o.alarm))
    if (n++ < o.alarm_onsets) take(first, "alarm onset");
  std::vector<std::size_t> scored;
  for (std::size_t i = 0; i < s.risk.size(); ++i)
    if (s.risk[i]) scored.push_back(i);
  std::stable_sort(scored.begin(), scored.end(),
                   [&](std::size_t a, std::size_t b) { return *s.risk[a] > *s.risk[b]; });
  for (std::size_t k = 0; k < scored.size() && k < static_cast<std::size_t>(o.highest); ++k)
    take(scored[k], "highest risk");
  if (s.onset_s) {
    n = 0;
    for (std::size_t i = s.risk.size(); i-- > 0 && n < o.before_onset;)
      if (s.start_s[i] + 60.0 <= *s.onset_s && s.risk[i]) take(i, "before onset"), ++n;
  }
  if (o.hourly)
    for (std::size_t i = 0; i < s.start_s.size(); ++i)
      if (std::fmod(s.start_s[i], 3600.0) < 60.0) take(i, "hourly");
  std::sort(out.begin(), out.end());
  return out;
}

HeldMinute read_minute(const io::ChannelReader& ch, std::size_t row, double start_s,
                       std::string why) {
  HeldMinute h;
  h.row = row;
  h.why = std::move(why);
  const double fs = ch.info().fs_hz;
  const auto first = static_cast<std::int64_t>(std::llround(start_s * fs));
  const auto count = std::min<std::int64_t>(static_cast<std::int64_t>(std::llround(60.0 * fs)),
                                            ch.info().n_samples - first);
  if (first < 0 || count <= 0) return h;
  auto x = ch.read_mv(first, count);
  std::vector<bool> valid_in(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    valid_in[i] = std::isfinite(x[i]);
    if (!valid_in[i]) x[i] = 0;
  }
  auto y = dsp::resample(x, fs, dsp::kAnalysisFsHz);
  y.resize(dsp::kMinuteSamples, 0.0);
  h.valid.resize(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    const auto j = static_cast<std::size_t>(static_cast<double>(i) * fs / dsp::kAnalysisFsHz);
    h.valid[i] = j < valid_in.size() && valid_in[j];
  }
  h.microvolts.resize(y.size());
  for (std::size_t i = 0; i < y.size(); ++i)
    h.microvolts[i] = static_cast<int>(std::lround(std::clamp(y[i], -1000.0, 1000.0) * 1000.0));
  std::vector<double> lead(y);
  for (std::size_t i = 0; i < lead.size(); ++i)
    if (!h.valid[i]) lead[i] = std::nan("");
  h.qrs = dsp::detect_qrs({lead}, dsp::kAnalysisFsHz);
  const auto mag = dsp::rfft_magnitude(y, 8192);  // 1/64 Hz apart
  for (std::size_t b = 0; b + 4 <= 2560 && b + 4 <= mag.size(); b += 4)
    h.spectrum.push_back((mag[b] + mag[b + 1] + mag[b + 2] + mag[b + 3]) / 4.0 /
                         static_cast<double>(dsp::kMinuteSamples));
  return h;
}

double rounded(double v, double scale) {
  return std::round(v * scale) / scale;
}

nlohmann::json record_json(const PageRecord& r, const PageOptions& o) {
  const auto& s = r.series;
  nlohmann::json j = {{"name", s.record.empty() ? r.path.filename().string() : s.record},
                      {"source", r.path.string()},
                      {"error", r.error},
                      {"lines", s.comments},
                      {"warnings", r.warnings},
                      {"held_note", r.held_note}};
  j["onset_s"] = s.onset_s ? nlohmann::json(*s.onset_s) : nlohmann::json(nullptr);
  nlohmann::json start = nlohmann::json::array(), risk = nlohmann::json::array(),
                 q = nlohmann::json::array();
  std::map<std::string, int> codes;
  nlohmann::json names = nlohmann::json::array();
  for (std::size_t i = 0; i < s.start_s.size(); ++i) {
    start.push_back(s.start_s[i]);
    risk.push_back(s.risk[i] ? nlohmann::json(rounded(*s.risk[i], 1e4)) : nlohmann::json(nullptr));
    const std::string quality =
        i < s.quality.size() ? s.quality[i] : std::string(s.risk[i] ? "ok" : "not scored");
    auto [it, fresh] = codes.emplace(quality, static_cast<int>(codes.size()));
    if (fresh) names.push_back(quality);
    q.push_back(it->second);
  }
  j["start_s"] = std::move(start);
  j["risk"] = std::move(risk);
  j["quality_names"] = std::move(names);
  j["quality"] = std::move(q);
  nlohmann::json periods = nlohmann::json::array();
  for (const auto& [a, b] : alarm_periods(s, o.alarm)) periods.push_back({a, b});
  j["alarm"] = std::move(periods);
  nlohmann::json held = nlohmann::json::array();
  for (const auto& h : r.held) {
    nlohmann::json uv = nlohmann::json::array(), spec = nlohmann::json::array();
    for (std::size_t i = 0; i < h.microvolts.size(); ++i)
      uv.push_back(h.valid[i] ? nlohmann::json(h.microvolts[i]) : nlohmann::json(nullptr));
    for (double v : h.spectrum) spec.push_back(rounded(v, 1e6));
    held.push_back({{"row", h.row},
                    {"why", h.why},
                    {"uv", std::move(uv)},
                    {"qrs", h.qrs},
                    {"spectrum", std::move(spec)},
                    {"spectrum_step_hz", 1.0 / 16.0}});
  }
  j["held"] = std::move(held);
  return j;
}

}  // namespace

void hold_minutes(PageRecord& r, const PageOptions& o) {
  r.held.clear();
  if (!r.error.empty() || r.series.start_s.empty()) return;
  try {
    const auto ch = io::open_channel(r.path, o.channel);
    for (const auto& [row, why] : choose(r, o)) {
      auto h = read_minute(*ch, row, r.series.start_s[row], why);
      if (!h.microvolts.empty()) r.held.push_back(std::move(h));
    }
  } catch (const Error& e) {
    r.held.clear();
    r.held_note = "no ECG held: " + error_line(e.what());
  }
}

std::string html_page(const std::string& title, const std::vector<std::string>& lines,
                      const std::vector<PageRecord>& records, const PageOptions& o,
                      const nlohmann::json& provenance) {
  nlohmann::json data = {
      {"title", title},
      {"lines", lines},
      {"version", std::string("scapredict ") + kVersion},
      {"alarm", o.alarm.to_json()},
      {"provenance", provenance},
      {"held_rule", "ECG held for: the first " + std::to_string(o.alarm_onsets) +
                        " alarm onsets, the " + std::to_string(o.highest) +
                        " highest-risk minutes, the last " + std::to_string(o.before_onset) +
                        " scored minutes before a VF onset" +
                        (o.hourly ? ", and the first minute of every hour" : "") +
                        "; other minutes show their risk and quality only"}};
  nlohmann::json recs = nlohmann::json::array();
  for (const auto& r : records) recs.push_back(record_json(r, o));
  data["records"] = std::move(recs);
  // '<' never appears raw inside the script element, so no text in the data can end it.
  std::string payload = json_text(data, -1);
  std::string safe;
  safe.reserve(payload.size());
  for (char c : payload) {
    if (c == '<')
      safe += "\\u003c";
    else
      safe += c;
  }
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<title>scapredict report</title>\n<style>";
  page += html_style();
  page += "</style></head>\n<body>\n<div id=\"app\"></div>\n";
  page += "<script type=\"application/json\" id=\"scapredict-data\">" + safe + "</script>\n";
  page += "<script>";
  page += html_script();
  page += "</script>\n</body></html>\n";
  return page;
}

}  // namespace scapredict::report

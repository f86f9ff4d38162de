#include "eval/beats/ec57.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/error.hpp"
#include "io/header.hpp"
#include "io/signal.hpp"

namespace scapredict::eval {

namespace {

using Index = std::int64_t;
using Intervals = std::vector<std::pair<Index, Index>>;

std::optional<double> ratio(std::int64_t num, std::int64_t den) {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

namespace {

std::vector<Index> beat_samples(const std::vector<io::Annotation>& annotations) {
  std::vector<Index> out;
  for (const auto& a : annotations)
    if (io::is_beat(a.code)) out.push_back(a.sample);
  std::sort(out.begin(), out.end());
  return out;
}

bool is_vf_rhythm(const std::string& aux) {
  std::string r = aux;
  while (!r.empty() && (r.back() == '\0' || r.back() == ' ')) r.pop_back();
  return r == "(VF" || r == "(VFL" || r == "(VFIB";
}

// True when sample s lies in the scored span: after the learning period, outside every interval.
bool scored(Index s, Index learning_end, const Intervals& excluded) {
  if (s < learning_end) return false;
  return std::none_of(excluded.begin(), excluded.end(),
                      [s](const auto& iv) { return s >= iv.first && s < iv.second; });
}

// Pairs of (reference index, test index), closest first, each beat used once, |d| <= window.
std::vector<std::pair<std::size_t, std::size_t>> match(const std::vector<Index>& ref,
                                                       const std::vector<Index>& test,
                                                       Index window) {
  struct Candidate {
    Index distance;
    std::size_t r, t;
  };
  std::vector<Candidate> candidates;
  std::size_t first = 0;
  for (std::size_t r = 0; r < ref.size(); ++r) {
    while (first < test.size() && test[first] < ref[r] - window) ++first;
    for (std::size_t t = first; t < test.size() && test[t] <= ref[r] + window; ++t)
      candidates.push_back({std::llabs(test[t] - ref[r]), r, t});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; });
  std::vector<bool> ref_used(ref.size(), false), test_used(test.size(), false);
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (const auto& c : candidates) {
    if (ref_used[c.r] || test_used[c.t]) continue;
    ref_used[c.r] = test_used[c.t] = true;
    pairs.emplace_back(c.r, c.t);
  }
  return pairs;
}

// Samples of [first, n) outside every interval.
Index scored_samples(Index first, Index n, Intervals excluded) {
  Index count = 0, at = first;
  std::sort(excluded.begin(), excluded.end());
  for (const auto& [b, e] : excluded) {
    if (e <= at) continue;
    if (b >= n) break;
    count += std::max<Index>(0, b - at);
    at = std::max(at, e);
  }
  return count + std::max<Index>(0, n - at);
}

std::string percent(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", 100.0 * *v);
  return buf;
}

nlohmann::json optional_json(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json counts_json(const BeatCounts& c) {
  return {{"tp", c.tp},
          {"fn", c.fn},
          {"fp", c.fp},
          {"sensitivity", optional_json(c.sensitivity())},
          {"positive_predictivity", optional_json(c.positive_predictivity())}};
}

}  // namespace

BeatCounts& BeatCounts::operator+=(const BeatCounts& o) {
  tp += o.tp;
  fn += o.fn;
  fp += o.fp;
  return *this;
}
std::optional<double> BeatCounts::sensitivity() const {
  return ratio(tp, tp + fn);
}
std::optional<double> BeatCounts::positive_predictivity() const {
  return ratio(tp, tp + fp);
}

Intervals vf_intervals(const std::vector<io::Annotation>& reference, std::int64_t n_samples) {
  Intervals out;
  bool in_rhythm = false, in_marker = false;
  Index rhythm_start = 0, marker_start = 0;
  for (const auto& a : reference) {
    if (a.code == io::code::kRhythm) {
      if (in_rhythm) out.emplace_back(rhythm_start, a.sample);
      in_rhythm = is_vf_rhythm(a.aux);
      rhythm_start = a.sample;
    } else if (a.code == io::code::kVfOn && !in_marker) {
      in_marker = true;
      marker_start = a.sample;
    } else if (a.code == io::code::kVfOff && in_marker) {
      out.emplace_back(marker_start, a.sample + 1);
      in_marker = false;
    }
  }
  if (in_rhythm) out.emplace_back(rhythm_start, n_samples);
  if (in_marker) out.emplace_back(marker_start, n_samples);
  std::sort(out.begin(), out.end());
  return out;
}

BeatCounts compare_beats(const std::vector<io::Annotation>& reference,
                         const std::vector<io::Annotation>& test, double fs_hz,
                         std::int64_t n_samples, const Ec57Options& options) {
  if (!std::isfinite(fs_hz) || fs_hz <= 0)
    throw Error("beat comparison: sampling frequency is not finite and positive");
  const std::vector<Index> ref = beat_samples(reference), tst = beat_samples(test);
  const auto window = static_cast<Index>(std::floor(options.match_window_s * fs_hz + 1e-9));
  const auto learning_end = static_cast<Index>(std::ceil(options.learning_period_s * fs_hz - 1e-9));
  const Intervals excluded = options.exclude_vf ? vf_intervals(reference, n_samples) : Intervals{};
  std::vector<bool> ref_paired(ref.size(), false), test_paired(tst.size(), false);
  BeatCounts c;
  for (const auto& [r, t] : match(ref, tst, window)) {
    ref_paired[r] = test_paired[t] = true;
    if (scored(ref[r], learning_end, excluded)) ++c.tp;
  }
  for (std::size_t r = 0; r < ref.size(); ++r)
    if (!ref_paired[r] && scored(ref[r], learning_end, excluded)) ++c.fn;
  for (std::size_t t = 0; t < tst.size(); ++t)
    if (!test_paired[t] && scored(tst[t], learning_end, excluded)) ++c.fp;
  return c;
}

Ec57Summary summarize(std::vector<RecordComparison> records) {
  Ec57Summary s;
  s.records = std::move(records);
  double se_sum = 0, pp_sum = 0;
  int se_n = 0, pp_n = 0;
  for (const auto& r : s.records) {
    s.gross += r.counts;
    if (auto se = r.counts.sensitivity()) se_sum += *se, ++se_n;
    if (auto pp = r.counts.positive_predictivity()) pp_sum += *pp, ++pp_n;
  }
  if (se_n > 0) s.average_sensitivity = se_sum / se_n;
  if (pp_n > 0) s.average_positive_predictivity = pp_sum / pp_n;
  return s;
}

nlohmann::json Ec57Summary::to_json() const {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : records) {
    auto j = counts_json(r.counts);
    j["record"] = r.record;
    j["scored_s"] = r.scored_s;
    rows.push_back(j);
  }
  return {{"records", rows},
          {"gross", counts_json(gross)},
          {"average",
           {{"sensitivity", optional_json(average_sensitivity)},
            {"positive_predictivity", optional_json(average_positive_predictivity)}}}};
}

std::string Ec57Summary::to_text() const {
  std::ostringstream o;
  char line[160];
  std::snprintf(line, sizeof line, "%-12s %8s %6s %6s %8s %8s\n", "record", "TP", "FN", "FP", "Se%",
                "+P%");
  o << line;
  auto row = [&](const std::string& name, const BeatCounts& c) {
    std::snprintf(line, sizeof line, "%-12s %8lld %6lld %6lld %8s %8s\n", name.c_str(),
                  static_cast<long long>(c.tp), static_cast<long long>(c.fn),
                  static_cast<long long>(c.fp), percent(c.sensitivity()).c_str(),
                  percent(c.positive_predictivity()).c_str());
    o << line;
  };
  for (const auto& r : records) row(r.record, r.counts);
  row("gross", gross);
  std::snprintf(line, sizeof line, "%-12s %8s %6s %6s %8s %8s\n", "average", "", "", "",
                percent(average_sensitivity).c_str(),
                percent(average_positive_predictivity).c_str());
  o << line;
  return o.str();
}

Ec57Summary compare_records(const std::vector<std::filesystem::path>& records,
                            const std::string& ref_annotator, const std::string& test_annotator,
                            const Ec57Options& options) {
  std::vector<RecordComparison> rows;
  for (const auto& record : records) {
    const io::Header header = io::read_header(record);
    const Index n = header.n_samples ? *header.n_samples : io::Record(record).n_frames();
    const auto ref = io::read_annotations(record, ref_annotator);
    const auto test = io::read_annotations(record, test_annotator);
    io::check_annotations_fit(ref, n, io::annotation_path(record, ref_annotator).string());
    io::check_annotations_fit(test, n, io::annotation_path(record, test_annotator).string());
    RecordComparison row;
    row.record = header.record_name;
    row.counts = compare_beats(ref, test, header.fs_hz, n, options);
    const auto first = static_cast<Index>(std::ceil(options.learning_period_s * header.fs_hz));
    row.scored_s = static_cast<double>(scored_samples(
                       first, n, options.exclude_vf ? vf_intervals(ref, n) : Intervals{})) /
                   header.fs_hz;
    rows.push_back(std::move(row));
  }
  return summarize(std::move(rows));
}

}  // namespace scapredict::eval

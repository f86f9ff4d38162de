#include "features/nn.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "io/header.hpp"

namespace scapredict::features {

namespace {
// WFDB codes (ecgcodes.h): N 1, L 2, R 3, j 11, B 25, e 34; V 5, E 10, r 41.
constexpr int kN = 1, kL = 2, kR = 3, kNodalEscape = 11, kBbb = 25, kAtrialEscape = 34;
constexpr int kV = 5, kVentricularEscape = 10, kRonT = 41;
}  // namespace

bool is_normal_class(int code) {
  return code == kN || code == kL || code == kR || code == kBbb || code == kAtrialEscape ||
         code == kNodalEscape;
}

bool is_ventricular(int code) {
  return code == kV || code == kVentricularEscape || code == kRonT;
}

bool is_excluded_rhythm(const std::string& rhythm) {
  return rhythm == "AFIB" || rhythm == "AFL" || rhythm == "VF" || rhythm == "VFL" ||
         rhythm == "VFIB";
}

namespace {

bool finite(double x) {
  return std::isfinite(x);
}

// Sorts spans by start and merges overlapping or touching ones; drops empty spans.
std::vector<std::pair<double, double>> merge_spans(std::vector<std::pair<double, double>> s) {
  std::sort(s.begin(), s.end());
  std::vector<std::pair<double, double>> out;
  for (const auto& sp : s) {
    if (!(sp.second > sp.first)) continue;
    if (!out.empty() && sp.first <= out.back().second) {
      out.back().second = std::max(out.back().second, sp.second);
    } else {
      out.push_back(sp);
    }
  }
  return out;
}

// Excluded rhythm episodes and '['..']' spans, in seconds; `sorted` is in time order.
std::vector<std::pair<double, double>> excluded_spans(const std::vector<io::Annotation>& sorted,
                                                      double fs_hz, double end_s) {
  std::vector<std::pair<double, double>> spans;
  std::optional<double> rhythm_start, marker_start;
  for (const auto& a : sorted) {
    const double t = static_cast<double>(a.sample) / fs_hz;
    if (a.code == io::code::kRhythm && !a.aux.empty() && a.aux[0] == '(') {
      if (rhythm_start) spans.emplace_back(*rhythm_start, t);
      rhythm_start.reset();
      if (is_excluded_rhythm(a.aux.substr(1))) rhythm_start = t;
    } else if (a.code == io::code::kVfOn) {
      if (!marker_start) marker_start = t;
    } else if (a.code == io::code::kVfOff && marker_start) {
      spans.emplace_back(*marker_start, t);
      marker_start.reset();
    }
  }
  if (rhythm_start) spans.emplace_back(*rhythm_start, std::max(end_s, *rhythm_start));
  if (marker_start) spans.emplace_back(*marker_start, std::max(end_s, *marker_start));
  return merge_spans(std::move(spans));
}

}  // namespace

Beats beats_from_annotations(const std::vector<io::Annotation>& ann, double fs_hz,
                             double record_end_s, double grid_s) {
  if (!finite(fs_hz) || fs_hz <= 0)
    throw FeatureError("beats: sample rate " + std::to_string(fs_hz) + " is not finite and > 0");
  if (!finite(record_end_s) || record_end_s < 0)
    throw FeatureError("beats: record end " + std::to_string(record_end_s) + " s is not >= 0");
  if (!finite(grid_s) || grid_s < 0)
    throw FeatureError("beats: grid " + std::to_string(grid_s) + " s is not finite and >= 0");
  std::vector<io::Annotation> sorted = ann;
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const io::Annotation& a, const io::Annotation& b) { return a.sample < b.sample; });
  Beats b;
  b.fs_hz = fs_hz;
  b.end_s = record_end_s;
  b.grid_s = grid_s;
  for (const auto& a : sorted) {
    if (!io::is_beat(a.code)) continue;
    double t = static_cast<double>(a.sample) / fs_hz;
    if (grid_s > 0) t = std::round(t / grid_s) * grid_s;
    b.t_s.push_back(t);
    b.code.push_back(a.code);
  }
  b.excluded_s = excluded_spans(sorted, fs_hz, record_end_s);
  return b;
}

Beats read_beats(const std::filesystem::path& record, const std::string& annotator, double grid_s) {
  const io::Header h = io::read_header(record);
  const auto ann = io::read_annotations(record, annotator);
  double end_s = 0;
  if (h.n_samples) {
    io::check_annotations_fit(ann, *h.n_samples, io::annotation_path(record, annotator).string());
    end_s = static_cast<double>(*h.n_samples) / h.fs_hz;
  } else {
    for (const auto& a : ann) end_s = std::max(end_s, static_cast<double>(a.sample) / h.fs_hz);
  }
  return beats_from_annotations(ann, h.fs_hz, end_s, grid_s);
}

namespace {

void check_nn_args(double t0, double t1, const NnOptions& o) {
  if (!finite(t0) || !finite(t1) || !(t0 < t1))
    throw FeatureError("NN intervals: window [" + std::to_string(t0) + ", " + std::to_string(t1) +
                       ") s is not a finite interval with start < end");
  if (!finite(o.min_rr_s) || !finite(o.max_rr_s) || o.min_rr_s <= 0 || o.max_rr_s <= o.min_rr_s)
    throw FeatureError("NN intervals: need 0 < min_rr_s < max_rr_s, both finite");
  if (!finite(o.max_relative_change) || o.max_relative_change <= 0)
    throw FeatureError("NN intervals: max_relative_change must be finite and > 0");
  if (o.reseed_after < 1) throw FeatureError("NN intervals: reseed_after must be >= 1");
}

// True when [a, b] overlaps one of the sorted, merged [start, end) spans.
bool overlaps_excluded(const std::vector<std::pair<double, double>>& spans, double a, double b) {
  // First span whose end lies after a: only it (and later ones starting before b) can overlap.
  auto it =
      std::upper_bound(spans.begin(), spans.end(), a,
                       [](double v, const std::pair<double, double>& s) { return v < s.second; });
  return it != spans.end() && it->first < b;
}

double median(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  double m = *mid;
  if (v.size() % 2 == 0) m = 0.5 * (m + *std::max_element(v.begin(), mid));
  return m;
}

enum class Verdict { kRhythm, kEctopic, kTooShort, kRange, kCandidate };

Verdict classify(const Beats& b, std::size_t i, const NnOptions& o) {
  const double a = b.t_s[i - 1], c = b.t_s[i];
  if (overlaps_excluded(b.excluded_s, a, c)) return Verdict::kRhythm;
  if (!is_normal_class(b.code[i - 1]) || !is_normal_class(b.code[i])) return Verdict::kEctopic;
  const double rr = c - a;
  if (rr < o.min_rr_s) return Verdict::kTooShort;
  if (rr > o.max_rr_s) return Verdict::kRange;
  return Verdict::kCandidate;
}

// verdict[k] of the interval ending at beat lo + k (k >= 1). A too-short interval means an extra
// (false or ectopic) beat, and one of the intervals beside it is then partial: both neighbours
// become artefacts too.
std::vector<Verdict> verdicts(const Beats& b, std::size_t lo, std::size_t hi, const NnOptions& o) {
  std::vector<Verdict> v(hi - lo, Verdict::kRhythm);
  for (std::size_t i = lo + 1; i < hi; ++i) v[i - lo] = classify(b, i, o);
  for (std::size_t k = 1; k < v.size(); ++k) {
    if (v[k] != Verdict::kTooShort) continue;
    if (k > 1 && v[k - 1] == Verdict::kCandidate) v[k - 1] = Verdict::kRange;
    if (k + 1 < v.size() && v[k + 1] == Verdict::kCandidate) v[k + 1] = Verdict::kRange;
  }
  return v;
}

// Ventricular beats, couplets and longer runs among beats [lo, hi).
void count_ventricular(const Beats& b, std::size_t lo, std::size_t hi, NnSeries& s) {
  int run = 0;
  auto close_run = [&] {
    if (run == 2) ++s.n_couplets;
    if (run >= 3) ++s.n_ventricular_runs;
    run = 0;
  };
  for (std::size_t i = lo; i < hi; ++i) {
    if (!is_normal_class(b.code[i])) ++s.n_non_normal;
    if (is_ventricular(b.code[i])) {
      ++s.n_ventricular;
      ++run;
    } else {
      close_run();
    }
  }
  close_run();
}

}  // namespace

NnSeries nn_intervals(const Beats& beats, double t0, double t1, const NnOptions& options) {
  check_nn_args(t0, t1, options);
  if (beats.t_s.size() != beats.code.size())
    throw FeatureError("NN intervals: beat times and codes differ in length");
  const auto lo = static_cast<std::size_t>(
      std::lower_bound(beats.t_s.begin(), beats.t_s.end(), t0) - beats.t_s.begin());
  const auto hi = static_cast<std::size_t>(
      std::lower_bound(beats.t_s.begin(), beats.t_s.end(), t1) - beats.t_s.begin());
  for (std::size_t i = lo + 1; i < hi; ++i)
    if (!(beats.t_s[i] >= beats.t_s[i - 1]))  // NaN fails too
      throw FeatureError("NN intervals: beat times not sorted or not finite near " +
                         std::to_string(beats.t_s[i - 1]) + " s");
  NnSeries s;
  s.n_beats = static_cast<int>(hi - lo);
  count_ventricular(beats, lo, hi, s);
  if (hi - lo < 2) return s;
  const auto verdict = verdicts(beats, lo, hi, options);
  std::vector<double> candidates;
  for (std::size_t i = lo + 1; i < hi; ++i)
    if (verdict[i - lo] == Verdict::kCandidate)
      candidates.push_back(beats.t_s[i] - beats.t_s[i - 1]);
  double reference = candidates.empty() ? 0.0 : median(candidates);
  std::vector<double> rejected;  // consecutive candidates rejected by the relative-change rule
  std::size_t last_end = 0;      // index of the second beat of the last accepted interval
  for (std::size_t i = lo + 1; i < hi; ++i) {
    switch (verdict[i - lo]) {
      case Verdict::kRhythm:
        ++s.n_excluded_rhythm;
        continue;
      case Verdict::kEctopic:
        ++s.n_ectopic;
        continue;
      case Verdict::kTooShort:
      case Verdict::kRange:
        ++s.n_artefact;
        continue;
      case Verdict::kCandidate:
        break;
    }
    const double rr = beats.t_s[i] - beats.t_s[i - 1];
    if (std::abs(rr - reference) > options.max_relative_change * reference) {
      rejected.push_back(rr);
      if (static_cast<int>(rejected.size()) < options.reseed_after) {
        ++s.n_artefact;
        continue;
      }
      reference = median(rejected);  // a lasting change of rate: follow it
      rejected.clear();
      if (std::abs(rr - reference) > options.max_relative_change * reference) {
        ++s.n_artefact;
        continue;
      }
    }
    rejected.clear();
    s.adjacent.push_back(!s.nn_s.empty() && last_end == i - 1 ? 1 : 0);
    s.t_s.push_back(beats.t_s[i]);
    s.nn_s.push_back(rr);
    last_end = i;
    reference = rr;
  }
  s.n_intervals = static_cast<int>(s.nn_s.size());
  return s;
}

}  // namespace scapredict::features

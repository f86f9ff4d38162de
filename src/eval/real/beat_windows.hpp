#pragma once
// The real-beat study's HRV windows: each resolved minute of the cohort as the HRV features of the
// window that ends with it, computed once and cached (docs/real-beats-method.md). Internal to
// beat_study.cpp.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "data/beat_cohort.hpp"
#include "data/minutes.hpp"
#include "data/protocol.hpp"
#include "features/hrv.hpp"
#include "features/nn.hpp"
#include "model/tabular.hpp"

namespace scapredict::eval::beat_detail {

// The HRV features of minutes of the cohort, for one window length and time grid.
class WindowStore {
 public:
  WindowStore(const data::BeatCohort& c, int window_min, double grid_s)
      : c_(c), window_s_(60.0 * window_min) {
    for (bool scd : {true, false}) {
      const auto& recs = scd ? c.scd : c.normal;
      auto& out = scd ? scd_beats_ : normal_beats_;
      for (const auto& r : recs) {
        out.push_back(
            features::beats_from_annotations(r.annotations, r.fs_hz, r.last_beat_s + 1.0, grid_s));
      }
    }
  }

  /// Features of a resolved minute (BeforeOnset or MinuteIndex); nullptr when unusable.
  const std::vector<float>* features(const data::MinuteRef& ref) {
    const auto key = data::PreparedMinutes::key(ref);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second ? &*it->second : nullptr;
    auto& slot = cache_[key];
    const double end = minute_end(ref);
    const double start = end - window_s_;
    if (start < 0) {
      ++unusable["window starts before the record"];
      return nullptr;
    }
    const auto& beats = (ref.scd ? scd_beats_ : normal_beats_).at(std::size_t(ref.patient));
    const auto w = features::hrv_window(beats, start, end);
    if (!w.usable) {
      ++unusable[w.reason];
      return nullptr;
    }
    slot.emplace(w.values.begin(), w.values.end());
    return &*slot;
  }

  /// Draws a usable random minute of normal patient `p` inside its annotated span, never one in
  /// `used`; nullopt after 200 draws.
  std::optional<int> draw(int p, std::mt19937_64& rng, std::vector<int>& used) {
    const auto& rec = c_.beats(false, p);
    // The same minutes whatever the window length: room for the longest window (5 min).
    const int lo = static_cast<int>(std::ceil(rec.first_beat_s / 60.0)) + 4;
    const int hi = static_cast<int>(std::floor(rec.last_beat_s / 60.0)) - 1;
    if (hi < lo) return std::nullopt;
    std::uniform_int_distribution<int> pick(lo, hi);
    for (int attempt = 0; attempt < 200; ++attempt) {
      const int m = pick(rng);
      if (std::find(used.begin(), used.end(), m) != used.end()) continue;
      if (features({false, p, data::MinuteIndex{m}, std::nullopt})) {
        used.push_back(m);
        return m;
      }
    }
    return std::nullopt;
  }

  std::map<std::string, int> unusable;

 private:
  double minute_end(const data::MinuteRef& ref) const {
    if (const auto* b = std::get_if<data::BeforeOnset>(&ref.place)) {
      const double onset = c_.cohort.patient(true, ref.patient).onset_s.value_or(0.0);
      return onset - 60.0 * (b->k - 1);
    }
    if (const auto* m = std::get_if<data::MinuteIndex>(&ref.place)) return 60.0 * (m->index + 1);
    throw data::DataError("a random minute has no place before it is drawn");
  }

  const data::BeatCohort& c_;
  double window_s_;
  std::vector<features::Beats> scd_beats_, normal_beats_;
  std::map<std::string, std::optional<std::vector<float>>> cache_;
};

// A resolved minute with its features and label.
struct Row {
  data::MinuteRef ref;
  std::vector<float> x;
  int label = 0;
};

// Resolves `refs` (drawing random normal minutes) and keeps the usable ones.
inline std::vector<Row> resolve(WindowStore& store, const std::vector<data::MinuteRef>& refs,
                                std::mt19937_64& rng, std::map<int, std::vector<int>>& used) {
  std::vector<Row> rows;
  for (auto ref : refs) {
    if (std::holds_alternative<data::RandomMinute>(ref.place)) {
      const auto m = store.draw(ref.patient, rng, used[ref.patient]);
      if (!m) {
        ++store.unusable["no usable random minute in 200 draws"];
        continue;
      }
      ref.place = data::MinuteIndex{*m};
    }
    if (const auto* x = store.features(ref)) rows.push_back({ref, *x, ref.scd ? 1 : 0});
  }
  return rows;
}

inline model::Dataset dataset(const std::vector<Row>& rows) {
  model::Dataset d;
  for (const auto& r : rows) {
    d.x.push_back(r.x);
    d.y.push_back(r.label);
  }
  return d;
}

inline std::vector<double> predict(const model::TabularModel& m, const std::vector<Row>& rows) {
  if (rows.empty()) return {};
  return m.predict_proba(dataset(rows).x);
}

}  // namespace scapredict::eval::beat_detail

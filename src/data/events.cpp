#include "data/events.hpp"

#include <algorithm>
#include <cmath>

#include "data/cohort.hpp"

namespace scapredict::data {

namespace {

bool is_vf_rhythm(const std::string& r) {
  return r == "VF" || r == "VFL" || r == "VFIB";
}

ArrhythmiaEvent event_at(std::int64_t sample, double fs_hz, std::string source) {
  return {sample, static_cast<double>(sample) / fs_hz, std::move(source)};
}

// Keeps the earlier of `slot` and `e`.
void keep_first(std::optional<ArrhythmiaEvent>& slot, const ArrhythmiaEvent& e) {
  if (!slot || e.sample < slot->sample) slot = e;
}

}  // namespace

RecordEvents find_events(const std::vector<io::Annotation>& annotations, double fs_hz,
                         std::int64_t n_samples, double sustained_vt_s) {
  if (!(fs_hz > 0) || !std::isfinite(fs_hz))
    throw DataError("events: sampling rate must be positive");
  if (!(sustained_vt_s > 0) || !std::isfinite(sustained_vt_s))
    throw DataError("events: sustained VT duration must be positive");
  auto sorted = annotations;
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const io::Annotation& a, const io::Annotation& b) { return a.sample < b.sample; });
  RecordEvents ev;
  const auto episodes = io::rhythm_episodes(sorted, n_samples);
  for (std::size_t i = 0; i < episodes.size(); ++i) {
    const auto& e = episodes[i];
    if (is_vf_rhythm(e.rhythm))
      keep_first(ev.first_vf, event_at(e.start, fs_hz, "rhythm (" + e.rhythm));
    if (e.rhythm != "VT") continue;
    keep_first(ev.first_vt, event_at(e.start, fs_hz, "rhythm (VT"));
    const bool into_vf = i + 1 < episodes.size() && is_vf_rhythm(episodes[i + 1].rhythm) &&
                         episodes[i + 1].start == e.end;
    if (static_cast<double>(e.end - e.start) / fs_hz >= sustained_vt_s || into_vf)
      keep_first(ev.first_sustained_vt, event_at(e.start, fs_hz, "rhythm (VT"));
  }
  for (const auto& a : sorted) {
    if (a.code == io::code::kVfOn) {
      keep_first(ev.first_vf, event_at(a.sample, fs_hz, "marker ["));
      break;
    }
  }
  return ev;
}

}  // namespace scapredict::data

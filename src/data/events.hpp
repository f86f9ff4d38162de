#pragma once
// Ventricular arrhythmia events from annotations: the first VF (rhythm "(VF", "(VFL", "(VFIB" or
// a '[' marker) and the first VT of a record, and how much record lies before each.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/annotation.hpp"

namespace scapredict::data {

struct ArrhythmiaEvent {
  std::int64_t sample = 0;
  double seconds = 0;  ///< from the record start: the minutes before it are seconds / 60
  std::string source;  ///< "rhythm (VF", "rhythm (VFL", "marker [", "rhythm (VT", ...
};

struct RecordEvents {
  std::optional<ArrhythmiaEvent> first_vf;            ///< ventricular flutter or fibrillation
  std::optional<ArrhythmiaEvent> first_vt;            ///< any ventricular tachycardia episode
  std::optional<ArrhythmiaEvent> first_sustained_vt;  ///< a VT episode lasting >= sustained_vt_s
};

/// Events of a record of `n_samples` samples at `fs_hz` from its annotations (any order). A VT
/// episode is sustained when it lasts at least `sustained_vt_s` seconds (30 s, the clinical
/// definition) or runs into VF. Throws DataError for a non-positive rate or sustained_vt_s.
RecordEvents find_events(const std::vector<io::Annotation>& annotations, double fs_hz,
                         std::int64_t n_samples, double sustained_vt_s = 30.0);

}  // namespace scapredict::data

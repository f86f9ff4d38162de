#pragma once
// Beats and normal-to-normal (NN) intervals from WFDB beat annotations (docs/hrv.md).
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "features/features.hpp"
#include "io/annotation.hpp"

namespace scapredict::features {

/// Every beat of a record (io::is_beat codes; B, r, ? included) at the annotator's resolution.
struct Beats {
  std::vector<double> t_s;  ///< beat times, seconds from record start (sample / fs, not rounded)
  std::vector<int> code;    ///< WFDB annotation code of each beat
  /// [start, end) spans whose intervals are not used, sorted and merged: atrial fibrillation or
  /// flutter ("(AFIB", "(AFL"), ventricular flutter or fibrillation ("(VF", "(VFL", "(VFIB", and
  /// '[' .. ']' markers).
  std::vector<std::pair<double, double>> excluded_s;
  double fs_hz = 0;   ///< the annotator's sample rate
  double end_s = 0;   ///< the record end given to beats_from_annotations
  double grid_s = 0;  ///< the re-quantisation grid applied (0: none)
};

/// AAMI class N (N, L, R, B, e, j): the beats whose intervals are NN intervals.
bool is_normal_class(int code);
/// Ventricular ectopic beats counted as PVCs: V, E and r (AAMI class V). Fusion beats (F) are not.
bool is_ventricular(int code);
/// True for rhythm names (aux without the '(') whose intervals are excluded: AFIB, AFL, VF, VFL,
/// VFIB.
bool is_excluded_rhythm(const std::string& rhythm);

/// Beats of a record sampled at `fs_hz` from its annotations (any order; sorted here).
/// `record_end_s` closes a rhythm episode or a '[' still open at the end. If `grid_s` > 0, beat
/// times are re-quantised to the nearest multiple of grid_s (the quantisation control: SDDB beats
/// lie on a 1/250 s grid, NSRDB's on 1/128 s).
/// Requires fs_hz finite and > 0, record_end_s finite and >= 0, grid_s finite and >= 0; throws
/// FeatureError otherwise.
Beats beats_from_annotations(const std::vector<io::Annotation>& ann, double fs_hz,
                             double record_end_s, double grid_s = 0);

/// Reads `record`'s header (io::read_header: no signal file needed) and its `annotator` file and
/// returns beats_from_annotations(ann, header fs, record end, grid_s). The record end is the
/// header's sample count / fs, or the last annotation when the header gives no count.
/// Throws io::IoError for a missing or malformed file, FeatureError for a bad grid_s.
Beats read_beats(const std::filesystem::path& record, const std::string& annotator,
                 double grid_s = 0);

struct NnOptions {
  double min_rr_s = 0.3;  ///< shorter intervals are artefacts (200 bpm)
  double max_rr_s = 2.0;  ///< longer intervals are artefacts (30 bpm; missed beats, pauses)
  /// An interval differing by more than this fraction from the reference (the previous accepted
  /// NN interval; for the first, the median of the window's candidates) is an artefact.
  double max_relative_change = 0.2;
  /// After this many consecutive candidates rejected by the relative-change rule, the reference
  /// becomes their median, so that a true step change of rate cannot lock the filter out.
  int reseed_after = 5;
};

/// NN intervals of one window, with counts of what was excluded and why. The exclusion counts
/// are of candidate intervals (pairs of consecutive beats in the window), each counted under the
/// first rule it breaks, in this order: rhythm, ectopic, artefact.
struct NnSeries {
  std::vector<double> t_s;   ///< time of each interval's second beat
  std::vector<double> nn_s;  ///< interval lengths in seconds
  /// 1 when the interval begins at the beat where the previous accepted interval ended (successive
  /// differences and Poincaré pairs use only such pairs); 0 for the first and after a gap.
  std::vector<std::uint8_t> adjacent;
  int n_beats = 0;      ///< beats in [t0, t1)
  int n_intervals = 0;  ///< accepted NN intervals (nn_s.size())
  int n_ectopic = 0;    ///< candidates with a beat not of normal class
  /// candidates outside [min_rr_s, max_rr_s], next to one shorter than min_rr_s, or too different
  int n_artefact = 0;
  int n_excluded_rhythm = 0;   ///< candidates overlapping an excluded span
  int n_non_normal = 0;        ///< beats in the window not of normal class
  int n_ventricular = 0;       ///< ventricular ectopic beats (V, E, r) in the window
  int n_couplets = 0;          ///< runs of exactly 2 consecutive ventricular beats
  int n_ventricular_runs = 0;  ///< runs of 3 or more consecutive ventricular beats
};

/// NN intervals of the beats in [t0, t1): an interval counts when both beats are of normal class,
/// it does not overlap an excluded span, it lies within [min_rr_s, max_rr_s], it is not next to an
/// interval shorter than min_rr_s (an extra beat makes one of them partial), and it differs by at
/// most max_relative_change from the reference (see NnOptions). Ventricular runs are counted over
/// the window's beats only. Requires t0 < t1 finite, sane options and beat times sorted (as
/// beats_from_annotations gives them; checked inside the window); throws FeatureError.
NnSeries nn_intervals(const Beats& beats, double t0, double t1, const NnOptions& options = {});

}  // namespace scapredict::features

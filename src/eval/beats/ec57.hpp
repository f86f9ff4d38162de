#pragma once
// Beat-by-beat comparison of a test annotator against a reference, as ANSI/AAMI EC57 specifies
// and WFDB's bxb does it (docs/qrs.md): 150 ms match window, a 5-minute learning period, and
// ventricular flutter/fibrillation excluded from scoring.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/annotation.hpp"

namespace scapredict::eval {

struct Ec57Options {
  double match_window_s = 0.15;      ///< |test - reference| <= this pairs two beats
  double learning_period_s = 300.0;  ///< not scored from the record start
  bool exclude_vf = true;  ///< "(VF", "(VFL", "(VFIB" episodes and '['..']' spans not scored
};

/// Matched and unmatched beats: Se = TP / (TP + FN), +P = TP / (TP + FP).
struct BeatCounts {
  std::int64_t tp = 0, fn = 0, fp = 0;
  BeatCounts& operator+=(const BeatCounts& o);
  std::optional<double> sensitivity() const;            ///< nullopt without reference beats
  std::optional<double> positive_predictivity() const;  ///< nullopt without test beats
};

/// One record's comparison.
struct RecordComparison {
  std::string record;
  BeatCounts counts;
  double scored_s = 0;  ///< seconds of the record that were scored
};

/// Every record and the pooled figures.
struct Ec57Summary {
  std::vector<RecordComparison> records;
  BeatCounts gross;                           ///< counts summed over the records
  std::optional<double> average_sensitivity;  ///< mean over the records that have a value
  std::optional<double> average_positive_predictivity;
  nlohmann::json to_json() const;
  /// A bxb-like table: one row per record, then gross and average rows.
  std::string to_text() const;
};

/// Sample intervals [begin, end) not scored: ventricular flutter/fibrillation episodes of the
/// reference (rhythm annotations "(VF", "(VFL", "(VFIB" up to the next rhythm change, and '['
/// to the next ']' or the record end). Sorted, possibly overlapping.
std::vector<std::pair<std::int64_t, std::int64_t>> vf_intervals(
    const std::vector<io::Annotation>& reference, std::int64_t n_samples);

/// Compares the beats (io::is_beat codes: WFDB's isqrs) of `test` with those of `reference` on a
/// record of `n_samples` samples at `fs_hz`. Pairs are made closest first, each beat in at most one
/// pair, within the match window. A pair counts as TP, an unpaired reference beat as FN and an
/// unpaired test beat as FP, each only where it falls in the scored span (after the learning
/// period, outside VF intervals); a pair is placed by its reference beat. Throws Error for a rate
/// that is not finite and positive.
BeatCounts compare_beats(const std::vector<io::Annotation>& reference,
                         const std::vector<io::Annotation>& test, double fs_hz,
                         std::int64_t n_samples, const Ec57Options& options = {});

/// Pools per-record results into gross and average figures.
Ec57Summary summarize(std::vector<RecordComparison> records);

/// Reads each record's header and its `ref_annotator` and `test_annotator` files and compares
/// them. Throws io::IoError naming the file for a missing or malformed header or annotation file,
/// or an annotation outside the record; Error for a record without a sample count.
Ec57Summary compare_records(const std::vector<std::filesystem::path>& records,
                            const std::string& ref_annotator, const std::string& test_annotator,
                            const Ec57Options& options = {});

}  // namespace scapredict::eval

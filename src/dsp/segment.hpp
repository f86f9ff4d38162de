#pragma once
// Cutting a signal into 1-minute segments aligned to an anchor, with quality flags.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "dsp/dsp_error.hpp"

namespace scapredict::dsp {

/// Limits that decide a segment's quality flags (docs/method.md, "Segment quality").
struct QualityLimits {
  double flat_window_s = 2.0;         ///< a window this long ...
  double flat_range_mv = 0.01;        ///< ... with a peak-to-peak range below this is a flat line
  double saturation_fraction = 0.01;  ///< more than this fraction of samples at an ADC limit
  std::optional<std::pair<double, double>> adc_limits_mv;  ///< physical range of the recorder
};

/// Quality of one segment. Later stages use only usable() segments and count the others.
struct SegmentQuality {
  std::int64_t invalid_samples = 0;  ///< NaN samples (unbridgeable gaps)
  bool bridged = false;              ///< holds a short gap bridged by interpolation
  bool flat = false;
  bool saturated = false;
  bool usable() const { return invalid_samples == 0 && !flat && !saturated; }
  std::string describe() const;  ///< "ok" or a comma-separated list of problems
};

/// One segment of a signal.
struct Segment {
  std::int64_t start = 0;         ///< first sample, in the signal's sample index
  int minutes_before_anchor = 0;  ///< k for the k-th minute before the anchor (0 if not anchored)
  std::vector<double> samples;
  SegmentQuality quality;
};

/// Computes the quality flags of `x` (the samples of one segment). `bridged` lists [first, last)
/// ranges, in the same index space as `x`, that were bridged.
SegmentQuality assess_quality(std::span<const double> x, double fs_hz, const QualityLimits& limits,
                              std::span<const std::pair<std::int64_t, std::int64_t>> bridged = {});

/// The k-th segment of `length` samples before `anchor`: samples [anchor - k*length,
/// anchor - (k-1)*length), k >= 1. Throws DspError when it would start before sample 0 or end
/// past the signal.
Segment segment_before(std::span<const double> signal, std::int64_t anchor, int k,
                       std::size_t length, double fs_hz, const QualityLimits& limits,
                       std::span<const std::pair<std::int64_t, std::int64_t>> bridged = {});

/// Consecutive segments of `length` samples from sample 0 (a trailing partial one is dropped).
std::vector<Segment> segment_all(
    std::span<const double> signal, std::size_t length, double fs_hz, const QualityLimits& limits,
    std::span<const std::pair<std::int64_t, std::int64_t>> bridged = {});

}  // namespace scapredict::dsp

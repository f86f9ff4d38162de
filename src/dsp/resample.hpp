#pragma once
// Rational resampling on libsoxr, with a documented policy for invalid (NaN) samples.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "dsp/dsp_error.hpp"

namespace scapredict::dsp {

/// Resamples a finite signal from fs_in to fs_out with soxr's high-quality (HQ) linear-phase
/// filter, single-threaded. The output has round(n * fs_out / fs_in) samples, time-aligned with the
/// input (sample i of the output is at time i / fs_out). NaN input is a DspError: use
/// resample_with_gaps.
std::vector<double> resample(std::span<const double> x, double fs_in, double fs_out);

/// How invalid samples are handled when resampling (docs/method.md, "Invalid samples").
struct GapPolicy {
  /// Gaps up to this long are bridged by linear interpolation and the output span is flagged.
  double max_bridge_s = 2.0;
  /// Output samples this close to a gap edge are treated as part of the gap (filter ringing).
  double guard_s = 0.1;
};

/// Output of resample_with_gaps.
struct Resampled {
  std::vector<double> samples;  ///< NaN over (and around) gaps longer than max_bridge_s
  /// Output index ranges [first, last) that were bridged by interpolation (short gaps).
  std::vector<std::pair<std::int64_t, std::int64_t>> bridged;
  std::int64_t n_gaps_bridged = 0;
  std::int64_t n_gaps_invalid = 0;
};

/// Resamples a signal that may hold NaN runs without ever smearing a NaN through the filter: every
/// gap is first filled by linear interpolation between its valid neighbours (held flat at the
/// edges); the output over a short gap (<= max_bridge_s) plus guard_s on each side is reported in
/// `bridged`; the output over a long gap plus guard_s is set to NaN. An all-NaN input gives all
/// NaN.
Resampled resample_with_gaps(std::span<const double> x, double fs_in, double fs_out,
                             const GapPolicy& policy = {});

}  // namespace scapredict::dsp

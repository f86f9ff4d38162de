#pragma once
// QRS detection for records without beat annotations (docs/qrs.md): a Pan & Tompkins (1985)
// style detector on a zero-phase band-pass, each lead's RMS slope weighted by the reciprocal of
// its own background and summed into one feature, and Hamilton & Tompkins (1986) median
// thresholds; plus the textbook Pan-Tompkins baseline.
#include <cstdint>
#include <vector>

#include "io/signal.hpp"

namespace scapredict::dsp {

/// Every duration in seconds, so the detector behaves the same at any sampling rate.
struct QrsOptions {
  double lowpass_window_s = 0.025;    ///< width of each of the two boxes of the low-pass (triangle)
  double highpass_window_s = 0.12;    ///< width of the box whose mean is subtracted (high-pass)
  double integration_window_s = 0.1;  ///< moving-window integration of the squared slope
  double weight_block_s = 10.0;       ///< a lead's background slope is measured per block
  double peak_separation_s = 0.2;     ///< candidate peaks closer than this merge (largest kept)
  double refractory_s = 0.25;         ///< no second QRS within this of the last one
  double t_wave_window_s = 0.36;      ///< a peak closer than this may be a T wave ...
  double t_wave_slope_ratio = 0.5;    ///< ... when its slope is below this times the last QRS's
  double threshold_fraction = 0.4;    ///< threshold = noise + fraction (QRS level - noise)
  double searchback_rr_factor = 1.5;  ///< search back once this many median RRs pass ...
  double searchback_fraction = 0.5;   ///< ... for peaks above this times the threshold
  double fiducial_window_s = 0.08;    ///< fiducial: the largest |band-passed| within +/- this
};

/// QRS fiducial points (R peaks or, for a negative QRS, its largest deflection) of one record.
/// `leads` are the signals (physical units, NaN = invalid sample), all of one length; one lead
/// suffices. Returns sample indices, sorted and unique. NaN samples contribute nothing: no beat is
/// placed inside a stretch where every lead is invalid, and no NaN reaches the result. The result
/// does not depend on the sign of a lead. Throws DspError when fs_hz is not finite and positive,
/// when `leads` is empty or when the leads differ in length.
std::vector<std::int64_t> detect_qrs(const std::vector<std::vector<double>>& leads, double fs_hz,
                                     const QrsOptions& options = {});

/// The textbook Pan & Tompkins (1985) detector on one lead (docs/qrs.md): causal 5-15 Hz
/// band-pass made of the paper's boxes (30 ms low-pass twice, 160 ms high-pass), five-point
/// derivative, squaring, 150 ms moving-window integration, SPKI/NPKI thresholds, search-back at
/// 166 % of the RR average and the 360 ms T-wave rule. NaN samples are read as 0. Throws DspError
/// when fs_hz is not finite and positive.
std::vector<std::int64_t> detect_qrs_pan_tompkins(const std::vector<double>& lead, double fs_hz);

/// Reads `signals` of `record` (every signal when empty) in physical units and runs detect_qrs.
/// Throws io::IoError for an unreadable record and DspError for a signal index out of range.
std::vector<std::int64_t> detect_record_qrs(const io::Record& record,
                                            const std::vector<int>& signals,
                                            const QrsOptions& options = {});

}  // namespace scapredict::dsp

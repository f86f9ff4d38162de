#pragma once
// From a WFDB record to the model's input: one channel, resampled, cut into minutes, spectra.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dsp/resample.hpp"
#include "dsp/segment.hpp"
#include "io/signal.hpp"

namespace scapredict::dsp {

/// The paper's analysis rate and segment length.
inline constexpr double kAnalysisFsHz = 128.0;
inline constexpr std::size_t kMinuteSamples = 7680;

/// A stretch of one channel at the analysis rate.
struct PreparedSignal {
  std::vector<double> samples;  ///< physical units (mV); NaN where unusable
  double fs_hz = kAnalysisFsHz;
  double start_s = 0;  ///< time of samples[0] from the record start
  std::vector<std::pair<std::int64_t, std::int64_t>> bridged;  ///< bridged output ranges
  std::optional<std::pair<double, double>> adc_limits_mv;      ///< recorder's physical range
  bool resampled = false;  ///< whether the source rate differed from fs_hz
};

/// Reads [start_s, start_s + duration_s) of `signal` and brings it to fs_out. Resampling reads
/// `margin_s` of context on each side (clipped at the record's ends) so that the filter's edge
/// transients fall outside the returned stretch. Throws io::IoError when the stretch is not in the
/// record.
PreparedSignal load_channel(const io::Record& record, int signal, double start_s, double duration_s,
                            double fs_out = kAnalysisFsHz, const GapPolicy& policy = {},
                            double margin_s = 5.0);

/// The physical range the recorder's ADC can store: adc_zero -/+ 2^(resolution-1) adu, in the
/// signal's units.
std::pair<double, double> adc_range_mv(const io::SignalSpec& spec);

/// Quality limits for a prepared stretch (its ADC range included).
QualityLimits limits_for(const PreparedSignal& s);

/// Request of `scapredict spectrum`: one minute of one record.
struct MinuteSpectrumRequest {
  std::filesystem::path record;
  std::optional<int> minute;        ///< minute index from the record start (0-based)
  std::optional<int> before_onset;  ///< k: the k-th minute before the VF onset (k >= 1)
  std::size_t bins = 1024;
  int signal = 0;
  std::string annotator;  ///< for finding the onset when the header has none
};

struct MinuteSpectrum {
  std::vector<double> values;  ///< bins values, |DFT| / n as in SpectrumReducer
  double bin_width_hz = 0;
  double start_s = 0;  ///< segment start from the record start
  SegmentQuality quality;
};

/// The spectrum of one minute. Throws io::IoError for record problems and DspError when the
/// minute is unusable (invalid samples) or the record has no VF onset for before_onset.
MinuteSpectrum minute_spectrum(const MinuteSpectrumRequest& request);

}  // namespace scapredict::dsp

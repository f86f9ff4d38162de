#pragma once
// One channel brought to the analysis rate and cut into minutes while it is read, a stretch at a
// time: memory does not grow with the record's length.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "dsp/prepare.hpp"
#include "dsp/resample.hpp"
#include "dsp/segment.hpp"
#include "io/source.hpp"

namespace scapredict::dsp {

/// One whole minute of the stream.
struct StreamMinute {
  std::int64_t index = 0;       ///< minute from the channel's first sample
  std::vector<double> samples;  ///< minute_samples values at fs_out (mV), NaN where unusable
  /// Output ranges bridged by interpolation that overlap the minute, in the minute's own sample
  /// index (as dsp::segment_all passes them to assess_quality).
  std::vector<std::pair<std::int64_t, std::int64_t>> bridged;
};

using MinuteSink = std::function<void(StreamMinute&&)>;

/// Resamples pushed samples (NaN = invalid) with the policy of resample_with_gaps and hands out
/// each whole minute as soon as no later sample can change it. The minutes are, sample for sample,
/// those of load_channel over the whole channel followed by segment_all (soxr runs as one stream,
/// which gives its one-shot output bit for bit; gaps are filled and masked as resample_with_gaps
/// does). A gap still open at the end of what was pushed holds back the minutes it may touch.
class MinuteAssembler {
 public:
  MinuteAssembler(double fs_in, double fs_out = kAnalysisFsHz, const GapPolicy& policy = {},
                  std::size_t minute_samples = kMinuteSamples);
  ~MinuteAssembler();
  MinuteAssembler(const MinuteAssembler&) = delete;
  MinuteAssembler& operator=(const MinuteAssembler&) = delete;

  /// The next samples of the channel; `sink` receives every minute that became final.
  void push(std::span<const double> x, const MinuteSink& sink);
  /// The channel ended: flushes the resampler and hands out the remaining whole minutes. No push
  /// after it.
  void finish(const MinuteSink& sink);
  /// Samples pushed so far.
  std::int64_t pushed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Whole minutes of a channel of `n_samples` samples at fs_in once brought to fs_out (the count
/// load_channel + segment_all give).
std::int64_t whole_minutes(std::int64_t n_samples, double fs_in, double fs_out = kAnalysisFsHz,
                           std::size_t minute_samples = kMinuteSamples);

/// Reads `reader` from start to end in stretches of `chunk` samples through a MinuteAssembler,
/// then calls reader.finish() (the WFDB checksum). `progress(samples read)` after each stretch.
void stream_minutes(const io::ChannelReader& reader, const MinuteSink& sink,
                    const GapPolicy& policy = {}, std::int64_t chunk = 1 << 16,
                    const std::function<void(std::int64_t)>& progress = {});

}  // namespace scapredict::dsp

#pragma once
// What every scorer of a record shares, whatever its model: the record's facts for the result,
// its VF onset, and the flags of each minute (quality, after the onset, VF-like).
#include <filesystem>
#include <optional>
#include <string>

#include "dsp/segment.hpp"
#include "infer/predict.hpp"
#include "io/channel.hpp"

namespace scapredict::infer {

/// "HH:MM:SS" of `base_time` + `offset_s`, wrapped at midnight; empty without a base time.
std::string clock_time(const std::string& base_time, double offset_s);

/// A RecordRisk with the record's facts (name, format, channel, rates, gain) and nothing else.
RecordRisk record_shell(const io::ChannelInfo& info);

/// Throws PredictError "<source>: nothing to score: ..." for a channel shorter than a minute.
void require_a_minute(const io::ChannelInfo& info);

/// The VF onset of a WFDB record from its header's comments or the annotations of `annotator`
/// (empty: atr, else ari, else none) into out.onset_s and out.onset_source. Throws PredictError
/// for an annotator named for a record that is not WFDB, io::IoError for a bad annotation file.
void find_onset(const std::filesystem::path& record, const io::ChannelInfo& info,
                const std::string& annotator, RecordRisk& out);

/// The flags of one minute at 128 Hz (invalid=N, flat, saturated, bridged, after_onset, vf_like)
/// appended to r.flags; true when the minute can be scored.
bool assess_minute(const dsp::Segment& seg, double start_s, const std::optional<double>& onset_s,
                   MinuteRisk& r);

}  // namespace scapredict::infer

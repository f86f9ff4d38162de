#include "infer/record_minutes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <vector>

#include "dsp/prepare.hpp"
#include "dsp/vf_like.hpp"
#include "io/annotation.hpp"

namespace scapredict::infer {

namespace {

constexpr std::size_t kVfWindow = 1024;  // 8 s at 128 Hz

}  // namespace

std::string clock_time(const std::string& base_time, double offset_s) {
  const auto base = io::parse_elapsed_time(base_time);
  if (!base) return {};
  const auto t = static_cast<long long>(std::floor(*base + offset_s)) % 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", t / 3600, (t / 60) % 60, t % 60);
  return buf;
}

bool assess_minute(const dsp::Segment& seg, double start_s, const std::optional<double>& onset_s,
                   MinuteRisk& r) {
  const auto& q = seg.quality;
  if (q.invalid_samples > 0) r.flags.push_back("invalid=" + std::to_string(q.invalid_samples));
  if (q.flat) r.flags.push_back("flat");
  if (q.saturated) r.flags.push_back("saturated");
  if (q.bridged) r.flags.push_back("bridged");
  bool ok = q.usable();
  if (onset_s && start_s + 60.0 > *onset_s) {
    r.flags.push_back("after_onset");
    ok = false;
  }
  if (q.invalid_samples == 0) {
    const std::span<const double> x(seg.samples);
    for (std::size_t s = 0; s + kVfWindow <= x.size(); s += kVfWindow) {
      if (dsp::vf_like_window(x.subspan(s, kVfWindow), dsp::kAnalysisFsHz, kVfWindow).vf_like) {
        r.flags.push_back("vf_like");
        ok = false;
        break;
      }
    }
  }
  return ok;
}

RecordRisk record_shell(const io::ChannelInfo& info) {
  RecordRisk out;
  out.record = info.record;
  out.format = info.format;
  out.channel = std::to_string(info.channel) + (info.label.empty() ? "" : " (" + info.label + ")");
  out.fs_hz = info.fs_hz;
  out.frame_fs_hz = info.wfdb_header ? info.wfdb_header->fs_hz : info.fs_hz;
  out.gain_adu_per_mv = info.gain_adu_per_mv;
  if (info.wfdb_header) {
    const auto& h = *info.wfdb_header;
    if (static_cast<std::size_t>(info.channel) < h.signals.size())
      out.recorder = io::recorder_signature(h, static_cast<std::size_t>(info.channel));
    out.simulated_record = io::written_by_simulator(h);
  }
  return out;
}

void require_a_minute(const io::ChannelInfo& info) {
  const double duration = static_cast<double>(info.n_samples) / info.fs_hz;
  if (duration < 60.0)
    throw PredictError(info.source + ": nothing to score: the record lasts " +
                       std::to_string(duration) + " s, less than one minute");
}

void find_onset(const std::filesystem::path& record, const io::ChannelInfo& info,
                const std::string& annotator, RecordRisk& out) {
  if (info.wfdb_header) {  // a VF onset from the header's comments or an annotation file
    const auto& h = *info.wfdb_header;
    std::vector<io::Annotation> anns;
    const std::string ann =
        annotator.empty() ? io::default_annotator(record).value_or("") : annotator;
    if (!ann.empty()) {
      anns = io::read_annotations(record, ann);
      const auto c = static_cast<std::size_t>(info.channel);
      const int spf = c < h.signals.size() ? h.signals[c].samples_per_frame : 1;
      io::check_annotations_fit(anns, info.n_samples / std::max(spf, 1),
                                io::annotation_path(record, ann).string());
    }
    if (auto o = io::vf_onset(h, ann.empty() ? nullptr : &anns)) {
      out.onset_s = o->seconds;
      out.onset_source = io::to_string(o->source);
    }
  } else if (!annotator.empty()) {
    throw PredictError(info.source + ": --annotator applies to WFDB records only (this is " +
                       info.format + ")");
  }
}

}  // namespace scapredict::infer

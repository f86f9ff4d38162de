#include "infer/live_sources.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <thread>

#include "infer/record_minutes.hpp"
#include "io/annotation.hpp"
#include "io/source.hpp"

namespace scapredict::infer {

namespace {

void sleep_s(double s) {
  std::this_thread::sleep_for(std::chrono::duration<double>(s));
}

}  // namespace

MonitorSummary monitor_record(const RecordScorer& model, const std::filesystem::path& path,
                              const std::string& channel, const std::string& annotator,
                              const FollowOptions& follow, dsp::QualityLimits limits,
                              const AlarmConfig& alarm, const MonitorCallbacks& out) {
  double idle = 0;
  auto open = [&]() -> std::unique_ptr<io::ChannelReader> {
    for (;;) {
      try {
        return io::open_wfdb_channel(path, channel);
      } catch (const io::IoError&) {
        if (!follow.follow || idle >= follow.idle_timeout_s) throw;
      }
      sleep_s(follow.poll_s);
      idle += follow.poll_s;
    }
  };
  auto reader = open();
  const auto info = reader->info();
  limits.adc_limits_mv = info.range_mv;
  RecordRisk found = record_shell(info);
  found.model = model.provenance();
  find_onset(path, info, annotator, found);
  LiveMonitor mon(model.live_rows({info.base_time, found.onset_s, limits}), info.fs_hz, alarm);
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.6g Hz", info.fs_hz);
  std::vector<std::string> warnings;
  check_training_range(found, 0, warnings);
  if (out.start)
    out.start(path.string() + ", channel " + std::to_string(info.channel) + " (" + info.label +
                  ") at " + rate,
              warnings);
  std::int64_t pos = 0;
  const std::int64_t chunk = 1 << 16;
  for (;;) {
    const std::int64_t n = reader->info().n_samples;
    if (n > pos) {
      idle = 0;
      while (pos < n) {
        const auto len = std::min(chunk, n - pos);
        out.minutes(mon.push(reader->read_mv(pos, len)));
        pos += len;
      }
    }
    if (!follow.follow) {
      reader->finish();  // the WFDB checksum, read in order from the start
      break;
    }
    if (idle >= follow.idle_timeout_s) break;
    sleep_s(follow.poll_s);
    idle += follow.poll_s;
    try {
      auto next = io::open_wfdb_channel(path, channel);  // the header, the file's size
      if (next->info().fs_hz != info.fs_hz)
        throw Error(path.string() + ": the sampling rate changed while monitoring");
      reader = std::move(next);
    } catch (const io::IoError&) {  // being rewritten: look again at the next poll
    }
  }
  out.minutes(mon.finish());
  return {info.fs_hz,     info.gain_adu_per_mv,  mon.pushed(), mon.unlike_training(),
          found.recorder, found.simulated_record};
}

MonitorSummary monitor_raw(const RecordScorer& model, int fd, const io::RawLayout& layout,
                           int channel, dsp::QualityLimits limits, const AlarmConfig& alarm,
                           const MonitorCallbacks& out) {
  layout.validate();
  if (layout.format != "f32") limits.adc_limits_mv = layout.range_mv();
  LiveMonitor mon(model.live_rows({"", std::nullopt, limits}), layout.fs_hz, alarm);
  if (out.start) {
    char what[200];
    std::snprintf(what, sizeof what,
                  "stdin, format %s, %.6g Hz, gain %.6g per mV, baseline %lld, channel %d of %d",
                  layout.format.c_str(), layout.fs_hz, layout.gain, layout.baseline, channel,
                  layout.channels);
    RecordRisk facts;
    facts.model = model.provenance();
    facts.fs_hz = layout.fs_hz;
    facts.gain_adu_per_mv = layout.format == "f32" ? 0.0 : layout.gain;
    std::vector<std::string> warnings;
    check_training_range(facts, 0, warnings);
    out.start(what, warnings);
  }
  const std::size_t frame = layout.frame_bytes();
  std::vector<std::uint8_t> buf(frame * 4096);
  std::size_t have = 0;
  for (;;) {
    // read(2) returns what has arrived, so a live feed's minutes are not held back until a
    // whole buffer fills (fread waits for it).
    const ssize_t n = ::read(fd, buf.data() + have, buf.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(std::string("stdin: read error (") + std::strerror(errno) + ")");
    const auto got = static_cast<std::size_t>(n);
    have += got;
    const std::size_t whole = io::frames_in(layout, have) * frame;
    out.minutes(mon.push(io::decode_raw_frames(layout, {buf.data(), whole}, channel)));
    std::memmove(buf.data(), buf.data() + whole, have - whole);
    have -= whole;
    if (got == 0) break;
  }
  out.minutes(mon.finish());
  if (have != 0)
    throw Error("stdin: ends inside a frame (" + std::to_string(have) + " stray bytes of a " +
                std::to_string(frame) + "-byte frame)");
  return {layout.fs_hz, layout.format == "f32" ? 0.0 : layout.gain,
          mon.pushed(), mon.unlike_training(),
          "",           false};
}

}  // namespace scapredict::infer

// monitor: a recording scored as it grows (a WFDB record, or raw samples on stdin), one CSV row
// per minute as soon as the minute is final.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/text.hpp"
#include "flags.hpp"
#include "infer/batch.hpp"
#include "infer/live_sources.hpp"
#include "infer/outputs.hpp"
#include "scapredict/version.hpp"
#include "score_flags.hpp"

namespace scapredict::cli {

namespace {

void check_stdout(int rc) {
  if (rc != 0 || std::ferror(stdout))
    throw Error("stdout: write error (" + std::string(std::strerror(errno)) + ")");
}

class RowPrinter {
 public:
  RowPrinter(const infer::RecordScorer& m, const ScoreFlags& f) : model_(m), flags_(f) {}

  infer::MonitorCallbacks callbacks() {
    return {
        [this](const std::string& source, const std::vector<std::string>& w) { header(source, w); },
        [this](const std::vector<infer::LiveMinute>& m) { rows(m); }};
  }
  // The record-level warnings predict gives (rate, gain, spectra unlike the training minutes),
  // and an error for a recording that ended before its first whole minute.
  void finish(const std::string& source, const infer::MonitorSummary& s) const {
    if (compute_ms_.empty()) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(s.samples) / s.fs_hz);
      throw Error(source + ": nothing to score: the recording ended after " + buf +
                  ", less than one minute");
    }
    auto v = compute_ms_;
    std::sort(v.begin(), v.end());
    std::fprintf(stderr,
                 "monitor: %zu minutes; compute per minute median %.3f ms, max %.3f ms; "
                 "reported at most %.2f s of signal after a minute's end\n",
                 v.size(), v[v.size() / 2], v.back(), max_delay_s_);
    infer::RecordRisk r;
    r.model = model_.provenance();
    r.fs_hz = s.fs_hz;
    r.gain_adu_per_mv = s.gain_adu_per_mv;
    r.recorder = s.recorder;
    r.simulated_record = s.simulated_record;
    r.minutes = minutes_;
    std::vector<std::string> w;
    infer::check_training_range(r, s.unlike_training, w);
    for (const auto& line : w)  // what the header said already is not repeated
      if (std::find(said_.begin(), said_.end(), line) == said_.end())
        print_warnings(source, {line});
  }

 private:
  void header(const std::string& source, const std::vector<std::string>& warnings) {
    for (const auto& line : infer::meaning_lines(model_.provenance()))
      std::printf("# %s\n", line.c_str());
    for (const auto& w : warnings) std::printf("# warning: %s\n", printable(w, 2000).c_str());
    print_warnings(source, warnings);
    said_ = warnings;
    std::printf("# scapredict %s monitor: %s; risk per minute, uncalibrated\n# %s\n# %s\n",
                kVersion, printable(source, 200).c_str(), model_.comment().c_str(),
                infer::alarm_comment(flags_.alarm).c_str());
    std::printf("minute,start_s,clock_time,quality,risk,alarm,alarm_change,delay_s,compute_ms\n");
    std::fflush(stdout);
  }
  void rows(const std::vector<infer::LiveMinute>& minutes) {
    for (const auto& l : minutes) {
      const auto& r = l.risk;
      std::printf("%d,%.10g,%s,%s,", r.minute, r.start_s, r.clock_time.c_str(),
                  r.quality().c_str());
      if (r.risk) std::printf("%.10g", *r.risk);
      std::printf(",%s,%s,%.3f,%.3f\n", l.alarm ? "on" : "off",
                  l.alarm_changed ? (l.alarm ? "on" : "off") : "", l.delay_s, l.compute_ms);
      check_stdout(0);
      compute_ms_.push_back(l.compute_ms);
      max_delay_s_ = std::max(max_delay_s_, l.delay_s);
      minutes_.push_back(r);
    }
    check_stdout(std::fflush(stdout));
  }

  const infer::RecordScorer& model_;
  const ScoreFlags& flags_;
  std::vector<double> compute_ms_;
  double max_delay_s_ = 0;
  std::vector<std::string> said_;           ///< warnings the header gave
  std::vector<infer::MinuteRisk> minutes_;  ///< rows only (no samples): about 100 bytes a minute
};

// The stdin channel: an index below --channels (stdin has no labels).
int stdin_channel(const std::string& c, int channels) {
  const bool index = !c.empty() && c.size() <= 3 && std::all_of(c.begin(), c.end(), [](char ch) {
    return ch >= '0' && ch <= '9';
  });
  if (!index || std::stoi(c) >= channels)
    throw CLI::ValidationError(
        "--channel", "stdin has channels 0 to " + std::to_string(channels - 1) + " (no labels)");
  return std::stoi(c);
}

}  // namespace

void add_monitor_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "monitor", "Score a recording as it grows (a WFDB record, or raw samples on stdin: '-')");
  auto f = std::make_shared<ScoreFlags>();
  auto source = std::make_shared<std::string>();
  auto raw = std::make_shared<io::RawLayout>();
  auto follow = std::make_shared<infer::FollowOptions>();
  cmd->add_option("source", *source, "WFDB record, or '-' for raw samples on stdin")->required();
  add_score_flags(cmd, *f);
  cmd->add_option("--annotator", f->options.annotator,
                  "Annotator holding the VF onset, as predict reads it (default: atr, else ari)");
  cmd->add_flag("--follow", follow->follow, "Keep reading while the record grows");
  cmd->add_option("--poll", follow->poll_s, "Seconds between looks at a growing record")
      ->check(finite_range(0.01, 3600));
  cmd->add_option("--idle-timeout", follow->idle_timeout_s,
                  "With --follow: end after this many seconds without new samples")
      ->check(finite_range(0, 86400));
  cmd->add_option("--fs", raw->fs_hz, "stdin: samples per second of each channel")
      ->check(finite_range(1, 100000));
  cmd->add_option("--gain", raw->gain, "stdin: stored units per mV (16 and 32)")
      ->check(finite_range(1e-6, 1e9));
  cmd->add_option("--baseline", raw->baseline, "stdin: stored value of 0 mV (16 and 32)")
      ->check(whole_range(-2147483648LL, 2147483647LL));
  cmd->add_option("--format", raw->format,
                  "stdin: 16 (int16 LE), 32 (int32 LE) or f32 (float LE, in mV); frames of "
                  "--channels interleaved samples")
      ->check(one_of({"16", "32", "f32"}, "format"));
  cmd->add_option("--channels", raw->channels, "stdin: channels per frame")
      ->check(whole_range(1, 256));
  cmd->callback([=] {
    check_alarm(f->alarm);
    const auto model = open_record_scorer(f->model);
    RowPrinter out(*model, *f);
    if (*source == "-") {
      if (raw->fs_hz == 0) throw CLI::ValidationError("--fs", "required for samples on stdin");
      if (!f->options.annotator.empty())
        throw CLI::ValidationError("--annotator", "only for a record (stdin has no annotations)");
      if (follow->follow)
        throw CLI::ValidationError("--follow", "only for a record (stdin ends at its end)");
      const int channel = stdin_channel(f->options.channel, raw->channels);
      const auto s = infer::monitor_raw(*model, STDIN_FILENO, *raw, channel, f->options.quality,
                                        f->alarm, out.callbacks());
      out.finish("stdin", s);
    } else {
      for (const char* flag : {"--fs", "--gain", "--baseline", "--format", "--channels"})
        if (cmd->get_option(flag)->count() > 0)
          throw CLI::ValidationError(flag, "only for samples on stdin ('-')");
      const auto s =
          infer::monitor_record(*model, *source, f->options.channel, f->options.annotator, *follow,
                                f->options.quality, f->alarm, out.callbacks());
      out.finish(*source, s);
    }
  });
}

}  // namespace scapredict::cli

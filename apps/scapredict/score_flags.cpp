#include "score_flags.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "common/text.hpp"
#include "flags.hpp"
#include "stderr_progress.hpp"

namespace scapredict::cli {

namespace {

ScorerLoader& fallback() {
  static ScorerLoader f;
  return f;
}

CLI::Validator channel_name() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.size() > 1 && s[0] == '-' &&
            std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; }))
          return "channel " + quote_field(s) + " is not in range (an index is 0 or more)";
        const bool ok = !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
          return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
        });
        return ok ? std::string()
                  : "channel " + quote_field(s) + " is not an index or a label of 1-64 characters";
      },
      "INDEX|LABEL");
}

}  // namespace

void set_model_fallback(ScorerLoader loader) {
  fallback() = std::move(loader);
}

std::unique_ptr<engine::Scorer> open_model(const std::string& path) {
  try {
    return engine::open_scorer(path);
  } catch (const engine::NeedsLibTorch&) {
    if (!fallback()) throw;
  }
  return fallback()(path);
}

std::unique_ptr<infer::RecordScorer> open_record_scorer(const std::string& path) {
  return infer::open_record_scorer(
      path, [](const std::filesystem::path& p) { return open_model(p.string()); });
}

void add_score_flags(CLI::App* cmd, ScoreFlags& f) {
  cmd->add_option("--model", f.model,
                  "Model file: a DFT-CNN/MLP from `scapredict train`, or an HRV model file; "
                  "default: the built-in HRV model trained on real SDDB/NSRDB beat annotations "
                  "(docs/default-model.md)");
  cmd->add_option("--channel", f.options.channel, "Channel: index or label")->check(channel_name());
  cmd->add_option("--threads", f.options.threads,
                  "Threads for the minutes' spectra (0: the machine's cores, at most 8)")
      ->check(whole_range(0, 64));
  cmd->add_option("--alarm-on", f.alarm.on, "Alarm: risk at or above this counts (T_on)")
      ->check(finite_range(0, 1));
  cmd->add_option("--alarm-minutes", f.alarm.consecutive,
                  "Alarm: on after this many consecutive minutes at or above T_on (K)")
      ->check(whole_range(1, 1440));
  cmd->add_option("--alarm-off", f.alarm.off, "Alarm: off at a scored minute below this (T_off)")
      ->check(finite_range(0, 1));
}

void check_alarm(const infer::AlarmConfig& a) {
  try {
    a.validate();
  } catch (const Error& e) {
    throw CLI::ValidationError("--alarm-off", e.what());
  }
}

ProgressFn throttled_progress() {
  auto last = std::make_shared<double>(0.0);
  auto print = stderr_progress();
  return [last, print](const ProgressEvent& e) {
    if (e.total != 0 && e.elapsed_s - *last < 1.0) return;
    *last = e.elapsed_s;
    print(e);
  };
}

void flush_stdout() {
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout))
    throw Error("stdout: write error (" + std::string(std::strerror(errno)) + ")");
}

void check_distinct(const std::vector<std::pair<std::string, std::string>>& outputs) {
  namespace fs = std::filesystem;
  for (std::size_t i = 0; i < outputs.size(); ++i)
    for (std::size_t j = i + 1; j < outputs.size(); ++j)
      if (!outputs[i].second.empty() && !outputs[j].second.empty() &&
          fs::weakly_canonical(outputs[i].second) == fs::weakly_canonical(outputs[j].second))
        throw CLI::ValidationError(outputs[j].first, "the same file as " + outputs[i].first + " (" +
                                                         outputs[j].second + ")");
}

void print_warnings(const std::string& where, const std::vector<std::string>& warnings) {
  for (const auto& w : warnings)
    std::cerr << "scapredict: warning: " << printable(where) << ": " << w << "\n";
}

}  // namespace scapredict::cli

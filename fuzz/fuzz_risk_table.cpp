// Fuzzes the alarm evaluation's readers (src/eval/alarms/risk_input.cpp): any bytes as a risk
// table, and as an events file against a fixed series, either parse or throw AlarmsError. What
// parses has increasing minutes and risks in [0, 1], and evaluates without failing.
#include <unistd.h>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "eval/alarms/alarms.hpp"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_risk_table: %s\n", what);
    std::abort();
  }
}

const std::filesystem::path& scratch() {
  static const auto dir = [] {
    auto d =
        std::filesystem::temp_directory_path() / ("fuzz_risk_table." + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

struct SeedWriter {
  SeedWriter() {
    const char* dir = std::getenv("SCAPREDICT_FUZZ_WRITE_SEEDS");
    if (!dir) return;
    std::filesystem::create_directories(dir);
    std::ofstream(std::filesystem::path(dir) / "table.csv")
        << "# P(resembles ...)\r\nminute,start_s,clock_time,minutes_before_onset,quality,risk,"
           "alarm\r\n0,0,,10,hrv_window_incomplete,,off\r\n1,60,,9,ok,0.75,off\r\n2,120,,8,"
           "\"a;b\",0.2,off\r\n";
    std::ofstream(std::filesystem::path(dir) / "events.csv") << "record,onset_s\r\nt,150\r\n";
    std::exit(0);
  }
} seed_writer;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = scratch() / "t.csv";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    const auto s = scapredict::eval::read_risk_csv(path);
    for (std::size_t i = 0; i < s.start_s.size(); ++i) {
      check(std::isfinite(s.start_s[i]), "a start that is not finite");
      check(i == 0 || s.start_s[i] > s.start_s[i - 1], "minutes out of order");
      check(!s.risk[i] || (*s.risk[i] >= 0 && *s.risk[i] <= 1), "a risk outside [0, 1]");
    }
    if (s.start_s.size() <= 5000) {
      scapredict::eval::AlarmEvalConfig c;
      c.sph_min = 0.5;
      c.sop_min = 0.5;
      c.monte_carlo = 10;
      c.bootstrap = 10;
      c.sweep = {0.5};
      scapredict::eval::evaluate_alarms({s}, c);
    }
  } catch (const scapredict::eval::AlarmsError&) {
  }
  // The same bytes as an events file for one known series.
  scapredict::eval::RiskSeries t;
  t.record = "t";
  t.start_s = {0, 60, 120};
  t.risk = {0.1, 0.9, std::nullopt};
  std::vector<scapredict::eval::RiskSeries> v = {t};
  try {
    scapredict::eval::apply_events_file(path, v);
    check(!v[0].onset_s || (*v[0].onset_s >= 0 && *v[0].onset_s <= 180), "an onset outside");
  } catch (const scapredict::eval::AlarmsError&) {
  }
  return 0;
}

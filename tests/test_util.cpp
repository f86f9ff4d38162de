#include "test_util.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace scapredict::testing {
namespace fs = std::filesystem;

std::optional<fs::path> physionet_dir() {
  if (const char* env = std::getenv("SCAPREDICT_PHYSIONET")) {
    if (fs::is_directory(env)) return fs::path(env);
    return std::nullopt;
  }
  fs::path p = SCAPREDICT_PHYSIONET_DEFAULT;
  if (fs::is_directory(p / "mitdb")) return p;
  return std::nullopt;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("scapredict-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

static std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

CliResult run_cli(const std::vector<std::string>& args) {
  TempDir tmp;
  std::string cmd = quote(SCAPREDICT_CLI_PATH);
  for (const auto& a : args) cmd += " " + quote(a);
  cmd +=
      " >" + quote((tmp / "out").string()) + " 2>" + quote((tmp / "err").string()) + " </dev/null";
  int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  r.out = slurp(tmp / "out");
  r.err = slurp(tmp / "err");
  return r;
}

void write_bytes(const fs::path& p, const std::vector<unsigned char>& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

sim::SimConfig small_sim(const std::filesystem::path& dir, double risk_effect, double device_gap,
                         double hours_before_onset, double nsrdb_hours, int patients) {
  sim::SimConfig s;
  s.out = dir;
  s.risk_effect = risk_effect;
  s.device_gap = device_gap;
  s.hours_before_onset = hours_before_onset;
  s.hours_after = 0.01;
  s.nsrdb_hours = nsrdb_hours;
  s.max_sddb = patients;
  s.max_nsrdb = patients;
  s.threads = 2;
  return s;
}

}  // namespace scapredict::testing

#include "test_util.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

extern char** environ;

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

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Longest a CLI run may take before it is killed (below ctest's per-test limit of 600 s).
constexpr auto kCliTimeout = std::chrono::seconds(540);

}  // namespace

CliResult run_cli(const std::vector<std::string>& args) {
  return run_program(SCAPREDICT_CLI_PATH, args);
}

std::string cli_path() {
  return SCAPREDICT_CLI_PATH;
}

std::string lab_cli_path() {
  return SCAPREDICT_LAB_PATH;
}

CliResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::string& stdin_path) {
  TempDir tmp;
  const std::string out_path = (tmp / "out").string();
  const std::string err_path = (tmp / "err").string();
  // No shell: the arguments reach the program byte for byte (quotes, $(), backticks, newlines).
  std::vector<std::string> argv_store;
  argv_store.reserve(args.size() + 1);
  argv_store.emplace_back(program);
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_store.size() + 1);
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);

  CliResult r;
  posix_spawn_file_actions_t actions;
  if (posix_spawn_file_actions_init(&actions) != 0) return r;
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  int rc = 0;
  // While the executable is being relinked it may briefly be missing, not yet executable or
  // busy: wait for it rather than fail.
  for (int attempt = 0; attempt < 300; ++attempt) {
    rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    if (rc != ETXTBSY && rc != EACCES && rc != ENOENT) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    r.err = std::string("run_cli: cannot start ") + argv[0] + ": " + std::strerror(rc);
    return r;
  }
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + kCliTimeout;
  bool killed = false;
  while (true) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) break;
    if (!killed && std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  r.exit_code = WIFEXITED(status) && !killed ? WEXITSTATUS(status) : -1;
  r.out = slurp(out_path);
  r.err = slurp(err_path);
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

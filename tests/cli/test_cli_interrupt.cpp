// SIGINT and SIGTERM in the middle of a command that stages its output: the process ends by that
// signal, and neither the staging folder nor any temporary file is left behind, nor a half-made
// output. Each case starts the command, waits until its staging folder appears, and signals it.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cli_harness.hpp"

extern char** environ;

namespace scapredict::clitest {
namespace {

bool has_staging(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".staging.") != std::string::npos) return true;
  return false;
}

struct Ended {
  bool signalled = false;
  int signal = 0;
  int exit_code = -1;
  bool saw_staging = false;
};

// Runs the CLI with `args` (stdout and stderr to /dev/null), sends `sig` once a staging folder
// is in `watch` (or after 20 s), and waits for the end.
Ended run_and_signal(const Args& args, const fs::path& watch, int sig) {
  std::vector<std::string> storage{scapredict::testing::cli_path()};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  Ended r;
  if (rc != 0) return r;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status = 0;
  bool done = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      done = true;
      break;
    }
    if (has_staging(watch)) {
      r.saw_staging = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(150));  // let it write some files
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!done) {
    ::kill(pid, sig);
    ::waitpid(pid, &status, 0);
  }
  r.signalled = WIFSIGNALED(status);
  r.signal = r.signalled ? WTERMSIG(status) : 0;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class Interrupt : public ::testing::TestWithParam<int> {};

TEST_P(Interrupt, SimulateLeavesNoStagingAndNoOutput) {
  const int sig = GetParam();
  scapredict::testing::TempDir dir;
  // Full-length records take long enough to be caught in the middle.
  const auto r =
      run_and_signal({"simulate", "--full", "--out", (dir / "cohort").string()}, dir.path(), sig);
  ASSERT_TRUE(r.saw_staging) << "the command ended before its staging folder appeared";
  EXPECT_TRUE(r.signalled) << "exit code " << r.exit_code;
  EXPECT_EQ(r.signal, sig);
  EXPECT_EQ(leftovers(dir.path()), std::vector<std::string>{});
  EXPECT_FALSE(fs::exists(dir / "cohort"));
}

TEST_P(Interrupt, PredictBatchLeavesNoStagingAndNoOutput) {
  const int sig = GetParam();
  const auto& f = shared_fixture();
  if (!f.error.empty()) GTEST_SKIP() << f.error;
  scapredict::testing::TempDir dir;
  // Every record of the cohort, three times over under other names: a batch of some length.
  Args args{"predict", "--threads", "1"};
  for (int copy = 0; copy < 3; ++copy) {
    for (const auto& e : fs::recursive_directory_iterator(f.cohort)) {
      if (e.path().extension() != ".hea") continue;
      const auto to = dir / ("in" + std::to_string(copy)) / e.path().parent_path().filename();
      fs::create_directories(to);
      for (const char* ext : {".hea", ".dat", ".atr"}) {
        auto from = e.path();
        from.replace_extension(ext);
        if (fs::exists(from)) fs::copy_file(from, to / from.filename());
      }
      args.push_back((to / e.path().stem()).string());
    }
  }
  args.insert(args.end(), {"--out", (dir / "risks").string()});
  const auto r = run_and_signal(args, dir.path(), sig);
  ASSERT_TRUE(r.saw_staging) << "the command ended before its staging folder appeared";
  EXPECT_TRUE(r.signalled) << "exit code " << r.exit_code;
  EXPECT_EQ(r.signal, sig);
  EXPECT_EQ(leftovers(dir.path()), std::vector<std::string>{});
  EXPECT_FALSE(fs::exists(dir / "risks"));
}

INSTANTIATE_TEST_SUITE_P(Signals, Interrupt, ::testing::Values(SIGINT, SIGTERM),
                         [](const ::testing::TestParamInfo<int>& i) {
                           return std::string(i.param == SIGINT ? "SIGINT" : "SIGTERM");
                         });

}  // namespace
}  // namespace scapredict::clitest

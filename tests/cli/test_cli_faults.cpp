// A full disk while writing: the process runs with a file-size limit (RLIMIT_FSIZE, SIGXFSZ
// ignored), so every write past the limit fails with EFBIG as a full disk fails with ENOSPC. The
// command must fail with one line and exit code 2, leave every previous output as it was, and
// leave no staging folder or temporary file.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli_harness.hpp"

namespace scapredict::clitest {
namespace {

struct Run {
  int exit_code = -1;
  std::string err;
};

// The CLI with `args`, files limited to `limit` bytes; stdout to /dev/null, stderr to `err`.
Run run_limited(const Args& args, rlim_t limit, const fs::path& err) {
  std::vector<std::string> storage{scapredict::testing::cli_path()};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open("/dev/null", O_RDONLY), out = ::open("/dev/null", O_WRONLY);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || e < 0) ::_exit(127);
    ::dup2(in, 0), ::dup2(out, 1), ::dup2(e, 2);
    ::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails instead of killing
    const rlimit r{limit, limit};
    ::setrlimit(RLIMIT_FSIZE, &r);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  Run run;
  int status = 0;
  if (pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status))
    run.exit_code = WEXITSTATUS(status);
  run.err = read_bytes(err);
  return run;
}

// Exit code 2 and one error line naming the problem (progress lines of a slow run aside).
void expect_one_line(const Run& r, const std::string& problem) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  std::vector<std::string> errors;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("scapredict: ", 0) == 0) errors.push_back(line);
  ASSERT_EQ(errors.size(), 1u) << r.err;
  EXPECT_NE(errors[0].find(problem), std::string::npos) << r.err;
}

TEST(FullDisk, PredictKeepsEveryPreviousOutput) {
  SKIP_WITHOUT_PHYSIONET(phys);
  scapredict::testing::TempDir dir;
  fs::create_directories(dir / "out");
  put(dir / "out" / "risk.csv", "old table\n");
  put(dir / "out" / "page.html", "old page\n");
  put(dir / "out" / "risk.ann", "old annotations\n");
  // The page of MIT-BIH 100 is about 400 kB, its table 2 kB: the page's write fails.
  const auto r = run_limited(
      {"predict", (*phys_opt / "mitdb" / "100").string(), "--out",
       (dir / "out" / "risk.csv").string(), "--html", (dir / "out" / "page.html").string(),
       "--annotations", (dir / "out" / "risk.ann").string()},
      64 * 1024, dir / "err.txt");
  expect_one_line(r, "page.html: write failed (disk full?)");
  EXPECT_EQ(read_bytes(dir / "out" / "risk.csv"), "old table\n");
  EXPECT_EQ(read_bytes(dir / "out" / "page.html"), "old page\n");
  EXPECT_EQ(read_bytes(dir / "out" / "risk.ann"), "old annotations\n");
  EXPECT_EQ(leftovers(dir.path()), std::vector<std::string>{});
}

TEST(FullDisk, APredictBatchLeavesNoFolder) {
  SKIP_WITHOUT_PHYSIONET(phys);
  scapredict::testing::TempDir dir;
  const auto r =
      run_limited({"predict", (*phys_opt / "mitdb" / "100").string(),
                   (*phys_opt / "mitdb" / "101").string(), "--out", (dir / "risks").string()},
                  1000, dir / "err.txt");
  expect_one_line(r, "write failed (disk full?)");
  EXPECT_FALSE(fs::exists(dir / "risks"));
  EXPECT_EQ(leftovers(dir.path()), std::vector<std::string>{});
}

TEST(FullDisk, SimulateLeavesNoFolder) {
  scapredict::testing::TempDir dir;
  const auto r = run_limited({"simulate", "--out", (dir / "cohort").string(),
                              "--hours-before-onset", "0.05", "--nsrdb-hours", "0.05"},
                             200 * 1024, dir / "err.txt");
  expect_one_line(r, "write failed (disk full?)");
  EXPECT_FALSE(fs::exists(dir / "cohort"));
  EXPECT_EQ(leftovers(dir.path()), std::vector<std::string>{});
}

}  // namespace
}  // namespace scapredict::clitest

// scapredict under `mpirun -np 2` (docs/mpi.md): search, reproduce and predict over a directory
// give what one process gives (timings aside), the journal of a run of two processes resumes in
// one, and a failure is one line and a non-zero exit. Skipped where mpirun cannot start two
// processes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/simulate.hpp"
#include "test_util.hpp"

namespace scapredict {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::TempDir;

// mpirun with two processes on this machine, as root too (CI runs as root).
CliResult mpirun2(const std::vector<std::string>& args) {
  std::vector<std::string> a = {"-np", "2", "--allow-run-as-root", "--oversubscribe",
                                SCAPREDICT_CLI_PATH};
  a.insert(a.end(), args.begin(), args.end());
  return testing::run_program(SCAPREDICT_MPIEXEC, a);
}

bool mpirun_works() {
  static const bool ok = [] {
    const auto r = mpirun2({"--version"});
    return r.exit_code == 0 && r.out.find("scapredict") != std::string::npos;
  }();
  return ok;
}

#define SKIP_WITHOUT_MPIRUN() \
  if (!mpirun_works()) GTEST_SKIP() << SCAPREDICT_MPIEXEC << " cannot start two processes here"

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// A result without what differs between runs by nature: wall times.
nlohmann::json without_times(nlohmann::json j) {
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto& [k, v] : j.items()) {
      if (k == "seconds" || k == "us_per_minute_one_core") continue;
      out[k] = without_times(v);
    }
    return out;
  }
  if (j.is_array()) {
    for (auto& v : j) v = without_times(v);
  }
  return j;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The shared simulated cohort: the paper's 20 + 18 patients, with records just long enough for
// its horizons (90 minutes before onset).
const fs::path& cohort() {
  static TempDir dir;
  static const fs::path data = [] {
    sim::SimConfig s;
    s.out = dir / "data";
    s.hours_before_onset = 1.65;
    s.hours_after = 0.01;
    s.nsrdb_hours = 0.5;
    s.threads = 2;
    sim::simulate(s);
    return s.out;
  }();
  return data;
}

// `args` run by one process with --out dir/one and by two ranks with --out dir/two (and `extra`);
// both must succeed.
std::pair<CliResult, CliResult> one_and_two(const std::vector<std::string>& args,
                                            const fs::path& dir,
                                            const std::vector<std::string>& extra = {}) {
  auto one = args, two = args;
  one.insert(one.end(), {"--out", (dir / "one").string()});
  two.insert(two.end(), {"--out", (dir / "two").string()});
  two.insert(two.end(), extra.begin(), extra.end());
  auto a = testing::run_cli(one);
  EXPECT_EQ(a.exit_code, 0) << a.err;
  auto b = mpirun2(two);
  EXPECT_EQ(b.exit_code, 0) << b.err;
  return {std::move(a), std::move(b)};
}

TEST(Mpi, SearchIsTheSameOnTwoProcessesAndItsJournalResumesOnOne) {
  SKIP_WITHOUT_MPIRUN();
  TempDir dir;
  const std::vector<std::string> common = {"search",
                                           "--data",
                                           cohort().string(),
                                           "--trials",
                                           "3",
                                           "--outer-folds",
                                           "2",
                                           "--inner-folds",
                                           "2",
                                           "--initial-random",
                                           "2",
                                           "--epochs",
                                           "2",
                                           "--threads",
                                           "1",
                                           "--method",
                                           "bo",
                                           "--method",
                                           "paper"};
  const auto [a, b] =
      one_and_two(common, dir.path(), {"--journal", (dir / "journal.jsonl").string()});
  ASSERT_FALSE(HasFailure());
  const auto ja = without_times(read_json(dir / "one" / "search.json"));
  const auto jb = without_times(read_json(dir / "two" / "search.json"));
  EXPECT_EQ(ja, jb);
  auto b_out = b.out;
  b_out.replace(b_out.rfind("/two/"), 5, "/one/");
  EXPECT_EQ(a.out, b_out) << "the same summary, printed once";
  // The journal: one file with every trial, no process's own file left behind.
  std::size_t lines = 0;
  {
    std::ifstream in(dir / "journal.jsonl");
    for (std::string l; std::getline(in, l);) ++lines;
  }
  EXPECT_EQ(lines, 1u + ja.at("trials").size());
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".rank"), std::string::npos) << e.path();
  // A run of two processes killed midway leaves each one's journal: one process resumes from
  // both, evaluates only what is missing, and gets the same result.
  const auto whole = slurp(dir / "journal.jsonl");
  const auto header_end = whole.find('\n') + 1;
  std::string rank0 = whole.substr(0, header_end), rank1 = rank0;
  std::size_t pos = header_end, k = 0;
  while (pos < whole.size()) {
    const auto end = whole.find('\n', pos) + 1;
    const auto line = whole.substr(pos, end - pos);
    if (k % 3 == 0) rank0 += line;
    if (k % 3 == 1) rank1 += line;  // every third line is lost
    pos = end;
    ++k;
  }
  rank1 += "{\"method\":\"bo\",\"out";  // cut by the kill
  fs::remove(dir / "journal.jsonl");
  std::ofstream(dir / "journal.jsonl.rank0") << rank0;
  std::ofstream(dir / "journal.jsonl.rank1") << rank1;
  auto resume = common;
  resume.insert(resume.end(),
                {"--out", (dir / "three").string(), "--journal", (dir / "journal.jsonl").string()});
  const auto c = testing::run_cli(resume);
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const auto jc = read_json(dir / "three" / "search.json");
  int evaluated = 0, replayed = 0;
  for (const auto& m : jc.at("methods")) {
    evaluated += m.at("trials_evaluated").get<int>();
    replayed += m.at("trials_from_journal").get<int>();
  }
  EXPECT_GT(evaluated, 0);
  EXPECT_GT(replayed, 0);
  EXPECT_EQ(static_cast<std::size_t>(evaluated + replayed), ja.at("trials").size());
  auto jc_cmp = without_times(jc);
  for (auto& m : jc_cmp.at("methods")) m.erase("trials_evaluated"), m.erase("trials_from_journal");
  auto ja_cmp = ja;
  for (auto& m : ja_cmp.at("methods")) m.erase("trials_evaluated"), m.erase("trials_from_journal");
  for (auto* j : {&jc_cmp, &ja_cmp})
    for (auto& t : j->at("trials")) t.erase("from_journal");
  EXPECT_EQ(jc_cmp, ja_cmp);
  EXPECT_FALSE(fs::exists(dir / "journal.jsonl.rank0"));
  EXPECT_FALSE(fs::exists(dir / "journal.jsonl.rank1"));
}

TEST(Mpi, ReproduceIsTheSameOnTwoProcesses) {
  SKIP_WITHOUT_MPIRUN();
  TempDir dir;
  const std::vector<std::string> common = {
      "reproduce", "--data", cohort().string(), "--repetitions", "2", "--epochs", "2",
      "--threads", "1"};
  one_and_two(common, dir.path());
  ASSERT_FALSE(HasFailure());
  const auto ja = without_times(read_json(dir / "one" / "results.json"));
  const auto jb = without_times(read_json(dir / "two" / "results.json"));
  ASSERT_TRUE(ja.contains("experiments"));
  EXPECT_EQ(ja.at("experiments"), jb.at("experiments"));
  EXPECT_EQ(ja.at("compression"), jb.at("compression"));
  EXPECT_EQ(ja, jb);
}

TEST(Mpi, PredictOverADirectoryWritesTheSameFiles) {
  SKIP_WITHOUT_MPIRUN();
  const auto shared = testing::physionet_dir();
  if (!shared || !fs::exists(*shared / "cudb")) GTEST_SKIP() << "no real records (../shared)";
  const fs::path phys = *shared;
  TempDir dir;
  const auto t = testing::run_cli(
      {"train", "--data", cohort().string(), "--epochs", "2", "--out", (dir / "m.spm").string()});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  // Five real records in a folder of their own (links to the shared files).
  fs::create_directories(dir / "in");
  int n = 0;
  for (const auto& e : fs::directory_iterator(phys / "cudb")) {
    if (e.path().extension() != ".hea" || n >= 5) continue;
    const auto stem = e.path().stem().string();
    for (const auto& f : fs::directory_iterator(phys / "cudb"))
      if (f.path().stem() == stem) fs::create_symlink(f.path(), dir / "in" / f.path().filename());
    ++n;
  }
  ASSERT_EQ(n, 5);
  const std::vector<std::string> common = {"predict", (dir / "in").string(), "--model",
                                           (dir / "m.spm").string()};
  one_and_two(common, dir.path());
  ASSERT_FALSE(HasFailure());
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir / "one")) {
    const auto name = e.path().filename();
    ASSERT_TRUE(fs::exists(dir / "two" / name)) << name;
    EXPECT_EQ(slurp(e.path()), slurp(dir / "two" / name)) << name;
    ++files;
  }
  EXPECT_EQ(files, 2u * 5 + 1) << "a table and a .risk per record, and cohort.csv";
  std::size_t files_two = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "two")) ++files_two;
  EXPECT_EQ(files_two, files) << "nothing else, no temporary file";
}

// Our lines on stderr (mpirun adds its own when a process fails).
std::vector<std::string> our_lines(const std::string& err) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < err.size()) {
    auto end = err.find('\n', pos);
    if (end == std::string::npos) end = err.size();
    const auto line = err.substr(pos, end - pos);
    if (line.rfind("scapredict: ", 0) == 0) out.push_back(line);
    pos = end + 1;
  }
  return out;
}

TEST(Mpi, AFailureIsOneLineAndANonZeroExit) {
  SKIP_WITHOUT_MPIRUN();
  TempDir dir;
  std::ofstream(dir / "bad.spm") << "not a model";
  fs::create_directories(dir / "in");
  const auto r = mpirun2({"predict", (dir / "in").string(), "--model", (dir / "bad.spm").string(),
                          "--out", (dir / "out").string()});
  EXPECT_NE(r.exit_code, 0);
  const auto lines = our_lines(r.err);
  EXPECT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  // A command that does not spread refuses to run twice over.
  const auto s = mpirun2({"simulate", "--out", (dir / "sim").string()});
  EXPECT_NE(s.exit_code, 0);
  const auto sl = our_lines(s.err);
  ASSERT_EQ(sl.size(), 1u) << s.err;
  EXPECT_NE(sl[0].find("mpirun: 'simulate' runs as one process"), std::string::npos) << sl[0];
  EXPECT_FALSE(fs::exists(dir / "sim"));
}

}  // namespace
}  // namespace scapredict

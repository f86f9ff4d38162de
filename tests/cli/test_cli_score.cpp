// predict and monitor from the command line: the lean scapredict (no LibTorch mapped) against
// scapredict-lab, batches that go on past a bad record, the monitor on a record and on raw samples
// from stdin, risk annotations, and the flags' bad values.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include <fstream>
#include <map>
#include <sstream>

#include "cli_harness.hpp"
#include "io/annotation.hpp"
#include "io/signal.hpp"

namespace scapredict::clitest {
namespace {

using scapredict::testing::lab_cli_path;
using scapredict::testing::run_cli;
using scapredict::testing::run_program;
using scapredict::testing::TempDir;

// The risk column of a predict CSV (or the monitor's), by minute; unscored minutes are absent.
std::map<int, std::string> risks(const std::string& csv, int risk_column) {
  std::map<int, std::string> out;
  std::istringstream in(csv);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    if (static_cast<int>(f.size()) > risk_column && !f[risk_column].empty())
      out[std::stoi(f[0])] = f[risk_column];
  }
  return out;
}

class Score : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { shared_fixture(); }
  void SetUp() override {
    if (!shared_fixture().error.empty()) GTEST_SKIP() << shared_fixture().error;
    env_.dir = dir_.path();
    env_.cohort = shared_fixture().cohort;
    env_.model = shared_fixture().model;
  }
  TempDir dir_;
  Env env_;
};

TEST_F(Score, TheLeanToolScoresAsTheFullToolAndStartsWithoutLibTorch) {
  copy_cohort_record(env_, "nsrdb/16265");
  const Args args = {"predict", env_.arg("16265"), "--model", env_.model.string(), "--out"};
  auto a = args, b = args;
  a.push_back(env_.arg("lean.csv"));
  b.push_back(env_.arg("full.csv"));
  const auto lean = run_cli(a);
  const auto full = run_program(lab_cli_path(), b);
  ASSERT_EQ(lean.exit_code, 0) << lean.err;
  ASSERT_EQ(full.exit_code, 0) << full.err;
  const auto text = read_bytes(env_ / "lean.csv");
  EXPECT_EQ(text, read_bytes(env_ / "full.csv"));
  EXPECT_NE(text.find("scored by engine fp32"), std::string::npos);
  // The alarm's state after every minute, with its settings in a comment line.
  EXPECT_NE(text.find("minute,start_s,clock_time,minutes_before_onset,quality,risk,alarm\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("# alarm: on after 3 consecutive scored minutes"), std::string::npos);
  EXPECT_GT(risks(text, 5).size(), 10u);
  const auto v = run_cli({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("scapredict ", 0), 0u) << v.out;
  // The risk as WFDB NOTE annotations, read back by the project's reader.
  const auto n = run_cli({"predict", env_.arg("16265"), "--model", env_.model.string(), "--out",
                          env_.arg("r.csv"), "--annotations", env_.arg("16265.risk")});
  ASSERT_EQ(n.exit_code, 0) << n.err;
  const auto anns = io::read_annotations(env_ / "16265", "risk");
  EXPECT_EQ(anns.size(), static_cast<std::size_t>(csv_rows(text) - 1));
  ASSERT_FALSE(anns.empty());
  EXPECT_EQ(anns.front().aux.rfind("p=", 0), 0u) << anns.front().aux;
}

// Every shared object the dynamic loader opens while a program runs (LD_DEBUG=files names each
// one as it is loaded, those opened later by dlopen included), as the text of its stderr.
std::string loaded_objects(const std::string& program, const Args& args) {
  ::setenv("LD_DEBUG", "files", 1);
  const auto r = run_program(program, args);
  ::unsetenv("LD_DEBUG");
  return r.err;
}

TEST_F(Score, ScapredictMapsNoLibTorchTheLabDoes) {
  copy_cohort_record(env_, "nsrdb/16265");
  const Args predict = {"predict",           env_.arg("16265"), "--model",
                        env_.model.string(), "--out",           env_.arg("r.csv")};
  for (const Args& a :
       {Args{"--version"}, Args{"--help"}, predict, Args{"inspect", env_.arg("16265")},
        Args{"qrs", env_.arg("16265"), "--out", env_.arg("q.qrs")}}) {
    const auto loaded = loaded_objects(scapredict::testing::cli_path(), a);
    // The loader did trace this run (libc at least), and nothing of LibTorch was among it.
    EXPECT_NE(loaded.find("file=libc.so"), std::string::npos) << a.front() << "\n" << loaded;
    EXPECT_EQ(loaded.find("libtorch"), std::string::npos) << a.front();
    EXPECT_EQ(loaded.find("libc10"), std::string::npos) << a.front();
  }
  EXPECT_TRUE(fs::exists(env_ / "r.csv"));
  // The check can fail: the lab, which trains, maps LibTorch at start.
  const auto lab = loaded_objects(scapredict::testing::lab_cli_path(), {"--version"});
  EXPECT_NE(lab.find("libtorch"), std::string::npos) << lab;
}

TEST_F(Score, TheTrainingCommandsAreHandedToTheLabWithTheirMessages) {
  // A lab command through scapredict: the lab's own flag checks and its one-line error.
  const auto r = run_cli({"train", "--epochs", "0", "--out", env_.arg("m.spm")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("scapredict: --epochs", 0), 0u) << r.err;
  EXPECT_FALSE(fs::exists(env_ / "m.spm"));
  // --help lists the lab's commands beside scapredict's own.
  const auto h = run_cli({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  for (const char* c : {"predict", "monitor", "train", "reproduce", "search", "simulate"})
    EXPECT_NE(h.out.find(c), std::string::npos) << c;
  const auto th = run_cli({"train", "--help"});
  EXPECT_EQ(th.exit_code, 0);
  EXPECT_NE(th.out.find("--arch"), std::string::npos) << th.out;
}

TEST_F(Score, ABatchGoesOnPastABadRecordAndFailsAtTheEnd) {
  fs::create_directories(env_ / "in");
  Env in = env_;
  in.dir = env_ / "in";
  copy_cohort_record(in, "nsrdb/16265");
  copy_cohort_record(in, "nsrdb/16272");
  put(env_ / "in" / "broken.hea", "broken 1 128 99999999\nbroken.dat 16 200\n");
  const auto r = run_cli(
      {"predict", env_.arg("in"), "--model", env_.model.string(), "--out", env_.arg("out")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("broken"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 of 3 records failed"), std::string::npos) << r.err;
  const auto cohort = read_bytes(env_ / "out" / "cohort.csv");
  EXPECT_EQ(csv_rows(cohort), 4) << cohort;  // the column names and three records
  EXPECT_NE(cohort.find("failed: "), std::string::npos);
  for (const char* f : {"16265.csv", "16272.csv", "16265.risk", "16272.risk"})
    EXPECT_TRUE(fs::exists(env_ / "out" / f)) << f;
  EXPECT_FALSE(fs::exists(env_ / "out" / "broken.csv"));
  // A batch's per-record table is the single-record run's.
  const auto one = run_cli({"predict", env_.arg("in/16265"), "--model", env_.model.string()});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, read_bytes(env_ / "out" / "16265.csv"));
}

TEST_F(Score, TheMonitorReportsWhatPredictReportsFromARecordAndFromStdin) {
  copy_cohort_record(env_, "nsrdb/16265");
  const auto p = run_cli({"predict", env_.arg("16265"), "--model", env_.model.string()});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const auto want = risks(p.out, 5);
  ASSERT_GT(want.size(), 10u);
  const auto m = run_cli({"monitor", env_.arg("16265"), "--model", env_.model.string()});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(risks(m.out, 4), want);
  EXPECT_NE(m.err.find("compute per minute median"), std::string::npos) << m.err;
  // The same samples as raw int16 on stdin.
  const io::Record rec(env_ / "16265");
  const auto& spec = rec.header().signals[0];
  const auto adu = rec.read_adu(0);
  std::string raw;
  for (const auto v : adu) {
    const auto s = static_cast<std::uint16_t>(static_cast<std::int16_t>(v));
    raw += static_cast<char>(s & 0xff);
    raw += static_cast<char>(s >> 8);
  }
  put(env_ / "raw.bin", raw);
  std::ostringstream fs_text, gain_text;
  fs_text.precision(17);
  gain_text.precision(17);
  fs_text << rec.fs_hz();
  gain_text << spec.adc_gain;
  const auto s =
      run_program(scapredict::testing::cli_path(),
                  {"monitor", "-", "--model", env_.model.string(), "--fs", fs_text.str(), "--gain",
                   gain_text.str(), "--baseline", std::to_string(spec.baseline)},
                  env_.arg("raw.bin"));
  ASSERT_EQ(s.exit_code, 0) << s.err;
  // Without the record's ADC range the saturation check differs; none of these minutes saturate.
  EXPECT_EQ(risks(s.out, 4), want);
}

std::vector<BadCase> score_cases() {
  auto on_record = [](Args extra) {
    return [=](const Env& e) {
      copy_cohort_record(e, "nsrdb/16265");
      Args a = {"predict", e.arg("16265"), "--model", e.model.string()};
      a.insert(a.end(), extra.begin(), extra.end());
      return a;
    };
  };
  return {
      {"predict_alarm_off_above_on", kModel,
       on_record({"--alarm-on", "0.4", "--alarm-off", "0.6", "--out", "x.csv"}), "--alarm-off",
       "T_off <= T_on"},
      {"predict_alarm_minutes_zero", kModel, on_record({"--alarm-minutes", "0"}), "--alarm-minutes",
       "not in range"},
      {"predict_channel_label_unknown", kModel, on_record({"--channel", "V7"}), "16265.hea",
       "no channel labelled 'V7'"},
      {"predict_batch_without_out", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         return Args{"predict", e.dir.string(), "--model", e.model.string()};
       },
       "--out", "required for several records"},
      {"predict_batch_with_plot", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         copy_cohort_record(e, "nsrdb/16272");
         return Args{"predict", e.arg("16265"), e.arg("16272"), "--model",     e.model.string(),
                     "--out",   e.arg("o"),     "--plot",       e.arg("p.png")};
       },
       "--plot", "one record only"},
      {"predict_out_onto_the_model", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         put(e / "m.spm", read_bytes(e.model));
         return Args{"predict", e.arg("16265"), "--model", e.arg("m.spm"), "--out", e.arg("m.spm")};
       },
       "m.spm", "is an input"},
      {"predict_annotations_onto_the_reference_annotations", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         return Args{"predict",        e.arg("16265"),  "--model",
                     e.model.string(), "--annotations", e.arg("16265.atr")};
       },
       "16265.atr", "is an input"},
      {"predict_model_is_a_directory", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         fs::create_directories(e / "m.spm");
         return Args{"predict", e.arg("16265"), "--model", e.arg("m.spm")};
       },
       "m.spm", "not a regular file"},
      {"predict_out_and_plot_on_one_file", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         return Args{"predict", e.arg("16265"),    "--model", e.model.string(),
                     "--out",   e.arg("same.png"), "--plot",  e.arg("same.png")};
       },
       "--plot", "the same file as --out"},
      // A pipe in place of the output (a device would do the same; renaming a finished file
      // over either would replace it, as root even in /dev).
      {"predict_out_onto_a_pipe", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         if (::mkfifo((e / "pipe").c_str(), 0600) != 0) ADD_FAILURE() << "setup: mkfifo";
         return Args{"predict",        e.arg("16265"), "--model",
                     e.model.string(), "--out",        e.arg("pipe")};
       },
       "pipe", "not a regular file"},
      {"predict_batch_into_a_folder_with_files", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         copy_cohort_record(e, "nsrdb/16272");
         put(e / "o" / "old.csv", "an earlier batch's table\n");
         return Args{"predict",        e.arg("16265"), e.arg("16272"), "--model",
                     e.model.string(), "--out",        e.arg("o")};
       },
       "o", "already exists and is not an empty directory"},
      {"predict_empty_directory", kModel,
       [](const Env& e) {
         fs::create_directories(e / "empty");
         return Args{"predict", e.arg("empty"), "--model", e.model.string(), "--out", e.arg("o")};
       },
       "empty", "no records in it"},
      {"predict_annotations_onto_the_header", kModel, on_record({"--annotations", "PLACEHOLDER"}),
       "16265.hea", "is an input"},
      {"monitor_stdin_without_fs", kModel,
       [](const Env& e) {
         return Args{"monitor", "-", "--model", e.model.string()};
       },
       "--fs", "required"},
      {"monitor_stdin_channel_beyond", kModel,
       [](const Env& e) {
         return Args{"monitor", "-", "--model", e.model.string(), "--fs", "250", "--channel", "1"};
       },
       "--channel", "stdin has channels 0 to 0"},
      {"monitor_stdin_follow", kModel,
       [](const Env& e) {
         return Args{"monitor", "-", "--model", e.model.string(), "--fs", "250", "--follow"};
       },
       "--follow", "only for a record"},
      {"monitor_fs_nan", kModel,
       [](const Env& e) {
         return Args{"monitor", "-", "--model", e.model.string(), "--fs", "nan"};
       },
       "--fs", "not"},
      {"monitor_format_unknown", kModel,
       [](const Env& e) {
         return Args{"monitor", "-", "--model", e.model.string(), "--fs", "250", "--format", "212"};
       },
       "--format", "212"},
  };
}

class ScoreFlags : public ::testing::TestWithParam<BadCase> {
 protected:
  static void SetUpTestSuite() { shared_fixture(); }
};
TEST_P(ScoreFlags, OneLineExitTwoNothingLeft) {
  auto c = GetParam();
  if (c.name == "predict_annotations_onto_the_header") {
    const auto inner = c.setup;
    c.setup = [inner](const Env& e) {
      auto a = inner(e);
      for (auto& s : a)
        if (s == "PLACEHOLDER") s = e.arg("16265.hea");
      return a;
    };
  }
  run_bad_case(c);
}
INSTANTIATE_TEST_SUITE_P(Score, ScoreFlags, ::testing::ValuesIn(score_cases()), case_name<BadCase>);

}  // namespace
}  // namespace scapredict::clitest

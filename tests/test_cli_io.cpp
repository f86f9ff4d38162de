// The CLI on bad input: one line naming the file and the problem, exit code 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "test_util.hpp"

using scapredict::testing::CliResult;
using scapredict::testing::run_cli;
using scapredict::testing::TempDir;
using scapredict::testing::write_bytes;
using scapredict::testing::write_text;

namespace {
void expect_one_line_error(const CliResult& r, const std::string& file,
                           const std::string& problem) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(problem), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

struct BadRecord {
  TempDir dir;
  std::string rec(const std::string& name) const { return (dir.path() / name).string(); }
};
}  // namespace

TEST(CliErrors, MissingHeader) {
  BadRecord b;
  expect_one_line_error(run_cli({"inspect", b.rec("nope")}), "nope.hea", "header file not found");
}

TEST(CliErrors, MissingSignalFile) {
  BadRecord b;
  write_text(b.dir / "r.hea", "r 1 250 10\nr.dat 212 200\n");
  // inspect reports such a record as beat-only (exit 0); reading its samples is an error.
  expect_one_line_error(run_cli({"spectrum", b.rec("r"), "--minute", "0"}), "r.dat",
                        "signal file not found");
}

TEST(CliErrors, CorruptHeaderLine) {
  BadRecord b;
  write_text(b.dir / "r.hea", "r 1 fast 10\nr.dat 212 200\n");
  expect_one_line_error(run_cli({"inspect", b.rec("r")}), "r.hea:1", "bad sampling frequency");
}

TEST(CliErrors, UnknownFormat) {
  BadRecord b;
  write_text(b.dir / "r.hea", "r 1 250 10\nr.dat 999 200\n");
  expect_one_line_error(run_cli({"inspect", b.rec("r")}), "r.hea:2",
                        "unsupported signal format 999");
}

TEST(CliErrors, TruncatedSignalFile) {
  BadRecord b;
  write_text(b.dir / "r.hea", "r 1 250 100\nr.dat 16 200\n");
  write_bytes(b.dir / "r.dat", std::vector<unsigned char>(50, 0));
  expect_one_line_error(run_cli({"inspect", b.rec("r")}), "r.dat", "truncated signal file");
}

TEST(CliErrors, WindowBeyondTheEnd) {
  BadRecord b;
  write_text(b.dir / "r.hea", "r 1 128 7680\nr.dat 16 200\n");
  std::vector<unsigned char> bytes(7680 * 2);
  for (std::size_t i = 0; i < bytes.size(); i += 2) bytes[i] = static_cast<unsigned char>(i % 97);
  write_bytes(b.dir / "r.dat", bytes);
  expect_one_line_error(run_cli({"spectrum", b.rec("r"), "--minute", "3"}), "r.hea",
                        "outside the record");
}

TEST(CliErrors, ChecksumMismatch) {
  BadRecord b;
  write_text(b.dir / "r.hea", "r 1 250 2\nr.dat 16 200 16 0 1 42 0 ECG\n");
  write_bytes(b.dir / "r.dat", {1, 0, 2, 0});
  expect_one_line_error(run_cli({"inspect", b.rec("r")}), "r.hea", "checksum mismatch in signal 0");
}

TEST(CliErrors, EmptyHeaderFile) {
  BadRecord b;
  write_text(b.dir / "r.hea", "");
  expect_one_line_error(run_cli({"inspect", b.rec("r")}), "r.hea", "empty header file");
}

TEST(CliErrors, BinaryGarbageHeader) {
  BadRecord b;
  write_bytes(b.dir / "r.hea", {0x7f, 'E', 'L', 'F', 0, 1, 2, 0xff});
  expect_one_line_error(run_cli({"inspect", b.rec("r")}), "r.hea", "binary");
}

TEST(CliErrors, NoOnsetForBeforeOnset) {
  BadRecord b;
  write_text(b.dir / "r.hea", "r 1 128 7680\nr.dat 16 200\n");
  write_bytes(b.dir / "r.dat", std::vector<unsigned char>(7680 * 2, 1));
  expect_one_line_error(run_cli({"spectrum", b.rec("r"), "--before-onset", "1"}), "r.hea",
                        "no VF onset");
}

TEST(CliErrors, MissingNamedAnnotator) {
  BadRecord b;
  write_text(b.dir / "r.hea", "r 1 128 2\nr.dat 16 200\n");
  write_bytes(b.dir / "r.dat", {1, 0, 2, 0});
  expect_one_line_error(run_cli({"inspect", b.rec("r"), "--annotator", "atr"}), "r.atr",
                        "annotation file not found");
}

TEST(CliReal, InspectMitdb100AndSpectrumOfAnNsrdbMinute) {
  SKIP_WITHOUT_PHYSIONET(root);
  auto r = run_cli({"inspect", (root / "mitdb" / "100").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Annotations (atr): 2274"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("N=2239"), std::string::npos);
  EXPECT_NE(r.out.find("rhythm (N) 00:00:00.050"), std::string::npos) << r.out;
  auto j = run_cli({"inspect", "--json", (root / "cudb" / "cu01m").string()});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_NE(j.out.find("\"invalid_samples\""), std::string::npos);
  TempDir out;
  auto s = run_cli({"spectrum", (root / "nsrdb-1min" / "16265m").string(), "--minute", "0",
                    "--bins", "256", "--out", (out / "s.csv").string()});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  std::ifstream in(out / "s.csv");
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) rows += (!line.empty() && line[0] != '#');
  EXPECT_EQ(rows, 257);  // header + 256 bins
}

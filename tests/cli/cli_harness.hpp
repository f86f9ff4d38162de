#pragma once
// Table-driven checks of the scapredict command-line tool on hostile and odd input.
//
// A bad case writes its files into a fresh temporary directory, runs the CLI without a shell and
// expects: exit code 2, nothing on stdout, exactly one line on stderr of the form
// `scapredict: FILE-or-FLAG: problem` naming the expected file or flag and, after ": ", the
// expected problem; no raw control characters, valid UTF-8, at most 2000 bytes; and the temporary
// directory exactly as the setup left it (no output file, no temporary or staging file). An
// odd-but-valid case expects exit code 0 and no temporary file left. Set
// SCAPREDICT_SHOW_CLI_ERRORS=1 to print every bad case's error line.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "test_util.hpp"

namespace scapredict::clitest {

namespace fs = std::filesystem;
using Args = std::vector<std::string>;
using scapredict::testing::CliResult;

/// What a case needs besides its own temporary directory.
enum Need : unsigned {
  kNothing = 0,
  kPhysionet = 1,  ///< real records from ../shared/physionet (the case skips without them)
  kCohort = 2,     ///< the small simulated cohort of the shared fixture
  kModel = 4,      ///< the tiny model trained once on that cohort
};

/// Where a case runs: its own empty directory, and the shared inputs it asked for.
struct Env {
  fs::path dir;        ///< fresh and empty, removed afterwards
  fs::path physionet;  ///< set with kPhysionet
  fs::path cohort;     ///< set with kCohort or kModel (read-only: copy before changing)
  fs::path model;      ///< set with kModel (read-only: copy before changing)
  fs::path operator/(const std::string& rel) const { return dir / rel; }
  /// dir/rel as an argument string.
  std::string arg(const std::string& rel) const { return (dir / rel).string(); }
};

/// Writes the case's files under env.dir and returns the CLI's arguments.
using Setup = std::function<Args(const Env&)>;

struct BadCase {
  BadCase(std::string name_, unsigned needs_, Setup setup_, std::string where_,
          std::string problem_, std::vector<std::string> also_ = {})
      : name(std::move(name_)),
        needs(needs_),
        setup(std::move(setup_)),
        where(std::move(where_)),
        problem(std::move(problem_)),
        also(std::move(also_)) {}
  std::string name;  ///< test name: letters, digits and '_'
  unsigned needs = kNothing;
  Setup setup;
  std::string where;              ///< substring of the error line naming the file or flag
  std::string problem;            ///< substring of the error line naming the problem
  std::vector<std::string> also;  ///< further substrings the line must hold (e.g. a cut marker)
};

struct OddCase {
  std::string name;
  unsigned needs = kNothing;
  Setup setup;
  /// Further checks of a successful run; may be empty.
  std::function<void(const CliResult&, const Env&)> check;
};

void PrintTo(const BadCase& c, std::ostream* os);
void PrintTo(const OddCase& c, std::ostream* os);

/// Paths of the shared fixture: a small simulated cohort and a tiny model trained on it, built
/// once (`scapredict simulate` + `scapredict train`) and cached on disk beside the test binary,
/// keyed by the CLI binary, so that the separate processes ctest starts reuse it.
struct Fixture {
  fs::path cohort;
  fs::path model;
  std::string error;  ///< non-empty when it could not be built
};
const Fixture& shared_fixture();

/// Runs one bad case with every check of the contract.
void run_bad_case(const BadCase& c);
/// Runs one odd-but-valid case: exit code 0 and the case's own checks.
void run_odd_case(const OddCase& c);

// ---- helpers for setups ----

/// What a command in progress leaves below `dir`: ".NAME.staging.*" folders and "*.tmp.*"
/// files (common/atomic_file.hpp), as paths; empty when nothing is left.
std::vector<std::string> leftovers(const fs::path& dir);

/// Bytes of a file; empty when it cannot be read.
std::string read_bytes(const fs::path& p);
/// Writes `bytes` to `p` (creating parent directories).
void put(const fs::path& p, const std::string& bytes);
/// `n` bytes of a fixed, non-trivial pattern.
std::string pattern_bytes(std::size_t n);
/// `n` samples of a slow wave in format 16 (little-endian int16), amplitude `amp` adu.
std::string wave16(std::size_t n, int amp = 400);
/// `text` with its first occurrence of `from` replaced by `to`; fails the test when absent.
/// Lines of a CSV text that are not '#' comments (the column-name line included).
int csv_rows(const std::string& text);

std::string replace_once(std::string text, const std::string& from, const std::string& to);
/// Copies record `name` of database `db` of the real data (header, signal file, annotations
/// when present) into `env.dir`, writable.
void copy_real_record(const Env& env, const std::string& db, const std::string& name);
/// Copies a record of the simulated cohort ("nsrdb/16265") into `env.dir`.
void copy_cohort_record(const Env& env, const std::string& db_and_name);

/// A scapredict model file split into its parts (see src/model/model_file.cpp).
struct ModelParts {
  std::string magic;    ///< "SCAPREDICT-MODEL\n"
  std::string header;   ///< JSON text
  std::string weights;  ///< LibTorch archive bytes
};
ModelParts split_model(const std::string& bytes);
/// Joins the parts with correct length lines.
std::string join_model(const ModelParts& parts);

/// Name generator for INSTANTIATE_TEST_SUITE_P.
template <typename Case>
std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

}  // namespace scapredict::clitest

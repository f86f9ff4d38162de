#include "cli_harness.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace scapredict::clitest {

using scapredict::testing::run_cli;
using scapredict::testing::TempDir;

namespace {

// One argument or output as it may be shown in a failure message: control characters and
// non-ASCII bytes as \xNN, long text cut.
std::string shown(const std::string& s, std::size_t max = 160) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u < 0x7f) {
      out += static_cast<char>(u);
    } else {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\x%02x", u);
      out += esc;
    }
  }
  if (s.size() > max) out += "...(" + std::to_string(s.size() - max) + " more bytes)";
  return out;
}

std::string command_line(const Args& args) {
  std::string cmd = "scapredict";
  for (const auto& a : args) cmd += " '" + shown(a) + "'";
  return cmd;
}

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

// Every entry under `dir` (not following links): relative path -> kind, size and content hash.
// A top-level ".cache" (what cases pass as --cache) is a cache, not an output, and is left out.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it.depth() == 0 && it->path().filename() == ".cache") {
      it.disable_recursion_pending();
      continue;
    }
    const auto st = it->symlink_status(ec);
    std::string sig;
    if (fs::is_directory(st)) {
      sig = "dir";
    } else if (fs::is_regular_file(st)) {
      const std::string bytes = read_bytes(it->path());
      sig = "file " + std::to_string(bytes.size()) + " " + std::to_string(fnv1a(bytes));
    } else {
      sig = "other";
    }
    out[fs::relative(it->path(), dir, ec).string()] = sig;
  }
  return out;
}

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned cp = 0, min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 2, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

// Prepares `env` for a case's needs; false (with a skip or failure recorded) when it cannot run.
bool prepare(unsigned needs, Env& env) {
  if (needs & kPhysionet) {
    auto p = scapredict::testing::physionet_dir();
    if (!p) return false;
    env.physionet = *p;
  }
  if (needs & (kCohort | kModel)) {
    const Fixture& f = shared_fixture();
    if (!f.error.empty()) {
      ADD_FAILURE() << "shared fixture (simulated cohort + tiny model) could not be built: "
                    << f.error;
      return false;
    }
    env.cohort = f.cohort;
    env.model = f.model;
  }
  return true;
}

std::string fixture_key() {
  std::error_code ec;
  const fs::path cli = SCAPREDICT_CLI_PATH;
  const auto size = fs::file_size(cli, ec);
  const auto mtime = fs::last_write_time(cli, ec).time_since_epoch().count();
  return "cli-" + std::to_string(size) + "-" + std::to_string(mtime);
}

Fixture build_fixture() {
  Fixture f;
  const fs::path root = SCAPREDICT_CLI_FIXTURE_DIR;
  std::error_code ec;
  fs::create_directories(root, ec);
  const fs::path ready = root / fixture_key();
  f.cohort = ready / "cohort";
  f.model = ready / "model.spm";
  // One builder at a time across the processes ctest runs in parallel.
  const int lock = ::open((root / "lock").c_str(), O_CREAT | O_RDWR, 0644);
  if (lock < 0) {
    f.error = (root / "lock").string() + ": cannot open";
    return f;
  }
  ::flock(lock, LOCK_EX);
  if (!fs::exists(ready / "complete")) {
    // Older fixtures belong to older builds of the CLI.
    for (const auto& e : fs::directory_iterator(root, ec))
      if (e.path().filename() != "lock") fs::remove_all(e.path(), ec);
    const fs::path stage = root / ("stage-" + std::to_string(::getpid()));
    fs::create_directories(stage, ec);
    auto sim = run_cli({"simulate", "--out", (stage / "cohort").string(), "--hours-before-onset",
                        "0.4", "--nsrdb-hours", "0.5", "--threads", "2"});
    if (sim.exit_code != 0) {
      f.error = "scapredict simulate failed (" + std::to_string(sim.exit_code) + "): " + sim.err;
    } else {
      auto train = run_cli({"train", "--data", (stage / "cohort").string(), "--out",
                            (stage / "model.spm").string(), "--epochs", "1", "--bins", "128"});
      if (train.exit_code != 0)
        f.error = "scapredict train failed (" + std::to_string(train.exit_code) + "): " + train.err;
    }
    if (f.error.empty()) {
      put(stage / "complete", "ok\n");
      fs::rename(stage, ready, ec);
      if (ec) f.error = ready.string() + ": cannot move the fixture into place: " + ec.message();
    } else {
      fs::remove_all(stage, ec);
    }
  }
  ::flock(lock, LOCK_UN);
  ::close(lock);
  return f;
}

}  // namespace

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.name;
}
void PrintTo(const OddCase& c, std::ostream* os) {
  *os << c.name;
}

const Fixture& shared_fixture() {
  static const Fixture f = build_fixture();
  return f;
}

// Prepares a case's inputs in env.dir and builds its arguments; false when the case cannot run
// (skipped for want of real data, or a fatal failure while setting up).
template <typename Needs, typename Setup>
bool set_up_case(const Needs& needs, const Setup& setup, Env& env, Args& args) {
  if (!prepare(needs, env)) {
    if (!::testing::Test::HasFailure())
      [] {
        GTEST_SKIP() << "real PhysioNet data not found (../shared/physionet or "
                        "$SCAPREDICT_PHYSIONET); skipping real-data case";
      }();
    return false;
  }
  args = setup(env);
  return !::testing::Test::HasFatalFailure();
}

void run_bad_case(const BadCase& c) {
  TempDir tmp;
  Env env;
  env.dir = tmp.path();
  Args args;
  if (!set_up_case(c.needs, c.setup, env, args)) return;
  const auto before = snapshot(env.dir);
  const CliResult r = run_cli(args);
  const auto after = snapshot(env.dir);

  SCOPED_TRACE("command: " + command_line(args) + "\n  exit code: " + std::to_string(r.exit_code) +
               "\n  stderr: " + shown(r.err, 1500) + "\n  stdout: " + shown(r.out, 300));
  EXPECT_EQ(r.exit_code, 2) << "bad input must exit with code 2";
  EXPECT_TRUE(r.out.empty()) << "bad input must print nothing on stdout";
  const auto newlines = std::count(r.err.begin(), r.err.end(), '\n');
  EXPECT_EQ(newlines, 1) << "stderr must hold exactly one line";
  EXPECT_TRUE(!r.err.empty() && r.err.back() == '\n') << "the error line must end with a newline";
  const std::string line = r.err.substr(0, r.err.find('\n'));
  // SCAPREDICT_SHOW_CLI_ERRORS=1 prints every case's error line, to review the wording.
  if (std::getenv("SCAPREDICT_SHOW_CLI_ERRORS"))
    std::cout << "[ CLI ERR  ] " << c.name << " -> " << r.exit_code << " " << shown(r.err, 600)
              << "\n";
  EXPECT_EQ(line.rfind("scapredict: ", 0), 0u) << "the line must start with 'scapredict: '";
  const std::size_t at = line.find(c.where, std::min<std::size_t>(line.size(), 12));
  EXPECT_NE(at, std::string::npos)
      << "the line must name the file or flag '" << shown(c.where) << "'";
  EXPECT_NE(line.find(c.problem), std::string::npos)
      << "the line must name the problem '" << shown(c.problem) << "'";
  if (at != std::string::npos) {
    // `scapredict: FILE-or-FLAG: problem`: the problem follows the file or flag after ": ".
    const std::size_t where_end = at + c.where.size();
    const std::size_t problem_at = line.find(c.problem, where_end);
    EXPECT_TRUE(problem_at != std::string::npos &&
                line.substr(where_end, problem_at - where_end).find(": ") != std::string::npos)
        << "the line must have the form 'scapredict: " << shown(c.where)
        << "...: " << shown(c.problem) << "...'";
  }
  for (const auto& s : c.also)
    EXPECT_NE(line.find(s), std::string::npos) << "the line must hold '" << shown(s) << "'";
  const auto ctrl = std::find_if(r.err.begin(), r.err.end(), [](char ch) {
    const auto u = static_cast<unsigned char>(ch);
    return ch != '\n' && (u < 0x20 || u == 0x7f);
  });
  EXPECT_EQ(ctrl, r.err.end()) << "raw control character 0x" << std::hex
                               << (ctrl == r.err.end() ? 0 : static_cast<unsigned char>(*ctrl))
                               << " on stderr (must be escaped as \\xNN)";
  EXPECT_TRUE(valid_utf8(r.err)) << "stderr must be valid UTF-8 (invalid bytes escaped)";
  EXPECT_LE(line.size(), 2000u) << "long fields must be cut";

  // Nothing left behind: the directory is exactly as the setup left it.
  for (const auto& [path, sig] : after) {
    const auto it = before.find(path);
    if (it == before.end()) {
      ADD_FAILURE() << "left behind: " << shown(path) << " (" << sig << ")"
                    << (path.find(".tmp.") != std::string::npos ||
                                path.find(".staging.") != std::string::npos
                            ? " [temporary file]"
                            : "");
    } else if (it->second != sig) {
      ADD_FAILURE() << "changed: " << shown(path) << " (" << it->second << " -> " << sig << ")";
    }
  }
  for (const auto& [path, sig] : before)
    if (!after.count(path)) ADD_FAILURE() << "removed: " << shown(path) << " (" << sig << ")";
}

void run_odd_case(const OddCase& c) {
  TempDir tmp;
  Env env;
  env.dir = tmp.path();
  Args args;
  if (!set_up_case(c.needs, c.setup, env, args)) return;
  const CliResult r = run_cli(args);
  SCOPED_TRACE("command: " + command_line(args) + "\n  exit code: " + std::to_string(r.exit_code) +
               "\n  stderr: " + shown(r.err, 1500) + "\n  stdout: " + shown(r.out, 600));
  ASSERT_EQ(r.exit_code, 0) << "valid input must keep working";
  // No temporary file may survive a successful run either.
  for (const auto& p : leftovers(env.dir))
    ADD_FAILURE() << "temporary file left behind: " << shown(p);
  if (c.check) c.check(r, env);
}

std::vector<std::string> leftovers(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.find(".tmp.") != std::string::npos || name.find(".staging.") != std::string::npos)
      out.push_back(it->path().string());
  }
  return out;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void put(const fs::path& p, const std::string& bytes) {
  std::error_code ec;
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) ADD_FAILURE() << "cannot write " << shown(p.string());
}

std::string pattern_bytes(std::size_t n) {
  std::string b(n, '\0');
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<char>((i * 37 + 11) % 251);
  return b;
}

std::string wave16(std::size_t n, int amp) {
  std::string b;
  b.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    // A triangle wave of period 100 samples plus a small second tone: not constant, in range.
    const int tri = static_cast<int>(i % 100);
    const int v = (tri < 50 ? tri : 100 - tri) * amp / 50 - amp / 2 + static_cast<int>(i % 7) * 3;
    const auto u = static_cast<std::uint16_t>(static_cast<std::int16_t>(v));
    b += static_cast<char>(u & 0xff);
    b += static_cast<char>(u >> 8);
  }
  return b;
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  if (pos == std::string::npos) {
    ADD_FAILURE() << "setup: '" << shown(from) << "' not found in '" << shown(text, 300) << "'";
    return text;
  }
  return text.replace(pos, from.size(), to);
}

void copy_real_record(const Env& env, const std::string& db, const std::string& name) {
  bool any = false;
  for (const char* ext : {".hea", ".dat", ".mat", ".atr", ".ari"}) {
    const fs::path src = env.physionet / db / (name + ext);
    if (!fs::exists(src)) continue;
    put(env / (name + ext), read_bytes(src));
    any = true;
  }
  if (!any) ADD_FAILURE() << "setup: no record " << db << "/" << name << " in " << env.physionet;
}

void copy_cohort_record(const Env& env, const std::string& db_and_name) {
  const fs::path src = env.cohort / db_and_name;
  const std::string name = src.filename().string();
  bool any = false;
  for (const char* ext : {".hea", ".dat", ".atr", ".ari"}) {
    fs::path p = src;
    p += ext;
    if (!fs::exists(p)) continue;
    put(env / (name + ext), read_bytes(p));
    any = true;
  }
  if (!any) ADD_FAILURE() << "setup: no record " << db_and_name << " in " << env.cohort;
}

ModelParts split_model(const std::string& bytes) {
  ModelParts m;
  const std::string magic = "SCAPREDICT-MODEL\n";
  if (bytes.rfind(magic, 0) != 0) {
    ADD_FAILURE() << "setup: the fixture model does not start with " << shown(magic);
    return m;
  }
  std::size_t pos = magic.size();
  auto length = [&](std::size_t& at) {
    const auto nl = bytes.find('\n', at);
    const std::size_t v = std::stoull(bytes.substr(at, nl - at));
    at = nl + 1;
    return v;
  };
  m.magic = magic;
  const std::size_t hlen = length(pos);
  m.header = bytes.substr(pos, hlen);
  pos += hlen + 1;
  const std::size_t wlen = length(pos);
  m.weights = bytes.substr(pos, wlen);
  return m;
}

std::string join_model(const ModelParts& m) {
  return m.magic + std::to_string(m.header.size()) + "\n" + m.header + "\n" +
         std::to_string(m.weights.size()) + "\n" + m.weights;
}

int csv_rows(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) rows += (!line.empty() && line[0] != '#');
  return rows;
}

}  // namespace scapredict::clitest

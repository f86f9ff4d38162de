// The front door shared by scapredict and scapredict-score: every failure is one line,
// `scapredict: FILE-or-FLAG: problem`, and exit code 2.
#include "cli_main.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "common/cleanup.hpp"
#include "common/error.hpp"
#include "common/text.hpp"

namespace scapredict::cli {

namespace {

// Levenshtein distance, for "did you mean".
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The command the user was in (the deepest parsed subcommand), or the app itself.
const CLI::App* current_command(const CLI::App& app) {
  const CLI::App* at = &app;
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (const auto* sub : at->get_subcommands()) {
      at = sub;
      deeper = true;
      break;
    }
  }
  return at;
}

// " (did you mean --out? scapredict predict --help lists the flags)" for an unknown flag.
std::string flag_hint(const CLI::App& app, const std::string& flag) {
  const CLI::App* cmd = current_command(app);
  std::string name = "scapredict";
  if (cmd != &app) name += " " + cmd->get_name();
  const std::string bare = flag.substr(0, flag.find('='));
  std::string best;
  std::size_t best_d = 3;  // at most two edits away
  for (const auto* opt : cmd->get_options()) {
    for (const auto& l : opt->get_lnames()) {
      const std::string candidate = "--" + l;
      const std::size_t d = edit_distance(bare, candidate);
      if (d < best_d) best_d = d, best = candidate;
    }
  }
  return " (" + (best.empty() ? std::string() : "did you mean " + best + "? ") + name +
         " --help lists the flags)";
}

// What a required flag is and where to get it, for the flags whose value a new user may not have.
std::string required_hint(const std::string& flag) {
  if (flag == "--model") return " (a model file: `scapredict train --out MODEL.spm` trains one)";
  if (flag == "--out") return " (where the results go)";
  return "";
}

// CLI11's message as `FLAG: problem` on one line.
std::string parse_error_line(const CLI::ParseError& e, const CLI::App& app) {
  std::string what = e.what();
  what = what.substr(0, what.find('\n'));
  std::smatch m;
  if (std::regex_match(what, m, std::regex(R"((\S+) is required)")))
    return m[1].str() + ": required" + required_hint(m[1].str());
  if (std::regex_match(what, m,
                       std::regex(R"(The following arguments? (?:was|were) not expected: (.*))"))) {
    // CLI11 lists the leftovers last first: name the flag among them, else the first word.
    std::istringstream words(m[1].str());
    std::string w, first, flag;
    while (words >> w) {
      if (first.empty()) first = w;
      if (flag.empty() && w.size() > 1 && w[0] == '-') flag = w;
    }
    if (flag.empty()) return first + ": unexpected argument";
    return flag + ": unexpected argument" + flag_hint(app, flag);
  }
  if (std::regex_match(what, m, std::regex(R"(A subcommand is required)")))
    return "command: missing (scapredict --help lists them)";
  if (std::regex_match(what, m, std::regex(R"((\S+) excludes (\S+))")))
    return m[1].str() + ": cannot be combined with " + m[2].str();
  if (std::regex_match(what, m, std::regex(R"(Could not convert: (\S+) = (.*))")))
    return m[1].str() + ": not a valid value: " + m[2].str();
  return what;
}

}  // namespace

namespace {

// A first argument that is neither a flag nor a command: say so instead of printing help.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2) return std::nullopt;
  const std::string first = argv[1];
  if (first[0] == '-') {
    if (first == "--help" || first == "-h" || first == "--version") return std::nullopt;
    return "scapredict: " + scapredict::printable(first, 80) +
           ": unexpected flag (a command comes first; scapredict --help lists them)";
  }
  for (const auto* sub : app.get_subcommands({})) {
    if (sub->get_name() == argv[1]) return std::nullopt;
  }
  std::string names;
  for (const auto* sub : app.get_subcommands({}))
    names += (names.empty() ? "" : ", ") + sub->get_name();
  return "scapredict: " + scapredict::printable(argv[1], 80) + ": no such command (" + names + ")";
}

// SIGINT, SIGTERM and SIGHUP remove the staging folders and temporary files in progress
// (common/cleanup.hpp), then end the process by the same signal, as the default action would.
// The handler only writes the signal's number to a pipe; a thread waiting on it does the
// removing, where anything may be called.
int interrupt_pipe[2] = {-1, -1};

extern "C" void on_interrupt(int sig) {
  const auto b = static_cast<unsigned char>(sig);
  const int saved = errno;
  [[maybe_unused]] const auto n = ::write(interrupt_pipe[1], &b, 1);
  errno = saved;
}

void install_interrupt_cleanup() {
  if (::pipe2(interrupt_pipe, O_CLOEXEC) != 0) return;  // no cleanup, the default action stays
  std::thread([] {
    unsigned char b = 0;
    while (::read(interrupt_pipe[0], &b, 1) != 1) {
      if (errno != EINTR) return;
    }
    scapredict::remove_unfinished();
    const int sig = b;
    std::signal(sig, SIG_DFL);
    ::raise(sig);
    std::_Exit(128 + sig);  // only if the signal is blocked here: the status a shell shows
  }).detach();
  struct sigaction sa = {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old = {};
    // A signal ignored by whoever started us (nohup, a shell's background job) stays ignored.
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(sig, &sa, nullptr);
  }
}

}  // namespace

int run_main(CLI::App& app, int argc, char** argv,
             const std::function<void(const std::string&)>& say_error) {
  install_interrupt_cleanup();
  auto say = [&](const std::string& line) {
    if (say_error)
      say_error(line);
    else
      std::cerr << line << "\n";
  };
  if (const auto line = unknown_command(app, argc, argv)) {
    say(*line);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    say("scapredict: " + error_line(parse_error_line(e, app)));
    return 2;
  } catch (const scapredict::Error& e) {
    say("scapredict: " + error_line(e.what()));
    return 2;
  } catch (const std::exception& e) {
    say("scapredict: internal error: " + scapredict::printable(e.what()));
    return 1;
  }
  return 0;
}

}  // namespace scapredict::cli

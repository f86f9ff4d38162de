// The front door shared by scapredict and scapredict-score: every failure is one line,
// `scapredict: FILE-or-FLAG: problem`, and exit code 2.
#include "cli_main.hpp"

#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>

#include "common/error.hpp"
#include "common/text.hpp"

namespace scapredict::cli {

namespace {

// CLI11's message as `FLAG: problem` on one line.
std::string parse_error_line(const CLI::ParseError& e) {
  std::string what = e.what();
  what = what.substr(0, what.find('\n'));
  std::smatch m;
  if (std::regex_match(what, m, std::regex(R"((\S+) is required)")))
    return m[1].str() + ": required";
  if (std::regex_match(what, m,
                       std::regex(R"(The following arguments? (?:was|were) not expected: (.*))"))) {
    // CLI11 lists the leftovers last first: name the flag among them, else the first word.
    std::istringstream words(m[1].str());
    std::string w, first, flag;
    while (words >> w) {
      if (first.empty()) first = w;
      if (flag.empty() && w.size() > 1 && w[0] == '-') flag = w;
    }
    return (flag.empty() ? first : flag) + ": unexpected argument";
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

}  // namespace

int run_main(CLI::App& app, int argc, char** argv,
             const std::function<void(const std::string&)>& say_error) {
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
    say("scapredict: " + error_line(parse_error_line(e)));
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

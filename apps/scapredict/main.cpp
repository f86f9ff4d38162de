// scapredict: command-line front end. Parses flags, calls one library function, prints.
// Every failure is one line, `scapredict: FILE-or-FLAG: problem`, and exit code 2.
#include <CLI/CLI.hpp>
#include <cstring>
#include <exception>
#include <iostream>
#include <regex>

#include "commands.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "scapredict/version.hpp"

namespace {

// CLI11's message as `FLAG: problem` on one line.
std::string parse_error_line(const CLI::ParseError& e) {
  std::string what = e.what();
  what = what.substr(0, what.find('\n'));
  std::smatch m;
  if (std::regex_match(what, m, std::regex(R"((\S+) is required)")))
    return m[1].str() + ": required";
  if (std::regex_match(what, m,
                       std::regex(R"(The following arguments? (?:was|were) not expected: (.*))")))
    return m[1].str() + ": unexpected argument";
  if (std::regex_match(what, m, std::regex(R"(A subcommand is required)")))
    return "command: missing (scapredict --help lists them)";
  if (std::regex_match(what, m, std::regex(R"((\S+) excludes (\S+))")))
    return m[1].str() + ": cannot be combined with " + m[2].str();
  if (std::regex_match(what, m, std::regex(R"(Could not convert: (\S+) = (.*))")))
    return m[1].str() + ": not a valid value: " + m[2].str();
  return what;
}

// A first argument that is neither a flag nor a command: say so instead of printing help.
bool unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  for (const auto* sub : app.get_subcommands({})) {
    if (sub->get_name() == argv[1]) return false;
  }
  std::string names;
  for (const auto* sub : app.get_subcommands({}))
    names += (names.empty() ? "" : ", ") + sub->get_name();
  std::cerr << "scapredict: " << scapredict::printable(argv[1], 80) << ": no such command ("
            << names << ")\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"scapredict: sudden cardiac arrest prediction from Holter ECG"};
  app.option_defaults()->always_capture_default();  // --help shows every default
  app.set_version_flag("--version", std::string("scapredict ") + scapredict::kVersion);
  app.require_subcommand(1);
  scapredict::cli::add_io_commands(app);
  scapredict::cli::add_sim_commands(app);
  scapredict::cli::add_ml_commands(app);
  scapredict::cli::add_audit_command(app);
  if (unknown_command(app, argc, argv)) return 2;
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    std::cerr << "scapredict: " << scapredict::printable(parse_error_line(e)) << "\n";
    return 2;
  } catch (const scapredict::Error& e) {
    std::cerr << "scapredict: " << scapredict::printable(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "scapredict: internal error: " << scapredict::printable(e.what()) << "\n";
    return 1;
  }
  return 0;
}

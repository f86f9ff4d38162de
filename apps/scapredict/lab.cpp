#include "lab.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "common/error.hpp"

namespace scapredict::cli {

namespace {

// Name and description of every command scapredict-lab runs and scapredict does not.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kLabCommands{{
    {"simulate", "Write simulated SDDB- and NSRDB-like databases (WFDB layout)"},
    {"train", "Train a model on the protocol's first training split"},
    {"evaluate", "Score a model from `train` on its held-out patients"},
    {"reproduce", "Run the paper's protocol and write results/REPORT.md"},
    {"search", "The paper's Bayesian architecture search, nested: BO, random, dlib, the paper"},
    {"audit", "Does the model see cardiac risk, or the recorder? Writes AUDIT.md"},
    {"download", "Download a PhysioNet database into DIR/<db>/, verified against SHA256SUMS.txt"},
}};

char** remembered = nullptr;

}  // namespace

bool is_lab_command(std::string_view name) {
  for (const auto& [n, d] : kLabCommands)
    if (n == name) return true;
  return false;
}

void add_lab_placeholders(CLI::App& app) {
  for (const auto& [name, description] : kLabCommands) {
    auto* cmd = app.add_subcommand(std::string(name), std::string(description));
    cmd->allow_extras();
    cmd->group("Commands that train or build data (scapredict-lab)");
  }
}

void exec_lab(char** argv) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec)
    throw Error("scapredict-lab: cannot find this executable's folder (" + ec.message() + ")");
  const fs::path lab = self.parent_path() / "scapredict-lab";
  ::execv(lab.c_str(), argv);
  const int err = errno;
  throw Error("scapredict-lab: " + lab.string() + ": " + std::strerror(err) +
              " (the commands that train need it beside scapredict)");
}

void remember_argv(char** argv) {
  remembered = argv;
}

void exec_lab() {
  if (remembered == nullptr) throw Error("scapredict-lab: no command line to hand over");
  exec_lab(remembered);
}

}  // namespace scapredict::cli

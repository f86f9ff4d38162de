#include "mpi_run.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>

#include "cli_main.hpp"
#include "common/error.hpp"
#include "common/workers.hpp"
#include "dist/mpi.hpp"

namespace scapredict::cli {

namespace {

// The commands whose work is spread over processes; the others would only repeat each other.
bool spreads(const std::string& command) {
  static const std::set<std::string> names = {"search", "reproduce", "audit", "predict"};
  return names.count(command) > 0;
}

bool is_command(const CLI::App& app, const std::string& name) {
  for (const auto* sub : app.get_subcommands({}))
    if (sub->get_name() == name) return true;
  return false;
}

void say(int fd, const std::string& line) {
  const std::string text = line + "\n";
  [[maybe_unused]] const auto n = ::write(fd, text.data(), text.size());
}

// Points stdout and stderr of a process other than the first at /dev/null; returns a
// descriptor of the real stderr for a last word.
int quieten() {
  std::fflush(stdout);
  std::fflush(stderr);
  const int saved = ::dup(2);
  const int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) {
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::close(null);
  }
  return saved >= 0 ? saved : 2;
}

}  // namespace

int run_main_maybe_mpi(CLI::App& app, int argc, char** argv) {
  if (!launched_by_mpi()) return run_main(app, argc, argv);
  std::unique_ptr<dist::MpiSession> session;
  try {
    session = std::make_unique<dist::MpiSession>(&argc, &argv);
  } catch (const Error& e) {
    std::cerr << "scapredict: " << e.what() << "\n";
    return 2;
  }
  const int rank = session->rank(), size = session->size();
  set_workers(session->workers());
  const int err_fd = rank == 0 ? 2 : quieten();
  std::string error;
  int code = 0;
  if (size > 1 && argc > 1 && is_command(app, argv[1]) && !spreads(argv[1])) {
    error = "scapredict: mpirun: '" + std::string(argv[1]) +
            "' runs as one process; start it without mpirun (search, reproduce, audit and "
            "predict spread over processes)";
    code = 2;
  } else {
    code = run_main(app, argc, argv, [&](const std::string& line) { error = line; });
  }
  std::cout.flush();
  std::fflush(stdout);
  // A process that failed waits a while for the others to end too (they normally fail at the
  // same step); one that succeeded waits as long as the slowest.
  const auto ends = session->endings(error, error.empty() ? 1e9 : 10.0);
  set_workers(nullptr);
  if (!ends) {
    // The others are still at work or gone: say it and leave without MPI_Finalize, which makes
    // the launcher end the whole run.
    if (!error.empty()) say(err_fd, error);
    std::_Exit(code != 0 ? code : 2);
  }
  int worst = code;
  if (rank == 0) {
    std::set<std::string> said;
    for (const auto& line : *ends) {
      if (line.empty() || !said.insert(line).second) continue;
      say(2, line);
      worst = std::max(worst, 2);
    }
  }
  session->finalize();
  return worst;
}

}  // namespace scapredict::cli

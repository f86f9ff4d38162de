#include "report/plot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <fstream>

extern char** environ;

namespace scapredict::report {
namespace fs = std::filesystem;

void Series::add(double px, const stats::MeanCi& m) {
  if (!std::isfinite(m.mean)) return;
  x.push_back(px);
  y.push_back(100 * m.mean);
  lo.push_back(100 * std::clamp(m.lo, 0.0, 1.0));
  hi.push_back(100 * std::clamp(m.hi, 0.0, 1.0));
}

Series accuracy_series(const train::ExperimentResult& r, const std::string& title) {
  Series s;
  s.title = title;
  for (const auto& h : r.horizons) s.add(h.horizon, h.accuracy);
  return s;
}

std::string gnuplot_quote(const std::string& text) {
  std::string out = "'";
  for (unsigned char c : text) {
    if (c == '\'')
      out += "''";
    else if (c < 0x20 || c == 0x7f)
      out += '?';
    else
      out += static_cast<char>(c);
  }
  return out + "'";
}

namespace {

// Runs `gnuplot script` without a shell; true when it exits 0.
bool run_gnuplot(const fs::path& script) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string prog = "gnuplot", arg = script.string();
  char* argv[] = {prog.data(), arg.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return false;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void write_script(std::ostream& gp, const fs::path& out, const std::string& title,
                  const std::string& xlabel, const std::string& ylabel,
                  const std::vector<Series>& series, bool log2_x) {
  gp << "set terminal pngcairo size 900,540 noenhanced\nset output " << gnuplot_quote(out.string())
     << "\n";
  gp << "set title " << gnuplot_quote(title) << "\nset xlabel " << gnuplot_quote(xlabel)
     << "\nset ylabel " << gnuplot_quote(ylabel) << "\n";
  gp << "set grid\nset key outside right\nset yrange [0:105]\n";
  if (log2_x) gp << "set logscale x 2\n";
  gp << "plot ";
  for (std::size_t s = 0; s < series.size(); ++s) {
    gp << (s ? ", " : "") << "'-' using 1:2:3:4 with yerrorlines title "
       << gnuplot_quote(series[s].title);
  }
  gp << "\n";
  for (const auto& s : series) {
    for (std::size_t i = 0; i < s.x.size(); ++i)
      gp << s.x[i] << " " << s.y[i] << " " << s.lo[i] << " " << s.hi[i] << "\n";
    gp << "e\n";
  }
}

}  // namespace

bool plot_png(const fs::path& png, const std::string& title, const std::string& xlabel,
              const std::string& ylabel, const std::vector<Series>& series, bool log2_x) {
  const fs::path tmp = png.string() + ".tmp." + std::to_string(::getpid());
  const fs::path script = tmp.string() + ".gp";
  {
    std::ofstream gp(script);
    if (!gp) return false;
    write_script(gp, tmp, title, xlabel, ylabel, series, log2_x);
  }
  const bool ok = run_gnuplot(script) && fs::exists(tmp);
  std::error_code ec;
  fs::remove(script, ec);
  if (ok)
    fs::rename(tmp, png, ec);
  else
    fs::remove(tmp, ec);
  return ok && !ec;
}

}  // namespace scapredict::report

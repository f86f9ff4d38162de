#include "report/plot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <sstream>

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

void Series::add(double px, double py) {
  x.push_back(px);
  y.push_back(py);
  lo.push_back(py);
  hi.push_back(py);
}

std::string gnuplot_quote(const std::string& text) {
  std::string out = "'";
  for (unsigned char c : text) {
    if (c == '\'')
      out += "\xe2\x80\x99";  // gnuplot 5.4 has no escape for ' inside '...': a typographic one
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

// The y range: the data's lowest and highest values with a margin, kept within [0, 105].
std::pair<double, double> auto_yrange(const Chart& c) {
  double lo = 1e300, hi = -1e300;
  for (const auto& s : c.series) {
    for (double v : s.lo) lo = std::min(lo, v);
    for (double v : s.hi) hi = std::max(hi, v);
  }
  for (const auto& h : c.hlines) {
    lo = std::min(lo, h.y);
    hi = std::max(hi, h.y);
  }
  if (lo > hi) return {0, 105};
  const double margin = std::max(2.0, 0.08 * (hi - lo));
  return {std::max(0.0, std::floor(lo - margin)), std::min(105.0, std::ceil(hi + margin))};
}

const char* style_of(Series::Style s) {
  switch (s) {
    case Series::Style::kPoints:
      return "points pt 7 ps 1.6";
    case Series::Style::kLines:
      return "lines lw 2";
    case Series::Style::kErrorLines:
      break;
  }
  return "yerrorlines";
}

void write_script(std::ostream& gp, const fs::path& out, const Chart& c) {
  gp << "set terminal pngcairo size 960,560 noenhanced\nset output " << gnuplot_quote(out.string())
     << "\n";
  gp << "set title " << gnuplot_quote(c.title) << "\nset xlabel " << gnuplot_quote(c.xlabel)
     << "\nset ylabel " << gnuplot_quote(c.ylabel) << "\n";
  const auto [ylo, yhi] = c.yrange ? *c.yrange : auto_yrange(c);
  // The key below the plot takes about one line per six entries; the margin grows with it.
  const auto entries = static_cast<int>(c.series.size() + c.hlines.size());
  gp << "set grid\nset key below horizontal box font ',9'\nset bmargin "
     << std::max(6, 4 + (entries + 5) / 6)
     << "\nset offsets graph 0.03, "
        "graph 0.03, 0, 0\nset yrange ["
     << ylo << ":" << yhi << "]\n";
  if (c.log2_x) gp << "set logscale x 2\n";
  if (c.x_clock) gp << "set xdata time\nset timefmt '%s'\nset format x '%H:%M'\n";
  gp << "plot ";
  bool first = true;
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const auto& s = c.series[i];
    gp << (first ? "" : ", ") << "'-' using 1:2"
       << (s.style == Series::Style::kErrorLines ? ":3:4" : "") << " with " << style_of(s.style);
    // gnuplot cycles eight colours: past them, lines take the next dash pattern.
    if (s.style == Series::Style::kLines && i >= 8) gp << " dt " << 1 + (i / 8) % 5;
    gp << " title " << gnuplot_quote(s.title);
    first = false;
  }
  for (const auto& h : c.hlines) {
    gp << (first ? "" : ", ") << h.y << " with lines dt 2 lw 2 title " << gnuplot_quote(h.title);
    first = false;
  }
  gp << "\n";
  for (const auto& s : c.series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      gp << s.x[i] << " " << s.y[i];
      if (s.style == Series::Style::kErrorLines) gp << " " << s.lo[i] << " " << s.hi[i];
      gp << "\n";
    }
    gp << "e\n";
  }
}

}  // namespace

std::string gnuplot_script(const Chart& chart, const fs::path& png) {
  std::ostringstream gp;
  gp.precision(10);
  write_script(gp, png, chart);
  return gp.str();
}

bool plot_png(const fs::path& png, const Chart& chart) {
  // gnuplot writes to a plain name beside the target (any byte may be in `png`); the result is
  // renamed into place.
  static std::atomic<unsigned> counter{0};
  const std::string stem =
      ".plot.tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  const fs::path dir = png.has_parent_path() ? png.parent_path() : fs::path(".");
  const fs::path tmp = dir / (stem + ".png");
  const fs::path script = dir / (stem + ".gp");
  {
    std::ofstream gp(script);
    if (!gp) return false;
    gp << gnuplot_script(chart, tmp);
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

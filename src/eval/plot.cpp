#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "scapredict/eval/reproduce.hpp"

namespace scapredict::eval {

bool plot_png(const std::filesystem::path& png, const std::string& title, const std::string& xlabel,
              const std::string& ylabel, const std::vector<Series>& series, bool log2_x) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) return false;
  namespace fs = std::filesystem;
  const fs::path tmp = png.string() + ".tmp." + std::to_string(::getpid());
  const fs::path script = tmp.string() + ".gp";
  {
    std::ofstream gp(script);
    gp << "set terminal pngcairo size 900,540 noenhanced\nset output '" << tmp.string() << "'\n";
    gp << "set title '" << title << "'\nset xlabel '" << xlabel << "'\nset ylabel '" << ylabel
       << "'\n";
    gp << "set grid\nset key outside right\nset yrange [0:105]\n";
    if (log2_x) gp << "set logscale x 2\n";
    gp << "plot ";
    for (std::size_t s = 0; s < series.size(); ++s) {
      gp << (s ? ", " : "") << "'-' using 1:2:3:4 with yerrorlines title '" << series[s].title
         << "'";
    }
    gp << "\n";
    for (const auto& s : series) {
      for (std::size_t i = 0; i < s.x.size(); ++i)
        gp << s.x[i] << " " << s.y[i] << " " << s.lo[i] << " " << s.hi[i] << "\n";
      gp << "e\n";
    }
  }
  const std::string cmd = "gnuplot '" + script.string() + "' 2>/dev/null";
  const bool ok = std::system(cmd.c_str()) == 0 && fs::exists(tmp);
  std::error_code ec;
  fs::remove(script, ec);
  if (ok)
    fs::rename(tmp, png, ec);
  else
    fs::remove(tmp, ec);
  return ok && !ec;
}

}  // namespace scapredict::eval

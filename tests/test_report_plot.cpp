// Plotting never hands a string to a shell: hostile paths and titles reach gnuplot literally.
#include <gtest/gtest.h>

#include <cmath>

#include "report/plot.hpp"
#include "report/risk_plot.hpp"
#include "test_util.hpp"

using namespace scapredict;
using scapredict::testing::TempDir;
namespace fs = std::filesystem;

TEST(Plot, HostilePathsAndTitlesAreDataNotCommands) {
  TempDir dir;
  const fs::path canary = dir / "pwned";
  const std::string evil = "'\"$(touch " + canary.string() + ")`touch " + canary.string() +
                           "`;\ntouch " + canary.string() + " #";
  const fs::path png = dir / ("a 'quoted' $(x) `y` \nname.png");
  report::Chart c{evil, evil, evil};
  report::Series s{evil, {1, 2, 3}, {10, 20, 30}, {5, 15, 25}, {15, 25, 35}};
  c.series = {s};
  c.hlines = {{50, evil}};
  if (!report::plot_png(png, c)) GTEST_SKIP() << "gnuplot is not installed";
  EXPECT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 1000u);
  EXPECT_FALSE(fs::exists(canary));
  // Nothing else is left in the directory (no script, no temporary image).
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1);

  infer::RecordRisk r;
  r.record = evil;
  r.model = {{"data_source", evil}, {"simulated", false}};
  infer::MinuteRisk m;
  m.start_s = 0;
  m.risk = 0.3;
  r.minutes = {m};
  const fs::path risk_png = dir / "risk $(touch x).png";
  EXPECT_TRUE(report::plot_risk(r, risk_png));
  EXPECT_TRUE(fs::exists(risk_png));
  EXPECT_FALSE(fs::exists(canary));
  EXPECT_FALSE(fs::exists(dir / "x"));
}

TEST(Plot, GnuplotQuoteNeutralisesQuotesAndControlCharacters) {
  EXPECT_EQ(report::gnuplot_quote("it's"), "'it\xe2\x80\x99s'");
  EXPECT_EQ(report::gnuplot_quote("a\nb\rc"), "'a?b?c'");
  EXPECT_EQ(report::gnuplot_quote("$(x)`y`"), "'$(x)`y`'");  // inert inside single quotes
}

TEST(Plot, ManyLinesGetRoomAndDashesAndAGapBreaksALine) {
  report::Chart c{"t", "x", "y"};
  for (int i = 0; i < 24; ++i) {
    report::Series s;
    s.title = "line " + std::to_string(i);
    s.style = report::Series::Style::kLines;
    s.add(1, 10);
    s.add(2, NAN);  // minute 2 is missing
    s.add(3, 30);
    c.series.push_back(s);
  }
  c.hlines = {{50, "half"}};
  const auto script = report::gnuplot_script(c, "out.png");
  // 25 key entries, about six to a line: nine lines of bottom margin instead of six.
  EXPECT_NE(script.find("set bmargin 9\n"), std::string::npos);
  // The first eight lines keep gnuplot's solid lines; the ninth starts the next dash pattern.
  EXPECT_NE(script.find("with lines lw 2 title 'line 7'"), std::string::npos);
  EXPECT_NE(script.find("lines lw 2 dt 2 title 'line 8'"), std::string::npos);
  EXPECT_NE(script.find("lines lw 2 dt 3 title 'line 23'"), std::string::npos);
  EXPECT_NE(script.find("\n1 10\n2 nan\n3 30\ne\n"), std::string::npos);
  // A chart of few series keeps the old margin.
  c.series.resize(2);
  EXPECT_NE(report::gnuplot_script(c, "out.png").find("set bmargin 6\n"), std::string::npos);
  TempDir dir;
  if (!report::plot_png(dir / "t.png", c)) GTEST_SKIP() << "gnuplot is not installed";
  EXPECT_GT(fs::file_size(dir / "t.png"), 1000u);
}

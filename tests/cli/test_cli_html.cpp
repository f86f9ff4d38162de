// predict --html in a real browser: headless Chromium loads the page from file:// (no network),
// the page's #selftest opens a held minute, and the test reads what was drawn from the DOM; a
// screenshot must not be blank. Skips with a message where Chromium is absent.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>

#include "cli_harness.hpp"
#include "report/html_page.hpp"

namespace scapredict::clitest {
namespace {

using scapredict::testing::run_cli;
using scapredict::testing::run_program;

const char* chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (fs::exists(p)) return p;
  return nullptr;
}

#define SKIP_WITHOUT_CHROMIUM()                                                              \
  if (!chromium())                                                                           \
  GTEST_SKIP() << "chromium not installed (Debian package 'chromium'; scripts/install-deps " \
                  "installs it); the page is not tested in a browser"

std::vector<std::string> browser_flags() {
  return {"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
          "--virtual-time-budget=8000"};
}

// The body's data-* attributes after the page's #selftest has run.
std::map<std::string, std::string> selftest(const fs::path& page) {
  auto args = browser_flags();
  args.push_back("--dump-dom");
  args.push_back("file://" + fs::absolute(page).string() + "#selftest");
  const auto r = run_program(chromium(), args);
  std::map<std::string, std::string> out;
  std::smatch body;
  if (!std::regex_search(r.out, body, std::regex("<body([^>]*)>"))) return out;
  const std::string attrs = body[1].str();
  const std::regex attr(R"re(data-([a-z-]+)="([^"]*)")re");
  for (auto it = std::sregex_iterator(attrs.begin(), attrs.end(), attr);
       it != std::sregex_iterator(); ++it)
    out[(*it)[1].str()] = (*it)[2].str();
  return out;
}

std::uintmax_t screenshot_bytes(const fs::path& page, const fs::path& png) {
  auto args = browser_flags();
  args.push_back("--window-size=1100,1400");
  args.push_back("--screenshot=" + png.string());
  args.push_back("file://" + fs::absolute(page).string() + "#selftest");
  run_program(chromium(), args);
  std::error_code ec;
  const auto n = fs::file_size(png, ec);
  return ec ? 0 : n;
}

// Only the SVG namespace may name a web address; nothing is loaded from outside the file.
void expect_self_contained(const std::string& html) {
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  std::size_t at = 0, n = 0;
  while ((at = html.find("http", at)) != std::string::npos) {
    EXPECT_EQ(html.compare(at, 26, "http://www.w3.org/2000/svg"), 0) << html.substr(at, 60);
    at += 4, ++n;
  }
  EXPECT_LE(n, 2u);
}

TEST(Html, OneRealRecordOpensInChromiumWithTheEcgOfAHeldMinute) {
  SKIP_WITHOUT_PHYSIONET(phys);
  SKIP_WITHOUT_CHROMIUM();
  scapredict::testing::TempDir dir;
  const auto csv = dir / "100.csv", page = dir / "100.html";
  const auto r = run_cli({"predict", (*phys_opt / "mitdb" / "100").string(), "--out", csv.string(),
                          "--html", page.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto html = read_bytes(page);
  expect_self_contained(html);
  EXPECT_LT(html.size(), 5u << 20);
  // The risk table's scored minutes are the timeline's points.
  const auto rows = eval::read_risk_csv(csv);
  int scored = 0;
  for (const auto& v : rows.risk) scored += v.has_value();
  auto dom = selftest(page);
  ASSERT_EQ(dom["selftest"], "done") << "the page's script did not run to its end";
  EXPECT_EQ(dom["rows"], "1");
  EXPECT_EQ(dom["timeline-points"], std::to_string(scored));
  EXPECT_EQ(dom["ecg-points"], "7680");  // one minute at 128 Hz, every sample valid
  const int beats = std::stoi(dom["qrs-marks"]);
  EXPECT_GT(beats, 50);  // record 100: about 75 beats a minute
  EXPECT_LT(beats, 100);
  EXPECT_GE(std::stoi(dom["held-minutes"]), 1);
  // Not blank: a screenshot of the page against one of an empty page of the same size.
  const auto blank = dir / "blank.html";
  put(blank, "<!DOCTYPE html><html><body></body></html>");
  const auto page_png = screenshot_bytes(page, dir / "page.png");
  const auto blank_png = screenshot_bytes(blank, dir / "blank.png");
  ASSERT_GT(blank_png, 0u);
  EXPECT_GT(page_png, 5 * blank_png) << "page " << page_png << " bytes, blank " << blank_png;
}

TEST(Html, ABatchPageHasARowPerRecordFailedOnesIncluded) {
  SKIP_WITHOUT_PHYSIONET(phys);
  SKIP_WITHOUT_CHROMIUM();
  scapredict::testing::TempDir dir;
  put(dir / "broken.hea", "broken 1 250 1000\nbroken.dat 16 200 16 0 0 0 0 ECG\n");  // no .dat
  const auto page = dir / "batch.html";
  const auto r = run_cli({"predict", (*phys_opt / "mitdb" / "100").string(),
                          (*phys_opt / "vfdb" / "418").string(), (dir / "broken").string(), "--out",
                          (dir / "risks").string(), "--html", page.string()});
  EXPECT_EQ(r.exit_code, 2) << "a failed record fails the batch";
  ASSERT_TRUE(fs::exists(page)) << r.err;
  expect_self_contained(read_bytes(page));
  auto dom = selftest(page);
  ASSERT_EQ(dom["selftest"], "done");
  EXPECT_EQ(dom["rows"], "3");
  EXPECT_EQ(dom["ecg-points"], "7680");
  // An --html inside the batch's folder would be swept into it: refused.
  const auto in = run_cli({"predict", (*phys_opt / "mitdb" / "100").string(),
                           (*phys_opt / "mitdb" / "101").string(), "--out", (dir / "r2").string(),
                           "--html", (dir / "r2" / "p.html").string()});
  EXPECT_EQ(in.exit_code, 2);
  EXPECT_NE(in.err.find("--html: must lie outside"), std::string::npos) << in.err;
}

TEST(Html, TextFromTheDataCannotEndTheScript) {
  report::PageRecord p;
  p.path = "</script><script>alert(1)</script>";
  p.series.record = "</script><img src=x onerror=alert(2)>";
  p.series.start_s = {0, 60};
  p.series.risk = {0.5, std::nullopt};
  p.series.comments = {"<!-- </script>"};
  const auto html = report::html_page("</title><b>", {"<i>"}, {p}, {}, {{"x", "</script>"}});
  std::size_t n = 0;
  for (auto at = html.find("</script>"); at != std::string::npos;
       at = html.find("</script>", at + 1))
    ++n;
  EXPECT_EQ(n, 2u) << "only the page's own two script elements end";
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("</title><b>"), std::string::npos);
}

}  // namespace
}  // namespace scapredict::clitest

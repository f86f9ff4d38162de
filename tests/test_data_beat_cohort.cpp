// Beat-only records (header + annotations, no signal file): inspect and the beat cohort.
#include <gtest/gtest.h>

#include <algorithm>

#include "data/beat_cohort.hpp"
#include "io/annotation.hpp"
#include "io/header.hpp"
#include "io/inspect.hpp"
#include "test_util.hpp"

using namespace scapredict;
namespace st = scapredict::testing;
namespace fs = std::filesystem;

namespace {

// A header naming a signal file that is not there, and `beats` N beats 0.8 s apart.
void write_beat_only(const fs::path& dir, const std::string& name, double fs, int beats,
                     const std::string& comment) {
  std::string hea = name + " 1 " + std::to_string(static_cast<int>(fs)) + " " +
                    std::to_string(static_cast<long long>(fs * 0.8 * (beats + 2))) + "\n" + name +
                    ".dat 212 200 12 0 0 0 0 ECG\n";
  if (!comment.empty()) hea += "# " + comment + "\n";
  st::write_text(dir / (name + ".hea"), hea);
  std::vector<io::Annotation> anns;
  for (int i = 1; i <= beats; ++i)
    anns.push_back({static_cast<std::int64_t>(i * 0.8 * fs), io::code::kNormal, 0, 0, 0, ""});
  io::write_annotations(dir / name, "atr", anns);
}

}  // namespace

TEST(BeatOnlyRecord, InspectReportsHeaderAnnotationsAndAbsentSignalFile) {
  st::TempDir dir;
  write_beat_only(dir.path(), "rec", 250, 100, "vfon: 00:01:00");
  const auto r = io::inspect(dir / "rec");
  EXPECT_TRUE(r.beat_only);
  ASSERT_EQ(r.signals.size(), 1u);
  EXPECT_TRUE(r.signals[0].file_absent);
  EXPECT_EQ(r.beat_counts.at("N"), 100);
  ASSERT_TRUE(r.vf_onset.has_value());
  EXPECT_DOUBLE_EQ(r.vf_onset->seconds, 60.0);
  EXPECT_NE(io::to_text(r).find("signal file absent"), std::string::npos);
  EXPECT_TRUE(io::to_json(r)["beat_only"].get<bool>());
}

TEST(BeatOnlyRecord, CliInspectExitsZero) {
  st::TempDir dir;
  write_beat_only(dir.path(), "rec", 128, 50, "32 M");
  const auto res = st::run_cli({"inspect", (dir / "rec").string()});
  EXPECT_EQ(res.exit_code, 0) << res.err;
  EXPECT_NE(res.out.find("signal file absent"), std::string::npos) << res.out;
  EXPECT_NE(res.out.find("N=50"), std::string::npos) << res.out;
}

TEST(BeatCohort, MissingFoldersAreOneClearError) {
  st::TempDir dir;
  try {
    data::load_beat_cohort(dir.path());
    FAIL() << "expected DataError";
  } catch (const data::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("sddb-beats"), std::string::npos) << e.what();
  }
}

TEST(BeatCohort, SyntheticFoldersLoadWithOnsetsAgesAndDrops) {
  st::TempDir dir;
  fs::create_directories(dir / "sddb-beats");
  fs::create_directories(dir / "nsrdb-beats");
  // 31: beats up to 13.8 h, past its onset at 13:42:24; 32: beats for 1 h, onset at 16:45:18.
  write_beat_only(dir / "sddb-beats", "31", 250, 62100, "vfon: 13:42:24");
  write_beat_only(dir / "sddb-beats", "32", 250, 4500, "vfon: 16:45:18");
  write_beat_only(dir / "nsrdb-beats", "16265", 128, 4500, "32 M");
  // 36: a corrupt annotation file is dropped with its reason; the others still load.
  st::write_text(dir / "sddb-beats" / "36.hea", "36 1 250 1000\n36.dat 212 200 12 0 0 0 0 ECG\n");
  st::write_text(dir / "sddb-beats" / "36.atr", "not an annotation file");
  const auto c = data::load_beat_cohort(dir.path());
  ASSERT_EQ(c.cohort.scd.size(), 1u);
  EXPECT_EQ(c.cohort.scd[0].id, "sddb/31");
  EXPECT_DOUBLE_EQ(c.cohort.scd[0].onset_s.value(), 13 * 3600 + 42 * 60 + 24);
  ASSERT_EQ(c.dropped.size(), 2u);
  EXPECT_NE(c.dropped[0].find("sddb/32: no annotated beat in minute 1 before onset"),
            std::string::npos)
      << c.dropped[0];
  EXPECT_EQ(c.dropped[1].rfind("sddb/36: ", 0), 0u) << c.dropped[1];
  EXPECT_NE(c.dropped[1].find("36.atr"), std::string::npos) << c.dropped[1];
  ASSERT_EQ(c.normal.size(), 1u);
  EXPECT_EQ(c.normal[0].age.value(), 32);
  EXPECT_EQ(c.normal[0].sex, "M");
  EXPECT_NEAR(c.normal[0].last_beat_s, 4500 * 0.8, 1e-9);
  // Without any usable SCD record the study cannot run: one error naming the folder.
  fs::remove(dir / "sddb-beats" / "31.atr");
  EXPECT_THROW(data::load_beat_cohort(dir.path()), data::DataError);
}

TEST(BeatCohort, RealSddbAndNsrdbAnnotations) {
  SKIP_WITHOUT_PHYSIONET(root);
  const auto c = data::load_beat_cohort(root);
  // README: beats in each of the 10 minutes before onset in 30 31 32 36 38 43 44 45 47 50 51 52.
  std::vector<std::string> ids;
  for (const auto& p : c.cohort.scd) ids.push_back(p.id);
  const std::vector<std::string> expected = {"sddb/30", "sddb/31", "sddb/32", "sddb/36",
                                             "sddb/38", "sddb/43", "sddb/44", "sddb/45",
                                             "sddb/47", "sddb/50", "sddb/51", "sddb/52"};
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(c.cohort.normal.size(), 18u);
  ASSERT_EQ(c.dropped.size(), 1u);
  EXPECT_NE(c.dropped[0].find("sddb/35"), std::string::npos) << c.dropped[0];
  EXPECT_EQ(c.cohort.source.kind, "physionet");
  EXPECT_FALSE(c.cohort.source.simulated);
  // Record 43 has no header: 250 Hz and the table's onset 15:37:11.
  const auto it = std::find(ids.begin(), ids.end(), "sddb/43");
  const auto i43 = static_cast<std::size_t>(it - ids.begin());
  EXPECT_TRUE(c.scd[i43].header_missing);
  EXPECT_EQ(c.scd[i43].annotator, "ari");
  EXPECT_DOUBLE_EQ(c.cohort.scd[i43].onset_s.value(), 15 * 3600 + 37 * 60 + 11);
  EXPECT_EQ(c.scd[0].annotator, "atr");
  EXPECT_NE(
      std::find_if(c.notes.begin(), c.notes.end(),
                   [](const std::string& n) { return n.rfind("sddb/43: no header", 0) == 0; }),
      c.notes.end());
  for (const auto& b : c.normal) {
    ASSERT_TRUE(b.age.has_value());
    EXPECT_GE(*b.age, 20);
    EXPECT_LE(*b.age, 50);
    EXPECT_DOUBLE_EQ(b.fs_hz, 128.0);
  }
  // README: 16265's last beat at 22.24 h.
  EXPECT_NEAR(c.normal[0].last_beat_s / 3600.0, 22.24, 0.01);
}

// Real PhysioNet files from ../shared/physionet: the facts its README lists must hold.
#include <gtest/gtest.h>

#include <cmath>

#include "io/annotation.hpp"
#include "io/inspect.hpp"
#include "io/signal.hpp"
#include "test_util.hpp"

using namespace scapredict::io;
namespace fs = std::filesystem;

TEST(PhysioNet, Mitdb100FirstSamplesChecksumsAndAnnotations) {
  SKIP_WITHOUT_PHYSIONET(root);
  Record rec(root / "mitdb" / "100");
  EXPECT_EQ(rec.header().comments.front(), "unnecessary comment");
  EXPECT_EQ(rec.n_frames(), 650000);
  auto s0 = rec.read_adu(0);  // checksum -22131 verified
  auto s1 = rec.read_adu(1);  // checksum 20052 verified
  EXPECT_EQ(s0[0], 995);
  EXPECT_EQ(s1[0], 1011);
  EXPECT_EQ(rec.header().signals[0].checksum.value(), -22131);
  EXPECT_EQ(rec.header().signals[1].checksum.value(), 20052);
  EXPECT_EQ(rec.header().signals[0].adc_zero, 1024);
  auto anns = read_annotations(root / "mitdb" / "100", "atr");
  ASSERT_EQ(anns.size(), 2274u);
  int n = 0, a = 0, v = 0, rhythm = 0;
  for (const auto& an : anns) {
    n += an.code == code::kNormal;
    a += an.code == code::kApc;
    v += an.code == code::kPvc;
    if (an.code == code::kRhythm) {
      ++rhythm;
      EXPECT_EQ(an.aux, "(N");
      EXPECT_EQ(an.sample, 18);
    }
  }
  EXPECT_EQ(n, 2239);
  EXPECT_EQ(a, 33);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(rhythm, 1);
  // A window read equals the same slice of the whole signal.
  auto win = rec.read_adu(1, 123457, 1000);
  EXPECT_EQ(win, std::vector<std::int32_t>(s1.begin() + 123457, s1.begin() + 124457));
}

TEST(PhysioNet, AllNsrdbFirstMinutesReadWithMatchingChecksums) {
  SKIP_WITHOUT_PHYSIONET(root);
  int records = 0;
  for (const auto& e : fs::directory_iterator(root / "nsrdb-1min")) {
    if (e.path().extension() != ".hea") continue;
    Record rec(e.path());
    EXPECT_DOUBLE_EQ(rec.fs_hz(), 128.0);
    EXPECT_EQ(rec.n_frames(), 7680);
    EXPECT_EQ(rec.header().signals[0].byte_offset, 192);
    EXPECT_DOUBLE_EQ(rec.header().signals[0].adc_gain, 200.0);
    auto x = rec.read_physical(0);  // checksum verified
    for (double v : x) ASSERT_TRUE(std::isfinite(v)) << e.path();
    ++records;
  }
  EXPECT_EQ(records, 18);
}

TEST(PhysioNet, CudbRecordsReadAndInvalidSamplesBecomeNaN) {
  SKIP_WITHOUT_PHYSIONET(root);
  int records = 0, with_invalid = 0;
  for (const auto& e : fs::directory_iterator(root / "cudb")) {
    if (e.path().extension() != ".hea") continue;
    auto rep = inspect(e.path());
    EXPECT_DOUBLE_EQ(rep.header.fs_hz, 250.0);
    EXPECT_DOUBLE_EQ(rep.signals[0].adc_gain, 400.0);
    EXPECT_EQ(rep.signals[0].checksum_status, "ok");
    with_invalid += rep.signals[0].invalid_samples > 0;
    Record rec(e.path());
    auto x = rec.read_physical(0);
    std::int64_t nans = 0;
    for (double v : x) nans += std::isnan(v);
    EXPECT_EQ(nans, rep.signals[0].invalid_samples);
    ++records;
  }
  EXPECT_EQ(records, 25);  // the README's 25 records, cu01 to cu34
  EXPECT_GE(with_invalid, 13) << "the README says most cudb records hold -32768 markers";
}

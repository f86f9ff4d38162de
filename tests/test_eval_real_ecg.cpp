// Experiment 2 of docs/real-ecg-method.md on the real VFDB and MIT-BIH records (skipped without
// ../shared/physionet), with few epochs and resamples so that it stays quick.
#include <gtest/gtest.h>

#include <cmath>

#include "data/cohort.hpp"
#include "eval/real_ecg.hpp"
#include "test_util.hpp"

using namespace scapredict;
namespace st = scapredict::testing;

TEST(RealEcg, VfdbImminenceWithPlaceboAndNullRuns) {
  SKIP_WITHOUT_PHYSIONET(root);
  eval::RealEcgConfig c;
  c.cnn_epochs = 2;
  c.bootstrap = 100;
  const auto r = eval::run_real_ecg(root, c);
  // 22 VFDB and 23 MIT-BIH records are listed, each used or with its reason.
  int vfdb = 0, used = 0;
  for (const auto& u : r.records) {
    if (u.id.rfind("vfdb/", 0) != 0) continue;
    ++vfdb;
    used += u.excluded.empty();
    if (u.id == "vfdb/419") {  // VF after 0.7 min: too little before it
      EXPECT_EQ(u.event, "VF");
      EXPECT_NE(u.excluded.find("fewer than 15 minutes"), std::string::npos);
    }
  }
  EXPECT_EQ(vfdb, 22);
  EXPECT_EQ(r.records.size(), 45u);
  EXPECT_GE(used, 3);
  ASSERT_EQ(r.rows.size(), 9u);  // 3 models x real, placebo, null
  for (const auto& row : r.rows) {
    EXPECT_GE(row.records, 3) << row.setting;
    EXPECT_GT(row.near_minutes, 0);
    EXPECT_GT(row.far_minutes, 0);
    EXPECT_TRUE(std::isfinite(row.auroc.mean)) << row.setting << " " << row.model;
    EXPECT_GE(row.auroc.mean, 0.0);
    EXPECT_LE(row.auroc.mean, 1.0);
  }
  EXPECT_EQ(r.rows.back().setting, "MIT-BIH null (pseudo-event at the end)");
}

TEST(RealEcg, MissingFolderIsADataError) {
  st::TempDir dir;
  EXPECT_THROW(eval::run_real_ecg(dir.path(), {}), data::DataError);
}

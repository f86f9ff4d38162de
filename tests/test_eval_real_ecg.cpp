// Experiment 2 of docs/real-ecg-method.md on the real VFDB and MIT-BIH records (skipped without
// ../shared/physionet), with few epochs and resamples so that it stays quick.
#include <gtest/gtest.h>

#include <cmath>

#include "data/cohort.hpp"
#include "eval/real/real_ecg.hpp"
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

TEST(RealEcg, PaperSetupOnRealPreEventAndNormalMinutes) {
  SKIP_WITHOUT_PHYSIONET(root);
  eval::PaperSetupConfig c;
  c.run.epochs = 2;
  c.run.repetitions = 2;
  c.risk_folds = 2;
  const auto r = eval::run_real_ecg_paper_setup(root, c);
  // vfdb/418: VF after 6.6 min of normal rhythm, so all five pre-event minutes can be used;
  // vfdb/419's VF comes after 0.7 min, so it has none.
  ASSERT_TRUE(r.pre_event_minutes.count("vfdb/418"));
  EXPECT_LE(r.pre_event_minutes.at("vfdb/418"), 5);
  EXPECT_FALSE(r.pre_event_minutes.count("vfdb/419"));
  bool noted_419 = false;
  for (const auto& s : r.records_not_used) noted_419 |= s.rfind("vfdb/419:", 0) == 0;
  EXPECT_TRUE(noted_419);
  int nsrdb = 0;
  for (const auto& [id, n] : r.normal_minutes) {
    if (id.rfind("nsrdb-1min/", 0) == 0) {
      ++nsrdb;
      EXPECT_EQ(n, 1);
    } else {
      EXPECT_EQ(id.rfind("mitdb/", 0), 0u);
      EXPECT_LE(n, 30);
    }
  }
  EXPECT_EQ(nsrdb, 18);
  EXPECT_GT(r.minutes_left_out.at("MIT-BIH: not normal sinus rhythm throughout"), 0);
  ASSERT_EQ(r.rows.size(), 7u);  // main, band-limited, 2 by source, 2 identities, resampler
  for (const auto& row : r.rows) {
    EXPECT_EQ(row.result.accuracy.n, 2) << row.name;
    EXPECT_GE(row.result.majority.mean, 0.5) << row.name;
    EXPECT_GE(row.result.patients_a, 2);
    EXPECT_GE(row.result.patients_b, 2);
  }
  EXPECT_EQ(r.rows.back().result.patients_a, 18);  // the resampler, paired over NSRDB
  // Every VF record with a usable minute before its VF has a trace; no minute is after the VF.
  EXPECT_GE(r.traces.size(), 8u);
  bool has_418 = false;
  for (const auto& t : r.traces) {
    has_418 |= t.id == "vfdb/418";
    ASSERT_EQ(t.p.size(), t.minutes_before.size());
    for (std::size_t i = 0; i < t.p.size(); ++i) {
      EXPECT_GE(t.minutes_before[i], 1);
      EXPECT_LE(t.minutes_before[i], t.event_min + 1e-9) << t.id;
      EXPECT_TRUE(t.p[i] >= 0 && t.p[i] <= 1) << t.id;
    }
  }
  EXPECT_TRUE(has_418);
}

TEST(RealEcg, PaperSetupNeedsBothGroups) {
  st::TempDir dir;
  EXPECT_THROW(eval::run_real_ecg_paper_setup(dir.path(), {}), data::DataError);
}

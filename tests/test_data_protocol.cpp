// Leave-one-patient-out folds: every patient tested once, never trained on while tested.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "data/protocol.hpp"

using namespace scapredict;

namespace {
data::Cohort named_cohort(int scd, int normal) {
  data::Cohort c;
  for (int i = 0; i < scd; ++i) {
    data::Patient p;
    p.id = "sddb/" + std::to_string(30 + i);
    p.scd = true;
    p.onset_s = 3600;
    c.scd.push_back(p);
  }
  for (int i = 0; i < normal; ++i) {
    data::Patient p;
    p.id = "nsrdb/" + std::to_string(16000 + i);
    c.normal.push_back(p);
  }
  return c;
}
}  // namespace

TEST(Folds, AllPatientsPlanHoldsEveryPatientsMinutes) {
  const auto c = named_cohort(3, 2);
  data::ProtocolConfig pc;
  pc.train_minutes = 4;
  pc.horizons = {5, 60};
  const auto all = data::plan_all_patients(c, pc);
  EXPECT_EQ(all.train.size(), 5u * 4u);
  EXPECT_EQ(all.test.size(), 5u * 2u);
  EXPECT_EQ(all.test_scd.size(), 3u);
  EXPECT_EQ(all.test_normal.size(), 2u);
  for (const auto& r : all.test) {
    ASSERT_TRUE(r.horizon.has_value());
    if (r.scd) {
      ASSERT_TRUE(std::holds_alternative<data::BeforeOnset>(r.place));
      EXPECT_EQ(std::get<data::BeforeOnset>(r.place).k, *r.horizon);
    } else {
      EXPECT_TRUE(std::holds_alternative<data::RandomMinute>(r.place));  // drawn when read
    }
  }
  for (const auto& r : all.train) EXPECT_FALSE(r.horizon.has_value());
}

TEST(Folds, EachPatientIsTestedOnceAndNeverTrainedOnInItsFold) {
  const auto c = named_cohort(4, 3);
  data::ProtocolConfig pc;
  pc.train_minutes = 3;
  pc.horizons = {5, 10, 15};
  auto all = data::plan_all_patients(c, pc);
  // Resolve the normal minutes as reading would; drop SCD patient 2's test minutes as if they
  // were all unusable: it then has no fold.
  int m = 100;
  for (auto& r : all.train)
    if (!r.scd) r.place = data::MinuteIndex{m++};
  std::vector<data::MinuteRef> kept;
  for (auto r : all.test) {
    if (!r.scd) r.place = data::MinuteIndex{m++};
    if (!(r.scd && r.patient == 2)) kept.push_back(r);
  }
  all.test = kept;

  const auto folds = data::leave_one_patient_out(all, false, 1);
  ASSERT_EQ(folds.size(), 6u);
  std::map<std::pair<bool, int>, int> tested;
  for (const auto& f : folds) {
    ASSERT_EQ(f.test_scd.size() + f.test_normal.size(), 1u);
    const bool scd = !f.test_scd.empty();
    const int p = scd ? f.test_scd[0] : f.test_normal[0];
    ++tested[{scd, p}];
    EXPECT_EQ(f.test.size(), 3u);
    for (const auto& r : f.test) {
      EXPECT_EQ(r.scd, scd);
      EXPECT_EQ(r.patient, p);
    }
    for (const auto& r : f.train) EXPECT_FALSE(r.scd == scd && r.patient == p);
    EXPECT_EQ(f.train.size(), all.train.size() - 3u);
    const auto& train_list = scd ? f.train_scd : f.train_normal;
    EXPECT_EQ(std::count(train_list.begin(), train_list.end(), p), 0);
    EXPECT_EQ(f.train_scd.size() + f.train_normal.size(), 6u);
  }
  EXPECT_EQ(tested.size(), 6u);
  EXPECT_FALSE(tested.count({true, 2}));
  for (const auto& [who, n] : tested) EXPECT_EQ(n, 1);
  EXPECT_EQ(folds.front().test_scd.at(0), 0);  // SCD patients first
  EXPECT_EQ(folds.back().test_normal.at(0), 2);
}

TEST(Folds, BalancedFoldsTrainOnAsManyScdAsNormalPatients) {
  const auto c = named_cohort(5, 3);
  data::ProtocolConfig pc;
  pc.train_minutes = 2;
  pc.horizons = {5};
  auto all = data::plan_all_patients(c, pc);
  int m = 0;
  for (auto* refs : {&all.train, &all.test})
    for (auto& r : *refs)
      if (!r.scd) r.place = data::MinuteIndex{m++};
  const auto folds = data::leave_one_patient_out(all, true, 4);
  ASSERT_EQ(folds.size(), 8u);
  std::set<int> dropped_scd;
  for (const auto& f : folds) {
    const bool scd = !f.test_scd.empty();
    // Holding out an SCD patient leaves 4 vs 3, a normal one 5 vs 2: the SCD side is cut down.
    EXPECT_EQ(f.train_scd.size(), f.train_normal.size());
    EXPECT_EQ(f.train_scd.size(), scd ? 3u : 2u);
    EXPECT_EQ(f.train.size(), 2u * 2u * f.train_scd.size());
    for (const auto& r : f.train) {
      const auto& list = r.scd ? f.train_scd : f.train_normal;
      EXPECT_NE(std::find(list.begin(), list.end(), r.patient), list.end());
      EXPECT_FALSE(r.scd == scd && r.patient == (scd ? f.test_scd[0] : f.test_normal[0]));
    }
    for (int p = 0; p < 5; ++p)
      if (std::find(f.train_scd.begin(), f.train_scd.end(), p) == f.train_scd.end() &&
          !(scd && f.test_scd[0] == p))
        dropped_scd.insert(p);
  }
  EXPECT_GT(dropped_scd.size(), 1u);  // the left-out patients vary between folds
  // Deterministic in the seed.
  const auto again = data::leave_one_patient_out(all, true, 4);
  for (std::size_t i = 0; i < folds.size(); ++i) EXPECT_EQ(again[i].train_scd, folds[i].train_scd);
}

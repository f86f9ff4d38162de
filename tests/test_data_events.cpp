// Ventricular arrhythmia events from annotations, against hand-made lists and the facts that
// ../shared/physionet/README.md lists for VFDB and CUDB.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "data/cohort.hpp"
#include "data/events.hpp"
#include "io/header.hpp"
#include "test_util.hpp"

using namespace scapredict;

namespace {

io::Annotation rhythm(std::int64_t t, const std::string& aux) {
  return {t, io::code::kRhythm, 0, 0, 0, aux};
}

}  // namespace

TEST(Events, FirstVfVtAndSustainedVtFromHandMadeAnnotations) {
  const double fs = 100;
  // N, a 10-s VT run, N, a 40-s VT run, N, a 5-s VT run straight into VF.
  const std::vector<io::Annotation> a = {
      rhythm(0, "(N"),       rhythm(1000, "(VT"),
      rhythm(2000, "(N"),    rhythm(5000, "(VT"),
      rhythm(9000, "(N"),    rhythm(20000, "(VT"),
      rhythm(20500, "(VFL"), {30000, io::code::kVfOn, 0, 0, 0, ""}};
  const auto ev = data::find_events(a, fs, 40000);
  ASSERT_TRUE(ev.first_vt && ev.first_sustained_vt && ev.first_vf);
  EXPECT_EQ(ev.first_vt->sample, 1000);
  EXPECT_EQ(ev.first_sustained_vt->sample, 5000);  // 40 s >= 30 s; the 10-s run is not
  EXPECT_EQ(ev.first_vf->sample, 20500);
  EXPECT_EQ(ev.first_vf->source, "rhythm (VFL");
  EXPECT_DOUBLE_EQ(ev.first_vf->seconds, 205.0);
  // A short VT that runs into VF counts as sustained.
  const auto ev2 =
      data::find_events({rhythm(0, "(N"), rhythm(700, "(VT"), rhythm(900, "(VF")}, fs, 2000);
  ASSERT_TRUE(ev2.first_sustained_vt);
  EXPECT_EQ(ev2.first_sustained_vt->sample, 700);
  // A '[' marker before any rhythm label is the first VF.
  const auto ev3 =
      data::find_events({{50, io::code::kVfOn, 0, 0, 0, ""}, rhythm(90, "(VF")}, fs, 200);
  ASSERT_TRUE(ev3.first_vf);
  EXPECT_EQ(ev3.first_vf->sample, 50);
  EXPECT_EQ(ev3.first_vf->source, "marker [");
  EXPECT_FALSE(data::find_events({rhythm(0, "(N")}, fs, 100).first_vf);
  EXPECT_THROW(data::find_events({}, 0.0, 100), data::DataError);
  EXPECT_THROW(data::find_events({}, fs, 100, -1.0), data::DataError);
}

TEST(Events, VfdbAndCudbOnsetsMatchTheDataReadme) {
  SKIP_WITHOUT_PHYSIONET(root);
  // Minutes before the first VF/VFL/VFIB (VFDB, CUDB) and before the first VT (VT-only VFDB).
  const std::map<std::string, double> vf = {
      {"vfdb/418", 6.6},   {"vfdb/419", 0.7},   {"vfdb/422", 25.6},  {"vfdb/424", 21.0},
      {"vfdb/426", 10.8},  {"vfdb/429", 30.9},  {"vfdb/430", 6.6},   {"vfdb/609", 17.0},
      {"cudb/cu01m", 3.6}, {"cudb/cu03m", 7.8}, {"cudb/cu30m", 0.5}, {"cudb/cu34m", 2.0}};
  const std::map<std::string, double> vt_only = {
      {"420", 23.8}, {"421", 14.9}, {"423", 15.0}, {"425", 15.5}, {"427", 10.8},
      {"428", 28.1}, {"602", 8.1},  {"605", 27.5}, {"607", 2.2},  {"610", 30.7},
      {"611", 19.9}, {"612", 28.5}, {"614", 23.7}, {"615", 5.4}};
  auto events = [&](const std::string& rec) {
    const auto h = io::read_header(root / rec);
    return data::find_events(io::read_annotations(root / rec, "atr"), h.fs_hz,
                             h.n_samples.value_or(0));
  };
  for (const auto& [rec, minutes] : vf) {
    const auto ev = events(rec);
    ASSERT_TRUE(ev.first_vf) << rec;
    EXPECT_NEAR(ev.first_vf->seconds / 60.0, minutes, 0.051) << rec;
  }
  for (const auto& [rec, minutes] : vt_only) {
    const auto ev = events("vfdb/" + rec);
    EXPECT_FALSE(ev.first_vf) << rec;
    ASSERT_TRUE(ev.first_vt) << rec;
    EXPECT_NEAR(ev.first_vt->seconds / 60.0, minutes, 0.051) << rec;
  }
  // README: 422 has VT from 22.2 min and 430 from 3.5 min, before their VF.
  EXPECT_NEAR(events("vfdb/422").first_vt->seconds / 60.0, 22.2, 0.051);
  EXPECT_NEAR(events("vfdb/430").first_vt->seconds / 60.0, 3.5, 0.051);
}

#include <gtest/gtest.h>

#include "io/annotation.hpp"
#include "test_util.hpp"

using namespace scapredict::io;

TEST(Annotation, MnemonicsOfStandardCodes) {
  EXPECT_EQ(mnemonic(1), "N");
  EXPECT_EQ(mnemonic(5), "V");
  EXPECT_EQ(mnemonic(28), "+");
  EXPECT_EQ(mnemonic(32), "[");
  EXPECT_EQ(mnemonic(15), "?15");
  EXPECT_EQ(code_from_mnemonic("A").value(), 8);
  EXPECT_FALSE(code_from_mnemonic("zz").has_value());
  EXPECT_TRUE(is_beat(1));
  EXPECT_TRUE(is_beat(5));
  EXPECT_FALSE(is_beat(28));
  EXPECT_FALSE(is_beat(14));
  // WFDB's isqrs: B (25), ? (LEARN, 30) and r (R-on-T, 41) are beats; | (artefact) is not.
  EXPECT_TRUE(is_beat(25));
  EXPECT_TRUE(is_beat(30));
  EXPECT_TRUE(is_beat(41));
  EXPECT_FALSE(is_beat(16));
  // ! (flutter wave, 31) is one of isqrs's codes; x (non-conducted P wave, 37) has no QRS.
  EXPECT_TRUE(is_beat(31));
  EXPECT_FALSE(is_beat(37));
}

TEST(Annotation, ParsesHandWrittenStreamWithAllPseudoCodes) {
  // N at 18 (aux "(N"), SUB 2, CHN 1, NUM 3; then SKIP of 100000 and V; end.
  std::vector<std::uint8_t> b;
  auto word = [&](int a, int v) {
    unsigned w = (unsigned(a) << 10) | unsigned(v);
    b.push_back(w & 0xff);
    b.push_back(w >> 8);
  };
  word(28, 18);
  word(63, 2);
  b.push_back('(');
  b.push_back('N');
  word(61, 2);
  word(62, 1);
  word(60, 3);
  word(59, 0);
  // 100000 = 0x000186A0: high word 0x0001 then low word 0x86A0, each little-endian.
  for (int x : {0x01, 0x00, 0xA0, 0x86}) b.push_back(static_cast<std::uint8_t>(x));
  word(5, 0);
  word(0, 0);
  auto anns = parse_annotations(b, "x.atr");
  ASSERT_EQ(anns.size(), 2u);
  EXPECT_EQ(anns[0].sample, 18);
  EXPECT_EQ(anns[0].code, 28);
  EXPECT_EQ(anns[0].aux, "(N");
  EXPECT_EQ(anns[0].subtype, 2);
  EXPECT_EQ(anns[0].chan, 1);
  EXPECT_EQ(anns[0].num, 3);
  EXPECT_EQ(anns[1].sample, 100018);
  EXPECT_EQ(anns[1].code, 5);
  EXPECT_EQ(anns[1].chan, 1);  // chan and num carry over
  EXPECT_EQ(anns[1].num, 3);
  EXPECT_EQ(anns[1].subtype, 0);  // subtype does not
}

TEST(Annotation, EncodeParseRoundTrip) {
  std::vector<Annotation> anns = {
      {10, 1, 0, 0, 0, ""},       {1500, 5, 0, 0, 0, ""},        {1600, 28, 0, 0, 0, "(VF"},
      {5000000, 1, 3, 2, -5, ""}, {5000001, 28, 0, 2, -5, "(N"}, {5000400, 14, 0, 0, 0, "noise!"},
  };
  auto bytes = encode_annotations(anns);
  EXPECT_EQ(parse_annotations(bytes, "rt.atr"), anns);
}

TEST(Annotation, TruncatedAndMalformedStreamsAreErrors) {
  EXPECT_THROW(parse_annotations(std::vector<std::uint8_t>{0x12}, "a.atr"), IoError);
  // AUX with length beyond the data.
  EXPECT_THROW(parse_annotations(std::vector<std::uint8_t>{0x05, 0x04, 0x10, 0xFC}, "a.atr"),
               IoError);
  // NUM before any annotation.
  EXPECT_THROW(parse_annotations(std::vector<std::uint8_t>{0x01, 0xF0}, "a.atr"), IoError);
  // Reserved code 55.
  EXPECT_THROW(parse_annotations(std::vector<std::uint8_t>{0x01, 55 << 2}, "a.atr"), IoError);
}

TEST(Annotation, RhythmEpisodes) {
  std::vector<Annotation> anns = {{0, 28, 0, 0, 0, "(N"},
                                  {5, 1, 0, 0, 0, ""},
                                  {100, 28, 0, 0, 0, "(VT"},
                                  {200, 28, 0, 0, 0, "(VF"}};
  auto eps = rhythm_episodes(anns, 1000);
  ASSERT_EQ(eps.size(), 3u);
  EXPECT_EQ(eps[1].rhythm, "VT");
  EXPECT_EQ(eps[1].start, 100);
  EXPECT_EQ(eps[1].end, 200);
  EXPECT_EQ(eps[2].end, 1000);
}

TEST(VfOnset, HeaderCommentIsElapsedTimeAndMayExceed24Hours) {
  auto h =
      parse_header("35 2 250 100\n35.dat 212 800\n35.dat 212 800\n#vfon: 24:34:56\n", "35.hea");
  auto o = vf_onset(h);
  ASSERT_TRUE(o.has_value());
  EXPECT_DOUBLE_EQ(o->seconds, 24 * 3600 + 34 * 60 + 56);
  EXPECT_EQ(o->sample, (24 * 3600 + 34 * 60 + 56) * 250);
  EXPECT_EQ(o->source, VfOnset::Source::kHeaderComment);
}

TEST(VfOnset, FallsBackToRhythmThenMarkerThenNone) {
  auto h = parse_header("r 1 250 100000\nr.dat 212 800\n", "r.hea");
  std::vector<Annotation> rhythm = {{10, 28, 0, 0, 0, "(N"}, {2500, 28, 0, 0, 0, "(VFL"}};
  auto o = vf_onset(h, &rhythm);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->sample, 2500);
  EXPECT_DOUBLE_EQ(o->seconds, 10.0);
  EXPECT_EQ(o->source, VfOnset::Source::kRhythmAnnotation);
  std::vector<Annotation> marker = {{10, 1, 0, 0, 0, ""}, {777, 32, 0, 0, 0, ""}};
  o = vf_onset(h, &marker);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->source, VfOnset::Source::kVfMarker);
  EXPECT_EQ(o->sample, 777);
  std::vector<Annotation> none = {{10, 1, 0, 0, 0, ""}, {20, 28, 0, 0, 0, "(VT"}};
  EXPECT_FALSE(vf_onset(h, &none).has_value());
  EXPECT_FALSE(vf_onset(h).has_value());
}

TEST(VfOnset, MalformedCommentIsAnError) {
  auto h = parse_header("r 1 250\nr.dat 212 800\n#vfon: 7h54\n", "r.hea");
  EXPECT_THROW(vf_onset(h), IoError);
  EXPECT_FALSE(parse_elapsed_time("1:60:00").has_value());
  EXPECT_DOUBLE_EQ(parse_elapsed_time("1:02:03.5").value(), 3723.5);
}

TEST(Annotation, TimesBeyond32BitsRoundTrip) {
  // Regression (found by fuzz_annotations): an interval over 2^31 samples needs several SKIPs.
  std::vector<Annotation> anns = {
      {5, 1, 0, 0, 0, ""}, {5912405664LL, 3, 0, 0, 0, ""}, {5912405665LL, 1, 0, 0, 0, ""}};
  EXPECT_EQ(parse_annotations(encode_annotations(anns), "big.atr"), anns);
}

#include <gtest/gtest.h>

#include "io/header.hpp"
#include "test_util.hpp"

using namespace scapredict::io;

TEST(Header, ParsesRecordAndSignalLinesOfSddbStyle) {
  auto h = parse_header(
      "30 2 250 22099250 12:00:00\n"
      "30.dat 212 800 12 0 51 -24065 0 ECG\n"
      "30.dat 212 800 12 0 -3 1234 0 ECG\n"
      "#vfon: 07:54:33\n",
      "30.hea");
  EXPECT_EQ(h.record_name, "30");
  EXPECT_EQ(h.n_signals, 2);
  EXPECT_DOUBLE_EQ(h.fs_hz, 250.0);
  EXPECT_EQ(h.n_samples.value(), 22099250);
  EXPECT_EQ(h.base_time, "12:00:00");
  ASSERT_EQ(h.signals.size(), 2u);
  EXPECT_EQ(h.signals[0].format, 212);
  EXPECT_DOUBLE_EQ(h.signals[0].adc_gain, 800.0);
  EXPECT_EQ(h.signals[0].initial_value, 51);
  EXPECT_EQ(h.signals[0].checksum.value(), -24065);
  EXPECT_EQ(h.signals[1].checksum.value(), 1234);
  EXPECT_EQ(h.signals[0].description, "ECG");
  ASSERT_EQ(h.comments.size(), 1u);
  EXPECT_EQ(h.comments[0], "vfon: 07:54:33");
}

TEST(Header, GainZeroMeansUncalibratedDefault200) {
  auto h = parse_header(
      "16265 2 128 11730944  8:04:00\n16265.dat 212 0 12 0 -33 15756 0 ECG1\n"
      "16265.dat 212 0 12 0 -10 100 0 ECG2\n# 32 M\n",
      "16265.hea");
  EXPECT_DOUBLE_EQ(h.signals[0].adc_gain, 200.0);
  EXPECT_TRUE(h.signals[0].gain_uncalibrated);
  EXPECT_EQ(h.base_time, "8:04:00");
  EXPECT_EQ(h.comments.back(), "32 M");
}

TEST(Header, FullGrammarOfFormatAndGainFields) {
  auto h = parse_header(
      "# comment before the record line\r\n"
      "\r\n"
      "rec 3 360/180(12.5) 1000 10:20:30 01/02/2003\r\n"
      "rec.dat 16x4:2+192 400(-7)/uV 14 5 6 77 512 lead II with spaces\r\n"
      "rec.dat 16 100\r\n"
      "# between\r\n"
      "other.dat 212\r\n",
      "rec.hea");
  EXPECT_DOUBLE_EQ(h.fs_hz, 360.0);
  EXPECT_DOUBLE_EQ(h.counter_freq_hz.value(), 180.0);
  EXPECT_DOUBLE_EQ(h.base_counter, 12.5);
  EXPECT_EQ(h.base_date, "01/02/2003");
  const auto& s = h.signals[0];
  EXPECT_EQ(s.samples_per_frame, 4);
  EXPECT_EQ(s.skew, 2);
  EXPECT_EQ(s.byte_offset, 192);
  EXPECT_DOUBLE_EQ(s.adc_gain, 400.0);
  EXPECT_EQ(s.baseline, -7);
  EXPECT_EQ(s.units, "uV");
  EXPECT_EQ(s.adc_resolution, 14);
  EXPECT_EQ(s.adc_zero, 5);
  EXPECT_EQ(s.initial_value, 6);
  EXPECT_EQ(s.checksum.value(), 77);
  EXPECT_EQ(s.block_size, 512);
  EXPECT_EQ(s.description, "lead II with spaces");
  // Defaults: baseline = adc_zero, resolution from the format, no checksum.
  EXPECT_EQ(h.signals[1].baseline, 0);
  EXPECT_EQ(h.signals[1].adc_resolution, 16);
  EXPECT_FALSE(h.signals[1].checksum.has_value());
  EXPECT_DOUBLE_EQ(h.signals[2].adc_gain, 200.0);
  EXPECT_EQ(h.signals[2].adc_resolution, 12);
  EXPECT_EQ(h.comments.size(), 2u);
}

TEST(Header, DefaultsWhenOnlyNameAndCount) {
  auto h = parse_header("x 0\n", "x.hea");
  EXPECT_DOUBLE_EQ(h.fs_hz, 250.0);
  EXPECT_FALSE(h.n_samples.has_value());
}

TEST(Header, RejectsMultiSegmentRecords) {
  try {
    parse_header("multi/3 2 360 1000\n", "multi.hea");
    FAIL() << "no exception";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("not supported"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("multi.hea"), std::string::npos);
  }
}

TEST(Header, RejectsMalformedInputWithFileAndLine) {
  const char* bad[] = {
      "",                                                // empty
      "r 1 250\n",                                       // missing signal line
      "r 1 abc\nr.dat 16\n",                             // bad fs
      "r 1 250\nr.dat 999\n",                            // unknown format
      "r 1 250\nr.dat 16 -5\n",                          // negative gain
      "r 1 250\nr.dat 16 200(3\n",                       // unclosed baseline
      "r 1 250\nr.dat 16x0\n",                           // zero samples per frame
      "r 1 250\nr.dat 16 200 12 0 0 0 0 d\nextra 16\n",  // extra line
      "r 2 250\nr.dat 16\nr.dat 212\n",                  // one file, two formats
      "r\x01\x02 1 250\n",                               // binary
  };
  for (const char* text : bad) {
    EXPECT_THROW(parse_header(text, "r.hea"), IoError) << text;
  }
  try {
    parse_header("r 1 250\nr.dat 999\n", "r.hea");
    FAIL() << "format 999 was accepted";
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()), "r.hea:2: unknown or unsupported signal format 999");
  }
}

TEST(Header, FormatThenParseRoundTrips) {
  auto h = parse_header(
      "rec 2 128 7680 08:04:00\nrec.dat 16+192 0 12 0 -33 -21888 0 ECG1\n"
      "rec.dat 16+192 400(5)/uV 12 3 1 2 0 ECG 2\n# 32 M\n",
      "rec.hea");
  auto again = parse_header(format_header(h), "again.hea");
  EXPECT_EQ(again.signals[0].checksum, h.signals[0].checksum);
  EXPECT_TRUE(again.signals[0].gain_uncalibrated);
  EXPECT_EQ(again.signals[1].baseline, 5);
  EXPECT_EQ(again.signals[1].units, "uV");
  EXPECT_EQ(again.signals[1].description, "ECG 2");
  EXPECT_EQ(again.comments, h.comments);
  EXPECT_EQ(again.n_samples, h.n_samples);
}

TEST(Header, HeaderPathAcceptsSeveralSpellings) {
  EXPECT_EQ(header_path("d/100"), "d/100.hea");
  EXPECT_EQ(header_path("d/100.hea"), "d/100.hea");
  EXPECT_EQ(header_path("d/100.dat"), "d/100.hea");
  EXPECT_EQ(header_path("d/16265m"), "d/16265m.hea");
}

TEST(Header, ListHeadersIsSortedAndSkipsOtherFiles) {
  scapredict::testing::TempDir dir;
  for (const char* f : {"b.hea", "a.hea", "a.dat", "RECORDS", "c.atr"})
    scapredict::testing::write_text(dir / f, "x");
  const auto h = scapredict::io::list_headers(dir.path());
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].filename(), "a.hea");
  EXPECT_EQ(h[1].filename(), "b.hea");
  EXPECT_THROW(scapredict::io::list_headers(dir / "missing"), scapredict::io::IoError);
}

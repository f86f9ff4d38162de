#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "io/signal.hpp"
#include "test_util.hpp"

using namespace scapredict::io;
using scapredict::testing::TempDir;
using scapredict::testing::write_bytes;
using scapredict::testing::write_text;

namespace {
std::vector<std::int32_t> decode(int format, std::vector<std::uint8_t> bytes, std::int64_t n,
                                 int skip = 0) {
  std::vector<std::int32_t> out(static_cast<size_t>(n), 12345);
  auto got = decode_samples(format, bytes, skip, n, out.data());
  out.resize(static_cast<size_t>(got));
  return out;
}
}  // namespace

TEST(Decode, EachFormatOnHandPackedBytes) {
  EXPECT_EQ(decode(212, {0xE3, 0x33, 0xF3}, 2), (std::vector<std::int32_t>{995, 1011}));
  EXPECT_EQ(decode(212, {0xFF, 0x8F, 0x00}, 2), (std::vector<std::int32_t>{-1, -2048}));
  EXPECT_EQ(decode(212, {0xE3, 0x33, 0xF3}, 1, 1), (std::vector<std::int32_t>{1011}));
  EXPECT_EQ(decode(16, {0xD4, 0xFE, 0x00, 0x80}, 2), (std::vector<std::int32_t>{-300, -32768}));
  EXPECT_EQ(decode(61, {0xFE, 0xD4}, 1), (std::vector<std::int32_t>{-300}));
  EXPECT_EQ(decode(80, {100, 0}, 2), (std::vector<std::int32_t>{-28, -128}));
  EXPECT_EQ(decode(160, {0x00, 0x80, 0x10, 0x00}, 2), (std::vector<std::int32_t>{0, -32752}));
  EXPECT_EQ(decode(24, {0xFE, 0xFF, 0xFF}, 1), (std::vector<std::int32_t>{-2}));
  EXPECT_EQ(decode(32, {0x70, 0x11, 0x01, 0x00}, 1), (std::vector<std::int32_t>{70000}));
  EXPECT_EQ(decode(8, {5, 0xFE}, 2), (std::vector<std::int32_t>{5, -2}));
  EXPECT_EQ(decode(310, {0xC8, 0x40, 0xFA, 0x37}, 3), (std::vector<std::int32_t>{100, -3, 200}));
  EXPECT_EQ(decode(311, {0x64, 0xF4, 0x8F, 0x0C}, 3), (std::vector<std::int32_t>{100, -3, 200}));
}

TEST(Decode, StopsAtTheEndOfTheBytes) {
  EXPECT_EQ(decode(212, {0xE3, 0x33, 0xF3, 0x01}, 4).size(), 2u);
  EXPECT_EQ(decode(212, {0xE3, 0x33, 0xF3, 0x01, 0x00}, 4),
            (std::vector<std::int32_t>{995, 1011, 1}));
  EXPECT_EQ(decode(16, {0x01}, 1).size(), 0u);
  EXPECT_EQ(samples_in_bytes(212, 7), 4);
  EXPECT_EQ(samples_in_bytes(310, 6), 4);
}

TEST(Encode, RoundTripsRandomSamplesIncludingInvalid) {
  std::mt19937 rng(7);
  for (int format : {212, 16}) {
    const int lim = format == 212 ? 2047 : 32767;
    std::uniform_int_distribution<int> d(-lim, lim);
    for (size_t n : {0u, 1u, 2u, 3u, 101u}) {
      std::vector<std::int32_t> s(n);
      for (auto& v : s) v = d(rng);
      if (n > 2) s[1] = kInvalidAdu;
      auto bytes = encode_samples(format, s);
      std::vector<std::int32_t> back(n);
      ASSERT_EQ(decode_samples(format, bytes, 0, static_cast<std::int64_t>(n), back.data()),
                static_cast<std::int64_t>(n));
      for (size_t i = 0; i < n; ++i) {
        EXPECT_EQ(s[i] == kInvalidAdu ? invalid_marker(format) : s[i], back[i])
            << format << " " << i;
      }
    }
  }
  EXPECT_THROW(encode_samples(212, std::vector<std::int32_t>{4000}), IoError);
  EXPECT_THROW(encode_samples(80, std::vector<std::int32_t>{1}), IoError);
}

TEST(Writer, RoundTripTwoSignals212WithChecksumsAndWindows) {
  TempDir dir;
  Header h;
  h.record_name = "rt";
  h.n_signals = 2;
  h.fs_hz = 250;
  h.base_time = "12:00:00";
  h.comments = {"vfon: 00:00:02"};
  for (int i = 0; i < 2; ++i) {
    SignalSpec s;
    s.file_name = "rt.dat";
    s.format = 212;
    s.adc_gain = 800;
    s.adc_resolution = 12;
    s.description = "ECG";
    h.signals.push_back(s);
  }
  std::vector<std::vector<std::int32_t>> adu(2, std::vector<std::int32_t>(1001));
  for (int t = 0; t < 1001; ++t) {
    adu[0][t] = static_cast<std::int32_t>(std::lround(500 * std::sin(t * 0.05)));
    adu[1][t] = (t * 7) % 4000 - 2000 + 1;
  }
  adu[0][500] = kInvalidAdu;
  write_record(dir.path(), h, adu);
  Record rec(dir / "rt");
  EXPECT_EQ(rec.n_frames(), 1001);
  EXPECT_EQ(rec.header().comments, h.comments);
  for (int s = 0; s < 2; ++s) {
    auto back = rec.read_adu(s);  // whole signal: checksum verified
    EXPECT_EQ(back, adu[s]);
    auto win = rec.read_adu(s, 333, 100);
    EXPECT_EQ(win, std::vector<std::int32_t>(adu[s].begin() + 333, adu[s].begin() + 433));
  }
  auto phys = rec.read_physical(0, 499, 3);
  EXPECT_DOUBLE_EQ(phys[0], adu[0][499] / 800.0);
  EXPECT_TRUE(std::isnan(phys[1]));
  EXPECT_THROW(rec.read_adu(0, 1000, 2), IoError);
  EXPECT_THROW(rec.read_adu(2), IoError);
}

TEST(Signal, SamplesPerFrameSkewAndByteOffset) {
  TempDir dir;
  // Signal 0: 2 samples per frame; signal 1: 1 sample per frame, skew 1. Format 16, 4-byte prolog.
  write_text(dir / "m.hea",
             "m 2 100 3\nm.dat 16x2+4 100 16 0 0 63 0 a\nm.dat 16:1+4 100 16 0 0 0 0 b\n");
  std::vector<unsigned char> bytes = {0xAA, 0xBB, 0xCC, 0xDD};
  // Frames: (a0 a1 b0) (a2 a3 b1) (a4 a5 b2) (a6 a7 b3)  with values 10*frame+k.
  for (int f = 0; f < 4; ++f) {
    for (int k = 0; k < 3; ++k) {
      int v = 10 * f + k;
      bytes.push_back(static_cast<unsigned char>(v & 0xff));
      bytes.push_back(static_cast<unsigned char>((v >> 8) & 0xff));
    }
  }
  write_bytes(dir / "m.dat", bytes);
  Record rec(dir / "m");
  EXPECT_EQ(rec.read_adu(0), (std::vector<std::int32_t>{0, 1, 10, 11, 20, 21}));
  // Skew 1: sample t of signal 1 is stored in frame t + 1.
  EXPECT_EQ(rec.read_adu(1), (std::vector<std::int32_t>{12, 22, 32}));
  EXPECT_EQ(rec.read_adu(1, 1, 1), (std::vector<std::int32_t>{22}));
}

TEST(Signal, DifferenceFormat8IntegratesFromInitialValue) {
  TempDir dir;
  write_text(dir / "d.hea", "d 1 100 4\nd.dat 8 100 8 0 10 0 0 x\n");
  write_bytes(dir / "d.dat", {0, 5, 0xFE, 1});
  Record rec(dir / "d");
  EXPECT_EQ(rec.read_adu(0), (std::vector<std::int32_t>{10, 15, 13, 14}));
  EXPECT_EQ(rec.read_adu(0, 2, 2), (std::vector<std::int32_t>{13, 14}));
}

TEST(Signal, ChecksumMismatchNamesRecordAndSignal) {
  TempDir dir;
  write_text(dir / "c.hea", "c 1 100 2\nc.dat 16 100 16 0 1 999 0 lead\n");
  write_bytes(dir / "c.dat", {1, 0, 2, 0});
  Record rec(dir / "c");
  try {
    rec.read_adu(0);
    FAIL();
  } catch (const IoError& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find("c.hea"), std::string::npos) << w;
    EXPECT_NE(w.find("checksum mismatch in signal 0"), std::string::npos) << w;
  }
  // A window read does not need the checksum.
  EXPECT_EQ(rec.read_adu(0, 1, 1), (std::vector<std::int32_t>{2}));
}

TEST(Signal, TruncatedFileIsAnError) {
  TempDir dir;
  write_text(dir / "t.hea", "t 1 100 10\nt.dat 16 100\n");
  write_bytes(dir / "t.dat", {1, 0, 2, 0, 3, 0});
  try {
    Record rec(dir / "t");
    FAIL() << "a record claiming 10 samples opened on 3";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("holds 3 frames, the header says 10"), std::string::npos)
        << e.what();
  }
  // A sample count far past anything a file holds is refused before any allocation.
  write_text(dir / "t.hea", "t 1 100 9223372036854775807\nt.dat 16 100\n");
  EXPECT_THROW(Record(dir / "t"), IoError);
  // Without a sample count, an empty signal file or an offset past its end holds nothing.
  write_text(dir / "t.hea", "t 1 100\nt.dat 16+100 100\n");
  EXPECT_THROW(Record(dir / "t"), IoError);
  write_bytes(dir / "t.dat", {});
  write_text(dir / "t.hea", "t 1 100\nt.dat 16 100\n");
  EXPECT_THROW(Record(dir / "t"), IoError);
}

TEST(Signal, ASkewAsLongAsTheRecordIsAnError) {
  TempDir dir;
  write_text(dir / "s.hea", "s 1 100 3\ns.dat 16:3 100\n");
  write_bytes(dir / "s.dat", {1, 0, 2, 0, 3, 0});
  EXPECT_THROW(Record(dir / "s"), IoError);
  write_text(dir / "s.hea", "s 1 100 3\ns.dat 16:2 100\n");
  EXPECT_EQ(Record(dir / "s").read_adu(0).at(0), 3);  // skewed by two samples
}

TEST(Signal, MissingSignalFileIsAnError) {
  TempDir dir;
  write_text(dir / "n.hea", "n 1 100 10\nn.dat 16 100\n");
  EXPECT_THROW(Record(dir / "n"), IoError);
}

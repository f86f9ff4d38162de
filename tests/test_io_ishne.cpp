// ISHNE Holter files through io::open_channel: files written by a small writer here after the
// specification (Badilini et al., A.N.E. 1998), read back by src/io/ishne.cpp; hostile headers
// are the same files with one field changed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/source.hpp"
#include "scratch_dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace io = scapredict::io;

// A fresh folder per test.
class TempDir : public scapredict::testing::ScratchDir {
 public:
  TempDir() : ScratchDir("ishne") {}
};

// CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF), bit by bit.
std::uint16_t crc16(const std::string& bytes) {
  std::uint16_t crc = 0xffff;
  for (unsigned char c : bytes)
    for (int b = 7; b >= 0; --b) {
      const bool top = ((crc >> 15) & 1) != ((c >> b) & 1);
      crc = static_cast<std::uint16_t>(crc << 1);
      if (top) crc ^= 0x1021;
    }
  return crc;
}

struct Ishne {
  std::int32_t n_samples = 600;
  std::int32_t var_offset = 522;
  std::int32_t ecg_offset_delta = 0;  // added to 522 + var block
  std::int16_t n_leads = 3;
  std::vector<std::int16_t> lead_spec = {5, 6, 11};
  std::vector<std::int16_t> lead_qual = {1, 1, 1};
  std::vector<std::int16_t> resolution_nv = {2500, 5000, 1000};
  std::int16_t fs_hz = 200;
  std::int16_t start[3] = {13, 14, 15};
  std::string var_block = "comment";
  bool corrupt_crc = false;
  std::int32_t var_len_override = -1;  // written instead of var_block.size() when not -1
  std::int32_t samples_written = -1;   // samples per lead written; -1: n_samples
};

// The digital value of lead l at sample t.
std::int16_t sample(int l, int t) {
  if (l == 1 && t == 10) return -32768;  // invalid
  return static_cast<std::int16_t>((t * 7 + l * 100) % 2000 - 1000);
}

void put16(std::string& s, std::size_t at, int v) {
  s[at] = static_cast<char>(v & 0xff);
  s[at + 1] = static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& s, std::size_t at, std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((u >> (8 * i)) & 0xff);
}

std::string ishne_bytes(const Ishne& f) {
  std::string h(512, '\0');  // the fixed header, file offsets 10..521
  const auto at = [](std::size_t file_offset) { return file_offset - 10; };
  const std::int32_t var_len =
      f.var_len_override != -1 ? f.var_len_override : static_cast<std::int32_t>(f.var_block.size());
  put32(h, at(10), var_len);
  put32(h, at(14), f.n_samples);
  put32(h, at(18), f.var_offset);
  put32(h, at(22), 522 + static_cast<std::int32_t>(f.var_block.size()) + f.ecg_offset_delta);
  put16(h, at(26), 1);
  h.replace(at(28), 4, "Jane");
  for (int i = 0; i < 3; ++i) put16(h, at(150) + 2 * i, f.start[i]);
  put16(h, at(156), f.n_leads);
  for (int l = 0; l < 12; ++l) {
    const auto k = static_cast<std::size_t>(l);
    put16(h, at(158) + 2 * k, k < f.lead_spec.size() ? f.lead_spec[k] : -9);
    put16(h, at(182) + 2 * k, k < f.lead_qual.size() ? f.lead_qual[k] : -9);
    put16(h, at(206) + 2 * k, k < f.resolution_nv.size() ? f.resolution_nv[k] : 0);
  }
  put16(h, at(272), f.fs_hz);
  const std::string header = h + f.var_block;
  std::string out = "ISHNE1.0  " + header;
  put16(out, 8, crc16(header) ^ (f.corrupt_crc ? 0x0100 : 0));
  out.append(static_cast<std::size_t>(std::max(f.ecg_offset_delta, 0)), '\0');
  const int written = f.samples_written == -1 ? f.n_samples : f.samples_written;
  for (int t = 0; t < written; ++t)
    for (int l = 0; l < f.n_leads; ++l) {
      out.append(2, '\0');
      put16(out, out.size() - 2, sample(l, t));
    }
  return out;
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good());
}

void expect_refused(const fs::path& path, const std::string& channel, const std::string& words) {
  try {
    auto r = io::open_channel(path, channel);
    (void)r->read_mv(0, r->info().n_samples);
    FAIL() << path << " was read";
  } catch (const io::IoError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind(path.string() + ": ", 0), 0u) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_NE(msg.find(words), std::string::npos) << msg;
  }
}

TEST(Ishne, TheWritersCrcIsCrc16Ccitt) {
  EXPECT_EQ(crc16("123456789"), 0x29b1);  // the CRC-16/CCITT-FALSE check value
}

TEST(Ishne, KnownSamplesReadBackExactly) {
  TempDir dir;
  const fs::path path = dir / "holter.ecg";
  write_file(path, ishne_bytes({}));
  EXPECT_EQ(io::detect_format(path), io::RecordFormat::kIshne);
  for (int l = 0; l < 3; ++l) {
    const auto r = io::open_channel(path, std::to_string(l));
    const auto& i = r->info();
    EXPECT_EQ(i.format, "ISHNE");
    EXPECT_EQ(i.record, "holter");
    EXPECT_EQ(i.source, path.string());
    EXPECT_EQ(i.channel, l);
    EXPECT_DOUBLE_EQ(i.fs_hz, 200);
    EXPECT_EQ(i.n_samples, 600);
    EXPECT_EQ(i.base_time, "13:14:15");
    const double mv = Ishne{}.resolution_nv[static_cast<std::size_t>(l)] * 1e-6;
    EXPECT_DOUBLE_EQ(i.gain_adu_per_mv, 1 / mv);
    ASSERT_TRUE(i.range_mv.has_value());
    EXPECT_DOUBLE_EQ(i.range_mv->second, 32767 * mv);
    const auto x = r->read_mv(0, 600);
    for (int t = 0; t < 600; ++t) {
      if (l == 1 && t == 10) {
        EXPECT_TRUE(std::isnan(x[10]));
        continue;
      }
      ASSERT_DOUBLE_EQ(x[static_cast<std::size_t>(t)], sample(l, t) * mv) << l << " " << t;
    }
  }
}

TEST(Ishne, LeadsByLabelAndIndex) {
  TempDir dir;
  const fs::path path = dir / "r.ecg";
  Ishne f;
  f.n_leads = 12;
  f.lead_spec = {0, 1, 2, 7, 8, 9, 10, 16, 17, 18, 19, 23};
  f.lead_qual = std::vector<std::int16_t>(12, 1);
  f.resolution_nv = std::vector<std::int16_t>(12, 2500);
  f.n_samples = 20;
  write_file(path, ishne_bytes(f));
  const char* labels[] = {"unknown", "bipolar", "X",  "III", "aVR", "aVL",
                          "aVF",     "V6",      "ES", "AS",  "AI",  "code 23"};
  for (int l = 0; l < 12; ++l) {
    EXPECT_EQ(io::open_channel(path, std::to_string(l))->info().label, labels[l]);
    EXPECT_EQ(io::open_channel(path, labels[l])->info().channel, l);
  }
  EXPECT_EQ(io::open_channel(path, "avf")->info().channel, 6);

  write_file(dir / "d.ecg", ishne_bytes({}));
  EXPECT_EQ(io::open_channel(dir / "d.ecg", "V1")->info().channel, 2);
  EXPECT_EQ(io::open_channel(dir / "d.ecg", "ii")->info().channel, 1);
  expect_refused(dir / "d.ecg", "3", "no channel 3 (the record has 3)");
  expect_refused(dir / "d.ecg", "V2", "no channel labelled 'V2'");
}

TEST(Ishne, WindowsInTheMiddleMatchTheWhole) {
  TempDir dir;
  const fs::path path = dir / "r.ecg";
  write_file(path, ishne_bytes({}));
  const auto r = io::open_channel(path, "V1");
  const auto all = r->read_mv(0, 600);
  for (int pass = 0; pass < 2; ++pass) {
    const auto mid = r->read_mv(250, 101);
    ASSERT_EQ(mid.size(), 101u);
    for (std::size_t i = 0; i < mid.size(); ++i) ASSERT_EQ(mid[i], all[250 + i]);
  }
  EXPECT_TRUE(r->read_mv(600, 0).empty());
  try {
    (void)r->read_mv(590, 20);
    FAIL() << "a window past the end was read";
  } catch (const io::IoError& e) {
    EXPECT_EQ(std::string(e.what()),
              path.string() + ": samples [590, 610) lie outside the signal (600 samples)");
  }
}

TEST(Ishne, UnknownStartTimeLeavesBaseTimeEmpty) {
  TempDir dir;
  Ishne f;
  f.start[0] = -9;
  write_file(dir / "r.ecg", ishne_bytes(f));
  EXPECT_EQ(io::open_channel(dir / "r.ecg")->info().base_time, "");
  f.start[0] = 0;
  f.start[2] = 7;
  write_file(dir / "s.ecg", ishne_bytes(f));
  EXPECT_EQ(io::open_channel(dir / "s.ecg")->info().base_time, "00:14:07");
}

TEST(Ishne, EcgBlockMayStartAfterTheHeader) {
  TempDir dir;
  Ishne f;
  f.ecg_offset_delta = 6;
  write_file(dir / "r.ecg", ishne_bytes(f));
  EXPECT_DOUBLE_EQ(io::open_channel(dir / "r.ecg", "2")->read_mv(5, 1)[0], sample(2, 5) * 1e-3);
}

TEST(Ishne, HostileHeadersAreRefusedWithThePath) {
  TempDir dir;
  int n = 0;
  const auto refused = [&](const std::string& bytes, const std::string& words,
                           const std::string& channel = "0") {
    const fs::path path = dir / ("bad" + std::to_string(n++) + ".ecg");
    write_file(path, bytes);
    SCOPED_TRACE(path.string() + " " + words);
    try {
      (void)io::open_ishne_channel(path, channel);
      ADD_FAILURE() << "read";
    } catch (const io::IoError& e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg.rfind(path.string() + ": ", 0), 0u) << msg;
      EXPECT_NE(msg.find(words), std::string::npos) << msg;
    }
  };
  const std::string good = ishne_bytes({});
  refused("ISHNE2.0" + good.substr(8), "no \"ISHNE1.0\" magic number");
  refused(good.substr(0, 300), "truncated ISHNE header (300 of 522 bytes)");
  refused(good.substr(0, good.size() - 1), "truncated: 3 leads of 600 samples");
  Ishne f;
  f.corrupt_crc = true;
  refused(ishne_bytes(f), "header CRC mismatch");
  std::string flipped = good;
  flipped[600] ^= 1;  // a sample byte: not covered by the CRC, still reads
  flipped[523] ^= 1;  // a byte of the variable block: covered
  refused(flipped, "header CRC mismatch");
  f = {};
  f.n_samples = 0x7fffffff;
  f.samples_written = 600;
  refused(ishne_bytes(f), "truncated: 3 leads of 2147483647 samples need 12884901882 bytes");
  f = {};
  f.n_samples = -5;
  f.var_block = "";
  {
    // A negative count with a valid CRC (the writer writes no samples for it).
    refused(ishne_bytes(f), "sample count -5 is negative");
  }
  f = {};
  f.var_len_override = 0x7fffffff;
  refused(ishne_bytes(f), "variable-length block size 2147483647 does not fit");
  f = {};
  f.var_block = "";
  f.var_len_override = -1000;
  refused(ishne_bytes(f), "variable-length block size -1000");
  f = {};
  f.var_offset = 0;
  refused(ishne_bytes(f), "variable-length block offset 0 is not 522");
  f = {};
  f.ecg_offset_delta = -3;
  refused(ishne_bytes(f), "ECG block offset 526 lies outside");
  f = {};
  f.n_leads = 0;
  refused(ishne_bytes(f), "number of leads 0 is not within 1..12");
  f = {};
  f.n_leads = 13;
  refused(ishne_bytes(f), "number of leads 13 is not within 1..12");
  f = {};
  f.fs_hz = 0;
  refused(ishne_bytes(f), "sampling rate 0 Hz is not positive");
  f = {};
  f.fs_hz = -200;
  refused(ishne_bytes(f), "sampling rate -200 Hz is not positive");
  f = {};
  f.resolution_nv[2] = 0;
  refused(ishne_bytes(f), "lead 2 ('V1'): resolution 0 nV is not positive", "V1");
  f = {};
  f.resolution_nv[0] = -2500;
  refused(ishne_bytes(f), "resolution -2500 nV");
  f = {};
  f.lead_spec[1] = -9;
  refused(ishne_bytes(f), "lead 1 ('absent') is marked absent", "1");
  f = {};
  f.lead_qual[0] = -9;
  refused(ishne_bytes(f), "is marked absent");
  // The dispatcher reaches the same reader.
  f = {};
  f.corrupt_crc = true;
  write_file(dir / "crc.ecg", ishne_bytes(f));
  expect_refused(dir / "crc.ecg", "0", "header CRC mismatch");
}

}  // namespace

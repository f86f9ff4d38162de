// EDF/EDF+ channels through io::open_channel: files written with EDFlib's writer (EDF+) and by hand
// (plain EDF and hostile headers), read back through the EDFlib reader in src/io/edf.cpp.
#include <edflib.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/signal.hpp"
#include "io/source.hpp"
#include "scratch_dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace io = scapredict::io;

// A fresh folder per test.
class TempDir : public scapredict::testing::ScratchDir {
 public:
  TempDir() : ScratchDir("edf") {}
};

// The digital value of sample t of signal s in the files written below.
short digital(int s, int t) {
  return static_cast<short>(s == 0 ? (t * 37) % 4000 - 2000 : (t * 911) % 60000 - 30000);
}

// An EDF+ file by EDFlib's writer: signal 0 "ECG I" in uV (1 uV per unit), signal 1 "ECG II" in mV
// (-5..5 mV over the 16-bit range), `records` data records of `duration_10us` (units of 10 us)
// with `spr` samples per record, started 2020-03-04 13:14:15, and one annotation.
void write_edfplus(const fs::path& path, int records, int spr = 250, int duration_10us = 100000,
                   const char* units1 = "mV") {
  const int h = edfopen_file_writeonly(path.c_str(), EDFLIB_FILETYPE_EDFPLUS, 2);
  ASSERT_GE(h, 0);
  ASSERT_EQ(edf_set_datarecord_duration(h, duration_10us), 0);
  for (int s = 0; s < 2; ++s) {
    ASSERT_EQ(edf_set_samplefrequency(h, s, spr), 0);
    ASSERT_EQ(edf_set_digital_maximum(h, s, 32767), 0);
    ASSERT_EQ(edf_set_digital_minimum(h, s, -32768), 0);
  }
  ASSERT_EQ(edf_set_physical_maximum(h, 0, 32767), 0);
  ASSERT_EQ(edf_set_physical_minimum(h, 0, -32768), 0);
  ASSERT_EQ(edf_set_physical_maximum(h, 1, 5), 0);
  ASSERT_EQ(edf_set_physical_minimum(h, 1, -5), 0);
  ASSERT_EQ(edf_set_physical_dimension(h, 0, "uV"), 0);
  ASSERT_EQ(edf_set_physical_dimension(h, 1, units1), 0);
  ASSERT_EQ(edf_set_label(h, 0, "ECG I"), 0);
  ASSERT_EQ(edf_set_label(h, 1, "ECG II"), 0);
  ASSERT_EQ(edf_set_startdatetime(h, 2020, 3, 4, 13, 14, 15), 0);
  std::vector<short> buf(static_cast<std::size_t>(spr));
  for (int r = 0; r < records; ++r)
    for (int s = 0; s < 2; ++s) {
      for (int i = 0; i < spr; ++i) buf[static_cast<std::size_t>(i)] = digital(s, r * spr + i);
      ASSERT_EQ(edfwrite_digital_short_samples(h, buf.data()), 0);
    }
  ASSERT_EQ(edfwrite_annotation_utf8(h, 10000, -1, "VF onset"), 0);
  ASSERT_EQ(edfclose_file(h), 0);
}

// The fields of a plain EDF header, written by hand (each ASCII, space-padded to its width).
struct EdfFields {
  std::string version = "0";
  std::string start_time = "07.08.09";
  std::string reserved;
  std::string records = "4";
  std::string duration = "0.5";
  std::string label = "V5";
  std::string units = "mV";
  std::string phys_min = "-10";
  std::string phys_max = "10";
  std::string dig_min = "-2048";
  std::string dig_max = "2047";
  std::string spr = "64";
};

std::string field(std::string s, std::size_t width) {
  s.resize(width, ' ');
  return s;
}

// A one-signal plain EDF file; `data_bytes` of samples follow (the sample t is t - 32 as int16),
// by default as many as the header promises.
std::string edf_bytes(const EdfFields& f, long data_bytes = -1) {
  std::string h = field(f.version, 8) + field("X X X X", 80) + field("Startdate X X X X", 80) +
                  field("04.03.20", 8) + field(f.start_time, 8) + field("512", 8) +
                  field(f.reserved, 44) + field(f.records, 8) + field(f.duration, 8) +
                  field("1", 4);
  h += field(f.label, 16) + field("AgAgCl", 80) + field(f.units, 8) + field(f.phys_min, 8) +
       field(f.phys_max, 8) + field(f.dig_min, 8) + field(f.dig_max, 8) + field("", 80) +
       field(f.spr, 8) + field("", 32);
  if (data_bytes < 0) data_bytes = std::stol(f.records) * std::stol(f.spr) * 2;
  for (long i = 0; i < data_bytes / 2; ++i) {
    const auto v = static_cast<std::uint16_t>(static_cast<std::int16_t>(i % 4096 - 32));
    h += static_cast<char>(v & 0xff);
    h += static_cast<char>(v >> 8);
  }
  return h;
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good());
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// open_channel must throw IoError whose one-line message starts with the path.
void expect_refused(const fs::path& path, const std::string& channel = "0",
                    const std::string& words = "") {
  try {
    auto r = io::open_channel(path, channel);
    (void)r->read_mv(0, r->info().n_samples);
    FAIL() << path << " was read";
  } catch (const io::IoError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind(path.string() + ": ", 0), 0u) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    if (!words.empty()) {
      EXPECT_NE(msg.find(words), std::string::npos) << msg;
    }
  }
}

TEST(Edf, EdfPlusSamplesReadBackWithinTheQuantisation) {
  TempDir dir;
  const fs::path path = dir / "holter.edf";
  write_edfplus(path, 4);
  const auto r0 = io::open_channel(path, "0");
  const auto& i0 = r0->info();
  EXPECT_EQ(i0.format, "EDF+");
  EXPECT_EQ(i0.record, "holter");
  EXPECT_EQ(i0.source, path.string());
  EXPECT_EQ(i0.label, "ECG I");
  EXPECT_DOUBLE_EQ(i0.fs_hz, 250);
  EXPECT_EQ(i0.n_samples, 1000);
  EXPECT_EQ(i0.base_time, "13:14:15");
  EXPECT_NEAR(i0.gain_adu_per_mv, 1000, 1e-9);  // 1 uV per unit
  ASSERT_TRUE(i0.range_mv.has_value());
  EXPECT_NEAR(i0.range_mv->first, -32.768, 1e-12);
  EXPECT_NEAR(i0.range_mv->second, 32.767, 1e-12);
  const auto x0 = r0->read_mv(0, 1000);
  ASSERT_EQ(x0.size(), 1000u);
  for (int t = 0; t < 1000; ++t) ASSERT_NEAR(x0[t], digital(0, t) / 1000.0, 1e-12) << t;

  const auto r1 = io::open_channel(path, "1");
  const double step = 10.0 / 65535;  // mV per unit
  EXPECT_NEAR(r1->info().gain_adu_per_mv, 1 / step, 1e-6);
  const auto x1 = r1->read_mv(0, 1000);
  for (int t = 0; t < 1000; ++t)
    ASSERT_NEAR(x1[t], -5 + (digital(1, t) + 32768) * step, step / 2) << t;
}

TEST(Edf, ChannelsByIndexAndLabelSkipTheAnnotationSignal) {
  TempDir dir;
  const fs::path path = dir / "r.edf";
  write_edfplus(path, 2);
  EXPECT_EQ(io::open_channel(path, "ECG II")->info().channel, 1);
  EXPECT_EQ(io::open_channel(path, "ecg ii")->info().channel, 1);
  EXPECT_EQ(io::open_channel(path, "ECG I")->info().channel, 0);
  EXPECT_EQ(io::open_channel(path, "1")->info().label, "ECG II");
  // The file holds three signals, the third "EDF Annotations": it is not a channel.
  EXPECT_NE(read_all(path).find("EDF Annotations"), std::string::npos);
  expect_refused(path, "2", "no channel 2 (the record has 2)");
  expect_refused(path, "EDF Annotations", "no channel labelled");
}

TEST(Edf, WindowsInTheMiddleMatchTheWholeAndReadsRepeat) {
  TempDir dir;
  const fs::path path = dir / "r.edf";
  write_edfplus(path, 8);
  const auto r = io::open_channel(path, "ECG II");
  const auto all = r->read_mv(0, 2000);
  for (int pass = 0; pass < 2; ++pass) {
    const auto mid = r->read_mv(777, 555);  // across record boundaries, twice
    ASSERT_EQ(mid.size(), 555u);
    for (std::size_t i = 0; i < mid.size(); ++i) ASSERT_EQ(mid[i], all[777 + i]);
  }
  EXPECT_EQ(r->read_mv(1999, 1).at(0), all[1999]);
  EXPECT_TRUE(r->read_mv(2000, 0).empty());
  try {
    (void)r->read_mv(1990, 11);
    FAIL() << "a window past the end was read";
  } catch (const io::IoError& e) {
    EXPECT_EQ(std::string(e.what()),
              path.string() + ": samples [1990, 2001) lie outside the signal (2000 samples)");
  }
  EXPECT_THROW((void)r->read_mv(-1, 2), io::IoError);
}

TEST(Edf, RateIsSamplesPerRecordOverRecordDuration) {
  TempDir dir;
  const fs::path path = dir / "r.edf";
  write_edfplus(path, 6, 64, 50000);  // 64 samples per 0.5 s
  const auto r = io::open_channel(path, "0");
  EXPECT_DOUBLE_EQ(r->info().fs_hz, 128);
  EXPECT_EQ(r->info().n_samples, 384);
}

TEST(Edf, HandWrittenPlainEdfReads) {
  TempDir dir;
  const fs::path path = dir / "plain.edf";
  write_file(path, edf_bytes({}));
  const auto r = io::open_channel(path, "v5");
  const auto& i = r->info();
  EXPECT_EQ(i.format, "EDF");
  EXPECT_EQ(i.label, "V5");
  EXPECT_DOUBLE_EQ(i.fs_hz, 128);
  EXPECT_EQ(i.n_samples, 256);
  EXPECT_EQ(i.base_time, "07:08:09");
  const double step = 20.0 / 4095;
  EXPECT_NEAR(i.gain_adu_per_mv, 1 / step, 1e-9);
  const auto x = r->read_mv(100, 10);
  for (int k = 0; k < 10; ++k) EXPECT_NEAR(x[k], -10 + (100 + k - 32 + 2048) * step, 1e-9);
}

TEST(Edf, MicrovoltAndVoltUnitsAreScaledAndOtherUnitsRefused) {
  TempDir dir;
  EdfFields f;
  f.units = "uV";
  write_file(dir / "uv.edf", edf_bytes(f));
  EXPECT_NEAR(io::open_channel(dir / "uv.edf")->read_mv(0, 1)[0],
              (-10 + (-32 + 2048) * 20.0 / 4095) / 1000, 1e-12);
  f.units = "V";
  write_file(dir / "v.edf", edf_bytes(f));
  EXPECT_NEAR(io::open_channel(dir / "v.edf")->info().range_mv->second, 10000, 1e-9);
  f.units = "bpm";
  write_file(dir / "bpm.edf", edf_bytes(f));
  expect_refused(dir / "bpm.edf", "0", "is in 'bpm', not a voltage");
  write_edfplus(dir / "degc.edf", 1, 250, 100000, "degC");
  expect_refused(dir / "degc.edf", "1", "not a voltage");
  EXPECT_NO_THROW((void)io::open_channel(dir / "degc.edf", "0"));
}

TEST(Edf, InvertedPhysicalRangeKeepsItsSign) {
  TempDir dir;
  EdfFields f;
  f.phys_min = "10";
  f.phys_max = "-10";
  write_file(dir / "inv.edf", edf_bytes(f));
  const auto r = io::open_channel(dir / "inv.edf");
  EXPECT_LT(r->info().gain_adu_per_mv, 0);
  EXPECT_DOUBLE_EQ(r->info().range_mv->first, -10);
  EXPECT_NEAR(r->read_mv(0, 1)[0], 10 - (-32 + 2048) * 20.0 / 4095, 1e-9);
}

TEST(Edf, HostileHeadersAreRefusedWithThePath) {
  TempDir dir;
  int n = 0;
  const auto refused = [&](const EdfFields& f, long data_bytes, const std::string& words) {
    const fs::path path = dir / ("bad" + std::to_string(n++) + ".edf");
    write_file(path, edf_bytes(f, data_bytes));
    SCOPED_TRACE(path.string() + " " + words);
    expect_refused(path, "0", words);
  };
  EdfFields f;
  refused(f, 100, "not a valid EDF/EDF+ file");  // truncated data
  f.records = "99999999";
  refused(f, 512, "");  // a huge record count over a small file
  f = {};
  f.spr = "99999999";
  refused(f, 512, "");
  f = {};
  f.duration = "0";
  refused(f, -1, "");
  f = {};
  f.duration = "-1";
  refused(f, -1, "");
  f = {};
  f.duration = "nan";
  refused(f, -1, "");
  f = {};
  f.spr = "0";
  refused(f, 0, "");
  f = {};
  f.dig_min = "2047";
  refused(f, -1, "");
  f = {};
  f.phys_max = "-10";
  refused(f, -1, "");
  f = {};
  f.phys_max = "1e999";  // EDFlib reads it as infinity: the reader's own check refuses it
  refused(f, -1, "physical minimum -10.000000 and maximum inf are not finite and distinct");
  f = {};
  f.dig_max = "99999";
  refused(f, -1, "");
  f = {};
  f.records = "-5";
  refused(f, 0, "");

  // A header cut short, and no header at all.
  const fs::path cut = dir / "cut.edf";
  write_file(cut, edf_bytes({}).substr(0, 300));
  expect_refused(cut);
  const fs::path empty = dir / "empty.edf";
  write_file(empty, "0       ");
  expect_refused(empty);
}

TEST(Edf, BdfAndDiscontinuousEdfPlusAreRefused) {
  TempDir dir;
  std::string bdf = edf_bytes({});
  bdf[0] = '\xff';
  bdf.replace(1, 7, "BIOSEMI");
  write_file(dir / "x.bdf", bdf);
  try {
    (void)io::open_edf_channel(dir / "x.bdf", "0");
    FAIL() << "BDF was read";
  } catch (const io::IoError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "x.bdf").string() + ": BDF (24-bit) files are not supported");
  }

  write_edfplus(dir / "c.edf", 2);
  std::string bytes = read_all(dir / "c.edf");
  const auto at = bytes.find("EDF+C");
  ASSERT_EQ(at, 192u);
  bytes[at + 4] = 'D';
  write_file(dir / "d.edf", bytes);
  expect_refused(dir / "d.edf", "0", "EDF+D");
}

TEST(Edf, ReadersOfOneFileShareOneHandleAndTheLastClosesIt) {
  TempDir dir;
  const fs::path path = dir / "r.edf";
  write_edfplus(path, 2);
  const int before = edflib_get_number_of_open_files();
  {
    const auto a = io::open_channel(path, "0");
    EXPECT_EQ(edflib_get_number_of_open_files(), before + 1);
    {
      // EDFlib opens a path once at a time; a second reader shares the handle, with its own
      // position: interleaved reads of the two signals stay right.
      const auto b = io::open_channel(path, "1");
      EXPECT_EQ(edflib_get_number_of_open_files(), before + 1);
      const auto a_all = a->read_mv(0, 500), b_all = b->read_mv(0, 500);
      EXPECT_EQ(a->read_mv(100, 3), std::vector<double>(a_all.begin() + 100, a_all.begin() + 103));
      EXPECT_EQ(b->read_mv(100, 3), std::vector<double>(b_all.begin() + 100, b_all.begin() + 103));
      EXPECT_NEAR(b_all[7], -5 + (digital(1, 7) + 32768) * 10.0 / 65535, 1e-3);
    }
    EXPECT_EQ(edflib_get_number_of_open_files(), before + 1);
    EXPECT_NEAR(a->read_mv(499, 1)[0], digital(0, 499) / 1000.0, 1e-12);
  }
  EXPECT_EQ(edflib_get_number_of_open_files(), before);
  // A refused channel leaves no handle behind.
  expect_refused(path, "7");
  EXPECT_EQ(edflib_get_number_of_open_files(), before);
  EXPECT_NO_THROW((void)io::open_channel(path, "1"));
  EXPECT_EQ(edflib_get_number_of_open_files(), before);
}

TEST(Edf, ManyFilesUpToEdflibsLimit) {
  TempDir dir;
  std::vector<std::unique_ptr<io::ChannelReader>> readers;
  const int before = edflib_get_number_of_open_files();
  const auto name = [&](int i) { return dir / ("f" + std::to_string(i) + ".edf"); };
  for (int i = 0; i < 64 - before; ++i) write_edfplus(name(i), 1);
  write_edfplus(dir / "one-too-many.edf", 1);
  for (int i = 0; i < 64 - before; ++i) readers.push_back(io::open_channel(name(i), "0"));
  expect_refused(dir / "one-too-many.edf", "0", "too many EDF files open at once");
  readers.pop_back();
  EXPECT_NO_THROW((void)io::open_channel(dir / "one-too-many.edf", "0"));
}

TEST(Formats, OpenChannelPicksTheReaderByTheFirstBytes) {
  TempDir dir;
  write_edfplus(dir / "a.dat", 1);  // an EDF+ file with an unhelpful extension
  EXPECT_EQ(io::detect_format(dir / "a.dat"), io::RecordFormat::kEdf);
  EXPECT_EQ(io::open_channel(dir / "a.dat")->info().format, "EDF+");

  io::Header h;
  h.record_name = "w";
  h.n_signals = 1;
  h.fs_hz = 360;
  io::SignalSpec spec;
  spec.file_name = "w.dat";
  spec.format = 16;
  spec.adc_gain = 200;
  spec.description = "MLII";
  h.signals.push_back(spec);
  io::write_record(dir.path(), h, {std::vector<std::int32_t>(100, 40)});
  EXPECT_EQ(io::detect_format(dir / "w"), io::RecordFormat::kWfdb);
  const auto w = io::open_channel(dir / "w", "MLII");
  EXPECT_EQ(w->info().format, "WFDB");
  EXPECT_DOUBLE_EQ(w->read_mv(0, 1)[0], 0.2);
  // A WFDB signal file that starts like no other format stays WFDB (and is not a record).
  EXPECT_EQ(io::detect_format(dir / "w.dat"), io::RecordFormat::kWfdb);
}

}  // namespace

// The streaming path (dsp/stream.hpp) against the whole-record path (load_channel over the whole
// channel, then segment_all): the same minutes, sample for sample, whatever the stretch size.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <numbers>
#include <random>

#include "dsp/stream.hpp"
#include "io/signal.hpp"
#include "io/source.hpp"
#include "test_util.hpp"

namespace sp = scapredict;
using sp::testing::TempDir;

namespace {

// A record of one 212 signal: an ECG-like wave with noise; `invalid` lists [first, last) sample
// runs written as invalid.
std::filesystem::path write_wave(const std::filesystem::path& dir, const std::string& name,
                                 double fs, std::int64_t n,
                                 const std::vector<std::pair<std::int64_t, std::int64_t>>& invalid,
                                 std::uint32_t seed = 1) {
  sp::io::Header h;
  h.record_name = name;
  h.n_signals = 1;
  h.fs_hz = fs;
  sp::io::SignalSpec s;
  s.file_name = name + ".dat";
  s.format = 212;
  s.adc_gain = 200;
  s.adc_resolution = 12;
  s.description = "ECG";
  h.signals.push_back(s);
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 6);
  std::vector<std::vector<std::int32_t>> adu(1, std::vector<std::int32_t>(n));
  for (std::int64_t t = 0; t < n; ++t) {
    const double phase = std::fmod(static_cast<double>(t) / fs, 0.8);
    const double qrs = 300 * std::exp(-std::pow((phase - 0.3) / 0.012, 2));
    adu[0][t] = static_cast<std::int32_t>(
        std::lround(qrs + 40 * std::sin(2 * std::numbers::pi * 0.3 * t / fs) + noise(rng)));
  }
  for (auto [a, b] : invalid)
    for (std::int64_t t = a; t < b; ++t) adu[0][t] = sp::io::kInvalidAdu;
  sp::io::write_record(dir, h, adu);
  return dir / name;
}

bool same(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

// Compares the streamed minutes with the whole-record path's, sample for sample and flag for
// flag; returns the number of minutes.
std::int64_t expect_same_minutes(const std::filesystem::path& record, std::int64_t chunk) {
  const sp::io::Record rec(record);
  const double duration = static_cast<double>(rec.n_frames()) / rec.fs_hz();
  const auto whole = sp::dsp::load_channel(rec, 0, 0.0, duration);
  const auto limits = sp::dsp::limits_for(whole);
  const auto segs = sp::dsp::segment_all(whole.samples, sp::dsp::kMinuteSamples, whole.fs_hz,
                                         limits, whole.bridged);
  const auto reader = sp::io::open_channel(record);
  std::vector<sp::dsp::StreamMinute> got;
  sp::dsp::stream_minutes(
      *reader, [&](sp::dsp::StreamMinute&& m) { got.push_back(std::move(m)); }, {}, chunk);
  EXPECT_EQ(got.size(), segs.size()) << record << " chunk " << chunk;
  EXPECT_EQ(sp::dsp::whole_minutes(reader->info().n_samples, reader->info().fs_hz),
            static_cast<std::int64_t>(segs.size()));
  for (std::size_t m = 0; m < std::min(got.size(), segs.size()); ++m) {
    EXPECT_EQ(got[m].index, static_cast<std::int64_t>(m));
    std::size_t differ = 0;
    for (std::size_t i = 0; i < segs[m].samples.size(); ++i)
      differ += !same(got[m].samples[i], segs[m].samples[i]);
    EXPECT_EQ(differ, 0u) << record << " minute " << m << " chunk " << chunk;
    const auto q =
        sp::dsp::assess_quality(got[m].samples, sp::dsp::kAnalysisFsHz, limits, got[m].bridged);
    EXPECT_EQ(q.describe(), segs[m].quality.describe()) << "minute " << m;
  }
  return static_cast<std::int64_t>(got.size());
}

}  // namespace

TEST(Stream, ResampledMinutesEqualTheWholeRecordPathWithGapsAnywhere) {
  TempDir dir;
  // 250 Hz, 12.3 min: a gap at the start, a 1-s gap (bridged), a 10-s gap (invalid), two gaps a
  // few samples apart, a gap across a minute boundary and one at the very end.
  const std::int64_t n = std::llround(12.3 * 60 * 250);
  const auto rec = write_wave(dir.path(), "gaps", 250, n,
                              {{0, 40},
                               {20000, 20250},
                               {40000, 42500},
                               {60000, 60003},
                               {60010, 60011},
                               {89900, 90150},
                               {n - 500, n}});
  for (std::int64_t chunk : {1LL, 997LL, 7680LL, 65536LL, 1LL << 22}) {
    EXPECT_EQ(expect_same_minutes(rec, chunk), 12);
  }
  // Without gaps, and at 360 Hz (MIT-BIH's rate).
  EXPECT_EQ(expect_same_minutes(write_wave(dir.path(), "clean", 250, 250 * 60 * 5 + 17, {}), 4096),
            5);
  EXPECT_EQ(expect_same_minutes(write_wave(dir.path(), "r360", 360, 360 * 60 * 3, {{5, 9}}), 1000),
            3);
}

TEST(Stream, AnalysisRateRecordsPassThroughAndInvalidRecordsStayInvalid) {
  TempDir dir;
  EXPECT_EQ(expect_same_minutes(
                write_wave(dir.path(), "native", 128, 128 * 60 * 4 + 100, {{7000, 9000}}), 3000),
            4);
  // Every sample invalid: every minute is all NaN, as the whole-record path gives it.
  EXPECT_EQ(
      expect_same_minutes(write_wave(dir.path(), "dead", 250, 250 * 60 * 2, {{0, 30000}}), 4096),
      2);
}

TEST(Stream, OneSampleAtATimeHoldsBackOnlyWhatAnOpenGapMayChange) {
  // Minutes come out while the channel is still being pushed: after 3 min 20 s of input at
  // 250 Hz, minutes 0-2 are out; an open gap from 2 min 59 s holds minute 2 back until it closes.
  std::vector<double> x(250 * 200);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<double>(i) * 0.07);
  for (std::size_t i = 250 * 179; i < 250 * 181; ++i) x[i] = std::nan("");
  sp::dsp::MinuteAssembler a(250);
  std::vector<std::int64_t> out;
  std::vector<std::int64_t> when;
  for (std::size_t i = 0; i < x.size(); ++i) {
    a.push(std::span<const double>(&x[i], 1), [&](sp::dsp::StreamMinute&& m) {
      out.push_back(m.index);
      when.push_back(static_cast<std::int64_t>(i));
    });
  }
  ASSERT_EQ(out.size(), 3u);
  // Minutes 0 and 1 within a few seconds of their end (the resampler's block delay).
  EXPECT_LT(when[0], 250 * 65);
  EXPECT_LT(when[1], 250 * 125);
  EXPECT_GE(when[2], 250 * 181);  // minute 2 waited for the gap to close
  EXPECT_THROW(sp::dsp::MinuteAssembler(0), sp::dsp::DspError);
}

TEST(Stream, AChecksumMismatchIsFoundAtTheEndOfTheStream) {
  TempDir dir;
  const auto rec = write_wave(dir.path(), "sum", 250, 250 * 60 * 2, {});
  // Change one stored sample's low byte: the data no longer sum to the header's checksum.
  std::fstream f(dir / "sum.dat", std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(3000);
  f.put('\x55');
  f.close();
  const auto reader = sp::io::open_channel(rec);
  EXPECT_THROW(sp::dsp::stream_minutes(*reader, [](sp::dsp::StreamMinute&&) {}), sp::io::IoError);
}

TEST(Stream, RealRecordsStreamAsTheyReadWhole) {
  SKIP_WITHOUT_PHYSIONET(root);
  EXPECT_EQ(expect_same_minutes(root / "mitdb" / "100", 65536), 30);
  for (const char* r : {"vfdb/418", "cudb/cu01m"}) {
    if (std::filesystem::exists(root / (std::string(r) + ".hea"))) {
      EXPECT_GE(expect_same_minutes(root / r, 12345), 1) << r;
    }
  }
}

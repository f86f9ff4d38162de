// Fuzzes reading a whole record from disk, as `scapredict inspect` does: the header, the signal
// file(s) through io::Record (whole and windowed reads, which must agree) and the annotation file,
// then io::inspect with its text and JSON. Any input either reads or throws scapredict::Error.
//
// Input layout: the header text, a 0 byte, a 2-byte little-endian length L, L bytes of annotation
// file (r.atr; none when L is 0), then the signal bytes, written to every signal file the header
// names. Without a 0 byte the whole input is the header. The files go to a private temporary
// directory, emptied before each input.
//
// SCAPREDICT_FUZZ_WRITE_SEEDS=DIR fuzz_record writes seeds into DIR and exits: synthetic records
// in every format, and, with SCAPREDICT_FUZZ_PHYSIONET=DIR, the start of a few real records.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "fuzz_files.hpp"
#include "io/annotation.hpp"
#include "io/header.hpp"
#include "io/inspect.hpp"
#include "io/signal.hpp"

namespace {

namespace fs = std::filesystem;
namespace io = scapredict::io;

// A file name the target may create in its directory: no path, not too long.
bool plain_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 && name != "." && name != ".." &&
         name.find('/') == std::string::npos;
}

using scapredict::fuzz::scratch_dir;
using scapredict::fuzz::write_bytes;

std::string pack(std::string_view header, std::string_view annotations, std::string_view signal) {
  std::string out(header);
  const auto n = std::min<std::size_t>(annotations.size(), 0xffff);
  out += '\0';
  out += static_cast<char>(n & 0xff);
  out += static_cast<char>(n >> 8);
  out.append(annotations.substr(0, n));
  out.append(signal);
  return out;
}

std::string as_string(const std::vector<std::uint8_t>& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

// Whole and windowed reads of every signal must agree: a window is a slice of a longer read.
void check_windows(const io::Record& rec) {
  const std::int64_t n = rec.n_frames();
  if (n < 2) return;
  for (int i = 0; i < rec.header().n_signals; ++i) {
    const std::int64_t spf = rec.header().signals[static_cast<std::size_t>(i)].samples_per_frame;
    std::vector<std::int32_t> all;
    try {
      all = rec.read_adu(i, 0, n - 1);  // not the whole record: no checksum check
    } catch (const scapredict::Error&) {
      continue;
    }
    const std::int64_t windows[][2] = {{1, n - 2}, {n / 2, n - 1 - n / 2}, {n / 3, 1}, {0, 1}};
    for (const auto& w : windows) {
      std::vector<std::int32_t> part;
      try {
        part = rec.read_adu(i, w[0], w[1]);
      } catch (const scapredict::Error& e) {
        std::fprintf(stderr, "fuzz_record: frames [0, %lld) read, window [%lld, %lld) throws: %s\n",
                     static_cast<long long>(n - 1), static_cast<long long>(w[0]),
                     static_cast<long long>(w[0] + w[1]), e.what());
        std::abort();
      }
      if (!std::equal(part.begin(), part.end(), all.begin() + w[0] * spf,
                      all.begin() + (w[0] + w[1]) * spf) ||
          static_cast<std::int64_t>(part.size()) != w[1] * spf) {
        std::fprintf(stderr, "fuzz_record: signal %d window [%lld, %lld) differs from the whole\n",
                     i, static_cast<long long>(w[0]), static_cast<long long>(w[0] + w[1]));
        std::abort();
      }
    }
    (void)rec.read_physical(i, n / 2, n - 1 - n / 2);
  }
}

// ---- seeds ----------------------------------------------------------------------------------

struct SeedWriter {
  fs::path dir;
  int n = 0;
  void put(const std::string& bytes) {
    write_bytes(dir / ("record-seed-" + std::to_string(n++)), bytes);
  }
};

std::string pseudo_random_bytes(std::size_t n, std::uint32_t seed) {
  std::string out(n, '\0');
  for (auto& c : out) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return out;
}

// A record written by io::write_record (formats 212 and 16, checksums right) with annotations.
void written_seeds(SeedWriter& w, const fs::path& tmp) {
  const int formats[] = {212, 16};
  for (int format : formats) {
    io::Header h;
    h.record_name = "r";
    h.n_signals = 2;
    h.fs_hz = 250;
    h.base_time = "12:00:00";
    h.comments = {"vfon: 0:00:00.4", "age 60"};
    for (int s = 0; s < 2; ++s) {
      io::SignalSpec spec;
      spec.file_name = "r.dat";
      spec.format = format;
      spec.adc_gain = s == 0 ? 200 : 0;
      spec.description = "ECG " + std::to_string(s);
      h.signals.push_back(spec);
    }
    std::vector<std::vector<std::int32_t>> adu(2);
    for (int t = 0; t < 120; ++t) {
      adu[0].push_back((t * 37) % 2000 - 1000);
      adu[1].push_back(t % 17 == 0 ? io::kInvalidAdu : t * 3 - 100);
    }
    io::write_record(tmp, h, adu);
    std::vector<io::Annotation> anns;
    anns.push_back({18, io::code::kRhythm, 0, 0, 0, "(N"});
    anns.push_back({30, io::code::kNormal, 0, 0, 0, ""});
    anns.push_back({45, io::code::kPvc, 1, 1, 2, ""});
    anns.push_back({80, io::code::kRhythm, 0, 0, 0, "(VF"});
    anns.push_back({90, io::code::kVfOn, 0, 0, 0, ""});
    anns.push_back({119, io::code::kNoise, 0, 0, 0, "noise"});
    const auto header = scapredict::read_file(tmp / "r.hea");
    const auto signal = scapredict::read_file(tmp / "r.dat");
    const auto ann = as_string(io::encode_annotations(anns));
    w.put(pack(header, ann, signal));
    w.put(pack(header, "", signal));
    w.put(pack(header, ann, signal.substr(0, 90)));  // truncated: the header says 120 frames
  }
}

// Hand-written headers over every format, packing, skew, offset and separate files, without
// checksums, over pseudo-random bytes.
void format_seeds(SeedWriter& w) {
  const int formats[] = {8, 16, 24, 32, 61, 80, 160, 212, 310, 311};
  std::uint32_t seed = 1;
  for (int f : formats) {
    const std::string fs = std::to_string(f);
    const std::string bytes = pseudo_random_bytes(240, seed++);
    w.put(pack("r 1 250\nr.dat " + fs + " 200 0 0 5\n", "", bytes));
    w.put(pack("r 2 360 20 10:00:00 01/02/2003\nr.dat " + fs + " 200(10)/uV 0 1 -3 0 0 I\n" +
                   "r.dat " + fs + "x2:3 100 0 0 7 0 0 II\n",
               "", bytes));
    w.put(pack("# comment first\nr 1 128/1000(3)\nr.mat " + fs + "+16 400 16 0 0\n", "", bytes));
  }
  w.put(pack("r 3 500\na.dat 212x4:4 200\na.dat 212 200\nb.dat 16:2 200\n", "",
             pseudo_random_bytes(300, 99)));
  w.put(pack("r 0 250 1000\n# vfon: 0:00:02\n", "", ""));
  w.put(pack("r 1 250\nr.dat 8 200 8 0 100 0 0 difference\n", "", pseudo_random_bytes(64, 7)));
}

// The start of a real record: its data cut to a few kB, its header made to match (sample count,
// checksums), and some of its annotations (rhythm and onset markers moved into the kept span).
void real_seed(SeedWriter& w, const fs::path& record, const fs::path& tmp) {
  constexpr std::size_t kSignalBytes = 3000;
  io::Header h = io::read_header(record);
  const auto original = scapredict::read_file(io::header_path(record));
  std::string signal;
  if (!h.signals.empty()) {
    for (const auto& s : h.signals)
      if (s.file_name != h.signals[0].file_name || !plain_name(s.file_name)) return;
    const fs::path file = h.directory / h.signals[0].file_name;
    if (!fs::is_regular_file(file)) {
      // Annotations without signals: keep the header's facts, drop its signals.
      h.signals.clear();
      h.n_signals = 0;
    } else {
      signal = scapredict::read_file(file);
      signal.resize(std::min<std::size_t>(
          signal.size(), static_cast<std::size_t>(h.signals[0].byte_offset) + kSignalBytes));
      w.put(pack(original, "", signal));  // as written: its sample count is too large now
    }
  }
  std::int64_t n = h.n_samples.value_or(0);
  if (!h.signals.empty()) {
    // Read the cut data back without checksums (two reads, never the whole record at once).
    h.n_samples.reset();
    std::string head = io::format_header(h);
    write_bytes(tmp / h.signals[0].file_name, signal);
    write_bytes(tmp / "r.hea", head);
    const io::Record rec(tmp / "r");
    n = rec.n_frames();
    for (int i = 0; i < h.n_signals; ++i) {
      auto adu = rec.read_adu(i, 0, n - 1);
      const auto last = rec.read_adu(i, n - 1, 1);
      adu.insert(adu.end(), last.begin(), last.end());
      h.signals[static_cast<std::size_t>(i)].checksum =
          io::checksum16(adu, h.signals[static_cast<std::size_t>(i)].format);
    }
    h.n_samples = n;
  }
  std::string ann;
  for (const char* annotator : {"atr", "ari"}) {
    if (!fs::is_regular_file(io::annotation_path(record, annotator))) continue;
    const auto all = io::read_annotations(record, annotator);
    std::vector<io::Annotation> keep;
    int others = 0;
    for (auto a : all) {
      if (a.sample < n && keep.size() < 40) {
        keep.push_back(a);
      } else if (!io::is_beat(a.code) && others < 10 && n > 0) {
        a.sample %= n;
        keep.push_back(a);
        ++others;
      }
    }
    std::stable_sort(keep.begin(), keep.end(),
                     [](const auto& a, const auto& b) { return a.sample < b.sample; });
    ann = as_string(io::encode_annotations(keep));
    break;
  }
  w.put(pack(io::format_header(h), ann, signal));
}

void write_seeds(const fs::path& dir) {
  fs::create_directories(dir);
  SeedWriter w{dir};
  const fs::path tmp = scratch_dir() / "seeds";
  fs::create_directories(tmp);
  written_seeds(w, tmp);
  format_seeds(w);
  if (const char* phys = std::getenv("SCAPREDICT_FUZZ_PHYSIONET")) {
    const char* records[] = {"mitdb/100", "mitdb/207",     "nsrdb-1min/16265m", "cudb/cu01m",
                             "vfdb/418",  "sddb-beats/30", "nsrdb-beats/16265"};
    for (const char* r : records) {
      const fs::path record = fs::path(phys) / r;
      if (!fs::is_regular_file(io::header_path(record))) continue;
      try {
        fs::remove_all(tmp);
        fs::create_directories(tmp);
        real_seed(w, record, tmp);
      } catch (const scapredict::Error& e) {
        std::fprintf(stderr, "fuzz_record: no seed from %s: %s\n", r, e.what());
      }
    }
  }
  std::fprintf(stderr, "fuzz_record: wrote %d seeds to %s\n", w.n, dir.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  scapredict::fuzz::init_scratch("record", write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto zero = in.find('\0');
  const std::string_view header = in.substr(0, zero);
  std::string_view rest = zero == std::string_view::npos ? std::string_view{} : in.substr(zero + 1);
  std::size_t ann_len = 0;
  if (rest.size() >= 2) {
    ann_len = static_cast<unsigned char>(rest[0]) | (static_cast<unsigned char>(rest[1]) << 8);
    rest.remove_prefix(2);
  } else {
    rest = {};
  }
  const std::string_view ann = rest.substr(0, ann_len);
  const std::string_view signal = rest.substr(ann.size());

  // Only headers whose signal files are plain names in the directory are written to disk.
  std::set<std::string> files;
  try {
    for (const auto& s : io::parse_header(header, "r.hea").signals) {
      if (!plain_name(s.file_name)) return 0;
      files.insert(s.file_name);
    }
  } catch (const scapredict::Error&) {
    return 0;
  }
  for (const auto& entry : fs::directory_iterator(scratch_dir())) fs::remove_all(entry.path());
  for (const auto& f : files)
    if (!write_bytes(scratch_dir() / f, signal)) return 0;
  if (!write_bytes(scratch_dir() / "r.hea", header)) return 0;
  if (!ann.empty() && !write_bytes(scratch_dir() / "r.atr", ann)) return 0;

  try {
    const io::Record rec(scratch_dir() / "r");
    check_windows(rec);
  } catch (const scapredict::Error&) {
  }
  try {
    const auto report = io::inspect(scratch_dir() / "r");
    (void)io::to_text(report);
    (void)scapredict::json_text(io::to_json(report));
  } catch (const scapredict::Error&) {
  }
  return 0;
}

// Fuzzes the EDF/EDF+ reader (src/io/edf.cpp, EDFlib underneath) as `scapredict predict` uses it:
// the input is the file, opened through io::open_channel (channels "0" and "1"), read whole and in
// windows, which must agree. Any input either reads or throws scapredict::Error.
//
// SCAPREDICT_FUZZ_WRITE_SEEDS=DIR fuzz_edf writes seeds into DIR and exits: an EDF+ file by
// EDFlib's writer (two signals, an annotation) and hand-written plain EDF headers.
#include <edflib.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "fuzz_files.hpp"
#include "io/source.hpp"

namespace {

namespace fs = std::filesystem;
namespace io = scapredict::io;

using scapredict::fuzz::check_channel;
using scapredict::fuzz::scratch_dir;
using scapredict::fuzz::write_bytes;

// ---- seeds ----------------------------------------------------------------------------------

std::string field(std::string s, std::size_t width) {
  s.resize(width, ' ');
  return s;
}

std::string plain_edf(const std::string& records, const std::string& duration,
                      const std::string& spr, const std::string& units, std::size_t data_bytes) {
  std::string h = field("0", 8) + field("X X X X", 80) + field("Startdate X X X X", 80) +
                  field("04.03.20", 8) + field("07.08.09", 8) + field("512", 8) + field("", 44) +
                  field(records, 8) + field(duration, 8) + field("1", 4);
  h += field("ECG", 16) + field("", 80) + field(units, 8) + field("-10", 8) + field("10", 8) +
       field("-2048", 8) + field("2047", 8) + field("", 80) + field(spr, 8) + field("", 32);
  for (std::size_t i = 0; i < data_bytes; ++i) h += static_cast<char>((i * 37) & 0xff);
  return h;
}

void write_seeds(const fs::path& dir) {
  fs::create_directories(dir);
  int n = 0;
  const auto put = [&](const std::string& bytes) {
    write_bytes(dir / ("edf-seed-" + std::to_string(n++)), bytes);
  };
  const fs::path tmp = scratch_dir() / "seed.edf";
  const int h = edfopen_file_writeonly(tmp.c_str(), EDFLIB_FILETYPE_EDFPLUS, 2);
  if (h >= 0) {
    edf_set_datarecord_duration(h, 25000);  // 0.25 s
    for (int s = 0; s < 2; ++s) {
      edf_set_samplefrequency(h, s, 32);
      edf_set_digital_maximum(h, s, 32767);
      edf_set_digital_minimum(h, s, -32768);
      edf_set_physical_maximum(h, s, s == 0 ? 3276.7 : 5);
      edf_set_physical_minimum(h, s, s == 0 ? -3276.8 : -5);
      edf_set_physical_dimension(h, s, s == 0 ? "uV" : "mV");
      edf_set_label(h, s, s == 0 ? "ECG I" : "ECG II");
    }
    std::vector<short> buf(32);
    for (int r = 0; r < 4; ++r)
      for (int s = 0; s < 2; ++s) {
        for (int i = 0; i < 32; ++i)
          buf[static_cast<std::size_t>(i)] = static_cast<short>((r * 32 + i) * 97 - 4000);
        edfwrite_digital_short_samples(h, buf.data());
      }
    edfwrite_annotation_utf8(h, 1000, -1, "VF");
    edfclose_file(h);
    std::FILE* f = std::fopen(tmp.c_str(), "rb");
    if (f) {
      std::string bytes;
      char chunk[4096];
      for (std::size_t got; (got = std::fread(chunk, 1, sizeof chunk, f)) > 0;)
        bytes.append(chunk, got);
      std::fclose(f);
      put(bytes);
    }
  }
  put(plain_edf("4", "0.5", "64", "mV", 4 * 64 * 2));
  put(plain_edf("2", "1", "10", "uV", 2 * 10 * 2));
  put(plain_edf("1", "0.004", "1", "V", 2));
  put(plain_edf("3", "1", "8", "bpm", 3 * 8 * 2));
  std::fprintf(stderr, "fuzz_edf: wrote %d seeds to %s\n", n, dir.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  scapredict::fuzz::init_scratch("edf", write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path path = scratch_dir() / "r.edf";
  if (!write_bytes(path, std::string_view(reinterpret_cast<const char*>(data), size))) return 0;
  for (const char* channel : {"0", "1"}) {
    try {
      // Through the dispatcher when the bytes say EDF, else straight to the EDF reader.
      const auto r = io::detect_format(path) == io::RecordFormat::kEdf
                         ? io::open_channel(path, channel)
                         : io::open_edf_channel(path, channel);
      const auto& i = r->info();
      if (i.n_samples < 0 || !(i.fs_hz > 0) || (i.format != "EDF" && i.format != "EDF+"))
        __builtin_trap();
      check_channel(*r);
    } catch (const scapredict::Error&) {
    }
  }
  return 0;
}

// Fuzzes the ISHNE reader (src/io/ishne.cpp) as `scapredict predict` uses it: the input is the
// file, opened through io::open_channel (leads "0" and "2"), read whole and in windows, which must
// agree. Any input either reads or throws scapredict::Error. The header CRC would stop nearly every
// mutation at the check, so an input whose byte 520 (in the Reserved field) is even gets its CRC
// rewritten to match before it is written; the CRC check itself is fuzzed by the odd ones.
//
// SCAPREDICT_FUZZ_WRITE_SEEDS=DIR fuzz_ishne writes seeds into DIR and exits: ISHNE files written
// after the specification (1, 3 and 12 leads, a variable-length block, invalid samples).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

// CRC-16/CCITT (0x1021, initial 0xFFFF) of bytes 10 .. 522 + var length, as the reader checks it.
std::uint16_t crc16(std::string_view bytes) {
  std::uint16_t crc = 0xffff;
  for (unsigned char c : bytes) {
    crc = static_cast<std::uint16_t>(crc ^ (c << 8));
    for (int b = 0; b < 8; ++b)
      crc = static_cast<std::uint16_t>(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return crc;
}

std::int32_t le32(std::string_view s, std::size_t at) {
  return static_cast<std::int32_t>(
      static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) |
      static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
      static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
      static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24);
}

// Rewrites the CRC of `bytes` when its header and variable block are complete.
void fix_crc(std::string& bytes) {
  if (bytes.size() < 522) return;
  const std::int32_t var_len = le32(bytes, 10);
  if (var_len < 0 || static_cast<std::size_t>(var_len) > bytes.size() - 522) return;
  const std::uint16_t crc =
      crc16(std::string_view(bytes).substr(10, 512 + static_cast<std::size_t>(var_len)));
  bytes[8] = static_cast<char>(crc & 0xff);
  bytes[9] = static_cast<char>(crc >> 8);
}

// ---- seeds ----------------------------------------------------------------------------------

void put16(std::string& s, std::size_t at, int v) {
  s[at] = static_cast<char>(v & 0xff);
  s[at + 1] = static_cast<char>((v >> 8) & 0xff);
}

std::string ishne(int n_leads, int n_samples, const std::string& var_block, int fs_hz) {
  std::string out = "ISHNE1.0" + std::string(514, '\0') + var_block;
  const auto put32 = [&](std::size_t at, std::int32_t v) {
    for (int i = 0; i < 4; ++i)
      out[at + static_cast<std::size_t>(i)] =
          static_cast<char>((static_cast<std::uint32_t>(v) >> (8 * i)) & 0xff);
  };
  put32(10, static_cast<std::int32_t>(var_block.size()));
  put32(14, n_samples);
  put32(18, 522);
  put32(22, 522 + static_cast<std::int32_t>(var_block.size()));
  put16(out, 26, 1);
  put16(out, 150, 23);
  put16(out, 152, 59);
  put16(out, 154, 1);
  put16(out, 156, n_leads);
  for (int l = 0; l < 12; ++l) {
    const auto k = static_cast<std::size_t>(2 * l);
    put16(out, 158 + k, l < n_leads ? 5 + l : -9);
    put16(out, 182 + k, l < n_leads ? 1 : -9);
    put16(out, 206 + k, l < n_leads ? 2500 * (l + 1) : 0);
  }
  put16(out, 272, fs_hz);
  for (int t = 0; t < n_samples; ++t)
    for (int l = 0; l < n_leads; ++l) {
      out.append(2, '\0');
      put16(out, out.size() - 2, t % 13 == 5 ? -32768 : (t * 31 + l * 7) % 3000 - 1500);
    }
  fix_crc(out);
  return out;
}

void write_seeds(const fs::path& dir) {
  fs::create_directories(dir);
  int n = 0;
  const auto put = [&](const std::string& bytes) {
    write_bytes(dir / ("ishne-seed-" + std::to_string(n++)), bytes);
  };
  put(ishne(3, 200, "", 200));
  put(ishne(1, 100, "var", 128));
  put(ishne(12, 40, "a longer variable-length block", 1000));
  std::string kept = ishne(2, 50, "x", 250);
  kept[520] = 1;  // the CRC as written is checked
  fix_crc(kept);
  put(kept);
  std::fprintf(stderr, "fuzz_ishne: wrote %d seeds to %s\n", n, dir.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  scapredict::fuzz::init_scratch("ishne", write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path path = scratch_dir() / "r.ecg";
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (size > 520 && (data[520] & 1) == 0) fix_crc(bytes);
  if (!write_bytes(path, bytes)) return 0;
  for (const char* channel : {"0", "2"}) {
    try {
      // Through the dispatcher when the bytes say ISHNE, else straight to the ISHNE reader.
      const auto r = io::detect_format(path) == io::RecordFormat::kIshne
                         ? io::open_channel(path, channel)
                         : io::open_ishne_channel(path, channel);
      const auto& i = r->info();
      if (i.n_samples < 0 || !(i.fs_hz > 0) || i.format != "ISHNE") __builtin_trap();
      check_channel(*r);
    } catch (const scapredict::Error&) {
    }
  }
  return 0;
}

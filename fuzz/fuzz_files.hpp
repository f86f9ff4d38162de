#pragma once
// What the fuzz targets that parse files on disk share: a scratch folder removed at exit (with
// SCAPREDICT_FUZZ_WRITE_SEEDS=DIR the target writes its seeds and exits), writing bytes, and the
// check that whole and windowed reads of a channel agree.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <unistd.h>

#include "io/source.hpp"

namespace scapredict::fuzz {

inline std::filesystem::path& scratch_dir() {
  static std::filesystem::path dir;
  return dir;
}

inline void remove_scratch_dir() {
  std::error_code ec;
  if (!scratch_dir().empty()) std::filesystem::remove_all(scratch_dir(), ec);
}

/// Makes "scapredict-fuzz-<name>-XXXXXX" in the temporary folder, removed at exit; with
/// SCAPREDICT_FUZZ_WRITE_SEEDS set, calls write_seeds(that folder) and exits.
inline void init_scratch(const std::string& name,
                         void (*write_seeds)(const std::filesystem::path& dir)) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / ("scapredict-fuzz-" + name + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) {
    std::perror(("fuzz_" + name + ": mkdtemp").c_str());
    std::abort();
  }
  scratch_dir() = pattern;
  std::atexit(remove_scratch_dir);
  if (const char* dir = std::getenv("SCAPREDICT_FUZZ_WRITE_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
}

inline bool write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

inline bool same(double a, double b) {
  return a == b || (std::isnan(a) && std::isnan(b));
}

/// Whole and windowed reads of one channel must agree, and a window past the end is refused.
inline void check_channel(const io::ChannelReader& r) {
  const std::int64_t n = std::min<std::int64_t>(r.info().n_samples, 1 << 14);
  const auto all = r.read_mv(0, n);
  if (static_cast<std::int64_t>(all.size()) != n) __builtin_trap();
  const std::int64_t windows[][2] = {
      {n / 2, n - n / 2}, {n / 3, n / 4}, {0, std::min<std::int64_t>(n, 1)}, {n, 0}};
  for (const auto& w : windows) {
    const auto part = r.read_mv(w[0], w[1]);
    if (static_cast<std::int64_t>(part.size()) != w[1]) __builtin_trap();
    for (std::int64_t i = 0; i < w[1]; ++i)
      if (!same(part[static_cast<std::size_t>(i)], all[static_cast<std::size_t>(w[0] + i)]))
        __builtin_trap();
  }
  bool threw = false;
  try {
    (void)r.read_mv(r.info().n_samples, 1);
  } catch (const io::IoError&) {
    threw = true;
  }
  if (!threw) __builtin_trap();
}

}  // namespace scapredict::fuzz

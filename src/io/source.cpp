#include "io/source.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>

namespace scapredict::io {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The first eight bytes of a file (fewer when it is shorter).
std::string magic_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  return std::string(magic, static_cast<std::size_t>(in.gcount()));
}

}  // namespace

RecordFormat detect_format(const fs::path& path) {
  std::error_code ec;
  if (path.extension() == ".hea" || !fs::is_regular_file(path, ec)) return RecordFormat::kWfdb;
  const std::string m = magic_of(path);
  if (m == "0       ") return RecordFormat::kEdf;
  if (m == "ISHNE1.0") return RecordFormat::kIshne;
  const auto ext = lower(path.extension().string());
  if (ext == ".edf" || ext == ".bdf") return RecordFormat::kEdf;
  if (ext == ".ecg" || ext == ".ishne") return RecordFormat::kIshne;
  return RecordFormat::kWfdb;
}

std::vector<fs::path> list_records(const fs::path& dir) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto& p = e.path();
    // Every *.hea is a record, whatever it turns out to be (a broken one is reported).
    if (p.extension() == ".hea") {
      found.push_back(p.parent_path() / p.stem());
      continue;
    }
    std::error_code e2;
    if (!e.is_regular_file(e2)) continue;
    const auto ext = lower(p.extension().string());
    if (ext == ".edf" || ext == ".bdf") {
      found.push_back(p);
      continue;
    }
    const auto m = magic_of(p);
    if (m == "0       " || m == "ISHNE1.0") found.push_back(p);
  }
  if (ec) throw IoError(dir.string() + ": cannot list the directory (" + ec.message() + ")");
  if (found.empty())
    throw IoError(dir.string() + ": no records in it (no .hea, EDF or ISHNE files)");
  std::sort(found.begin(), found.end());
  return found;
}

std::unique_ptr<ChannelReader> open_channel(const fs::path& path, const std::string& channel) {
  std::unique_ptr<ChannelReader> r;
  switch (detect_format(path)) {
    case RecordFormat::kEdf:
      r = open_edf_channel(path, channel);
      break;
    case RecordFormat::kIshne:
      r = open_ishne_channel(path, channel);
      break;
    case RecordFormat::kWfdb:
      r = open_wfdb_channel(path, channel);
      break;
  }
  const auto& i = r->info();
  if (!std::isfinite(i.fs_hz) || !(i.fs_hz > 0))
    throw IoError(i.source + ": sampling rate " + std::to_string(i.fs_hz) +
                  " Hz is not finite and positive");
  return r;
}

}  // namespace scapredict::io

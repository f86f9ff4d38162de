#include "common/atomic_file.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/cleanup.hpp"
#include "common/error.hpp"

namespace scapredict {
namespace fs = std::filesystem;

namespace {

// A fresh name beside `path` for a file being written: PATH.tmp.PID.N.
fs::path temporary_beside(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  fs::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  return tmp;
}

// `bytes` into the new file `tmp`, flushed; on failure `tmp` is removed and the Error names
// `path`, the file the user asked for.
void write_whole(const fs::path& tmp, std::span<const std::uint8_t> bytes, const fs::path& path) {
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw Error(path.string() + ": cannot create file");
  bool ok = bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = (std::fflush(f) == 0) && ok;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw Error(path.string() + ": write failed (disk full?)");
  }
}

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

void write_files_atomic(const std::vector<std::pair<fs::path, std::string>>& files) {
  std::vector<fs::path> staged;
  auto drop = [&] {
    for (const auto& p : staged) {
      std::error_code ec;
      fs::remove(p, ec);
      forget_unfinished(p);
    }
  };
  try {
    for (const auto& [path, text] : files) {
      std::error_code ec;
      if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
      staged.push_back(temporary_beside(path));
      note_unfinished(staged.back());
      write_whole(staged.back(), as_bytes(text), path);
    }
  } catch (...) {
    drop();
    throw;
  }
  std::string failed;
  {
    const auto lock = lock_unfinished();  // an interrupt removes the staged files before or after
    for (std::size_t i = 0; i < files.size() && failed.empty(); ++i) {
      std::error_code ec;
      fs::rename(staged[i], files[i].first, ec);
      if (ec) {
        for (std::size_t j = i; j < staged.size(); ++j) fs::remove(staged[j], ec);
        failed = files[i].first.string() + ": cannot rename temporary file into place";
      }
    }
  }
  for (const auto& p : staged) forget_unfinished(p);
  if (!failed.empty()) throw Error(failed);
}

void write_file_atomic(const fs::path& path, std::span<const std::uint8_t> bytes) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  const fs::path tmp = temporary_beside(path);
  note_unfinished(tmp);
  struct Forget {
    const fs::path& p;
    ~Forget() { forget_unfinished(p); }
  } forget{tmp};
  write_whole(tmp, bytes, path);
  {
    const auto lock = lock_unfinished();  // an interrupt removes tmp before or after, not during
    fs::rename(tmp, path, ec);
  }
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(path.string() + ": cannot rename temporary file into place");
  }
}

void write_file_atomic(const fs::path& path, std::string_view text) {
  write_file_atomic(path, std::span<const std::uint8_t>(
                              reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void check_writable(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw Error(path.string() + ": cannot write a file here, it is a directory");
  // Renaming a finished file over a device, a pipe or a socket would replace it, not write to it.
  const auto st = fs::symlink_status(path, ec);
  if (!ec && fs::exists(st) && !fs::is_regular_file(st) && !fs::is_symlink(st))
    throw Error(path.string() + ": exists and is not a regular file");
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec))
    throw Error(path.string() + ": cannot write here, its directory does not exist");
  fs::path probe = path;
  probe += ".tmp." + std::to_string(::getpid()) + ".probe";
  std::FILE* f = std::fopen(probe.c_str(), "wb");
  if (!f) throw Error(path.string() + ": cannot create a file in its directory");
  std::fclose(f);
  fs::remove(probe, ec);
}

void check_output_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw Error(dir.string() + ": exists and is not a directory");
    return;
  }
  for (fs::path p = dir.parent_path(); !p.empty(); p = p.parent_path()) {
    if (fs::exists(p, ec)) {
      if (!fs::is_directory(p, ec))
        throw Error(dir.string() + ": cannot be created, " + p.string() + " is not a directory");
      return;
    }
    if (p == p.parent_path()) break;
  }
}

void create_output_dir(const fs::path& dir) {
  check_output_dir(dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir.string() + ": cannot create directory (" + ec.message() + ")");
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void check_not_input(const std::filesystem::path& out,
                     const std::vector<std::filesystem::path>& inputs) {
  namespace fs = std::filesystem;
  for (const auto& in : inputs) {
    std::error_code e1, e2, e3;
    const bool same = fs::exists(out, e1) && fs::exists(in, e2)
                          ? fs::equivalent(out, in, e3)
                          : fs::weakly_canonical(out, e1) == fs::weakly_canonical(in, e2);
    if (same) throw Error(out.string() + ": is an input of this command; write elsewhere");
  }
}

}  // namespace scapredict

namespace scapredict {

StagedDir::StagedDir(std::filesystem::path out, const std::string& why) : out_(std::move(out)) {
  namespace fs = std::filesystem;
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  if (fs::exists(out_, ec) && !(fs::is_directory(out_, ec) && fs::is_empty(out_, ec)))
    throw Error(out_.string() + ": already exists and is not an empty directory; " + why);
  const fs::path parent = out_.has_parent_path() ? out_.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  if (ec || !fs::is_directory(parent))
    throw Error(out_.string() + ": cannot create its parent directory (" +
                (ec ? ec.message() : std::string("not a directory")) + ")");
  stage_ = parent / ("." + out_.filename().string() + ".staging." + std::to_string(::getpid()) +
                     "." + std::to_string(counter++));
  note_unfinished(stage_);
  if (!fs::create_directory(stage_, ec) || ec) {
    forget_unfinished(stage_);
    throw Error(out_.string() + ": cannot write beside it (" + ec.message() + ")");
  }
}

StagedDir::~StagedDir() {
  if (committed_) return;
  std::error_code ec;
  std::filesystem::remove_all(stage_, ec);
  forget_unfinished(stage_);
}

void StagedDir::commit() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(out_, ec) && fs::is_empty(out_, ec)) fs::remove(out_, ec);
  ec.clear();
  {
    const auto lock = lock_unfinished();  // an interrupt removes the stage before or after
    fs::rename(stage_, out_, ec);
  }
  if (ec) throw Error(out_.string() + ": cannot move the folder into place (" + ec.message() + ")");
  forget_unfinished(stage_);
  committed_ = true;
}

}  // namespace scapredict

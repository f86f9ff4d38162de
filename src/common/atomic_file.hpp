#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scapredict {

/// Writes `bytes` to `path` so that readers see either the old file or the complete new one:
/// the data goes to a temporary file in the same directory, is flushed, and is renamed over
/// `path`. Creates missing parent directories. Throws scapredict::Error naming the path.
void write_file_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);
void write_file_atomic(const std::filesystem::path& path, std::string_view text);

/// Writes several files so that all of them appear or none does: each goes to a temporary file
/// beside it, and only once every one is written whole are they renamed into place. A failure
/// while writing (a full disk) leaves every previous file as it was. Throws scapredict::Error
/// naming the file that failed.
void write_files_atomic(const std::vector<std::pair<std::filesystem::path, std::string>>& files);

/// Checks that `path` can be written (as write_file_atomic would: a temporary file beside it,
/// then a rename) without touching `path` itself. Throws scapredict::Error naming the path.
void check_writable(const std::filesystem::path& path);

/// Checks that `dir` is a directory or can be created as one (nothing in the way), without
/// creating it. Throws scapredict::Error naming the path.
void check_output_dir(const std::filesystem::path& dir);
/// Creates `dir` (and its parents) when missing. Throws scapredict::Error naming the path.
void create_output_dir(const std::filesystem::path& dir);

/// Checks that `out` is none of `inputs` (the same file, however named). Throws
/// scapredict::Error "OUT: is an input of this command" otherwise.
void check_not_input(const std::filesystem::path& out,
                     const std::vector<std::filesystem::path>& inputs);

/// A directory built aside and renamed into place: a fresh hidden folder beside `out`
/// (".NAME.staging.PID.N"), removed with its contents unless commit() moved it to `out`. `out`
/// must not exist or be an empty directory (else Error "OUT: already exists and is not an empty
/// directory; `why`").
class StagedDir {
 public:
  StagedDir(std::filesystem::path out, const std::string& why);
  ~StagedDir();
  StagedDir(const StagedDir&) = delete;
  StagedDir& operator=(const StagedDir&) = delete;
  const std::filesystem::path& path() const { return stage_; }
  /// Renames the folder to `out` (replacing an empty directory there). Throws Error.
  void commit();

 private:
  std::filesystem::path out_, stage_;
  bool committed_ = false;
};

/// Reads a whole file. Throws scapredict::Error naming the path when it cannot be opened.
std::string read_file(const std::filesystem::path& path);

}  // namespace scapredict

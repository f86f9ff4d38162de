#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace scapredict {

/// Writes `bytes` to `path` so that readers see either the old file or the complete new one:
/// the data goes to a temporary file in the same directory, is flushed, and is renamed over
/// `path`. Creates missing parent directories. Throws scapredict::Error naming the path.
void write_file_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);
void write_file_atomic(const std::filesystem::path& path, std::string_view text);

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

/// Reads a whole file. Throws scapredict::Error naming the path when it cannot be opened.
std::string read_file(const std::filesystem::path& path);

}  // namespace scapredict

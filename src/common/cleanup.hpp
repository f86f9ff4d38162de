#pragma once
// Work in progress that an interrupted process must not leave behind: the staging folders and
// temporary files of atomic_file.hpp register here while they exist. The library installs no
// signal handler; a program that wants its staging removed on SIGINT/SIGTERM calls
// remove_unfinished() from its handler's thread (apps/: cli_main.cpp).
#include <filesystem>
#include <mutex>

namespace scapredict {

/// Registers `path` (a file or a folder) as unfinished until forget_unfinished(path).
void note_unfinished(const std::filesystem::path& path);
void forget_unfinished(const std::filesystem::path& path);

/// Holds the registry's lock: while one is alive, remove_unfinished() waits, so a rename into
/// place and forgetting its staging path happen together.
std::unique_lock<std::mutex> lock_unfinished();

/// Removes every registered path (folders with their contents) and keeps the registry locked
/// for good, so nothing is registered or renamed into place afterwards: for a process about to
/// die of a signal. Returns how many paths were removed.
int remove_unfinished();

}  // namespace scapredict

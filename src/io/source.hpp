#pragma once
// One channel of a recording, read in stretches, whatever the file format (docs/formats.md):
// the format told by the file's first bytes, and the reader of that format (channel.hpp).
// Scoring reads records through this, a stretch at a time, so that memory does not grow with
// the record's length.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/channel.hpp"

namespace scapredict::io {

/// The file formats open_channel tells apart.
enum class RecordFormat { kWfdb, kEdf, kIshne };

/// The format of `path` by its first bytes: "0" and seven spaces is EDF/EDF+ (and BDF is refused
/// by the EDF reader), "ISHNE1.0" is ISHNE. A file named .edf/.bdf or .ecg/.ishne with other first
/// bytes goes to that format's reader (which refuses it, naming the file); anything else, or a
/// WFDB record name without a file of that exact name, is WFDB.
RecordFormat detect_format(const std::filesystem::path& path);

/// Opens one channel of a record: `channel` is an index ("0", "1", ...) or a channel label
/// (matched exactly, then case-insensitively). Throws IoError "<path>: <problem>" for an unknown
/// channel, a bad file, a channel in units that are not a voltage, or a rate that is not finite
/// and positive.
std::unique_ptr<ChannelReader> open_channel(const std::filesystem::path& path,
                                            const std::string& channel = "0");

/// The records in directory `dir`, in name order: every WFDB header (`NAME.hea` gives
/// `dir/NAME`, whatever it turns out to hold), every file named .edf/.bdf, and every other
/// regular file whose first bytes are EDF's or ISHNE's (not by name: "x.ecg" may be an
/// annotation file). Throws IoError naming `dir` when it cannot be listed or holds no record.
std::vector<std::filesystem::path> list_records(const std::filesystem::path& dir);

}  // namespace scapredict::io

#pragma once
// Downloads a PhysioNet database (sddb, nsrdb, mitdb) into OUT/<db>/, the layout
// data::load_cohort reads (docs/download.md).
//
//   net::DownloadOptions o;
//   o.database = "sddb";
//   o.out_dir = "data/physionet";            // files go to data/physionet/sddb/
//   o.progress = my_callback;                 // files done/total; the library prints nothing
//   net::DownloadResult r = net::download_database(o);
//
// Every file is checked against the database's SHA256SUMS.txt before it gets its final name; a
// file already present with the right checksum is not fetched again; an interrupted file is
// continued by byte range from "<file>.part" on the next run.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/progress.hpp"
#include "net/manifest.hpp"

namespace scapredict::net {

/// PhysioNet's file server: databases live under <base>/<db>/<version>/.
inline constexpr const char* kPhysioNetBaseUrl = "https://physionet.org/files/";
/// Environment variable that overrides the base URL of the command-line tool (a mirror, or a
/// local server in tests).
inline constexpr const char* kBaseUrlEnv = "SCAPREDICT_PHYSIONET_URL";

/// $SCAPREDICT_PHYSIONET_URL when set and not empty, else kPhysioNetBaseUrl.
std::string default_base_url();

struct DownloadOptions {
  std::string database;                      ///< "sddb", "nsrdb" or "mitdb"
  std::filesystem::path out_dir;             ///< the database goes to out_dir/<database>/
  std::string base_url = kPhysioNetBaseUrl;  ///< http:// or https:// only
  std::optional<std::size_t> max_records;    ///< only the first N records of RECORDS (N >= 1)
  long connect_timeout_s = 30;
  /// A transfer slower than low_speed_limit_bytes_per_s for low_speed_time_s fails as stalled.
  long low_speed_limit_bytes_per_s = 512;
  long low_speed_time_s = 60;
  long max_redirects = 5;
  std::uint64_t max_file_bytes = std::uint64_t{4} << 30;  ///< larger files are refused
  /// Files done/total ("download", unit "file"), and every few seconds a stage line with the
  /// bytes of a large file. May be empty.
  ProgressFn progress;
};

struct DownloadResult {
  std::filesystem::path dir;             ///< out_dir/<database>
  std::size_t records = 0;               ///< records in the written RECORDS
  std::size_t files_downloaded = 0;      ///< fetched (fully or resumed) and verified
  std::size_t files_resumed = 0;         ///< of those, continued from a .part file
  std::size_t files_present = 0;         ///< already there with the right checksum
  std::uint64_t bytes_downloaded = 0;    ///< bytes received for data files
  std::vector<std::string> not_offered;  ///< annotation files the database does not have
};

/// Downloads options.database into options.out_dir/<database>/: fetches SHA256SUMS.txt and
/// RECORDS (each at most kMaxManifestBytes; RECORDS checked against SHA256SUMS.txt when listed
/// there), then per record <rec>.hea, <rec>.dat and the annotation files the project uses
/// (DatabaseSpec::annotators, those SHA256SUMS.txt lists). Each file is received into
/// "<file>.part", checked, and renamed; RECORDS (only the records fetched) and SHA256SUMS.txt
/// are written last, so a folder with RECORDS is complete.
/// Requires: a known database, an http(s) base URL, max_records >= 1 when set.
/// Throws NetError "<url-or-file>: <problem>" for a bad option, an output that is not a
/// directory, an HTTP error (404, ...), a checksum mismatch (the bad file is removed), a
/// truncated or stalled transfer (the .part is kept for resuming), a write error, a hostile
/// manifest (names outside the folder, oversize). Files finished before an error stay.
DownloadResult download_database(const DownloadOptions& options);

}  // namespace scapredict::net

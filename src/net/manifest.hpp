#pragma once
// What a PhysioNet database download consists of, and the two manifest files that describe it:
// RECORDS (one record name a line) and SHA256SUMS.txt ("<64 hex digits>  <file>" a line).
// No network here: the parsers are fuzzed on their own (fuzz/fuzz_sha256sums.cpp), and the
// downloader (download.hpp) uses them.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace scapredict::net {

/// A download that cannot be done: bad URL or name, HTTP error, checksum mismatch, truncated or
/// stalled transfer, unwritable output. The message is one line, "<url-or-file>: <problem>".
class NetError : public Error {
 public:
  using Error::Error;
};

/// RECORDS and SHA256SUMS.txt are read into memory only up to this size.
inline constexpr std::size_t kMaxManifestBytes = std::size_t{1} << 20;
/// At most this many records, of at most this many characters each.
inline constexpr std::size_t kMaxRecords = 100000;
inline constexpr std::size_t kMaxNameChars = 200;

/// One PhysioNet database as the project uses it.
struct DatabaseSpec {
  std::string name;     ///< "sddb", "nsrdb", "mitdb"
  std::string version;  ///< "1.0.0"
  /// Annotation files fetched per record when SHA256SUMS.txt lists them (SDDB records have
  /// either .atr or .ari); .hea and .dat are always required.
  std::vector<std::string> annotators;
};

/// The databases `scapredict download` knows.
const std::vector<DatabaseSpec>& known_databases();

/// The spec of `name`. Throws NetError "<name>: unknown database (sddb, nsrdb, mitdb)".
const DatabaseSpec& find_database(std::string_view name);

/// Checks a base URL: http:// or https:// followed by a host, no spaces or control characters.
/// Returns it with exactly one trailing '/'. Throws NetError "<url>: ..." otherwise.
std::string normalise_base_url(std::string_view base_url);

/// "<base>/<db>/<version>/" for a normalised base URL.
std::string database_url(const DatabaseSpec& db, std::string_view base_url);

/// True for a name that is safe as a relative path below the output directory: 1 to
/// kMaxNameChars letters, digits, '_', '-', '/' (and '.' when `allow_dot`), no empty, "." or
/// ".." component, not starting or ending with '/'.
bool is_safe_relative_name(std::string_view name, bool allow_dot);

/// Parses RECORDS: one record name per line (blank lines and a trailing '\r' ignored). Every
/// name must pass is_safe_relative_name(name, false); no duplicates; at most kMaxRecords.
/// Throws NetError "<origin>: line N: ..." otherwise.
std::vector<std::string> parse_records(std::string_view text, std::string_view origin);

/// Parses SHA256SUMS.txt: lines "<64 hex digits><space>[<space>|*]<file name>" (sha256sum's
/// text and binary forms; blank lines ignored; a trailing '\r' ignored). Returns file name ->
/// lower-case hex digest. Names are only looked up, never used as paths, but must be 1 to
/// kMaxNameChars printable characters; a name listed twice with different digests is an
/// error. Throws NetError "<origin>: line N: ..." otherwise.
std::map<std::string, std::string> parse_sha256sums(std::string_view text, std::string_view origin);

/// One file of a download: its name relative to the database folder (also relative to the
/// database URL) and its expected SHA-256 (lower-case hex).
struct DownloadFile {
  std::string name;
  std::string sha256;
};

/// Everything one database download fetches, in order: RECORDS first, then per record its
/// .hea, .dat and the annotation files SHA256SUMS.txt lists.
struct DownloadPlan {
  std::string database;  ///< "sddb"
  std::string url;       ///< "<base>/sddb/1.0.0/"
  std::vector<std::string> records;
  std::vector<DownloadFile> files;  ///< RECORDS excluded (it is rewritten, see download.hpp)
  /// Annotation files not listed in SHA256SUMS.txt (not on the server), so not fetched.
  std::vector<std::string> not_offered;
};

/// Builds the plan for `records` (all of RECORDS, or its first few) from the checksums.
/// Throws NetError "<url>SHA256SUMS.txt: no checksum for <file>" when a .hea or .dat is not
/// listed.
DownloadPlan plan_download(const DatabaseSpec& db, std::string_view base_url,
                           const std::vector<std::string>& records,
                           const std::map<std::string, std::string>& sha256sums);

}  // namespace scapredict::net

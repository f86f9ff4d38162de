#include "net/download.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <system_error>

#include "common/atomic_file.hpp"
#include "net/sha256.hpp"
#include "scapredict/version.hpp"

namespace scapredict::net {
namespace fs = std::filesystem;

namespace {

/// One line of text from curl or the system: control characters replaced.
std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string mib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

void init_curl_once() {
  static std::once_flag once;
  static CURLcode rc = CURLE_OK;
  std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (rc != CURLE_OK) throw NetError(std::string("libcurl: ") + curl_easy_strerror(rc));
}

/// Where a transfer's bytes go: a bounded string (manifests) or a file (data files).
struct Sink {
  std::string* memory = nullptr;
  std::size_t memory_limit = 0;
  std::FILE* file = nullptr;
  std::uint64_t written = 0;
  bool too_large = false;
  int write_errno = 0;
  // Byte progress of a large file.
  const ProgressFn* progress = nullptr;
  std::string name;
  std::uint64_t resume_from = 0;
  std::chrono::steady_clock::time_point last_report = std::chrono::steady_clock::now();
};

extern "C" std::size_t write_cb(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t bytes = size * n;
  if (sink->memory != nullptr) {
    if (sink->memory->size() + bytes > sink->memory_limit) {
      sink->too_large = true;
      return 0;
    }
    sink->memory->append(data, bytes);
  } else {
    if (std::fwrite(data, 1, bytes, sink->file) != bytes) {
      sink->write_errno = errno == 0 ? EIO : errno;
      return 0;
    }
  }
  sink->written += bytes;
  return bytes;
}

extern "C" int xferinfo_cb(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t,
                           curl_off_t) {
  auto* sink = static_cast<Sink*>(user);
  if (sink->progress == nullptr || !*sink->progress) return 0;
  const auto now = std::chrono::steady_clock::now();
  if (now - sink->last_report < std::chrono::seconds(5)) return 0;
  sink->last_report = now;
  const auto done = sink->resume_from + static_cast<std::uint64_t>(dlnow);
  std::string detail = sink->name + ": " + mib(done);
  if (dltotal > 0) detail += " of " + mib(sink->resume_from + static_cast<std::uint64_t>(dltotal));
  (*sink->progress)(ProgressEvent{"download", "file", 0, 0, 0.0, detail});
  return 0;
}

/// The outcome of one request.
struct Transfer {
  CURLcode rc = CURLE_OK;
  long http_status = 0;
  std::string curl_message;
};

/// One libcurl easy handle, reused for every file of a database (connection reuse).
class Client {
 public:
  explicit Client(const DownloadOptions& o, const std::string& base_url) : options_(o) {
    init_curl_once();
    handle_ = curl_easy_init();
    if (handle_ == nullptr) throw NetError("libcurl: cannot create a handle");
    // A redirect may not leave https for http.
    redirect_protocols_ = base_url.starts_with("https://") ? "https" : "http,https";
    user_agent_ = std::string("scapredict/") + kVersion;
  }
  ~Client() { curl_easy_cleanup(handle_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Transfer get(const std::string& url, Sink& sink, std::uint64_t resume_from) {
    CURL* h = handle_;
    curl_easy_reset(h);
    errbuf_[0] = '\0';
    set(CURLOPT_URL, url.c_str());
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    set(CURLOPT_REDIR_PROTOCOLS_STR, redirect_protocols_.c_str());
    set(CURLOPT_FOLLOWLOCATION, 1L);
    set(CURLOPT_MAXREDIRS, options_.max_redirects);
    set(CURLOPT_FAILONERROR, 1L);
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_s);
    set(CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_limit_bytes_per_s);
    set(CURLOPT_LOW_SPEED_TIME, options_.low_speed_time_s);
    set(CURLOPT_USERAGENT, user_agent_.c_str());
    set(CURLOPT_ERRORBUFFER, errbuf_);
    set(CURLOPT_WRITEFUNCTION, write_cb);
    set(CURLOPT_WRITEDATA, static_cast<void*>(&sink));
    set(CURLOPT_NOPROGRESS, 0L);
    set(CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
    set(CURLOPT_XFERINFODATA, static_cast<void*>(&sink));
    set(CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(resume_from));
    const std::uint64_t max_bytes =
        sink.memory != nullptr ? sink.memory_limit : options_.max_file_bytes;
    set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
    Transfer t;
    t.rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &t.http_status);
    t.curl_message = one_line(errbuf_[0] != '\0' ? errbuf_ : curl_easy_strerror(t.rc));
    return t;
  }

 private:
  template <typename T>
  void set(CURLoption opt, T value) {
    const CURLcode rc = curl_easy_setopt(handle_, opt, value);
    if (rc != CURLE_OK) {
      throw NetError(std::string("libcurl: cannot set an option: ") + curl_easy_strerror(rc));
    }
  }

  const DownloadOptions& options_;
  CURL* handle_ = nullptr;
  std::string redirect_protocols_;
  std::string user_agent_;
  char errbuf_[CURL_ERROR_SIZE] = {};
};

/// Throws the one-line NetError for a failed transfer of `url` into `file` (may be empty).
[[noreturn]] void throw_transfer_error(const std::string& url, const fs::path& file,
                                       const Transfer& t, const Sink& sink, std::uint64_t limit) {
  switch (t.rc) {
    case CURLE_HTTP_RETURNED_ERROR:
      throw NetError(url + ": HTTP " + std::to_string(t.http_status) +
                     (t.http_status == 404 ? " not found" : ""));
    case CURLE_PARTIAL_FILE:
      throw NetError(url + ": truncated transfer after " + std::to_string(sink.written) +
                     " bytes (" + t.curl_message + "); run again to resume");
    case CURLE_OPERATION_TIMEDOUT:
      throw NetError(url + ": stalled or timed out after " + std::to_string(sink.written) +
                     " bytes (" + t.curl_message + "); run again to resume");
    case CURLE_FILESIZE_EXCEEDED:
      throw NetError(url + ": larger than " + std::to_string(limit) + " bytes");
    case CURLE_TOO_MANY_REDIRECTS:
      throw NetError(url + ": too many redirects (" + t.curl_message + ")");
    case CURLE_WRITE_ERROR:
      if (sink.too_large) throw NetError(url + ": larger than " + std::to_string(limit) + " bytes");
      if (sink.write_errno != 0) {
        throw NetError(file.string() + ": write failed (" + std::strerror(sink.write_errno) + ")");
      }
      break;
    default:
      break;
  }
  throw NetError(url + ": " + t.curl_message);
}

std::string fetch_manifest(Client& client, const std::string& url) {
  std::string text;
  Sink sink;
  sink.memory = &text;
  sink.memory_limit = kMaxManifestBytes;
  const Transfer t = client.get(url, sink, 0);
  if (t.rc != CURLE_OK) throw_transfer_error(url, {}, t, sink, kMaxManifestBytes);
  return text;
}

bool same_digest(const fs::path& path, const std::string& expected) {
  return sha256_file(path) == expected;
}

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

enum class FileOutcome { present, downloaded, resumed };

struct FileJob {
  std::string url;
  fs::path target;
  std::string sha256;
  std::string name;
};

/// Opens `part` for appending (resume) or truncating; throws NetError naming it.
std::FILE* open_part(const fs::path& part, bool append) {
  std::FILE* f = std::fopen(part.c_str(), append ? "ab" : "wb");
  if (f == nullptr) {
    throw NetError(part.string() + ": cannot write (" + std::strerror(errno) + ")");
  }
  return f;
}

/// Flushes, syncs and closes; throws NetError naming `part` on failure.
void close_part(std::FILE* f, const fs::path& part) {
  bool ok = std::fflush(f) == 0;
  int err = ok ? 0 : errno;
  if (ok && ::fsync(fileno(f)) != 0) {
    ok = false;
    err = errno;
  }
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) throw NetError(part.string() + ": write failed (" + std::strerror(err) + ")");
}

FileOutcome fetch_file(Client& client, const FileJob& job, const ProgressFn& progress,
                       std::uint64_t max_file_bytes, std::uint64_t& bytes) {
  std::error_code ec;
  if (fs::is_regular_file(job.target, ec)) {
    if (same_digest(job.target, job.sha256)) return FileOutcome::present;
    fs::remove(job.target, ec);  // not what the database holds: fetched again
  }
  fs::path part = job.target;
  part += ".part";
  std::uint64_t resume_from = 0;
  if (fs::is_regular_file(part, ec)) {
    if (same_digest(part, job.sha256)) {
      // Complete before an interruption, only the rename was missing.
      fs::rename(part, job.target, ec);
      if (ec) throw NetError(job.target.string() + ": cannot rename (" + ec.message() + ")");
      return FileOutcome::resumed;
    }
    resume_from = fs::file_size(part, ec);
    if (ec) resume_from = 0;
  }
  const bool resumed = resume_from > 0;
  for (int attempt = 0;; ++attempt) {
    std::FILE* f = open_part(part, resume_from > 0);
    Sink sink;
    sink.file = f;
    sink.progress = &progress;
    sink.name = job.name;
    sink.resume_from = resume_from;
    Transfer t;
    try {
      t = client.get(job.url, sink, resume_from);
    } catch (...) {
      std::fclose(f);
      throw;
    }
    bytes += sink.written;
    // libcurl lets a 416 on a resumed request pass as success with nothing written: the .part is
    // as long as the file or longer (junk, or a file that shrank). Start again from byte 0.
    if (t.rc == CURLE_OK && t.http_status == 416 && resume_from > 0 && attempt == 0) {
      std::fclose(f);
      resume_from = 0;
      continue;
    }
    if (t.rc == CURLE_OK) {
      close_part(f, part);
      break;
    }
    std::fclose(f);
    // A server that ignores the range (200 instead of 206) or finds it unsatisfiable (416):
    // start again from byte 0, the .part truncated; never append a whole file to a partial one.
    const bool range_refused =
        t.rc == CURLE_RANGE_ERROR || (t.rc == CURLE_HTTP_RETURNED_ERROR && t.http_status == 416);
    if (range_refused && resume_from > 0 && attempt == 0) {
      resume_from = 0;
      continue;
    }
    if (t.rc == CURLE_FILESIZE_EXCEEDED || t.rc == CURLE_HTTP_RETURNED_ERROR) remove_quietly(part);
    throw_transfer_error(job.url, part, t, sink, max_file_bytes);
  }
  const std::string got = sha256_file(part);
  if (got != job.sha256) {
    remove_quietly(part);
    throw NetError(job.url + ": checksum mismatch (SHA256SUMS.txt says " + job.sha256 +
                   ", received " + got + "); the file was removed");
  }
  fs::rename(part, job.target, ec);
  if (ec) throw NetError(job.target.string() + ": cannot rename (" + ec.message() + ")");
  return resumed ? FileOutcome::resumed : FileOutcome::downloaded;
}

/// out_dir/<db>, created; throws NetError when something that is not a directory is in the way.
fs::path prepare_dir(const fs::path& out_dir, const std::string& db) {
  if (out_dir.empty()) throw NetError("--out: empty output directory");
  std::error_code ec;
  for (const fs::path& p : {out_dir, out_dir / db}) {
    if (fs::exists(p, ec) && !fs::is_directory(p, ec)) {
      throw NetError(p.string() + ": not a directory");
    }
  }
  const fs::path dir = out_dir / db;
  fs::create_directories(dir, ec);
  if (ec) throw NetError(dir.string() + ": cannot create directory (" + ec.message() + ")");
  return dir;
}

}  // namespace

std::string default_base_url() {
  const char* env = std::getenv(kBaseUrlEnv);
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(kPhysioNetBaseUrl);
}

DownloadResult download_database(const DownloadOptions& o) {
  const DatabaseSpec& db = find_database(o.database);
  const std::string base = normalise_base_url(o.base_url);
  if (o.max_records && *o.max_records == 0) throw NetError("--records: must be at least 1");
  if (o.connect_timeout_s < 1 || o.low_speed_time_s < 1 || o.low_speed_limit_bytes_per_s < 1 ||
      o.max_redirects < 0) {
    throw NetError("download: timeouts and speed limits must be positive");
  }
  DownloadResult result;
  result.dir = prepare_dir(o.out_dir, db.name);
  const std::string db_url = database_url(db, base);
  const ProgressTracker stages(o.progress, "download", "file", 0);

  Client client(o, base);
  stages.stage(db_url + "SHA256SUMS.txt");
  const std::string sums_text = fetch_manifest(client, db_url + "SHA256SUMS.txt");
  const auto sums = parse_sha256sums(sums_text, db_url + "SHA256SUMS.txt");
  stages.stage(db_url + "RECORDS");
  const std::string records_text = fetch_manifest(client, db_url + "RECORDS");
  if (const auto it = sums.find("RECORDS");
      it != sums.end() && sha256_hex(records_text) != it->second) {
    throw NetError(db_url + "RECORDS: checksum mismatch (SHA256SUMS.txt says " + it->second +
                   ", received " + sha256_hex(records_text) + ")");
  }
  auto records = parse_records(records_text, db_url + "RECORDS");
  const bool limited = o.max_records && *o.max_records < records.size();
  if (limited) records.resize(*o.max_records);

  const DownloadPlan plan = plan_download(db, base, records, sums);
  result.not_offered = plan.not_offered;
  const ProgressTracker tracker(o.progress, "download", "file", plan.files.size());
  for (std::size_t i = 0; i < plan.files.size(); ++i) {
    const auto& file = plan.files[i];
    const fs::path target = result.dir / fs::path(file.name);
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      throw NetError(target.parent_path().string() + ": cannot create directory (" + ec.message() +
                     ")");
    }
    const FileJob job{plan.url + file.name, target, file.sha256, file.name};
    const FileOutcome outcome =
        fetch_file(client, job, o.progress, o.max_file_bytes, result.bytes_downloaded);
    switch (outcome) {
      case FileOutcome::present:
        ++result.files_present;
        break;
      case FileOutcome::resumed:
        ++result.files_resumed;
        ++result.files_downloaded;
        break;
      case FileOutcome::downloaded:
        ++result.files_downloaded;
        break;
    }
    tracker.report(i + 1, file.name + (outcome == FileOutcome::present ? ", already present" : ""));
  }

  // Last, so that a folder with RECORDS holds every record it lists.
  std::string listed;
  for (const auto& r : records) listed += r + "\n";
  write_file_atomic(result.dir / "SHA256SUMS.txt", sums_text);
  write_file_atomic(result.dir / "RECORDS", limited ? std::string_view(listed) : records_text);
  result.records = records.size();
  return result;
}

}  // namespace scapredict::net

#include "net/manifest.hpp"

#include <set>

namespace scapredict::net {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Calls fn(line_number, line) for every line, '\r' before '\n' removed.
template <typename Fn>
void for_each_line(std::string_view text, std::string_view origin, Fn&& fn) {
  if (text.size() > kMaxManifestBytes) {
    throw NetError(std::string(origin) + ": larger than " + std::to_string(kMaxManifestBytes) +
                   " bytes");
  }
  std::size_t number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(number, line);
  }
}

std::string at_line(std::string_view origin, std::size_t number) {
  return std::string(origin) + ": line " + std::to_string(number) + ": ";
}

/// The name shown in a message: printable ASCII only, at most 60 characters.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 60)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 60) out += "...";
  return "'" + out + "'";
}

}  // namespace

const std::vector<DatabaseSpec>& known_databases() {
  static const std::vector<DatabaseSpec> dbs = {
      {"sddb", "1.0.0", {"atr", "ari"}},
      {"nsrdb", "1.0.0", {"atr"}},
      {"mitdb", "1.0.0", {"atr"}},
  };
  return dbs;
}

const DatabaseSpec& find_database(std::string_view name) {
  for (const auto& db : known_databases()) {
    if (db.name == name) return db;
  }
  throw NetError(shown(name) + ": unknown database (sddb, nsrdb, mitdb)");
}

std::string normalise_base_url(std::string_view base_url) {
  const std::string shown_url = shown(base_url);
  std::string_view rest;
  if (base_url.starts_with("https://")) {
    rest = base_url.substr(8);
  } else if (base_url.starts_with("http://")) {
    rest = base_url.substr(7);
  } else {
    throw NetError(shown_url + ": not an http:// or https:// URL");
  }
  if (base_url.size() > 1000) throw NetError(shown_url + ": URL too long");
  for (char c : base_url) {
    if (c <= 0x20 || c >= 0x7f) {
      throw NetError(shown_url + ": URL has a space or a control or non-ASCII character");
    }
  }
  if (rest.empty() || rest.front() == '/') throw NetError(shown_url + ": URL has no host");
  std::string url(base_url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/";
}

std::string database_url(const DatabaseSpec& db, std::string_view base_url) {
  return normalise_base_url(base_url) + db.name + "/" + db.version + "/";
}

bool is_safe_relative_name(std::string_view name, bool allow_dot) {
  if (name.empty() || name.size() > kMaxNameChars) return false;
  for (char c : name) {
    if (!(is_alnum(c) || c == '_' || c == '-' || c == '/' || (allow_dot && c == '.'))) {
      return false;
    }
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto end = std::min(name.find('/', start), name.size());
    const auto part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

std::vector<std::string> parse_records(std::string_view text, std::string_view origin) {
  std::vector<std::string> records;
  std::set<std::string, std::less<>> seen;
  for_each_line(text, origin, [&](std::size_t number, std::string_view line) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty()) return;
    if (!is_safe_relative_name(line, false)) {
      throw NetError(at_line(origin, number) + "record name " + shown(line) +
                     " is not letters, digits, '_', '-' and '/' below the database folder");
    }
    if (!seen.insert(std::string(line)).second) {
      throw NetError(at_line(origin, number) + "record " + shown(line) + " listed twice");
    }
    if (records.size() == kMaxRecords) {
      throw NetError(at_line(origin, number) + "more than " + std::to_string(kMaxRecords) +
                     " records");
    }
    records.emplace_back(line);
  });
  if (records.empty()) throw NetError(std::string(origin) + ": no records listed");
  return records;
}

std::map<std::string, std::string> parse_sha256sums(std::string_view text,
                                                    std::string_view origin) {
  std::map<std::string, std::string> sums;
  for_each_line(text, origin, [&](std::size_t number, std::string_view line) {
    if (line.empty()) return;
    if (line.size() < 66) {
      throw NetError(at_line(origin, number) + "not '<64 hex digits>  <file>'");
    }
    std::string digest;
    for (char c : line.substr(0, 64)) {
      if (!is_hex(c)) {
        throw NetError(at_line(origin, number) + "checksum is not 64 hex digits");
      }
      digest += lower(c);
    }
    if (line[64] != ' ' || (line[65] != ' ' && line[65] != '*')) {
      throw NetError(at_line(origin, number) + "not '<64 hex digits>  <file>'");
    }
    const std::string_view name = line.substr(66);
    if (name.empty() || name.size() > kMaxNameChars) {
      throw NetError(at_line(origin, number) + "file name empty or longer than " +
                     std::to_string(kMaxNameChars) + " characters");
    }
    for (char c : name) {
      if (c < 0x20 || c == 0x7f) {
        throw NetError(at_line(origin, number) + "file name has a control character");
      }
    }
    const auto [it, inserted] = sums.emplace(std::string(name), digest);
    if (!inserted && it->second != digest) {
      throw NetError(at_line(origin, number) + shown(name) +
                     " listed twice with different checksums");
    }
  });
  return sums;
}

DownloadPlan plan_download(const DatabaseSpec& db, std::string_view base_url,
                           const std::vector<std::string>& records,
                           const std::map<std::string, std::string>& sha256sums) {
  DownloadPlan plan;
  plan.database = db.name;
  plan.url = database_url(db, base_url);
  plan.records = records;
  for (const auto& rec : records) {
    if (!is_safe_relative_name(rec, false)) {
      throw NetError(plan.url + "RECORDS: record name " + shown(rec) + " is not safe");
    }
    for (const char* ext : {"hea", "dat"}) {
      const std::string name = rec + "." + ext;
      const auto it = sha256sums.find(name);
      if (it == sha256sums.end()) {
        throw NetError(plan.url + "SHA256SUMS.txt: no checksum for " + name);
      }
      plan.files.push_back({name, it->second});
    }
    for (const auto& ann : db.annotators) {
      const std::string name = rec + "." + ann;
      const auto it = sha256sums.find(name);
      if (it == sha256sums.end()) {
        plan.not_offered.push_back(name);
      } else {
        plan.files.push_back({name, it->second});
      }
    }
  }
  return plan;
}

}  // namespace scapredict::net

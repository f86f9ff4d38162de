#pragma once
// The search journal on disk (docs/search.md): what was evaluated, appended trial by trial, read
// back to resume. Internal to search.cpp; its line parser is search_journal.hpp.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "common/workers.hpp"
#include "eval/search/search.hpp"
#include "eval/search/search_journal.hpp"

namespace scapredict::eval::search_detail {

// The journal: one JSON object per line, the first naming the search's settings. One process
// appends to the journal itself; under several processes each appends to its own
// "<journal>.rank<N>", every process reads them all, and at the end the first process writes the
// whole journal and removes the others' files (so a run resumes with any number of processes).
class Journal {
 public:
  Journal(std::filesystem::path path, nlohmann::json key, const Workers& w)
      : path_(std::move(path)), key_(key.dump()) {
    if (path_.empty()) return;
    own_ = w.size() == 1 ? path_ : rank_file(w.rank());
    read(path_);
    std::error_code ec;
    const auto dir = path_.parent_path().empty() ? std::filesystem::path(".") : path_.parent_path();
    const std::string prefix = path_.filename().string() + ".rank";
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      const auto name = e.path().filename().string();
      if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
          name.find_first_not_of("0123456789", prefix.size()) == std::string::npos) {
        rank_files_.push_back(e.path());
        read(e.path());
      }
    }
  }
  // The journal's score of this trial, and the seconds it took, when its point and its
  // candidate are the same.
  std::optional<std::pair<double, double>> find(const Trial& t) const {
    auto it = entries_.find({to_string(t.method), t.outer_fold, t.index});
    if (it == entries_.end()) return std::nullopt;
    const auto& [u, candidate, score, seconds] = it->second;
    if (u != t.u || candidate != t.candidate.to_json().dump()) return std::nullopt;
    return std::make_pair(score, seconds);
  }
  void append(const Trial& t) {
    if (path_.empty()) return;
    std::ofstream out(own_, std::ios::app);
    if (!own_has_header_) {
      out << header() << "\n";
      own_has_header_ = true;
    }
    out << line(t) << "\n";
    out.flush();
    if (!out) throw Error(own_.string() + ": cannot write the journal");
  }
  // After a run of several processes (or one that read their files): the whole journal in one
  // file, written by the first process once all have finished.
  void consolidate(const std::vector<Trial>& trials, const Workers& w) {
    if (path_.empty() || !w.root() || (w.size() == 1 && rank_files_.empty())) return;
    std::string text = header() + "\n";
    for (const auto& t : trials) text += line(t) + "\n";
    write_file_atomic(path_, text);
    std::error_code ec;
    for (const auto& f : rank_files_) std::filesystem::remove(f, ec);
    for (int r = 0; r < w.size(); ++r) std::filesystem::remove(rank_file(r), ec);
  }

 private:
  std::filesystem::path rank_file(int rank) const {
    return std::filesystem::path(path_.string() + ".rank" + std::to_string(rank));
  }
  std::string header() const { return journal_header(key_); }
  static std::string line(const Trial& t) {
    return nlohmann::json{{"method", to_string(t.method)},
                          {"outer", t.outer_fold},
                          {"index", t.index},
                          {"u", t.u},
                          {"candidate", t.candidate.to_json()},
                          {"inner_auroc", t.inner_auroc},
                          {"seconds", t.seconds}}
        .dump();
  }
  // Reads one journal file. Only a file that starts with this search's header line is read; the
  // file this process appends to then loses a last line cut by a kill, so that the next line
  // starts on a line of its own (the others' cut lines are only skipped). Anything else is
  // refused before it is touched.
  void read(const std::filesystem::path& file) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (!std::filesystem::exists(status)) return;
    if (!std::filesystem::is_regular_file(status))
      throw Error(file.string() + ": not a regular file; --journal names a file");
    if (std::filesystem::file_size(file, ec) > kMaxJournalBytes)
      throw Error(file.string() + ": over 1 GiB; not a journal of this search");
    std::string text;
    {
      std::ifstream in(file, std::ios::binary);
      if (!in) throw Error(file.string() + ": cannot read the journal");
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    const auto parsed = parse_journal(text, key_, kSearchDims, file.string());
    if (parsed.keep_bytes != text.size() && file == own_)
      truncate(file, text.substr(0, parsed.keep_bytes));
    if (file == own_ && parsed.keep_bytes > 0) own_has_header_ = true;
    for (const auto& e : parsed.entries) {
      SearchPoint u{};
      std::copy(e.u.begin(), e.u.end(), u.begin());
      entries_[{e.method, e.outer, e.index}] = {u, e.candidate, e.inner_auroc, e.seconds};
    }
  }

  static void truncate(const std::filesystem::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw Error(file.string() + ": cannot write the journal");
  }
  static constexpr std::uintmax_t kMaxJournalBytes = std::uintmax_t{1} << 30;

  std::filesystem::path path_, own_;
  std::string key_;
  bool own_has_header_ = false;
  std::vector<std::filesystem::path> rank_files_;
  std::map<std::tuple<std::string, int, int>, std::tuple<SearchPoint, std::string, double, double>>
      entries_;
};

}  // namespace scapredict::eval::search_detail

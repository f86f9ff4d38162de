#include "eval/search/search_journal.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/json_number.hpp"

namespace scapredict::eval {

std::string journal_header(const std::string& key) {
  return nlohmann::json{{"search", nlohmann::json::parse(key)}}.dump();
}

JournalText parse_journal(std::string_view text, const std::string& key, std::size_t dims,
                          const std::string& file) {
  JournalText out;
  if (text.empty()) return out;
  const auto first_end = text.find('\n');
  if (first_end == std::string_view::npos) {
    // Only a header cut by a kill may stand alone without a newline.
    const auto header = journal_header(key);
    if (text.size() > header.size() || header.compare(0, text.size(), text) != 0)
      throw Error(file +
                  ": not a journal of this search (a file of another kind, or another search's "
                  "journal); name another --journal");
    return out;
  }
  const auto first = nlohmann::json::parse(text.substr(0, first_end), nullptr, false);
  if (first.is_discarded() || !first.is_object() || !first.contains("search") ||
      first.at("search").dump() != key)
    throw Error(file +
                ": a journal of another search (different data or settings); name another "
                "--journal");
  out.keep_bytes = text.rfind('\n') + 1;
  std::size_t pos = first_end + 1;
  while (pos < out.keep_bytes) {
    const auto end = text.find('\n', pos);
    const auto line = text.substr(pos, end - pos);
    pos = end + 1;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    try {
      JournalEntry e;
      e.method = j.at("method").get<std::string>();
      e.outer = json_integer<int>(j, "outer");
      e.index = json_integer<int>(j, "index");
      e.u = j.at("u").get<std::vector<double>>();
      e.candidate = j.at("candidate").dump();
      e.inner_auroc = j.at("inner_auroc").get<double>();
      e.seconds = j.value("seconds", 0.0);
      if (e.u.size() != dims || !std::isfinite(e.inner_auroc) || !std::isfinite(e.seconds))
        continue;
      out.entries.push_back(std::move(e));
    } catch (const nlohmann::json::exception&) {
      continue;  // a line of another shape: evaluated again
    }
  }
  return out;
}

}  // namespace scapredict::eval

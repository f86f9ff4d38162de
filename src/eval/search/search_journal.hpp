#pragma once
// The text of a search journal (docs/search.md): a header line naming the search's settings, then
// one JSON object per evaluated trial. Parsing needs neither LibTorch nor the search, so the
// parser is fuzzed alone (fuzz/fuzz_journal.cpp).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace scapredict::eval {

/// One trial as a journal line holds it.
struct JournalEntry {
  std::string method;
  int outer = 0, index = 0;
  std::vector<double> u;  ///< the point, `dims` coordinates
  std::string candidate;  ///< the candidate's JSON, as dumped
  double inner_auroc = 0;
  double seconds = 0;
};

struct JournalText {
  /// Bytes of `text` that are whole lines of this search's journal: a last line cut by a kill is
  /// not among them, nor is a header cut before its end.
  std::size_t keep_bytes = 0;
  std::vector<JournalEntry> entries;  ///< in file order (a later line of a trial wins)
};

/// The journal's header line for a search whose settings dump to `key`.
std::string journal_header(const std::string& key);

/// Parses a journal's text. Empty text, or the start of this search's header cut by a kill, is a
/// fresh journal. Otherwise the first line must be the header of `key`; trial lines of another
/// shape (or with other than `dims` coordinates, or numbers that are not finite) are skipped.
/// Throws Error naming `file` for text that is not a journal of this search.
JournalText parse_journal(std::string_view text, const std::string& key, std::size_t dims,
                          const std::string& file);

}  // namespace scapredict::eval

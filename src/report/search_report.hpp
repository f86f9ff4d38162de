#pragma once
// SEARCH.md and search.json of `scapredict search` (docs/search.md).
#include <filesystem>
#include <string>

#include "eval/search/search.hpp"

namespace scapredict::report {

/// The markdown: data source first, the outer-fold results of every method, the candidates they
/// chose, the budget and the time.
std::string search_markdown(const eval::SearchResult& r);

/// Writes SEARCH.md and search.json into `out` (each written aside and renamed into place).
void write_search_report(const eval::SearchResult& r, const std::filesystem::path& out);

}  // namespace scapredict::report

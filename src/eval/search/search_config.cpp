// The search's settings, candidates and results as JSON (search.json), and the decoding of a
// point of the search space into a network (docs/search.md).
#include <cmath>

#include "eval/search/search.hpp"
#include "scapredict/version.hpp"

namespace scapredict::eval {

nlohmann::json Candidate::to_json() const {
  return {
      {"cnn", cnn.to_json()}, {"learning_rate", learning_rate}, {"epochs", epochs}, {"bins", bins}};
}

Candidate Candidate::paper(const RunConfig& run) {
  Candidate c;
  c.epochs = run.epochs;
  return c;
}

Candidate decode(const SearchPoint& u) {
  auto pick = [](double v, int n) { return std::clamp(static_cast<int>(v * n), 0, n - 1); };
  static constexpr int kFilters[] = {4, 8, 12, 16, 24, 32};
  static constexpr int kPools[] = {1, 2, 4};
  static constexpr std::size_t kBins[] = {256, 512, 1024, 2048};
  Candidate c;
  c.cnn.filters = kFilters[pick(u[0], 6)];
  c.cnn.kernel = 2 + pick(u[1], 15);
  c.cnn.stride = 1 + pick(u[2], c.cnn.kernel);
  c.cnn.pool = kPools[pick(u[3], 3)];
  c.cnn.dense = static_cast<int>(std::lround(8 * std::pow(16.0, std::clamp(u[4], 0.0, 1.0))));
  c.cnn.dropout = 0.5 * std::clamp(u[5], 0.0, 1.0);
  c.learning_rate = std::pow(10.0, -4 + 2 * std::clamp(u[6], 0.0, 1.0));
  c.epochs = 5 + pick(u[7], 36);
  c.bins = kBins[pick(u[8], 4)];
  return c;
}

std::string to_string(SearchMethod m) {
  switch (m) {
    case SearchMethod::kBayes:
      return "bo";
    case SearchMethod::kRandom:
      return "random";
    case SearchMethod::kDlib:
      return "dlib";
    case SearchMethod::kPaper:
      return "paper";
  }
  return "?";
}

SearchMethod parse_search_method(const std::string& s) {
  for (auto m :
       {SearchMethod::kBayes, SearchMethod::kRandom, SearchMethod::kDlib, SearchMethod::kPaper})
    if (to_string(m) == s) return m;
  throw Error("unknown search method '" + s + "' (bo, random, dlib, paper)");
}

nlohmann::json SearchConfig::to_json() const {
  nlohmann::json ms = nlohmann::json::array();
  for (auto m : methods) ms.push_back(to_string(m));
  return {{"methods", ms},
          {"trials", trials},
          {"outer_folds", outer_folds},
          {"inner_folds", inner_folds},
          {"initial_random", initial_random}};
}

void SearchConfig::validate() const {
  if (methods.empty()) throw Error("search: no method");
  if (trials < 1 || trials > 10000) throw Error("search: trials must be 1 to 10000");
  if (outer_folds < 2 || outer_folds > 50) throw Error("search: outer folds must be 2 to 50");
  if (inner_folds < 2 || inner_folds > 50) throw Error("search: inner folds must be 2 to 50");
  if (initial_random < 1 || initial_random > trials)
    throw Error("search: the initial random trials must be 1 to trials");
  for (std::size_t i = 0; i < methods.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (methods[i] == methods[k])
        throw Error("--method: " + to_string(methods[i]) + " given twice");
}

nlohmann::json SearchResult::to_json() const {
  nlohmann::json ms = nlohmann::json::array();
  for (const auto& m : methods) {
    nlohmann::json folds = nlohmann::json::array();
    for (const auto& f : m.folds)
      folds.push_back({{"fold", f.fold},
                       {"chosen", f.chosen.to_json()},
                       {"inner_auroc", f.inner_auroc},
                       {"outer_auroc", f.outer_auroc},
                       {"outer_accuracy", f.outer_accuracy},
                       {"test_patients", f.test_patients},
                       {"test_minutes", f.test_minutes}});
    ms.push_back({{"method", to_string(m.method)},
                  {"outer_auroc", stats::to_json(m.outer_auroc)},
                  {"outer_accuracy", stats::to_json(m.outer_accuracy)},
                  {"folds", folds},
                  {"seconds", m.seconds},
                  {"trials_evaluated", m.trials_evaluated},
                  {"trials_from_journal", m.trials_from_journal}});
  }
  nlohmann::json ts = nlohmann::json::array();
  for (const auto& t : trials)
    ts.push_back({{"method", to_string(t.method)},
                  {"outer", t.outer_fold},
                  {"index", t.index},
                  {"candidate", t.candidate.to_json()},
                  {"inner_auroc", t.inner_auroc},
                  {"seconds", t.seconds},
                  {"from_journal", t.from_journal}});
  auto protocol_json = protocol.to_json();
  protocol_json["seed"] = run.seed;
  return {{"data_source", data_source},
          {"simulated", simulated},
          {"scapredict_version", kVersion},
          {"protocol", protocol_json},
          {"run", run.to_json()},
          {"search", config.to_json()},
          {"patients", {{"scd", scd_patients}, {"normal", normal_patients}}},
          {"minutes", minutes},
          {"methods", ms},
          {"trials", ts},
          {"seconds", seconds}};
}

}  // namespace scapredict::eval

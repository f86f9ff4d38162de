#pragma once
// The paper's Bayesian architecture search, nested and patient-disjoint (docs/search.md): inner
// folds score candidates, outer folds report. Compared at the same budget of trials with random
// search, dlib's find_max_global and the paper's fixed network.
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "common/run_config.hpp"
#include "data/cohort.hpp"
#include "data/protocol.hpp"
#include "model/classifier.hpp"
#include "stats/metrics.hpp"

namespace scapredict::eval {

/// The dimensions searched, each coded in [0, 1] (decode() gives the values).
inline constexpr std::size_t kSearchDims = 9;
using SearchPoint = std::array<double, kSearchDims>;

/// One CNN and its training: the network's shape, learning rate, epochs and DFT bins.
struct Candidate {
  model::CnnSpec cnn;
  double learning_rate = 1e-3;
  int epochs = 40;
  std::size_t bins = 1024;
  nlohmann::json to_json() const;
  /// The paper's network and training (epochs from the run).
  static Candidate paper(const RunConfig& run);
};

/// filters {4, 8, 12, 16, 24, 32}; kernel 2-16; stride 1-kernel; pool {1, 2, 4}; dense 8-128
/// (log scale); dropout 0-0.5; learning rate 1e-4-1e-2 (log); epochs 5-40; bins {256, 512, 1024,
/// 2048}.
Candidate decode(const SearchPoint& u);

enum class SearchMethod { kBayes, kRandom, kDlib, kPaper };
std::string to_string(SearchMethod m);
/// "bo", "random", "dlib", "paper"; throws Error otherwise.
SearchMethod parse_search_method(const std::string& s);

struct SearchConfig {
  std::vector<SearchMethod> methods = {SearchMethod::kBayes, SearchMethod::kRandom,
                                       SearchMethod::kDlib, SearchMethod::kPaper};
  int trials = 30;         ///< per method and outer fold (the paper's network: 1)
  int outer_folds = 3;     ///< patient-disjoint, stratified by group
  int inner_folds = 2;     ///< within each outer fold's training patients
  int initial_random = 8;  ///< Bayesian optimisation: uniform trials before the surrogate leads
  std::filesystem::path journal;  ///< JSON lines of every trial (resumable); empty: none
  nlohmann::json to_json() const;
  /// Throws Error for values out of range.
  void validate() const;
};

/// One evaluated candidate.
struct Trial {
  SearchMethod method = SearchMethod::kBayes;
  int outer_fold = 0, index = 0;
  SearchPoint u{};
  Candidate candidate;
  double inner_auroc = 0;  ///< mean over the inner folds
  double seconds = 0;
  bool from_journal = false;
};

struct OuterFold {
  int fold = 0;
  Candidate chosen;
  double inner_auroc = 0;
  double outer_auroc = 0, outer_accuracy = 0;  ///< the chosen candidate retrained, on the fold
  int test_patients = 0, test_minutes = 0;
};

struct MethodResult {
  SearchMethod method = SearchMethod::kBayes;
  std::vector<OuterFold> folds;
  stats::MeanCi outer_auroc, outer_accuracy;
  double seconds = 0;
  int trials_evaluated = 0, trials_from_journal = 0;
};

struct SearchResult {
  std::string data_source;
  bool simulated = false;
  RunConfig run;
  data::ProtocolConfig protocol;
  SearchConfig config;
  int scd_patients = 0, normal_patients = 0, minutes = 0;
  std::vector<MethodResult> methods;
  std::vector<Trial> trials;
  double seconds = 0;
  nlohmann::json to_json() const;
};

/// Every patient's training minutes of the protocol (plan_all_patients: SCD minutes 1..
/// train_minutes before onset, normal random minutes) split into outer folds by patient; each
/// method searches on the outer training patients' inner folds and the best candidate, retrained
/// on all of them, is scored on the outer fold's patients. Deterministic in run.seed; a journal
/// from an interrupted run with the same settings is replayed instead of re-evaluated. Progress:
/// task "search", one event per trial.
SearchResult run_search(const data::Cohort& cohort, const data::ProtocolConfig& protocol,
                        const RunConfig& run, const SearchConfig& config,
                        const ProgressFn& progress = {});

}  // namespace scapredict::eval

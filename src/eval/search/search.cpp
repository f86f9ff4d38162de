#include "eval/search/search.hpp"

#include <dlib/global_optimization.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <tuple>

#include "common/atomic_file.hpp"
#include "common/json_number.hpp"
#include "common/workers.hpp"
#include "data/minutes.hpp"
#include "eval/search/journal_file.hpp"
#include "eval/search/search_journal.hpp"
#include "scapredict/version.hpp"
#include "stats/gp.hpp"
#include "train/experiment.hpp"

namespace scapredict::eval {

using search_detail::Journal;

namespace {

// Every patient's labelled minutes, with their features cached per bin count.
struct Pool {
  data::PreparedMinutes pm;
  std::vector<data::MinuteRef> refs;
  std::vector<int> patient_of;                 // refs[i] belongs to patients[patient_of[i]]
  std::vector<std::pair<bool, int>> patients;  // (SCD?, index in the cohort's list)
  std::map<std::size_t, std::vector<std::vector<float>>> by_bins;

  const std::vector<std::vector<float>>& x(std::size_t bins) {
    auto it = by_bins.find(bins);
    if (it != by_bins.end()) return it->second;
    features::FeatureConfig f;
    f.bins = bins;
    return by_bins.emplace(bins, train::make_dataset(pm, refs, f).x).first->second;
  }
};

// Patients into k folds, each group (SCD, normal) shuffled on its own: fold i % k.
std::vector<int> assign_folds(const Pool& pool, const std::vector<int>& subset, int k,
                              std::uint64_t seed) {
  std::vector<int> fold(pool.patients.size(), -1);
  std::mt19937_64 rng(seed);
  for (bool scd : {true, false}) {
    std::vector<int> group;
    for (int p : subset)
      if (pool.patients[static_cast<std::size_t>(p)].first == scd) group.push_back(p);
    std::shuffle(group.begin(), group.end(), rng);
    for (std::size_t i = 0; i < group.size(); ++i)
      fold[static_cast<std::size_t>(group[i])] = static_cast<int>(i % static_cast<std::size_t>(k));
  }
  return fold;
}

struct Scores {
  double auroc = 0.5, accuracy = 0;
  int minutes = 0;
};

// Trains `c` on the minutes of patients `train` and scores those of `test`.
Scores fit_and_score(Pool& pool, const Candidate& c, const std::vector<char>& train,
                     const std::vector<char>& test, std::uint64_t seed) {
  const auto& x = pool.x(c.bins);
  model::Dataset tr, te;
  for (std::size_t i = 0; i < pool.refs.size(); ++i) {
    const auto p = static_cast<std::size_t>(pool.patient_of[i]);
    auto* d = train[p] ? &tr : test[p] ? &te : nullptr;
    if (!d) continue;
    d->x.push_back(x[i]);
    d->y.push_back(pool.refs[i].scd ? 1 : 0);
  }
  Scores s;
  s.minutes = static_cast<int>(te.x.size());
  if (tr.x.empty() || te.x.empty()) return s;
  model::TrainConfig tc;
  tc.epochs = c.epochs;
  tc.learning_rate = c.learning_rate;
  tc.seed = seed;
  tc.cnn = c.cnn;
  features::FeatureConfig f;
  f.bins = c.bins;
  try {
    const auto clf = model::Classifier::train(tr, model::Arch::kCnn1d, f, tc);
    const auto p = clf.predict_proba(te.x);
    const double a = stats::auroc(p, te.y);
    s.auroc = std::isfinite(a) ? a : 0.5;
    int right = 0;
    for (std::size_t i = 0; i < p.size(); ++i) right += (p[i] >= 0.5) == (te.y[i] == 1);
    s.accuracy = static_cast<double>(right) / static_cast<double>(p.size());
  } catch (const engine::ModelError&) {  // a shape this input cannot take: the worst score
    s.auroc = 0;
  }
  return s;
}

// The paper's network is one fixed point; its "u" marks it in the journal.
constexpr double kPaperMark = -1;

}  // namespace

namespace {

// Every patient's training minutes of the protocol (plan_all_patients), grouped by patient.
Pool make_pool(const data::Cohort& cohort, const data::ProtocolConfig& protocol,
               const RunConfig& run, SearchResult& res) {
  Pool pool;
  pool.pm = data::read_plans(cohort, protocol, run, {data::plan_all_patients(cohort, protocol)});
  pool.refs = pool.pm.plans.at(0).train;
  std::map<std::pair<bool, int>, int> index;
  for (const auto& r : pool.refs) {
    const auto key = std::make_pair(r.scd, r.patient);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, static_cast<int>(pool.patients.size())).first;
      pool.patients.push_back(key);
      (r.scd ? res.scd_patients : res.normal_patients) += 1;
    }
    pool.patient_of.push_back(it->second);
  }
  res.minutes = static_cast<int>(pool.refs.size());
  return pool;
}

// FNV-1a over every minute's key and samples: the journal's key names the data, not only its
// description.
std::string minutes_hash(const Pool& pool) {
  std::uint64_t h = 1469598103934665603ull;
  for (const auto& [k, samples] : pool.pm.minutes) {
    for (char ch : k) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
    for (double v : samples) {
      std::uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      h = (h ^ bits) * 1099511628211ull;
    }
  }
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(h));
  return hash;
}

using Evaluate = std::function<double(const SearchPoint&, const Candidate&)>;

// The points `method` proposes in outer fold `fold`, each handed to `evaluate` in turn.
void propose(SearchMethod method, int fold, const SearchConfig& config, const RunConfig& run,
             const Evaluate& evaluate) {
  std::mt19937_64 rng(run.seed * 1000003ull + 101ull * static_cast<std::uint64_t>(fold) +
                      static_cast<std::uint64_t>(method));
  std::uniform_real_distribution<double> uni(0, 1);
  auto random_point = [&] {
    SearchPoint u{};
    for (auto& v : u) v = uni(rng);
    return u;
  };
  switch (method) {
    case SearchMethod::kPaper: {
      SearchPoint u{};
      u.fill(kPaperMark);
      evaluate(u, Candidate::paper(run));
      break;
    }
    case SearchMethod::kRandom:
      for (int i = 0; i < config.trials; ++i) {
        const auto u = random_point();
        evaluate(u, decode(u));
      }
      break;
    case SearchMethod::kBayes: {
      std::vector<std::vector<double>> xs;
      std::vector<double> ys;
      for (int i = 0; i < config.trials; ++i) {
        SearchPoint u{};
        if (i < std::max(2, config.initial_random)) {  // the surrogate needs two points
          u = random_point();
        } else {
          const stats::GaussianProcess gp(xs, ys);
          const auto p = stats::maximise_expected_improvement(gp, xs, ys, rng());
          std::copy(p.begin(), p.end(), u.begin());
        }
        ys.push_back(evaluate(u, decode(u)));
        xs.emplace_back(u.begin(), u.end());
      }
      break;
    }
    case SearchMethod::kDlib: {
      dlib::matrix<double, 0, 1> lo(kSearchDims), hi(kSearchDims);
      for (std::size_t i = 0; i < kSearchDims; ++i)
        lo(static_cast<long>(i)) = 0, hi(static_cast<long>(i)) = 1;
      dlib::find_max_global(
          [&](const dlib::matrix<double, 0, 1>& v) {
            SearchPoint u{};
            for (std::size_t i = 0; i < kSearchDims; ++i)
              u[i] = std::clamp(v(static_cast<long>(i)), 0.0, 1.0);
            return evaluate(u, decode(u));
          },
          lo, hi, dlib::max_function_calls(static_cast<std::size_t>(config.trials)));
      break;
    }
  }
}

// One method in one outer fold: the search on the inner folds of the outer training patients,
// then the best candidate (the first of equals) retrained on all of them and scored on the fold.
struct FoldSearch {
  std::vector<Trial> trials;
  std::size_t best = 0;  ///< the chosen trial (the first of equals)
  OuterFold fold;
  int evaluated = 0, from_journal = 0;
  double seconds = 0;
};

FoldSearch search_fold(Pool& pool, const std::vector<int>& outer, SearchMethod method, int fold,
                       const SearchConfig& config, const RunConfig& run, Journal& journal,
                       const std::function<void(const std::string&)>& report) {
  const auto t0 = std::chrono::steady_clock::now();
  FoldSearch fs;
  auto& trials = fs.trials;
  std::vector<int> outer_train;
  std::vector<char> test(pool.patients.size(), 0), train_all(pool.patients.size(), 0);
  for (std::size_t p = 0; p < pool.patients.size(); ++p) {
    if (outer[p] == fold) {
      test[p] = 1;
    } else {
      train_all[p] = 1;
      outer_train.push_back(static_cast<int>(p));
    }
  }
  const auto inner = assign_folds(
      pool, outer_train, config.inner_folds,
      derive_seed(run.seed, SeedUse::kSplits) + 50001 + static_cast<std::uint64_t>(fold));
  // One candidate's score: the mean AUROC over the inner folds, each trained with the same seed
  // whatever the candidate.
  auto inner_score = [&](const Candidate& c) {
    double sum = 0;
    for (int k = 0; k < config.inner_folds; ++k) {
      std::vector<char> tr(pool.patients.size(), 0), va(pool.patients.size(), 0);
      for (int p : outer_train)
        (inner[static_cast<std::size_t>(p)] == k ? va : tr)[static_cast<std::size_t>(p)] = 1;
      sum += fit_and_score(pool, c, tr, va,
                           derive_seed(run.seed, SeedUse::kTraining,
                                       60000 + 100 * static_cast<std::uint64_t>(fold) +
                                           static_cast<std::uint64_t>(k)))
                 .auroc;
    }
    return sum / config.inner_folds;
  };
  propose(method, fold, config, run, [&](const SearchPoint& u, const Candidate& c) {
    Trial t;
    t.method = method;
    t.outer_fold = fold;
    t.index = static_cast<int>(trials.size());
    t.u = u;
    t.candidate = c;
    if (auto cached = journal.find(t)) {
      t.inner_auroc = cached->first;
      t.seconds = cached->second;
      t.from_journal = true;
      ++fs.from_journal;
    } else {
      const auto ts = std::chrono::steady_clock::now();
      t.inner_auroc = inner_score(c);
      t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - ts).count();
      journal.append(t);
      ++fs.evaluated;
    }
    trials.push_back(t);
    report(to_string(method) + " fold " + std::to_string(fold + 1));
    return t.inner_auroc;
  });
  fs.best = static_cast<std::size_t>(std::max_element(trials.begin(), trials.end(),
                                                      [](const Trial& a, const Trial& b) {
                                                        return a.inner_auroc < b.inner_auroc;
                                                      }) -
                                     trials.begin());
  auto& of = fs.fold;
  of.fold = fold;
  of.chosen = trials[fs.best].candidate;
  of.inner_auroc = trials[fs.best].inner_auroc;
  const auto s = fit_and_score(
      pool, of.chosen, train_all, test,
      derive_seed(run.seed, SeedUse::kTraining, 70000 + static_cast<std::uint64_t>(fold)));
  of.outer_auroc = s.auroc;
  of.outer_accuracy = s.accuracy;
  of.test_minutes = s.minutes;
  for (char t : test) of.test_patients += t;
  fs.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return fs;
}

// A fold's search as the JSON its unit carries between processes (NaN as null); the candidates
// are not carried: each is decoded again from its point.
std::string pack_fold(const FoldSearch& fs) {
  nlohmann::json tj = nlohmann::json::array();
  for (const auto& t : fs.trials)
    tj.push_back({{"u", t.u},
                  {"inner_auroc", json_double(t.inner_auroc)},
                  {"seconds", json_double(t.seconds)},
                  {"from_journal", t.from_journal}});
  return nlohmann::json{{"trials", tj},
                        {"best", fs.best},
                        {"outer_auroc", json_double(fs.fold.outer_auroc)},
                        {"outer_accuracy", json_double(fs.fold.outer_accuracy)},
                        {"test_patients", fs.fold.test_patients},
                        {"test_minutes", fs.fold.test_minutes},
                        {"evaluated", fs.evaluated},
                        {"from_journal", fs.from_journal},
                        {"seconds", json_double(fs.seconds)}}
      .dump();
}

FoldSearch unpack_fold(const std::string& text, SearchMethod method, int fold,
                       const RunConfig& run) {
  const auto j = nlohmann::json::parse(text);
  FoldSearch fs;
  for (const auto& tj : j.at("trials")) {
    Trial t;
    t.method = method;
    t.outer_fold = fold;
    t.index = static_cast<int>(fs.trials.size());
    t.u = tj.at("u").get<SearchPoint>();
    t.candidate = method == SearchMethod::kPaper ? Candidate::paper(run) : decode(t.u);
    t.inner_auroc = double_from_json(tj.at("inner_auroc"));
    t.seconds = double_from_json(tj.at("seconds"));
    t.from_journal = tj.at("from_journal").get<bool>();
    fs.trials.push_back(t);
  }
  fs.best = json_integer<std::size_t>(j, "best");
  if (fs.best >= fs.trials.size()) throw Error("search: a fold's result lost its trials");
  auto& of = fs.fold;
  of.fold = fold;
  of.chosen = fs.trials[fs.best].candidate;
  of.inner_auroc = fs.trials[fs.best].inner_auroc;
  of.outer_auroc = double_from_json(j.at("outer_auroc"));
  of.outer_accuracy = double_from_json(j.at("outer_accuracy"));
  of.test_patients = json_integer<int>(j, "test_patients");
  of.test_minutes = json_integer<int>(j, "test_minutes");
  fs.evaluated = json_integer<int>(j, "evaluated");
  fs.from_journal = json_integer<int>(j, "from_journal");
  fs.seconds = double_from_json(j.at("seconds"));
  return fs;
}

// Every outer fold's training patients must fill the inner folds with both groups.
void check_fold_sizes(const SearchResult& res, const SearchConfig& config) {
  for (const int n : {res.scd_patients, res.normal_patients}) {
    const int largest_fold = (n + config.outer_folds - 1) / config.outer_folds;
    if (n < config.outer_folds || n - largest_fold < config.inner_folds)
      throw Error(res.data_source + ": too few patients for " + std::to_string(config.outer_folds) +
                  " outer and " + std::to_string(config.inner_folds) + " inner folds (" +
                  std::to_string(res.scd_patients) + " SCD, " +
                  std::to_string(res.normal_patients) + " normal)");
  }
}

}  // namespace

SearchResult run_search(const data::Cohort& cohort, const data::ProtocolConfig& protocol,
                        const RunConfig& run, const SearchConfig& config,
                        const ProgressFn& progress) {
  config.validate();
  const auto t0 = std::chrono::steady_clock::now();
  SearchResult res;
  res.data_source = cohort.source.description;
  res.simulated = cohort.source.simulated;
  res.run = run;
  res.protocol = protocol;
  res.config = config;
  Pool pool = make_pool(cohort, protocol, run, res);
  check_fold_sizes(res, config);
  // The journal's key: everything that makes the trials, the minutes' samples included.
  const nlohmann::json key = {
      {"data_source", res.data_source}, {"minutes_fnv1a64", minutes_hash(pool)},
      {"protocol", protocol.to_json()}, {"seed", run.seed},
      {"epochs", run.epochs},           {"threads", run.threads},
      {"scapredict_version", kVersion}, {"search", config.to_json()}};
  const Workers& w = workers();
  Journal journal(config.journal, key, w);

  std::vector<int> everyone(pool.patients.size());
  for (std::size_t i = 0; i < everyone.size(); ++i) everyone[i] = static_cast<int>(i);
  const auto outer = assign_folds(pool, everyone, config.outer_folds,
                                  derive_seed(run.seed, SeedUse::kSplits) + 50000);
  // Units: one method in one outer fold, weighed by its trials, spread over the run's processes
  // (common/workers.hpp); each brings back its trials and its fold's result.
  std::vector<std::pair<SearchMethod, int>> units;
  std::vector<double> weights;
  for (const auto method : config.methods) {
    for (int fold = 0; fold < config.outer_folds; ++fold) {
      units.emplace_back(method, fold);
      weights.push_back(method == SearchMethod::kPaper ? 1.0 : config.trials);
    }
  }
  const auto owner = assign_units(units.size(), w.size(), weights);
  std::size_t total = 0;
  for (std::size_t i = 0; i < units.size(); ++i)
    if (owner[i] == w.rank()) total += static_cast<std::size_t>(weights[i]);
  const ProgressTracker tracker(progress, "search", "trial", total);
  std::size_t done = 0;
  auto report = [&](const std::string& detail) { tracker.report(++done, detail); };

  auto one_unit = [&](std::size_t i) {
    const auto [method, fold] = units[i];
    return pack_fold(search_fold(pool, outer, method, fold, config, run, journal, report));
  };
  std::map<SearchMethod, std::pair<std::vector<double>, std::vector<double>>> outer_scores;
  auto take = [&](std::size_t i, std::string&& text) {
    const auto [method, fold] = units[i];
    auto fs = unpack_fold(text, method, fold, run);
    if (res.methods.empty() || res.methods.back().method != method) {
      res.methods.emplace_back();
      res.methods.back().method = method;
    }
    auto& mr = res.methods.back();
    mr.folds.push_back(fs.fold);
    mr.trials_evaluated += fs.evaluated;
    mr.trials_from_journal += fs.from_journal;
    mr.seconds += fs.seconds;
    outer_scores[method].first.push_back(fs.fold.outer_auroc);
    outer_scores[method].second.push_back(fs.fold.outer_accuracy);
    res.trials.insert(res.trials.end(), fs.trials.begin(), fs.trials.end());
  };
  map_units(w, units.size(), one_unit, take, weights);
  for (auto& mr : res.methods) {
    mr.outer_auroc = stats::mean_ci95(outer_scores[mr.method].first);
    mr.outer_accuracy = stats::mean_ci95(outer_scores[mr.method].second);
  }
  journal.consolidate(res.trials, w);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace scapredict::eval

// The nested architecture search (docs/search.md): the space, the surrogate, determinism, the
// journal, and outer folds that keep patients apart.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <set>

#include "data/cohort.hpp"
#include "eval/search/search.hpp"
#include "eval/search/search_journal.hpp"
#include "sim/simulate.hpp"
#include "stats/gp.hpp"
#include "test_util.hpp"

using namespace scapredict;
using scapredict::testing::TempDir;

TEST(Search, EveryPointOfTheSpaceDecodesToAValidNetwork) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  std::set<int> filters, pools;
  std::set<std::size_t> bins;
  for (int i = 0; i < 2000; ++i) {
    eval::SearchPoint p{};
    for (auto& v : p) v = i == 0 ? 0.0 : i == 1 ? 1.0 : u(rng);
    const auto c = eval::decode(p);
    EXPECT_NO_THROW(c.cnn.validate(c.bins)) << c.to_json().dump();
    EXPECT_LE(c.cnn.stride, c.cnn.kernel);
    EXPECT_GE(c.learning_rate, 1e-4 - 1e-12);
    EXPECT_LE(c.learning_rate, 1e-2 + 1e-12);
    EXPECT_GE(c.epochs, 5);
    EXPECT_LE(c.epochs, 40);
    filters.insert(c.cnn.filters);
    pools.insert(c.cnn.pool);
    bins.insert(c.bins);
  }
  EXPECT_EQ(filters.size(), 6u);
  EXPECT_EQ(pools.size(), 3u);
  EXPECT_EQ(bins.size(), 4u);
  EXPECT_TRUE(eval::Candidate::paper(RunConfig{}).cnn.is_paper());
  EXPECT_THROW(eval::parse_search_method("grid"), Error);
}

TEST(Search, TheSurrogateFitsASmoothFunctionAndLeadsToItsMaximum) {
  // f(x, y) = -(x - 0.7)^2 - (y - 0.2)^2, observed on a 4 x 4 grid.
  auto f = [](double x, double y) { return -(x - 0.7) * (x - 0.7) - (y - 0.2) * (y - 0.2); };
  std::vector<std::vector<double>> xs;
  std::vector<double> ys;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      xs.push_back({i / 3.0, j / 3.0});
      ys.push_back(f(i / 3.0, j / 3.0));
    }
  stats::GaussianProcess gp(xs, ys);
  const auto at = gp.predict({0.5, 0.5});
  EXPECT_NEAR(at.mean, f(0.5, 0.5), 0.05);
  EXPECT_LT(gp.predict({1.0 / 3, 1.0 / 3}).sd, gp.predict({0.5, 0.5}).sd + 1e-9)
      << "uncertainty is smallest at an observed point";
  for (int step = 0; step < 8; ++step) {
    const auto p = stats::maximise_expected_improvement(stats::GaussianProcess(xs, ys), xs, ys,
                                                        static_cast<std::uint64_t>(step));
    xs.push_back(p);
    ys.push_back(f(p[0], p[1]));
  }
  const auto best = std::max_element(ys.begin(), ys.end()) - ys.begin();
  EXPECT_LT(std::hypot(xs[static_cast<std::size_t>(best)][0] - 0.7,
                       xs[static_cast<std::size_t>(best)][1] - 0.2),
            0.1);
  EXPECT_THROW(stats::GaussianProcess({{0.5}}, {1.0}), Error);
  EXPECT_THROW(stats::GaussianProcess({{0.5}, {1.5}}, {1.0, 2.0}), Error);
}

TEST(Search, NestedRunIsDeterministicKeepsPatientsApartAndResumesFromItsJournal) {
  TempDir dir;
  sim::simulate(scapredict::testing::small_sim(dir / "data", 1.0, 1.0, 0.3, 0.5, 6));
  const auto cohort = data::load_cohort(dir / "data");
  data::ProtocolConfig pc;
  pc.train_minutes = 4;
  pc.horizons = {5, 10};
  RunConfig run;
  run.epochs = 4;
  eval::SearchConfig cfg;
  cfg.trials = 3;
  cfg.outer_folds = 2;
  cfg.inner_folds = 2;
  cfg.initial_random = 2;
  cfg.journal = dir / "journal.jsonl";
  const auto a = eval::run_search(cohort, pc, run, cfg);
  ASSERT_EQ(a.methods.size(), 4u);
  for (const auto& m : a.methods) {
    ASSERT_EQ(m.folds.size(), 2u);
    EXPECT_EQ(m.folds[0].test_patients + m.folds[1].test_patients,
              a.scd_patients + a.normal_patients)
        << "every patient is tested once, in one outer fold";
    EXPECT_EQ(m.trials_evaluated, m.method == eval::SearchMethod::kPaper ? 2 : 6);
    for (const auto& f : m.folds) {
      EXPECT_GE(f.outer_auroc, 0.0);
      EXPECT_LE(f.outer_auroc, 1.0);
    }
  }
  // Everything again from the journal: nothing trained for the trials, the same result.
  const auto b = eval::run_search(cohort, pc, run, cfg);
  for (std::size_t i = 0; i < a.methods.size(); ++i) {
    EXPECT_EQ(b.methods[i].trials_evaluated, 0);
    EXPECT_EQ(b.methods[i].outer_auroc.mean, a.methods[i].outer_auroc.mean);
    for (std::size_t f = 0; f < 2; ++f)
      EXPECT_EQ(b.methods[i].folds[f].chosen.to_json(), a.methods[i].folds[f].chosen.to_json());
  }
  // A journal cut mid-line by a kill: the rest is evaluated again, the same trials and result.
  std::string text;
  {
    std::ifstream in(cfg.journal);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  {
    std::ofstream out(cfg.journal, std::ios::trunc);
    out << text.substr(0, text.size() / 2);
  }
  const auto c = eval::run_search(cohort, pc, run, cfg);
  int evaluated = 0, replayed = 0;
  for (std::size_t i = 0; i < a.methods.size(); ++i) {
    evaluated += c.methods[i].trials_evaluated;
    replayed += c.methods[i].trials_from_journal;
    EXPECT_EQ(c.methods[i].outer_auroc.mean, a.methods[i].outer_auroc.mean);
  }
  EXPECT_GT(evaluated, 0);
  EXPECT_GT(replayed, 0);
  // The journal the cut run completed replays whole: the cut line was dropped, not glued to.
  const auto d = eval::run_search(cohort, pc, run, cfg);
  for (const auto& m : d.methods) EXPECT_EQ(m.trials_evaluated, 0) << eval::to_string(m.method);
  ASSERT_EQ(c.trials.size(), a.trials.size());
  for (std::size_t i = 0; i < a.trials.size(); ++i)
    EXPECT_EQ(c.trials[i].inner_auroc, a.trials[i].inner_auroc) << "trial " << i;
  // Another seed is another search: its journal is refused.
  auto other = run;
  other.seed = 2;
  EXPECT_THROW(eval::run_search(cohort, pc, other, cfg), Error);
}

TEST(Search, TheJournalParserKeepsWholeLinesOfThisSearchOnly) {
  const std::string key = R"({"seed":1})";
  const auto header = eval::journal_header(key);
  const std::string trial =
      R"({"method":"bo","outer":0,"index":2,"u":[0,0,0,0,0,0,0,0,0.5],"candidate":{"b":1},)"
      R"("inner_auroc":0.8,"seconds":3})";
  const auto whole = header + "\n" + trial + "\n";
  auto p = eval::parse_journal(whole, key, 9, "j");
  EXPECT_EQ(p.keep_bytes, whole.size());
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.entries[0].method, "bo");
  EXPECT_EQ(p.entries[0].index, 2);
  EXPECT_EQ(p.entries[0].u[8], 0.5);
  EXPECT_EQ(p.entries[0].candidate, R"({"b":1})");
  EXPECT_EQ(p.entries[0].seconds, 3.0);
  // A last line cut by a kill is not kept; lines of another shape or dimension are skipped.
  p = eval::parse_journal(whole + "{\"method\":\"bo\",\"ou", key, 9, "j");
  EXPECT_EQ(p.keep_bytes, whole.size());
  p = eval::parse_journal(
      whole + "[1,2]\n" + R"({"method":"bo","outer":0,"index":3,"u":[1]})" + "\n", key, 9, "j");
  EXPECT_EQ(p.entries.size(), 1u);
  // Counters that are floats, text or past int's range are skipped, never cast (a float
  // such as 1e300 cast to int is undefined behaviour).
  for (const char* outer : {"1e300", "-1e300", "2.5", "4294967296", "\"0\""}) {
    auto line = trial;
    line.replace(line.find("\"outer\":0"), 9, std::string("\"outer\":") + outer);
    p = eval::parse_journal(whole + line + "\n", key, 9, "j");
    EXPECT_EQ(p.entries.size(), 1u) << outer;
  }
  // A header cut before its end is a fresh journal; anything else is refused.
  EXPECT_EQ(eval::parse_journal(header.substr(0, 7), key, 9, "j").keep_bytes, 0u);
  EXPECT_EQ(eval::parse_journal("", key, 9, "j").keep_bytes, 0u);
  for (const std::string& bad : {std::string("my precious data"),
                                 std::string("\x7f"
                                             "ELF\n\x01"),
                                 R"({"search":{"seed":2}})" + std::string("\n") + trial + "\n",
                                 std::string("\n") + trial + "\n", header + "x"}) {
    try {
      eval::parse_journal(bad, key, 9, "notes.txt");
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("notes.txt: ", 0), 0u) << e.what();
    }
  }
}

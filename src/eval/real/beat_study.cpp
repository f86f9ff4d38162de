#include "eval/real/beat_study.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <set>

#include "data/minutes.hpp"
#include "eval/real/beat_windows.hpp"
#include "features/hrv.hpp"
#include "features/nn.hpp"
#include "model/classifier.hpp"
#include "stats/pooled.hpp"

namespace scapredict::eval {

using beat_detail::dataset;
using beat_detail::predict;
using beat_detail::resolve;
using beat_detail::Row;
using beat_detail::WindowStore;
using stats::finite_or_null;
using stats::set_metrics;
using stats::SetMetrics;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

}  // namespace

namespace {

// ---------------------------------------------------------------------------------------------
// Metrics

// Metrics of one set of test minutes.
HorizonMetrics summarise(int horizon, const std::vector<SetMetrics>& reps) {
  HorizonMetrics h;
  h.horizon = horizon;
  auto ci = [&](double SetMetrics::*field) {
    std::vector<double> v;
    for (const auto& r : reps) v.push_back(r.*field);
    return stats::mean_ci95(v);
  };
  h.accuracy = ci(&SetMetrics::accuracy);
  h.balanced_accuracy = ci(&SetMetrics::balanced);
  h.sensitivity = ci(&SetMetrics::se);
  h.specificity = ci(&SetMetrics::sp);
  h.auroc = ci(&SetMetrics::auroc);
  h.always_normal = ci(&SetMetrics::always_normal);
  for (const auto& r : reps) {
    h.scd_minutes += r.pos;
    h.normal_minutes += r.neg;
  }
  return h;
}

// One scored test minute of a leave-one-out fold.
struct Scored {
  int cluster = 0;  ///< patient: SCD p, normal 100000 + p
  int label = 0;
  double p = 0;
  data::MinuteRef ref;
};

PooledMetrics pooled(const std::vector<Scored>& items, int resamples, std::uint64_t seed) {
  std::vector<double> p;
  std::vector<int> y, cluster;
  std::set<int> scd, normal;
  int neg = 0;
  for (const auto& s : items) {
    p.push_back(s.p);
    y.push_back(s.label);
    cluster.push_back(s.cluster);
    (s.label ? scd : normal).insert(s.cluster);
    neg += s.label == 0;
  }
  auto m = pooled_metrics(p, y, cluster, resamples, seed);
  m.scd_patients = static_cast<int>(scd.size());
  m.normal_patients = static_cast<int>(normal.size());
  m.always_normal = items.empty() ? kNan : double(neg) / double(items.size());
  return m;
}

template <typename Pred>
std::vector<Scored> subset(const std::vector<Scored>& items, Pred keep) {
  std::vector<Scored> out;
  for (const auto& s : items)
    if (keep(s)) out.push_back(s);
  return out;
}

}  // namespace

namespace {

// ---------------------------------------------------------------------------------------------
// The analyses

struct Context {
  const data::BeatCohort& c;
  const BeatStudyConfig& cfg;
  ProgressTracker tracker;
  std::size_t done = 0;
  std::map<std::string, int> unusable;
  void step(const std::string& detail) { tracker.report(++done, detail); }
  void count(const std::string& analysis, const WindowStore& store) {
    for (const auto& [reason, n] : store.unusable) unusable[analysis + ": " + reason] += n;
  }
  std::uint64_t seed(SeedUse use, std::uint64_t index = 0) const {
    return derive_seed(cfg.run.seed, use, index);
  }
};

// Test minutes of one repetition scored by one classifier, by horizon and near/far band.
struct RepScores {
  std::map<int, std::pair<std::vector<double>, std::vector<int>>> by_horizon;
  std::pair<std::vector<double>, std::vector<int>> near, far, near_paired, far_paired;
};

RepScores score_repetition(const std::vector<Row>& test, const std::vector<double>& pt,
                           const std::vector<Row>& far_rows, const std::vector<double>& pf) {
  RepScores s;
  auto add = [](auto& set, double p, int y) {
    set.first.push_back(p);
    set.second.push_back(y);
  };
  for (std::size_t i = 0; i < test.size(); ++i) {
    const int h = test[i].ref.horizon.value_or(0);
    add(s.by_horizon[h], pt[i], test[i].label);
    if (test[i].label == 0 || h <= 30) add(s.near, pt[i], test[i].label);
    if (test[i].label == 0) add(s.far, pt[i], 0);
  }
  for (std::size_t i = 0; i < far_rows.size(); ++i) add(s.far, pf[i], 1);
  // The paired bands: SCD patients with usable minutes near (5-30 min) and far.
  std::set<int> near_p, far_p;
  for (const auto& r : test)
    if (r.label == 1 && r.ref.horizon.value_or(0) <= 30) near_p.insert(r.ref.patient);
  for (const auto& r : far_rows) far_p.insert(r.ref.patient);
  for (std::size_t i = 0; i < test.size(); ++i) {
    const auto& r = test[i];
    if (r.label == 0) {
      add(s.near_paired, pt[i], 0);
      add(s.far_paired, pt[i], 0);
    } else if (r.ref.horizon.value_or(0) <= 30 && far_p.count(r.ref.patient)) {
      add(s.near_paired, pt[i], 1);
    }
  }
  for (std::size_t i = 0; i < far_rows.size(); ++i)
    if (near_p.count(far_rows[i].ref.patient)) add(s.far_paired, pf[i], 1);
  return s;
}

bool both_classes(const model::Dataset& d) {
  return std::find(d.y.begin(), d.y.end(), 0) != d.y.end() &&
         std::find(d.y.begin(), d.y.end(), 1) != d.y.end();
}

// The protocol's repetitions on one window length and time grid: one run per classifier.
std::vector<ProtocolRun> run_protocol(Context& ctx, const std::vector<data::RepetitionPlan>& plans,
                                      int window_min, double grid_s) {
  WindowStore store(ctx.c, window_min, grid_s);
  const auto& cls = ctx.cfg.classifiers;
  std::vector<std::map<int, std::vector<SetMetrics>>> by_h(cls.size());
  std::vector<std::vector<SetMetrics>> near(cls.size()), far(cls.size()), near_p(cls.size()),
      far_p(cls.size());
  int skipped = 0;
  for (std::size_t r = 0; r < plans.size(); ++r) {
    const auto& plan = plans[r];
    // derive_seed's normal-minute stream has no index: the repetition is added to it.
    std::mt19937_64 rng(ctx.seed(SeedUse::kNormalMinutes) + r);
    std::map<int, std::vector<int>> used;
    const auto train = resolve(store, plan.train, rng, used);
    const auto test = resolve(store, plan.test, rng, used);
    std::vector<data::MinuteRef> far_refs;
    for (int p : plan.test_scd)
      for (int k : ctx.cfg.far_minutes) far_refs.push_back({true, p, data::BeforeOnset{k}, k});
    const auto far_rows = resolve(store, far_refs, rng, used);
    const auto data = dataset(train);
    if (!both_classes(data)) {
      ++skipped;
      ctx.step("repetition " + std::to_string(r + 1) + " skipped: one class in training");
      continue;
    }
    for (std::size_t ci = 0; ci < cls.size(); ++ci) {
      const auto m = model::fit_tabular(cls[ci], data, ctx.seed(SeedUse::kTraining, r));
      const auto s = score_repetition(test, predict(*m, test), far_rows, predict(*m, far_rows));
      for (const auto& [h, set] : s.by_horizon)
        by_h[ci][h].push_back(set_metrics(set.first, set.second));
      near[ci].push_back(set_metrics(s.near.first, s.near.second));
      far[ci].push_back(set_metrics(s.far.first, s.far.second));
      near_p[ci].push_back(set_metrics(s.near_paired.first, s.near_paired.second));
      far_p[ci].push_back(set_metrics(s.far_paired.first, s.far_paired.second));
    }
    ctx.step(std::to_string(window_min) + "-min windows" + (grid_s > 0 ? ", re-quantised" : "") +
             ", repetition " + std::to_string(r + 1));
  }
  ctx.count(std::string(grid_s > 0 ? "quantised " : "main ") + std::to_string(window_min) + " min",
            store);
  std::vector<ProtocolRun> runs;
  for (std::size_t ci = 0; ci < cls.size(); ++ci) {
    ProtocolRun run;
    run.classifier = model::to_string(cls[ci]);
    run.window_min = window_min;
    run.grid_s = grid_s;
    run.skipped = skipped;
    for (const auto& [h, reps] : by_h[ci]) run.horizons.push_back(summarise(h, reps));
    run.near = summarise(0, near[ci]);
    run.far = summarise(0, far[ci]);
    run.near_paired = summarise(0, near_p[ci]);
    run.far_paired = summarise(0, far_p[ci]);
    runs.push_back(std::move(run));
  }
  return runs;
}

// Fits each classifier on `train` and scores `test` into items[classifier].
void score_fold(Context& ctx, const std::vector<Row>& train, const std::vector<Row>& test,
                std::uint64_t seed, std::vector<std::vector<Scored>>& items) {
  const auto data = dataset(train);
  if (!both_classes(data)) {
    ++ctx.unusable["folds skipped: one class in training"];
    return;
  }
  for (std::size_t ci = 0; ci < ctx.cfg.classifiers.size(); ++ci) {
    const auto m = model::fit_tabular(ctx.cfg.classifiers[ci], data, seed);
    const auto p = predict(*m, test);
    for (std::size_t i = 0; i < test.size(); ++i) {
      const auto& ref = test[i].ref;
      items[ci].push_back({ref.scd ? ref.patient : 100000 + ref.patient, test[i].label, p[i], ref});
    }
  }
}

std::vector<Row> rows_of(WindowStore& store, const std::vector<data::MinuteRef>& refs) {
  std::vector<Row> rows;
  for (const auto& ref : refs)
    if (const auto* x = store.features(ref)) rows.push_back({ref, *x, ref.scd ? 1 : 0});
  return rows;
}

// The controls read from leave-one-patient-out scores: annotator and age.
void lopo_controls(const Context& ctx, const std::vector<Scored>& items, std::uint64_t seed,
                   LopoRun& run) {
  const auto& c = ctx.c;
  const int b = ctx.cfg.bootstrap;
  auto annot = [&](const Scored& s) { return c.beats(true, s.ref.patient).annotator; };
  run.atr_only = pooled(
      subset(items, [&](const Scored& s) { return !s.label || annot(s) == "atr"; }), b, seed + 10);
  run.ari_only = pooled(
      subset(items, [&](const Scored& s) { return !s.label || annot(s) == "ari"; }), b, seed + 20);
  std::vector<double> ages;
  for (const auto& r : c.normal)
    if (r.age) ages.push_back(*r.age);
  if (ages.empty()) return;
  std::sort(ages.begin(), ages.end());
  run.median_normal_age = ages.size() % 2 ? ages[ages.size() / 2]
                                          : (ages[ages.size() / 2 - 1] + ages[ages.size() / 2]) / 2;
  auto age = [&](const Scored& s) { return c.beats(false, s.ref.patient).age.value_or(-1); };
  run.older_normals = pooled(
      subset(items, [&](const Scored& s) { return s.label || age(s) >= run.median_normal_age; }), b,
      seed + 30);
  std::map<int, std::pair<double, int>> mean_p;  // normal patient -> sum P, count
  for (const auto& s : items) {
    if (s.label || age(s) < 0) continue;
    mean_p[s.ref.patient].first += s.p;
    mean_p[s.ref.patient].second += 1;
  }
  std::vector<double> x, y;
  for (const auto& [p, sum] : mean_p) {
    x.push_back(sum.first / sum.second);
    y.push_back(*c.beats(false, p).age);
  }
  run.age_spearman = stats::spearman(x, y);
}

// Leave-one-patient-out with balanced training groups, on one window length.
std::vector<LopoRun> run_lopo(Context& ctx, int window_min) {
  WindowStore store(ctx.c, window_min, 0);
  auto all = data::plan_all_patients(ctx.c.cohort, ctx.cfg.protocol);
  std::mt19937_64 rng(ctx.seed(SeedUse::kNormalMinutes) + 1'000'000);
  std::map<int, std::vector<int>> used;
  auto refs = [](const std::vector<Row>& rows) {
    std::vector<data::MinuteRef> out;
    for (const auto& r : rows) out.push_back(r.ref);
    return out;
  };
  all.train = refs(resolve(store, all.train, rng, used));
  all.test = refs(resolve(store, all.test, rng, used));
  const auto folds = data::leave_one_patient_out(all, true, ctx.seed(SeedUse::kFoldBalance));
  std::vector<std::vector<Scored>> items(ctx.cfg.classifiers.size());
  for (std::size_t f = 0; f < folds.size(); ++f) {
    score_fold(ctx, rows_of(store, folds[f].train), rows_of(store, folds[f].test),
               ctx.seed(SeedUse::kTraining, 10'000 + f), items);
    ctx.step(std::to_string(window_min) + "-min windows, leave-one-out fold " +
             std::to_string(f + 1) + "/" + std::to_string(folds.size()));
  }
  ctx.count("leave-one-out " + std::to_string(window_min) + " min", store);
  std::vector<LopoRun> runs;
  for (std::size_t ci = 0; ci < items.size(); ++ci) {
    LopoRun run;
    run.classifier = model::to_string(ctx.cfg.classifiers[ci]);
    run.window_min = window_min;
    // Seeded by the classifier's place among all kinds: a study of fewer classifiers gives
    // each the interval the whole study gives it.
    const auto& kinds = model::all_tabular_kinds();
    const auto kind_index = static_cast<std::uint64_t>(
        std::find(kinds.begin(), kinds.end(), ctx.cfg.classifiers[ci]) - kinds.begin());
    const auto seed = ctx.seed(SeedUse::kBootstrap, 100 * kind_index + window_min);
    run.all = pooled(items[ci], ctx.cfg.bootstrap, seed);
    std::map<int, std::pair<std::vector<double>, std::vector<int>>> by_h;
    for (const auto& s : items[ci]) {
      by_h[s.ref.horizon.value_or(0)].first.push_back(s.p);
      by_h[s.ref.horizon.value_or(0)].second.push_back(s.label);
    }
    for (const auto& [h, set] : by_h) run.auroc_by_horizon[h] = stats::auroc(set.first, set.second);
    lopo_controls(ctx, items[ci], seed, run);
    runs.push_back(std::move(run));
  }
  return runs;
}

// Each SCD patient's near (label 1) and far (label 0) minutes; onset moved an hour earlier for
// the placebo. Patients without both kinds of minutes are left out.
std::map<int, std::vector<Row>> imminence_rows(WindowStore& store, int n_scd, bool placebo,
                                               std::map<int, std::pair<int, int>>& counts) {
  std::map<int, std::vector<Row>> out;
  const int shift = placebo ? 60 : 0;
  for (int p = 0; p < n_scd; ++p) {
    std::vector<Row> rows;
    int pos = 0, neg = 0;
    auto add = [&](int k, int label) {
      const data::MinuteRef ref{true, p, data::BeforeOnset{k}, k};
      if (const auto* x = store.features(ref)) {
        rows.push_back({ref, *x, label});
        (label ? pos : neg)++;
      }
    };
    for (int k = 1; k <= 10; ++k) add(k + shift, 1);
    for (int k = 60; k <= 114; k += 6) add(k + shift, 0);
    counts[p] = {pos, neg};
    if (pos > 0 && neg > 0) out[p] = std::move(rows);
  }
  return out;
}

std::vector<ImminenceRun> run_imminence(Context& ctx, int window_min) {
  WindowStore store(ctx.c, window_min, 0);
  const auto n = static_cast<int>(ctx.c.cohort.scd.size());
  std::vector<ImminenceRun> runs(ctx.cfg.classifiers.size());
  for (bool placebo : {false, true}) {
    std::map<int, std::pair<int, int>> counts;
    const auto rows = imminence_rows(store, n, placebo, counts);
    for (auto& run : runs) {
      for (const auto& [p, cnt] : counts)
        (placebo ? run.placebo_minutes : run.real_minutes)[ctx.c.cohort.scd[std::size_t(p)].id] =
            cnt;
    }
    std::vector<std::vector<Scored>> items(ctx.cfg.classifiers.size());
    for (const auto& [p, test] : rows) {
      std::vector<Row> train;
      for (const auto& [q, r] : rows)
        if (q != p) train.insert(train.end(), r.begin(), r.end());
      score_fold(ctx, train, test, ctx.seed(SeedUse::kTraining, 20'000 + p), items);
      ctx.step(std::to_string(window_min) + "-min windows, imminence" +
               (placebo ? " placebo" : "") + " fold " + std::to_string(p + 1));
    }
    for (std::size_t ci = 0; ci < items.size(); ++ci) {
      for (auto& s : items[ci]) s.cluster = s.ref.patient;  // every patient is an SCD patient
      runs[ci].classifier = model::to_string(ctx.cfg.classifiers[ci]);
      runs[ci].window_min = window_min;
      const auto seed = ctx.seed(SeedUse::kBootstrap, 5000 + 100 * ci + window_min + placebo);
      (placebo ? runs[ci].placebo : runs[ci].real) = pooled(items[ci], ctx.cfg.bootstrap, seed);
    }
  }
  ctx.count("imminence " + std::to_string(window_min) + " min", store);
  return runs;
}

void validate(const data::BeatCohort& c, const BeatStudyConfig& cfg) {
  if (cfg.classifiers.empty()) throw data::DataError("the study needs at least one classifier");
  if (cfg.windows_min.empty() || cfg.protocol.horizons.empty())
    throw data::DataError("the study needs at least one window length and one horizon");
  for (int w : cfg.windows_min)
    if (w < 1 || w > 5) throw data::DataError("HRV windows must be 1 to 5 minutes long");
  if (!(cfg.control_grid_s > 0 && cfg.control_grid_s <= 1))
    throw data::DataError("the quantisation grid must lie in (0, 1] s");
  if (cfg.bootstrap < 100) throw data::DataError("at least 100 bootstrap resamples are needed");
  if (c.cohort.scd.size() < 3 || c.cohort.normal.size() < 3)
    throw data::DataError("the study needs at least 3 SCD and 3 normal patients");
}

}  // namespace

std::vector<LopoRun> run_beat_lopo(const data::BeatCohort& c, const BeatStudyConfig& cfg,
                                   int window_min, const ProgressFn& progress) {
  validate(c, cfg);
  const std::size_t n_patients = c.cohort.scd.size() + c.cohort.normal.size();
  Context ctx{c, cfg, ProgressTracker(progress, "beats", "fold", n_patients), 0, {}};
  return run_lopo(ctx, window_min);
}

model::Dataset all_patients_training_rows(const data::BeatCohort& c, const BeatStudyConfig& cfg,
                                          int window_min, std::map<std::string, int>& unusable,
                                          std::vector<int>* patient) {
  validate(c, cfg);
  WindowStore store(c, window_min, 0);
  const auto all = data::plan_all_patients(c.cohort, cfg.protocol);
  // The random normal minutes of run_lopo: the same stream, the training minutes drawn first.
  std::mt19937_64 rng(derive_seed(cfg.run.seed, SeedUse::kNormalMinutes) + 1'000'000);
  std::map<int, std::vector<int>> used;
  const auto rows = resolve(store, all.train, rng, used);
  for (const auto& [reason, n] : store.unusable) unusable[reason] += n;
  if (patient)
    for (const auto& r : rows)
      patient->push_back(r.ref.scd ? r.ref.patient : 100000 + r.ref.patient);
  return dataset(rows);
}

BeatStudyResult run_beat_study(const data::BeatCohort& c, const BeatStudyConfig& cfg,
                               const ProgressFn& progress) {
  validate(c, cfg);
  const auto t0 = std::chrono::steady_clock::now();
  const auto plans = data::plan_protocol(c.cohort, cfg.protocol, cfg.run);
  const std::size_t n_patients = c.cohort.scd.size() + c.cohort.normal.size();
  const std::size_t per_window = 2 * plans.size() + n_patients + 2 * c.cohort.scd.size();
  Context ctx{c,
              cfg,
              ProgressTracker(progress, "beats", "model set", per_window * cfg.windows_min.size()),
              0,
              {}};
  BeatStudyResult r;
  r.source = c.cohort.source;
  r.config = cfg;
  r.dropped = c.dropped;
  r.notes = c.notes;
  for (std::size_t i = 0; i < c.cohort.scd.size(); ++i) {
    r.patients_scd.push_back(c.cohort.scd[i].id);
    r.annotators[c.cohort.scd[i].id] = c.scd[i].annotator;
  }
  for (std::size_t i = 0; i < c.cohort.normal.size(); ++i) {
    r.patients_normal.push_back(c.cohort.normal[i].id);
    r.annotators[c.cohort.normal[i].id] = c.normal[i].annotator;
  }
  if (cfg.windows_min.empty() || cfg.protocol.horizons.empty())
    throw data::DataError("the study needs at least one window length and one horizon");
  for (int w : cfg.windows_min) {
    for (auto& run : run_protocol(ctx, plans, w, 0)) r.main.push_back(std::move(run));
    for (auto& run : run_protocol(ctx, plans, w, cfg.control_grid_s))
      r.quantised.push_back(std::move(run));
    for (auto& run : run_lopo(ctx, w)) r.lopo.push_back(std::move(run));
    for (auto& run : run_imminence(ctx, w)) r.imminence.push_back(std::move(run));
  }
  r.unusable = ctx.unusable;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace scapredict::eval

#include "data/protocol.hpp"

#include <algorithm>
#include <numeric>
#include <random>

namespace scapredict::data {

nlohmann::json ProtocolConfig::to_json() const {
  return {{"train_scd", train_scd},         {"test_scd", test_scd},
          {"train_normal", train_normal},   {"test_normal", test_normal},
          {"train_minutes", train_minutes}, {"horizons_min", horizons}};
}

namespace {

// Training minutes of one patient: 1..n before onset (SCD) or n random minutes (normal).
void add_training_minutes(std::vector<MinuteRef>& out, bool scd, int p, int n) {
  for (int k = 1; k <= n; ++k) {
    if (scd)
      out.push_back({true, p, BeforeOnset{k}, std::nullopt});
    else
      out.push_back({false, p, RandomMinute{}, std::nullopt});
  }
}

MinuteRef test_minute(bool scd, int p, int horizon) {
  if (scd) return {true, p, BeforeOnset{horizon}, horizon};
  return {false, p, RandomMinute{}, horizon};
}

std::vector<int> indices(std::size_t n) {
  std::vector<int> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

}  // namespace

std::vector<RepetitionPlan> plan_protocol(const Cohort& c, const ProtocolConfig& cfg,
                                          const RunConfig& run) {
  if (static_cast<int>(c.scd.size()) < cfg.train_scd + cfg.test_scd ||
      static_cast<int>(c.normal.size()) < cfg.train_normal + cfg.test_normal) {
    throw DataError("cohort has " + std::to_string(c.scd.size()) + " SCD and " +
                    std::to_string(c.normal.size()) + " normal patients; the protocol needs " +
                    std::to_string(cfg.train_scd + cfg.test_scd) + " and " +
                    std::to_string(cfg.train_normal + cfg.test_normal));
  }
  std::vector<RepetitionPlan> plans;
  std::mt19937_64 rng(derive_seed(run.seed, SeedUse::kSplits));
  for (int r = 0; r < run.repetitions; ++r) {
    RepetitionPlan plan;
    std::vector<int> s = indices(c.scd.size()), n = indices(c.normal.size());
    std::shuffle(s.begin(), s.end(), rng);
    std::shuffle(n.begin(), n.end(), rng);
    plan.train_scd.assign(s.begin(), s.begin() + cfg.train_scd);
    plan.test_scd.assign(s.begin() + cfg.train_scd, s.begin() + cfg.train_scd + cfg.test_scd);
    plan.train_normal.assign(n.begin(), n.begin() + cfg.train_normal);
    plan.test_normal.assign(n.begin() + cfg.train_normal,
                            n.begin() + cfg.train_normal + cfg.test_normal);
    for (int p : plan.train_scd) add_training_minutes(plan.train, true, p, cfg.train_minutes);
    for (int p : plan.train_normal) add_training_minutes(plan.train, false, p, cfg.train_minutes);
    for (int h : cfg.horizons) {
      for (int p : plan.test_scd) plan.test.push_back(test_minute(true, p, h));
      for (int p : plan.test_normal) plan.test.push_back(test_minute(false, p, h));
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

RepetitionPlan plan_all_patients(const Cohort& c, const ProtocolConfig& cfg) {
  RepetitionPlan plan;
  plan.train_scd = plan.test_scd = indices(c.scd.size());
  plan.train_normal = plan.test_normal = indices(c.normal.size());
  for (bool scd : {true, false}) {
    for (int p : scd ? plan.train_scd : plan.train_normal) {
      add_training_minutes(plan.train, scd, p, cfg.train_minutes);
      for (int h : cfg.horizons) plan.test.push_back(test_minute(scd, p, h));
    }
  }
  return plan;
}

std::vector<RepetitionPlan> leave_one_patient_out(const RepetitionPlan& all, bool balance,
                                                  std::uint64_t seed) {
  std::vector<RepetitionPlan> folds;
  std::mt19937_64 rng(seed);
  auto fold_for = [&](bool scd, int patient) {
    RepetitionPlan f;
    for (const auto& r : all.test)
      if (r.scd == scd && r.patient == patient) f.test.push_back(r);
    if (f.test.empty()) return;
    for (int p : all.train_scd)
      if (!scd || p != patient) f.train_scd.push_back(p);
    for (int p : all.train_normal)
      if (scd || p != patient) f.train_normal.push_back(p);
    if (balance) {
      auto& larger = f.train_scd.size() > f.train_normal.size() ? f.train_scd : f.train_normal;
      const auto keep = std::min(f.train_scd.size(), f.train_normal.size());
      std::shuffle(larger.begin(), larger.end(), rng);
      larger.resize(keep);
      std::sort(larger.begin(), larger.end());
    }
    auto trains = [&](const MinuteRef& r) {
      const auto& list = r.scd ? f.train_scd : f.train_normal;
      return std::find(list.begin(), list.end(), r.patient) != list.end();
    };
    for (const auto& r : all.train)
      if (trains(r)) f.train.push_back(r);
    (scd ? f.test_scd : f.test_normal).push_back(patient);
    folds.push_back(std::move(f));
  };
  for (int p : all.test_scd) fold_for(true, p);
  for (int p : all.test_normal) fold_for(false, p);
  return folds;
}

}  // namespace scapredict::data

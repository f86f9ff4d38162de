#pragma once
// The paper's protocol (docs/method.md): patient-disjoint splits and the minutes each one uses.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/run_config.hpp"
#include "data/cohort.hpp"

namespace scapredict::data {

/// Who trains and who tests in each repetition, and how many training minutes each has.
struct SplitConfig {
  int train_scd = 10, test_scd = 10;
  int train_normal = 8, test_normal = 10;
  int train_minutes = 10;  ///< minutes 1..10 before onset; 10 random minutes per normal
};

/// The paper's protocol: the split and the horizons tested (minutes before onset). The seed and
/// the number of repetitions come from RunConfig.
struct ProtocolConfig : SplitConfig {
  std::vector<int> horizons = {5,  10, 15, 20, 25, 30, 35, 40, 45,
                               50, 55, 60, 65, 70, 75, 80, 85, 90};
  nlohmann::json to_json() const;
};

/// Where a minute lies in its record. Exactly one of three kinds:
struct BeforeOnset {  ///< the k-th minute before the VF onset (k >= 1), of an SCD patient
  int k = 1;
};
struct MinuteIndex {  ///< the minute [60 i, 60 i + 60) s from the record start
  int index = 0;
};
struct RandomMinute {};  ///< a random usable minute, drawn when the minutes are read
using MinutePlace = std::variant<BeforeOnset, MinuteIndex, RandomMinute>;

/// One minute to use, of patient `patient` (an index into the cohort's scd or normal list).
struct MinuteRef {
  bool scd = false;
  int patient = 0;
  MinutePlace place;
  std::optional<int> horizon;  ///< test minutes: the horizon (minutes before onset) it stands for
};

struct RepetitionPlan {
  std::vector<int> train_scd, test_scd, train_normal, test_normal;
  std::vector<MinuteRef> train;
  std::vector<MinuteRef> test;  ///< each SCD test patient at each horizon + one normal minute each
};

/// Draws `run.repetitions` plans with seed derive_seed(run.seed, kSplits). Throws DataError when
/// the cohort has too few patients.
std::vector<RepetitionPlan> plan_protocol(const Cohort& cohort, const ProtocolConfig& config,
                                          const RunConfig& run);

/// Every patient's minutes in one plan, for leave-one-patient-out: each SCD patient's training
/// minutes (1..train_minutes before onset) and one test minute per horizon; each normal patient's
/// train_minutes random minutes and one random test minute per horizon. The four patient lists
/// name every patient as both train and test. Patient counts in `config` are not used.
RepetitionPlan plan_all_patients(const Cohort& cohort, const ProtocolConfig& config);

/// Leave-one-patient-out folds of `all` (a plan_all_patients plan with its minutes resolved): one
/// fold per patient that has test minutes, SCD patients first, each testing that patient's test
/// minutes and training on the other patients' training minutes.
/// With `balance`, each fold also leaves out randomly chosen patients (drawn with `seed`) of the
/// larger group until both groups train with as many patients. Without it, holding out a patient
/// tilts the training prior against its own group, which drives a flexible model below chance on
/// data without signal (docs/audit.md, probe 6).
std::vector<RepetitionPlan> leave_one_patient_out(const RepetitionPlan& all, bool balance,
                                                  std::uint64_t seed);

}  // namespace scapredict::data

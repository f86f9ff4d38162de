#pragma once
// Patients of the two databases, the minutes the paper's protocol draws, and their features.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scapredict/common/error.hpp"
#include "scapredict/dsp/segment.hpp"

namespace scapredict::cohort {

class CohortError : public Error {
 public:
  using Error::Error;
};

/// One patient (record). SCD patients have a VF onset.
struct Patient {
  std::string id;  ///< "sddb/30", "nsrdb/16265"
  std::filesystem::path record;
  bool scd = false;
  std::optional<double> onset_s;  ///< VF onset, elapsed seconds from the record start
  double duration_s = 0;
  double fs_hz = 0;
};

/// Where the data came from, printed on the first line of every result.
struct DataSource {
  bool simulated = true;
  std::filesystem::path dir;
  std::string description;  ///< "REAL PhysioNet data in DIR" or "SIMULATED cohort (...)"
  nlohmann::json knobs;     ///< the simulator's knobs and seed (simulated data only)
};

struct Cohort {
  DataSource source;
  std::vector<Patient> scd;           ///< SDDB records with a VF onset
  std::vector<Patient> normal;        ///< NSRDB records
  std::vector<std::string> excluded;  ///< SDDB records without onset, with the reason
};

/// Reads DIR/sddb and DIR/nsrdb (PhysioNet layout: RECORDS, .hea, .dat, annotations). SCD onsets
/// come from the header comment vfon; on real data each is cross-checked against `onset_table`
/// (docs/data/sddb-vf-onsets.csv) and a disagreement is a CohortError.
Cohort load_cohort(const std::filesystem::path& dir, const std::filesystem::path& onset_table = {});

/// The versioned onset table shipped in docs/data (found next to the executable's source tree,
/// or via $SCAPREDICT_ONSET_TABLE). Empty path when not found.
std::filesystem::path default_onset_table();

/// Picks the data directory: `requested` when given; else data/physionet if it holds sddb/ and
/// nsrdb/; else the simulated cohort in `cache_dir` (generated once with the default knobs and
/// `seed`, reused afterwards). Says on stderr which it uses.
std::filesystem::path resolve_data_dir(const std::optional<std::filesystem::path>& requested,
                                       const std::filesystem::path& cache_dir, std::uint64_t seed,
                                       double risk_effect = 1.0, double device_gap = 1.0);

/// The paper's protocol (docs/method.md): patient-disjoint splits, training and test minutes.
struct ProtocolConfig {
  int repetitions = 10;
  int train_scd = 10, test_scd = 10;
  int train_normal = 8, test_normal = 10;
  int train_minutes = 10;  ///< minutes 1..10 before onset; 10 random minutes per normal
  std::vector<int> horizons = {5,  10, 15, 20, 25, 30, 35, 40, 45,
                               50, 55, 60, 65, 70, 75, 80, 85, 90};
  std::uint64_t seed = 1;
  nlohmann::json to_json() const;
};

/// One minute to use: of patient `patient` (index into scd or normal); `minute` is k (the k-th
/// minute before onset) for SCD patients and the minute index from the record start for normals.
struct MinuteRef {
  bool scd = false;
  int patient = 0;
  int minute = 0;
  int horizon = 0;  ///< the horizon this minute stands for (0 for training minutes)
};

struct RepetitionPlan {
  std::vector<int> train_scd, test_scd, train_normal, test_normal;
  std::vector<MinuteRef> train;
  std::vector<MinuteRef> test;  ///< each SCD test patient at each horizon + one normal minute each
};

/// Draws the repetitions. Deterministic in config.seed.
std::vector<RepetitionPlan> plan_protocol(const Cohort& cohort, const ProtocolConfig& config);

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
std::vector<RepetitionPlan> leave_one_patient_out(const RepetitionPlan& all, bool balance = true,
                                                  std::uint64_t seed = 1);

/// Reads minutes of the cohort at 128 Hz, caching each SCD patient's pre-onset stretch.
class MinuteStore {
 public:
  explicit MinuteStore(const Cohort& cohort, int max_minutes_before_onset = 91);
  /// The 7680 samples of a minute and its quality. Throws CohortError when it is not in the record.
  dsp::Segment minute(const MinuteRef& ref);
  /// A random usable minute index of normal patient `p` (never one in `avoid`), drawn with `rng`
  /// state; unusable draws are counted in rejected(). The minute read to check it is moved into
  /// `*segment` when given, so callers need not read it again.
  int random_normal_minute(int p, std::uint64_t& rng_state, const std::vector<int>& avoid,
                           dsp::Segment* segment = nullptr);
  const std::map<std::string, int>& rejected() const { return rejected_; }
  /// Counts an unusable minute under its reason.
  void count_rejected(const dsp::SegmentQuality& q);

 private:
  const Cohort& cohort_;
  int max_before_;
  std::map<int, std::vector<double>> scd_cache_;
  std::map<int, std::vector<std::pair<std::int64_t, std::int64_t>>> scd_bridged_;
  std::map<int, std::optional<std::pair<double, double>>> scd_limits_;
  std::map<std::string, int> rejected_;
};

/// Model inputs computed from a 7680-sample minute (docs/method.md, "Inputs").
enum class InputKind { kDft, kRaw, kDwt, kSpectrogram };
InputKind parse_input_kind(const std::string& s);
std::string to_string(InputKind k);

struct FeatureConfig {
  InputKind input = InputKind::kDft;
  std::size_t bins = 1024;  ///< DFT bins
  int dwt_levels = 5;
  std::optional<std::pair<double, double>> band_hz;  ///< keep only DFT bins inside this band
  nlohmann::json to_json() const;
  static FeatureConfig from_json(const nlohmann::json& j);
};

/// The feature vector of one minute (NaN-free minute required).
std::vector<float> extract_features(const FeatureConfig& config, const std::vector<double>& minute);

}  // namespace scapredict::cohort

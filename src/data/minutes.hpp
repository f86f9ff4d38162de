#pragma once
// Reading the minutes a protocol asks for, at the analysis rate, with their quality.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/progress.hpp"
#include "data/protocol.hpp"
#include "dsp/segment.hpp"

namespace scapredict::data {

/// Reads minutes of the cohort at 128 Hz, caching each SCD patient's pre-onset stretch.
class MinuteStore {
 public:
  explicit MinuteStore(const Cohort& cohort, int max_minutes_before_onset = 91);
  /// The 7680 samples of the k-th minute before patient `scd_patient`'s onset. Throws DataError
  /// when it is not in the record.
  dsp::Segment before_onset(int scd_patient, int k);
  /// The 7680 samples of minute `index` of normal patient `normal_patient`.
  dsp::Segment normal_minute(int normal_patient, int index);
  /// A random usable minute index of normal patient `p` (never one in `avoid`), drawn with `rng`
  /// state; unusable draws are counted in rejected(). The minute read to check it is moved into
  /// `*segment` when given, so callers need not read it again.
  int random_normal_minute(int p, std::uint64_t& rng_state, const std::vector<int>& avoid,
                           dsp::Segment* segment = nullptr);
  const std::map<std::string, int>& rejected() const { return rejected_; }
  /// Counts an unusable minute under its reason.
  void count_rejected(const dsp::SegmentQuality& q);

 private:
  struct PreOnset {
    std::vector<double> samples;
    std::vector<std::pair<std::int64_t, std::int64_t>> bridged;
    dsp::QualityLimits limits;
  };
  const Cohort& cohort_;
  int max_before_;
  std::map<int, PreOnset> scd_cache_;
  std::map<std::string, int> rejected_;
};

/// The minutes of a set of plans, read once and shared by every experiment on them.
struct PreparedMinutes {
  ProtocolConfig protocol;
  RunConfig run;
  /// Random minutes resolved to MinuteIndex; unusable minutes and minutes before a record's
  /// start dropped.
  std::vector<RepetitionPlan> plans;
  std::map<std::string, std::vector<double>> minutes;  ///< by key()
  std::map<std::string, int> rejected;                 ///< unusable minutes by reason (never used)
  /// The store key of a resolved minute ("s:patient:k" or "n:patient:index").
  static std::string key(const MinuteRef& r);
  const std::vector<double>& samples(const MinuteRef& r) const { return minutes.at(key(r)); }
};

/// Reads every minute of `plans`: random normal minutes are drawn (seed derive_seed(run.seed,
/// kNormalMinutes)), minutes that are unusable or lie before a record's start are dropped from
/// the plans and counted. One progress event per plan.
PreparedMinutes read_plans(const Cohort& cohort, const ProtocolConfig& protocol,
                           const RunConfig& run, std::vector<RepetitionPlan> plans,
                           const ProgressFn& progress = {});

/// plan_protocol, then read_plans.
PreparedMinutes prepare_protocol(const Cohort& cohort, const ProtocolConfig& protocol,
                                 const RunConfig& run, const ProgressFn& progress = {});

}  // namespace scapredict::data

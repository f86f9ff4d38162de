#pragma once
// Experiment 4 of docs/real-ecg-method.md: real rhythm through one recorder. Every SDDB and NSRDB
// beat sequence is rendered to ECG by the simulator (its morphology, noise and recorder), then
// the paper's protocol runs on those records: once with one recorder for all, once with each
// database's own sampling chain, so the difference between the two is the recorder's share.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "common/run_config.hpp"
#include "data/beat_cohort.hpp"
#include "data/protocol.hpp"
#include "eval/probes/near_far.hpp"
#include "stats/metrics.hpp"
#include "train/experiment.hpp"

namespace scapredict::eval {

struct RealRhythmConfig {
  /// The real-beats study's split (train 8 SCD + 12 normal, test 4 + 6), horizons 5..90.
  data::ProtocolConfig protocol;
  RunConfig run{kDefaultSeed, 20, 40, 0};
  std::vector<int> near = {5, 10, 15, 20, 25, 30};
  std::vector<int> far = {240, 270, 300, 330, 360, 390, 420, 450, 480};
  double normal_hours = 2.0;   ///< NSRDB excerpt rendered per normal (from the annotated span)
  int threads = 2;             ///< rendering threads
  std::filesystem::path work;  ///< rendered records go in a fresh folder here (removed after)
  /// The pre-registered configuration of docs/real-ecg-method.md, experiment 4.
  static RealRhythmConfig preregistered();
  nlohmann::json to_json() const;
};

/// One recorder setting: its records, the protocol's result by horizon, near and far.
struct RhythmSetting {
  std::string name;         ///< "one recorder", "own chains"
  std::string description;  ///< the cohort's data source line
  int scd = 0, normal = 0;
  train::ExperimentResult result;
  BandMetrics near, far;                ///< pooled_band of the near and far horizons
  std::map<std::string, int> rejected;  ///< unusable minutes by reason
  nlohmann::json to_json() const;
};

struct RealRhythmResult {
  RealRhythmConfig config;
  std::string beat_source;  ///< the beat cohort's data source line
  std::vector<std::string> dropped;
  std::vector<RhythmSetting> settings;
  double seconds = 0;
  nlohmann::json to_json() const;
};

/// The cohort experiment 4 trains on in its one-recorder setting: `beats` rendered (as
/// run_real_rhythm renders them) into `dir` with the SDDB-like recorder for every record, and
/// loaded. Its source description names the real beat times and the simulated recorder, not the
/// folder, which is the caller's to remove.
data::Cohort render_one_recorder(const data::BeatCohort& beats, const RealRhythmConfig& config,
                                 const std::filesystem::path& dir, const ProgressFn& progress = {});

/// Renders `beats` twice (one recorder; own chains) into config.work and runs the protocol with
/// the near and far horizons on each. SCD records are rendered from (far max + 5) minutes before
/// onset to 1 minute after it; normals over normal_hours of their annotated span (the start drawn
/// from the seed). Progress: "real-rhythm" events per record rendered and per repetition.
RealRhythmResult run_real_rhythm(const data::BeatCohort& beats, const RealRhythmConfig& config,
                                 const ProgressFn& progress = {});

}  // namespace scapredict::eval

#pragma once
// Real beat times rendered to ECG: the simulator's beat morphology, noise and recorder driven by
// a beat sequence from annotations instead of its own rhythm model (docs/real-ecg-method.md,
// experiment 4). What a model learns from such records it can only have learnt from the rhythm.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "sim/simulate.hpp"

namespace scapredict::sim {

/// The gain of every rendered record (adu/mV).
inline constexpr double kBeatDrivenGain = 200.0;

/// One record's beats, in seconds from the start of the record to be written.
struct BeatSequence {
  std::string db;  ///< "sddb" (VF patients) or "nsrdb" (normals)
  std::string name;
  std::vector<double> t_s;        ///< beat times, ascending
  std::vector<bool> ventricular;  ///< parallel to t_s: drawn with the PVC morphology
  double duration_s = 0;
  std::optional<double> onset_s;  ///< VF from here to the end (sddb records)
  double source_start_s = 0;      ///< where this excerpt starts in the source record
};

struct BeatRenderConfig {
  std::filesystem::path out;  ///< a directory that does not exist yet, or is empty
  std::uint64_t seed = kDefaultSimSeed;
  /// false: every record through the SDDB-like recorder at 250 Hz (device gap 0); true: SDDB
  /// records through the SDDB-like chain, NSRDB records through the NSRDB-like one at 128 Hz.
  bool own_chains = false;
  /// A stretch longer than this without an annotated beat is written as invalid samples, so the
  /// quality rules drop the minutes holding it (an unannotated stretch is not a pause).
  double max_beat_gap_s = 3.0;
  std::string beat_source;  ///< where the beat times came from, for truth.json
  int threads = 1;
  ProgressFn progress;  ///< one event per record written
};

/// Writes OUT/sddb and OUT/nsrdb (every record at kBeatDrivenGain) (WFDB headers, format 212, beat
/// annotations, RECORDS) and OUT/truth.json, whose `description` names both the beat source and the
/// simulated recorder. A record's morphology is drawn from seed and its "db/name", the same for
/// either recorder setting, so the two settings differ only by the recorder. Deterministic for any
/// thread count. Throws SimError for an empty sequence list, a record without beats, beat times out
/// of order or outside [0, duration_s), or an output directory that is not new.
nlohmann::json render_beat_cohort(const std::vector<BeatSequence>& records,
                                  const BeatRenderConfig& config);

}  // namespace scapredict::sim

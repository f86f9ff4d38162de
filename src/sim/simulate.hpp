#pragma once
// Simulated Holter cohorts in PhysioNet's layout, with known truth (docs/simulation.md).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/progress.hpp"

namespace scapredict::sim {

class SimError : public Error {
 public:
  using Error::Error;
};

/// The seed of the default simulated cohort (`scapredict simulate` and runs without --data).
inline constexpr std::uint64_t kDefaultSimSeed = 20240501;

/// A recording device: what stands between the heart and the stored numbers.
struct Recorder {
  std::string name;
  double fs_hz = 250.0;
  double gain_adu_per_mv = 800.0;
  bool write_gain_as_zero = false;  ///< NSRDB headers carry gain 0 ("uncalibrated", read as 200)
  int adc_bits = 12;
  double highpass_hz = 0.05;       ///< analogue high-pass corner (1st order)
  double lowpass_hz = 40.0;        ///< analogue low-pass corner (2nd-order Butterworth)
  double noise_floor_mv = 0.010;   ///< white noise added before quantisation (RMS)
  double mains_mv = 0.02;          ///< 60 Hz interference amplitude
  double dropouts_per_hour = 0.0;  ///< tape dropouts written as invalid samples
  double dropout_max_s = 1.8;
  double wow_flutter = 0.003;  ///< peak relative deviation of the time base
};

/// The two recorders; `device_gap` scales every difference of the NSRDB recorder from the SDDB
/// one (0: both databases recorded by the SDDB device at 250 Hz). The sampling rate is discrete:
/// 128 Hz for any gap > 0.
Recorder sddb_recorder();
Recorder nsrdb_recorder(double device_gap);

/// Knobs of `scapredict simulate`.
struct SimConfig {
  std::filesystem::path out;
  std::uint64_t seed = kDefaultSimSeed;
  double risk_effect = 1.0;         ///< scales every pre-onset change; 0: SCD and normal alike
  double device_gap = 1.0;          ///< scales every recorder difference; 0: same device
  double hours_before_onset = 2.0;  ///< length written before each onset (excerpt mode)
  double hours_after = 0.2;         ///< length written after each onset
  double nsrdb_hours = 2.0;
  bool full = false;  ///< real record lengths (3.9-25 h) and onset times
  int threads = 1;
  /// Restrict to these record names (empty: all 23 + 18). For small test cohorts.
  std::vector<std::string> only_records;
  /// Limit on the number of SDDB VF records and NSRDB records written (0: no limit).
  int max_sddb = 0;
  int max_nsrdb = 0;
  ProgressFn progress;  ///< one event per record written
};

/// Facts about the real databases the simulator imitates (../shared/physionet/README.md).
struct SddbRecordFacts {
  std::string name;
  std::optional<double> onset_s;  ///< elapsed time of the VF onset in the real record
  double length_h;                ///< real record length (hours)
  double gain;                    ///< 800, or 200 for records 39 and 47
};
const std::vector<SddbRecordFacts>& sddb_facts();
const std::vector<std::string>& nsrdb_names();

/// Writes OUT/sddb, OUT/nsrdb (headers, 212 signals, annotations, RECORDS) and OUT/truth.json.
/// Deterministic: the same config gives byte-identical files for any thread count. Returns the
/// truth document.
nlohmann::json simulate(const SimConfig& config);

/// Puts simulated NSRDB-like minutes beside the real ones in `physionet_dir` (nsrdb-1min, cudb):
/// mean 1024-bin spectrum distance, heart rate, QRS amplitude, VF spectrum distance.
struct RealismReport {
  double nsr_spectral_distance = 0;       ///< see docs/simulation.md
  double nsr_spectral_distance_null = 0;  ///< the same distance between two halves of the real set
  double real_hr_bpm_mean = 0, sim_hr_bpm_mean = 0;
  double real_qrs_mv_mean = 0, sim_qrs_mv_mean = 0;
  double vf_peak_hz_real = 0, vf_peak_hz_sim = 0;
  double vf_spectral_distance = 0;
  std::vector<double> real_mean_spectrum, sim_mean_spectrum;  ///< 1024 bins, 0-64 Hz
  nlohmann::json to_json() const;
};
RealismReport compare_real(const std::filesystem::path& physionet_dir, std::uint64_t seed = 1);

}  // namespace scapredict::sim

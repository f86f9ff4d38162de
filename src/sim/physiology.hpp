#pragma once
// Patient physiology and beat schedule of the simulator (docs/simulation.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/rng.hpp"

namespace scapredict::sim {

/// One Gaussian event of McSharry et al.'s model: centre (s, relative to the R peak), width (s),
/// amplitude per lead (mV).
struct Wave {
  double offset_s = 0;
  double width_s = 0.01;
  double amp_mv[2] = {0, 0};
};

/// Per-patient parameters, drawn once from the record's seed.
struct Patient {
  double hr_bpm = 70;        ///< resting mean heart rate
  double circadian_bpm = 6;  ///< amplitude of the 24 h heart-rate cycle
  double circadian_phase = 0;
  double rr_variability = 0.05;  ///< SD of RR relative to its mean (short-term HRV)
  double lf_hf = 1.5;            ///< LF/HF power ratio of the RR fluctuations
  double lf_hz = 0.1, hf_hz = 0.25;
  double pvc_per_h = 1.0;  ///< baseline PVC rate
  Wave p, q, r, s, t;      ///< normal beat
  Wave v_qrs, v_s, v_t;    ///< PVC morphology (focus is per patient)
  double wander_mv = 0.1, resp_hz = 0.25;
  double emg_mv = 0.015;
  double motion_per_h = 2.0;
  double vf_amp_mv = 0.5;
  nlohmann::json to_json() const;
};
Patient draw_patient(Rng& rng);

/// The pre-onset risk effects at full strength (ramp = 1); docs/simulation.md gives sources.
struct RiskEffects {
  double hr_increase_bpm = 15;
  double hrv_reduction = 0.6;   ///< relative reduction of RR variability
  double lf_hf_increase = 1.0;  ///< relative increase of LF/HF
  double pvc_per_h = 150;       ///< added PVC rate
  double couplet_probability = 0.4;
  double nsvt_per_h = 8;
  double twa_mv = 0.08;  ///< T-wave alternans amplitude (every other beat +/-)
  double qt_increase_s = 0.05;
  double ramp_tau_min = 60;  ///< ramp = exp(-minutes_before_onset / tau)
  nlohmann::json to_json() const;
};

/// A beat or an event of the schedule, in true (physiological) time.
struct Beat {
  double t = 0;     ///< R peak (or QRS centre of a PVC), seconds from record start
  double rr = 0.8;  ///< the underlying sinus RR at this time
  bool pvc = false;
  double twa_mv = 0;  ///< signed T-wave alternans for this beat
  double qt_shift_s = 0;
};

struct RhythmChange {
  double t = 0;
  std::string aux;  ///< "(N", "(VT", "(VF"
};

struct Schedule {
  std::vector<Beat> beats;
  std::vector<RhythmChange> rhythms;
};

/// Beats from 0 to `end_s`; `onset_s` (if any) is where VF starts and the beats stop; `risk`
/// scales RiskEffects (0 for normals). `full_record_offset_s` places t = 0 inside the full record
/// (for the circadian cycle and the onset distance of excerpts).
Schedule schedule_beats(const Patient& p, const RiskEffects& fx, double risk, double end_s,
                        std::optional<double> onset_s, Rng& rng);

/// The risk ramp at time t for an onset at onset_s.
double risk_ramp(const RiskEffects& fx, double risk, std::optional<double> onset_s, double t);

}  // namespace scapredict::sim

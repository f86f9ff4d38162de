#include "eval/paper/audit.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/workers.hpp"
#include "data/minutes.hpp"
#include "dsp/prepare.hpp"
#include "dsp/vf_like.hpp"
#include "io/signal.hpp"
#include "scapredict/version.hpp"
#include "sim/simulate.hpp"

namespace scapredict::eval {
namespace fs = std::filesystem;

namespace {

// The run of a probe: the audit's run with the probe's own seed.
RunConfig probe_run(const AuditConfig& ac, int probe) {
  auto run = ac.run;
  run.seed = derive_seed(ac.run.seed, SeedUse::kAuditProbe, static_cast<std::uint64_t>(probe));
  return run;
}

// The 18 real NSRDB first minutes, one patient each.
std::vector<PatientMinutes> nsrdb_minutes(const fs::path& physionet) {
  std::vector<PatientMinutes> out;
  for (const auto& h : io::list_headers(physionet / "nsrdb-1min"))
    out.push_back({io::Record(h).read_physical(0)});
  return out;
}

bool has_nsrdb_minutes(const AuditConfig& ac) {
  return ac.physionet && fs::is_directory(*ac.physionet / "nsrdb-1min");
}

// The first usable minute (30-s steps) of a CUDB record whose 8-s windows are never VF-like: a
// proxy for "before any ventricular arrhythmia".
std::optional<std::vector<double>> cudb_pre_arrhythmia_minute(const fs::path& rec_path) {
  io::Record rec(rec_path);
  const double dur = static_cast<double>(rec.n_frames()) / rec.fs_hz();
  for (double start = 0; start + 60 <= dur; start += 30) {
    auto p = dsp::load_channel(rec, 0, start, 60.0);
    auto q = dsp::assess_quality(p.samples, p.fs_hz, dsp::limits_for(p), p.bridged);
    if (!q.usable()) continue;
    bool vf_like = false;
    for (std::size_t s = 0; s + 1024 <= p.samples.size() && !vf_like; s += 1024) {
      vf_like = dsp::vf_like_window(std::span<const double>(p.samples).subspan(s, 1024), p.fs_hz,
                                    1024)  // 1/8 Hz spacing
                    .vf_like;
    }
    if (!vf_like) return p.samples;
  }
  return std::nullopt;
}

// A cell of the known-answer grid: simulated once into the cache, then reused.
data::Cohort grid_cohort(const AuditConfig& ac, double risk, double gap) {
  sim::SimConfig sc;
  std::ostringstream name;
  name << "audit-grid-r" << risk << "-g" << gap << "-h" << ac.grid_hours_before_onset;
  if (ac.grid_records > 0) name << "-n" << ac.grid_records;
  if (ac.grid_nsrdb_hours != 2.0) name << "-nh" << ac.grid_nsrdb_hours;
  sc.out = ac.cache / name.str();
  sc.risk_effect = risk;
  sc.device_gap = gap;
  sc.hours_before_onset = ac.grid_hours_before_onset;
  sc.hours_after = 0.02;
  sc.nsrdb_hours = ac.grid_nsrdb_hours;
  sc.max_sddb = sc.max_nsrdb = ac.grid_records;
  sc.threads = 2;
  // Under several processes (docs/mpi.md) the first one fills the cache, the others wait.
  on_root(workers(), [&] {
    if (!fs::exists(sc.out / "truth.json")) sim::simulate(sc);
  });
  return data::load_cohort(sc.out);
}

nlohmann::json near_far_json(const NearFar& v) {
  return {{"near", stats::to_json(v.near_accuracy)},
          {"far", stats::to_json(v.far_accuracy)},
          {"verdict", v.verdict}};
}

}  // namespace

nlohmann::json ResamplingSignature::to_json() const {
  return {{"accuracy", stats::to_json(result.accuracy)},
          {"auroc", stats::to_json(result.auroc)},
          {"patients", result.patients_a}};
}

std::optional<ResamplingSignature> probe_resampling_signature(const AuditConfig& ac) {
  if (!has_nsrdb_minutes(ac)) return std::nullopt;
  const auto orig = nsrdb_minutes(*ac.physionet);
  std::vector<PatientMinutes> chain;
  for (const auto& p : orig) chain.push_back({sddb_like_chain(p.front())});
  return ResamplingSignature{two_group_probe(chain, orig, probe_run(ac, 1), true)};
}

nlohmann::json DatabaseIdentity::to_json() const {
  return {{"accuracy", stats::to_json(result.accuracy)},
          {"auroc", stats::to_json(result.auroc)},
          {"cudb_records_used", cudb_records_used},
          {"cudb_records_seen", cudb_records_seen},
          {"nsrdb_records", result.patients_b}};
}

std::optional<DatabaseIdentity> probe_database_identity(const AuditConfig& ac) {
  if (!has_nsrdb_minutes(ac) || !fs::is_directory(*ac.physionet / "cudb")) return std::nullopt;
  DatabaseIdentity r;
  std::vector<PatientMinutes> cu;
  for (const auto& h : io::list_headers(*ac.physionet / "cudb")) {
    ++r.cudb_records_seen;
    if (auto m = cudb_pre_arrhythmia_minute(h)) {
      cu.push_back({*m});
      r.cudb_records_used.push_back(h.stem().string());
    }
  }
  r.result = two_group_probe(cu, nsrdb_minutes(*ac.physionet), probe_run(ac, 2));
  return r;
}

nlohmann::json BandLimited::to_json() const {
  return {{"band_hz", {band_hz.first, band_hz.second}},
          {"full", full.to_json()},
          {"band", band.to_json()}};
}

BandLimited probe_band_limited(const data::Cohort& cohort, const AuditConfig& ac) {
  const auto run = probe_run(ac, 3);
  const auto prepared = data::prepare_protocol(cohort, ac.protocol, run);
  const auto full = train::ExperimentConfig::paper_cnn("dft1024", run);
  auto band = train::ExperimentConfig::paper_cnn("dft1024-band", run);
  band.features.band_hz = ac.band_hz;
  return {ac.band_hz, train::run_experiment(cohort, prepared, full),
          train::run_experiment(cohort, prepared, band)};
}

const GridCell* KnownAnswerGrid::cell(double risk, double gap) const {
  for (const auto& c : cells)
    if (c.risk_effect == risk && c.device_gap == gap) return &c;
  return nullptr;
}

nlohmann::json KnownAnswerGrid::to_json() const {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& c : cells) {
    auto e = near_far_json(c.result);
    e["risk_effect"] = c.risk_effect;
    e["device_gap"] = c.device_gap;
    e["expected"] = c.expected;
    j.push_back(e);
  }
  return j;
}

KnownAnswerGrid probe_known_answer_grid(const AuditConfig& ac, const ProgressFn& progress) {
  KnownAnswerGrid g;
  g.hours_before_onset = ac.grid_hours_before_onset;
  const ProgressTracker tracker(progress, "audit", "grid cell", 4);
  for (double risk : {0.0, 1.0}) {
    for (double gap : {0.0, 1.0}) {
      std::ostringstream what;
      what << "probe 4 cell risk-effect " << risk << ", device-gap " << gap;
      tracker.stage(what.str());
      const auto v =
          near_far_probe(grid_cohort(ac, risk, gap),
                         NearFarConfig{ac.near, ac.grid_far, ac.protocol}, probe_run(ac, 4));
      const std::string expected = risk == 0 && gap == 0 ? "no signal"
                                   : risk == 0           ? "shortcut"
                                   : gap == 0            ? "risk signal"
                                                         : "(both)";
      g.cells.push_back({risk, gap, v, expected});
    }
  }
  return g;
}

nlohmann::json FarFromOnset::to_json() const {
  auto j = near_far_json(result);
  j["far_horizons"] = far_horizons;
  return j;
}

FarFromOnset probe_far_from_onset(const data::Cohort& cohort, const AuditConfig& ac) {
  double shortest = 1e300;
  for (const auto& p : cohort.scd) shortest = std::min(shortest, *p.onset_s / 60.0);
  NearFarConfig nf{ac.near, {}, ac.protocol};
  const int far_max = std::max(90, static_cast<int>(std::floor(shortest)) - 1);
  nf.far = {far_max - 20, far_max - 10, far_max};
  nf.far.erase(std::remove_if(nf.far.begin(), nf.far.end(), [](int h) { return h <= 30; }),
               nf.far.end());
  return {nf.far, near_far_probe(cohort, nf, probe_run(ac, 5))};
}

nlohmann::json LeaveOnePatientOut::to_json() const {
  return {{"config", config.to_json(run)},
          {"result", main.to_json()},
          {"same_device_simulated", same_device.to_json()}};
}

LeaveOnePatientOut probe_leave_one_patient_out(const data::Cohort& cohort, const AuditConfig& ac,
                                               const ProgressFn& progress) {
  LeaveOnePatientOut r;
  r.config.bootstrap_resamples = ac.bootstrap_resamples;
  r.config.train_minutes = ac.protocol.train_minutes;
  r.config.horizons = ac.protocol.horizons;
  r.run = probe_run(ac, 6);
  r.main = lopo_probe(cohort, r.config, r.run, progress);
  const ProgressTracker tracker(progress, "audit", "probe", 6);
  tracker.stage("probe 6 on the same-device simulated cohort");
  r.same_device = lopo_probe(grid_cohort(ac, 1.0, 0.0), r.config, r.run, progress);
  return r;
}

nlohmann::json AuditResult::to_json() const {
  nlohmann::json j = {
      {"scapredict_version", kVersion},        {"seed", config.run.seed},
      {"repetitions", config.run.repetitions}, {"epochs", config.run.epochs},
      {"run", config.run.to_json()},           {"protocol", config.protocol.to_json()}};
  j["data"] = {{"description", source.description},
               {"simulated", source.simulated},
               {"dir", source.dir.string()},
               {"simulator_knobs", source.knobs}};
  j["config"] = {{"band_hz", {config.band_hz.first, config.band_hz.second}},
                 {"grid_hours_before_onset", config.grid_hours_before_onset},
                 {"bootstrap_resamples", config.bootstrap_resamples},
                 {"physionet", config.physionet ? config.physionet->string() : ""}};
  if (resampling_signature) j["probe1_resampling_signature"] = resampling_signature->to_json();
  if (database_identity) j["probe2_database_identity"] = database_identity->to_json();
  j["probe3_band_limited"] = band_limited.to_json();
  j["probe4_grid"] = grid.to_json();
  j["probe5_far_from_onset"] = far_from_onset.to_json();
  j["probe6_leave_one_patient_out"] = lopo.to_json();
  return j;
}

AuditResult run_audit(const data::Cohort& cohort, const AuditConfig& ac,
                      const ProgressFn& progress) {
  AuditResult r;
  r.config = ac;
  r.source = cohort.source;
  const ProgressTracker tracker(progress, "audit", "probe", 6);
  tracker.stage("probe 1 (resampling signature, real NSRDB minutes)");
  r.resampling_signature = probe_resampling_signature(ac);
  tracker.stage("probe 2 (database identity, real NSRDB vs CUDB)");
  r.database_identity = probe_database_identity(ac);
  tracker.stage("probe 3 (band-limited control)");
  r.band_limited = probe_band_limited(cohort, ac);
  r.grid = probe_known_answer_grid(ac, progress);
  tracker.stage("probe 5 (far-from-onset control)");
  r.far_from_onset = probe_far_from_onset(cohort, ac);
  tracker.stage("probe 6 (leave-one-patient-out, " +
                std::to_string(cohort.scd.size() + cohort.normal.size()) + " patients)");
  r.lopo = probe_leave_one_patient_out(cohort, ac, progress);
  return r;
}

}  // namespace scapredict::eval

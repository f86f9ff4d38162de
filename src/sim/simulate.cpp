#include "sim/simulate.hpp"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>

#include "common/atomic_file.hpp"
#include "common/run_config.hpp"
#include "common/text.hpp"
#include "io/annotation.hpp"
#include "io/physionet.hpp"
#include "io/signal.hpp"
#include "scapredict/version.hpp"
#include "sim/physiology.hpp"
#include "sim/record_writer.hpp"
#include "sim/render.hpp"

namespace scapredict::sim {
namespace fs = std::filesystem;

const std::vector<SddbRecordFacts>& sddb_facts() {
  auto hms = [](int h, int m, int s) { return std::optional<double>(h * 3600.0 + m * 60 + s); };
  // Onsets from the SDDB headers (elapsed time). Per-record lengths are not listed in the
  // facts available here: the simulator ends VF records hours_after after the onset (--full too)
  // and gives the three records without VF 24 h.
  static const std::vector<SddbRecordFacts> facts = {
      {"30", hms(7, 54, 33), 0, 800},  {"31", hms(13, 42, 24), 0, 800},
      {"32", hms(16, 45, 18), 0, 800}, {"33", hms(4, 46, 19), 0, 800},
      {"34", hms(6, 35, 44), 0, 800},  {"35", hms(24, 34, 56), 0, 800},
      {"36", hms(18, 59, 1), 0, 800},  {"37", hms(1, 31, 13), 0, 800},
      {"38", hms(8, 1, 54), 0, 800},   {"39", hms(4, 37, 51), 0, 200},
      {"40", std::nullopt, 24, 800},   {"41", hms(2, 59, 24), 0, 800},
      {"42", std::nullopt, 24, 800},   {"43", hms(15, 37, 11), 0, 800},
      {"44", hms(19, 38, 45), 0, 800}, {"45", hms(18, 9, 17), 0, 800},
      {"46", hms(3, 41, 47), 0, 800},  {"47", hms(6, 13, 1), 0, 200},
      {"48", hms(2, 29, 40), 0, 800},  {"49", std::nullopt, 24, 800},
      {"50", hms(11, 45, 43), 0, 800}, {"51", hms(22, 58, 23), 0, 800},
      {"52", hms(2, 32, 40), 0, 800}};
  return facts;
}

const std::vector<std::string>& nsrdb_names() {
  return io::nsrdb_record_names();
}

Recorder sddb_recorder() {
  Recorder r;
  r.name = "SDDB-like Holter (250 Hz, 12 bit, gain 800)";
  r.fs_hz = 250;
  r.gain_adu_per_mv = 800;
  r.highpass_hz = 0.05;
  r.lowpass_hz = 40;
  r.noise_floor_mv = 0.010;
  r.mains_mv = 0.02;
  r.dropouts_per_hour = 2.0;
  r.dropout_max_s = 1.8;
  r.wow_flutter = 0.004;
  return r;
}

Recorder nsrdb_recorder(double gap) {
  const Recorder a = sddb_recorder();
  auto mix = [gap](double sddb, double nsrdb) { return sddb + gap * (nsrdb - sddb); };
  Recorder r = a;
  r.name =
      gap == 0 ? a.name + " (device gap 0)" : "NSRDB-like Holter (128 Hz, 12 bit, gain field 0)";
  r.fs_hz = gap > 0 ? 128 : 250;
  r.gain_adu_per_mv = mix(800, 200);
  r.write_gain_as_zero = gap > 0 && std::abs(r.gain_adu_per_mv - 200) < 1e-9;
  r.highpass_hz = mix(0.05, 0.5);
  r.lowpass_hz = mix(40, 50);
  r.noise_floor_mv = mix(0.010, 0.004);
  r.mains_mv = mix(0.02, 0.005);
  r.dropouts_per_hour = mix(2.0, 0.0);
  r.wow_flutter = mix(0.004, 0.001);
  return r;
}

namespace {

nlohmann::json recorder_json(const Recorder& r) {
  return {{"name", r.name},
          {"fs_hz", r.fs_hz},
          {"gain_adu_per_mv", r.gain_adu_per_mv},
          {"gain_field_zero", r.write_gain_as_zero},
          {"adc_bits", r.adc_bits},
          {"highpass_hz", r.highpass_hz},
          {"lowpass_hz", r.lowpass_hz},
          {"noise_floor_mv", r.noise_floor_mv},
          {"mains_mv", r.mains_mv},
          {"dropouts_per_hour", r.dropouts_per_hour},
          {"dropout_max_s", r.dropout_max_s},
          {"wow_flutter", r.wow_flutter}};
}

struct Job {
  std::string db, name;
  std::optional<double> onset_s;  // within the written record
  std::optional<double> full_onset_s;
  double excerpt_start_s = 0;  // start of the written record inside the full one
  double duration_s = 0;
  double risk = 0;
  double gain = 800;
  Recorder recorder;
};

nlohmann::json run_job(const Job& job, const SimConfig& cfg, const RiskEffects& fx) {
  Rng rng(derive_seed(cfg.seed, SeedUse::kSimRecord, hash_name(job.db + "/" + job.name)));
  Patient patient = draw_patient(rng);
  Schedule sched = schedule_beats(patient, fx, job.risk, job.duration_s, job.onset_s, rng);
  Rendered r = render(patient, sched, job.recorder, job.gain, job.duration_s, job.onset_s, rng);

  io::Header h = holter_header(job.db, job.name, job.recorder, job.gain);
  const bool nsr = job.db == "nsrdb";
  std::string sim_note = "scapredict simulated " + std::string(nsr ? "NSRDB" : "SDDB") +
                         "-like record, seed " + std::to_string(cfg.seed) + ", risk-effect " +
                         std::to_string(cfg.risk_effect) + ", device-gap " +
                         std::to_string(cfg.device_gap);
  int age = 0;
  char sex = 'M';
  if (nsr) {
    age = 20 + static_cast<int>(rng.uniform() * 31);
    sex = rng.uniform() < 0.35 ? 'M' : 'F';
    h.comments.push_back(std::to_string(age) + " " + sex);
  } else if (job.onset_s) {
    h.comments.push_back("vfon: " + elapsed_hms(*job.onset_s));
    if (job.excerpt_start_s > 0) {
      sim_note += "; excerpt from " + elapsed_hms(job.excerpt_start_s) +
                  " of the full record, full-record vfon " + elapsed_hms(*job.full_onset_s);
    }
  }
  h.comments.push_back(sim_note);
  const fs::path dir = cfg.out / job.db;
  io::write_record(dir, h, r.adu);
  io::write_annotations(dir / job.name, nsr ? "atr" : "ari", r.annotations);

  std::int64_t n_pvc = 0, n_beats = 0;
  for (const auto& b : sched.beats) {
    ++n_beats;
    n_pvc += b.pvc;
  }
  nlohmann::json t = {{"db", job.db},
                      {"record", job.name},
                      {"duration_s", job.duration_s},
                      {"fs_hz", job.recorder.fs_hz},
                      {"gain_adu_per_mv", job.gain},
                      {"risk", job.risk},
                      {"excerpt_start_s", job.excerpt_start_s},
                      {"beats", n_beats},
                      {"pvcs", n_pvc},
                      {"rhythm_changes", sched.rhythms.size()},
                      {"dropout_samples", r.dropout_samples},
                      {"motion_bursts", r.motion_bursts},
                      {"patient", patient.to_json()}};
  t["onset_s"] = job.onset_s ? nlohmann::json(*job.onset_s) : nlohmann::json(nullptr);
  t["full_record_onset_s"] =
      job.full_onset_s ? nlohmann::json(*job.full_onset_s) : nlohmann::json(nullptr);
  if (nsr) t["age_sex"] = std::to_string(age) + " " + sex;
  return t;
}

bool wanted(const SimConfig& cfg, const std::string& name) {
  if (cfg.only_records.empty()) return true;
  for (const auto& r : cfg.only_records) {
    if (r == name) return true;
  }
  return false;
}

// The records to write, in order: the wanted SDDB records, then the NSRDB records.
std::vector<Job> plan_jobs(const SimConfig& cfg) {
  const Recorder sddb_rec = sddb_recorder(), nsrdb_rec = nsrdb_recorder(cfg.device_gap);
  std::vector<Job> jobs;
  int n_sddb_vf = 0, n_nsr = 0;
  for (const auto& f : sddb_facts()) {
    if (!wanted(cfg, f.name)) continue;
    if (f.onset_s && cfg.max_sddb > 0 && n_sddb_vf >= cfg.max_sddb) continue;
    if (!f.onset_s && cfg.max_sddb > 0) continue;
    Job j;
    j.db = "sddb";
    j.name = f.name;
    j.recorder = sddb_rec;
    j.gain = f.gain;
    if (f.onset_s) {
      ++n_sddb_vf;
      j.full_onset_s = f.onset_s;
      const double before =
          cfg.full ? *f.onset_s : std::min(cfg.hours_before_onset * 3600.0, *f.onset_s);
      j.excerpt_start_s = *f.onset_s - before;
      j.onset_s = before;
      j.duration_s = before + cfg.hours_after * 3600.0;
      j.risk = cfg.risk_effect;
    } else {
      j.duration_s =
          cfg.full ? f.length_h * 3600.0 : (cfg.hours_before_onset + cfg.hours_after) * 3600.0;
    }
    jobs.push_back(j);
  }
  for (const auto& name : nsrdb_names()) {
    if (!wanted(cfg, name)) continue;
    if (cfg.max_nsrdb > 0 && n_nsr >= cfg.max_nsrdb) continue;
    ++n_nsr;
    Job j;
    j.db = "nsrdb";
    j.name = name;
    j.recorder = nsrdb_rec;
    j.gain = nsrdb_rec.gain_adu_per_mv;
    j.duration_s = (cfg.full ? 24.0 : cfg.nsrdb_hours) * 3600.0;
    jobs.push_back(j);
  }
  return jobs;
}

// Writes the whole database into cfg.out (a fresh directory).
nlohmann::json write_database(const SimConfig& cfg) {
  const RiskEffects fx;
  const Recorder sddb_rec = sddb_recorder(), nsrdb_rec = nsrdb_recorder(cfg.device_gap);
  const std::vector<Job> jobs = plan_jobs(cfg);
  if (jobs.empty()) throw SimError("simulate: no records selected");
  std::error_code ec;
  for (const char* db : {"sddb", "nsrdb"}) {
    if (!fs::create_directory(cfg.out / db, ec) || ec)
      throw SimError((cfg.out / db).string() + ": cannot create (" + ec.message() + ")");
  }

  std::vector<RecordId> ids;
  for (const auto& j : jobs) ids.push_back({j.db, j.name});
  const ProgressTracker progress(cfg.progress, "simulate", "record", jobs.size());
  const auto results = write_records(cfg.out, ids, cfg.threads, progress,
                                     [&](std::size_t i) { return run_job(jobs[i], cfg, fx); });

  nlohmann::json truth = {
      {"generator", "scapredict simulate"},
      {"version", kVersion},
      {"data_source", "SIMULATED"},
      {"seed", cfg.seed},
      {"knobs",
       {{"risk_effect", cfg.risk_effect},
        {"device_gap", cfg.device_gap},
        {"hours_before_onset", cfg.hours_before_onset},
        {"hours_after", cfg.hours_after},
        {"nsrdb_hours", cfg.nsrdb_hours},
        {"full", cfg.full},
        {"max_sddb", cfg.max_sddb},
        {"max_nsrdb", cfg.max_nsrdb},
        {"only_records", cfg.only_records}}},
      {"risk_effects_at_full_ramp", fx.to_json()},
      {"recorders", {{"sddb", recorder_json(sddb_rec)}, {"nsrdb", recorder_json(nsrdb_rec)}}},
      {"records", results}};
  write_file_atomic(cfg.out / "truth.json", json_text(truth));
  return truth;
}

void check_config(const SimConfig& cfg) {
  auto in = [](double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; };
  if (cfg.out.empty()) throw SimError("--out: no output directory given");
  if (!in(cfg.risk_effect, 0, 10)) throw SimError("--risk-effect: must be a number in [0, 10]");
  if (!in(cfg.device_gap, 0, 10)) throw SimError("--device-gap: must be a number in [0, 10]");
  if (!in(cfg.hours_before_onset, 0.02, 48) || !in(cfg.hours_after, 0, 48) ||
      !in(cfg.nsrdb_hours, 0.02, 48))
    throw SimError("simulate: record lengths must be finite, 0.02 to 48 hours");
  if (cfg.threads < 1 || cfg.threads > 256) throw SimError("--threads: must be 1 to 256");
}

}  // namespace

nlohmann::json simulate(const SimConfig& config) {
  check_config(config);
  try {
    StagedDir stage(config.out, "simulate writes a new one");
    auto staged = config;
    staged.out = stage.path();
    auto truth = write_database(staged);
    stage.commit();
    return truth;
  } catch (const SimError&) {
    throw;
  } catch (const Error& e) {  // the staging folder's errors, as the simulator's
    throw SimError(e.what());
  }
}

}  // namespace scapredict::sim

#include "sim/beat_driven.hpp"

#include <algorithm>
#include <cmath>

#include "common/atomic_file.hpp"
#include "common/run_config.hpp"
#include "common/text.hpp"
#include "io/annotation.hpp"
#include "io/signal.hpp"
#include "scapredict/version.hpp"
#include "sim/physiology.hpp"
#include "sim/record_writer.hpp"
#include "sim/render.hpp"

namespace scapredict::sim {
namespace fs = std::filesystem;

namespace {

void check_sequence(const BeatSequence& r) {
  const std::string id = r.db + "/" + r.name;
  if (r.db != "sddb" && r.db != "nsrdb") throw SimError(id + ": database must be sddb or nsrdb");
  if (r.name.empty() || r.name.find_first_of("/\\. ") != std::string::npos)
    throw SimError(id + ": not a record name");
  if (!(std::isfinite(r.duration_s) && r.duration_s >= 60 && r.duration_s <= 48 * 3600.0))
    throw SimError(id + ": duration must be 60 s to 48 h");
  if (r.t_s.empty()) throw SimError(id + ": no beats");
  if (r.ventricular.size() != r.t_s.size()) throw SimError(id + ": one flag per beat needed");
  for (std::size_t i = 0; i < r.t_s.size(); ++i) {
    if (!(std::isfinite(r.t_s[i]) && r.t_s[i] >= 0 && r.t_s[i] < r.duration_s))
      throw SimError(id + ": beat time outside the record");
    if (i > 0 && r.t_s[i] <= r.t_s[i - 1]) throw SimError(id + ": beat times out of order");
  }
  if (r.onset_s && !(std::isfinite(*r.onset_s) && *r.onset_s > 0 && *r.onset_s <= r.duration_s))
    throw SimError(id + ": onset outside the record");
}

// The renderer's schedule for real beats: each beat's sinus RR (for the QT adaptation) is the
// interval to the previous beat, kept within 0.3-2 s.
Schedule schedule_of(const BeatSequence& r) {
  Schedule s;
  s.rhythms.push_back({0.0, "(N"});
  for (std::size_t i = 0; i < r.t_s.size(); ++i) {
    if (r.onset_s && r.t_s[i] >= *r.onset_s) break;
    const double rr = i > 0              ? r.t_s[i] - r.t_s[i - 1]
                      : r.t_s.size() > 1 ? r.t_s[1] - r.t_s[0]
                                         : 0.8;
    s.beats.push_back({r.t_s[i], std::clamp(rr, 0.3, 2.0), bool(r.ventricular[i]), 0, 0});
  }
  if (r.onset_s && *r.onset_s < r.duration_s) s.rhythms.push_back({*r.onset_s, "(VF"});
  return s;
}

// Writes kInvalidAdu over every stretch without a beat longer than max_gap_s (before the onset),
// the record's start and end included. Returns the samples marked.
std::int64_t mark_unannotated(Rendered& out, const BeatSequence& r, double fs, double max_gap_s) {
  std::vector<double> t = {0.0};
  for (double b : r.t_s)
    if (!r.onset_s || b < *r.onset_s) t.push_back(b);
  t.push_back(r.onset_s ? *r.onset_s : r.duration_s);
  const auto n = static_cast<std::int64_t>(out.adu[0].size());
  std::int64_t marked = 0;
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (t[i] - t[i - 1] <= max_gap_s) continue;
    const auto a = std::clamp<std::int64_t>(std::llround(t[i - 1] * fs), 0, n);
    const auto b = std::clamp<std::int64_t>(std::llround(t[i] * fs), 0, n);
    for (auto j = a; j < b; ++j) {
      for (auto& ch : out.adu) ch[static_cast<std::size_t>(j)] = io::kInvalidAdu;
      ++marked;
    }
  }
  return marked;
}

nlohmann::json render_one(const BeatSequence& r, const BeatRenderConfig& cfg) {
  const bool nsr = r.db == "nsrdb";
  Recorder rec = cfg.own_chains && nsr ? nsrdb_recorder(1.0) : sddb_recorder();
  // Every record at 200 adu/mV (NSRDB's gain, and SDDB's for records 39 and 47): 12 bits then
  // hold +-10 mV, so no drawn morphology clips and the two settings differ by the chain alone.
  rec.gain_adu_per_mv = kBeatDrivenGain;
  const double gain = kBeatDrivenGain;
  Rng rng(derive_seed(cfg.seed, SeedUse::kSimRecord, hash_name(r.db + "/" + r.name)));
  const Patient patient = draw_patient(rng);
  Rendered out = render(patient, schedule_of(r), rec, gain, r.duration_s, r.onset_s, rng);
  const std::int64_t unannotated = mark_unannotated(out, r, rec.fs_hz, cfg.max_beat_gap_s);

  io::Header h = holter_header(r.db, r.name, rec, gain);
  if (r.onset_s) h.comments.push_back("vfon: " + elapsed_hms(*r.onset_s));
  h.comments.push_back("scapredict: REAL beat times of " + r.db + "/" + r.name +
                       " rendered through a SIMULATED recorder (" + rec.name + "), seed " +
                       std::to_string(cfg.seed));
  const fs::path dir = cfg.out / r.db;
  io::write_record(dir, h, out.adu);
  io::write_annotations(dir / r.name, nsr ? "atr" : "ari", out.annotations);
  return {{"db", r.db},
          {"record", r.name},
          {"duration_s", r.duration_s},
          {"source_start_s", r.source_start_s},
          {"onset_s", r.onset_s ? nlohmann::json(*r.onset_s) : nlohmann::json(nullptr)},
          {"fs_hz", rec.fs_hz},
          {"gain_adu_per_mv", gain},
          {"recorder", rec.name},
          {"beats", r.t_s.size()},
          {"unannotated_samples_invalid", unannotated},
          {"dropout_samples", out.dropout_samples}};
}

}  // namespace

nlohmann::json render_beat_cohort(const std::vector<BeatSequence>& records,
                                  const BeatRenderConfig& cfg) {
  if (records.empty()) throw SimError("render: no records");
  for (std::size_t i = 0; i < records.size(); ++i) {
    check_sequence(records[i]);
    for (std::size_t j = 0; j < i; ++j)
      if (records[j].db == records[i].db && records[j].name == records[i].name)
        throw SimError(records[i].db + "/" + records[i].name + ": listed twice");
  }
  if (!(std::isfinite(cfg.max_beat_gap_s) && cfg.max_beat_gap_s > 0))
    throw SimError("render: the longest beat gap must be positive");
  std::error_code ec;
  if (fs::exists(cfg.out, ec) && !(fs::is_directory(cfg.out, ec) && fs::is_empty(cfg.out, ec)))
    throw SimError(cfg.out.string() + ": already exists and is not an empty directory");
  for (const char* db : {"sddb", "nsrdb"}) {
    fs::create_directories(cfg.out / db, ec);
    if (ec) throw SimError((cfg.out / db).string() + ": cannot create (" + ec.message() + ")");
  }

  std::vector<RecordId> ids;
  for (const auto& r : records) ids.push_back({r.db, r.name});
  const ProgressTracker progress(cfg.progress, "render", "record", records.size());
  const auto results = write_records(cfg.out, ids, cfg.threads, progress,
                                     [&](std::size_t i) { return render_one(records[i], cfg); });
  const std::string setting = cfg.own_chains
                                  ? "each database's own simulated chain (SDDB-like 250 Hz, "
                                    "NSRDB-like 128 Hz)"
                                  : "one simulated recorder for all (SDDB-like, 250 Hz)";
  nlohmann::json truth = {
      {"generator", "scapredict render_beat_cohort"},
      {"version", kVersion},
      {"data_source", "REAL beat times, SIMULATED waveforms and recorder"},
      {"description", "REAL beat times (" + cfg.beat_source + ") rendered through " + setting +
                          "; the waveforms are SIMULATED, seed " + std::to_string(cfg.seed)},
      {"seed", cfg.seed},
      {"knobs",
       {{"risk_effect", 0.0},
        {"device_gap", cfg.own_chains ? 1.0 : 0.0},
        {"own_chains", cfg.own_chains},
        {"max_beat_gap_s", cfg.max_beat_gap_s},
        {"beat_source", cfg.beat_source}}},
      {"records", results}};
  write_file_atomic(cfg.out / "truth.json", json_text(truth));
  return truth;
}

}  // namespace scapredict::sim

#include "eval/real/real_rhythm.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>

#include "common/workers.hpp"
#include "data/cohort.hpp"
#include "data/minutes.hpp"
#include "eval/real/beat_study.hpp"
#include "features/nn.hpp"
#include "sim/beat_driven.hpp"

namespace scapredict::eval {

namespace fs = std::filesystem;

RealRhythmConfig RealRhythmConfig::preregistered() {
  RealRhythmConfig c;
  const auto beats = BeatStudyConfig::preregistered();
  c.protocol = beats.protocol;
  c.far = beats.far_minutes;
  return c;
}

nlohmann::json RealRhythmConfig::to_json() const {
  return {{"protocol", protocol.to_json()}, {"run", run.to_json()},
          {"near_minutes", near},           {"far_minutes", far},
          {"normal_hours", normal_hours},   {"method", "docs/real-ecg-method.md, experiment 4"}};
}

nlohmann::json RhythmSetting::to_json() const {
  return {{"name", name},
          {"data", description},
          {"scd_records", scd},
          {"normal_records", normal},
          {"protocol", result.to_json()},
          {"near", near.to_json()},
          {"far", far.to_json()},
          {"rejected_minutes", rejected}};
}

nlohmann::json RealRhythmResult::to_json() const {
  nlohmann::json s = nlohmann::json::array();
  for (const auto& x : settings) s.push_back(x.to_json());
  return {{"config", config.to_json()},
          {"beat_source", beat_source},
          {"dropped", dropped},
          {"settings", s},
          {"seconds", seconds}};
}

namespace {

std::string record_name(const std::string& id) {
  return id.substr(id.find('/') + 1);
}

// The beats of [start, end) of a record, shifted to start at 0.
sim::BeatSequence excerpt(const std::string& db, const std::string& id, const data::BeatRecord& br,
                          double record_end_s, double start, double end) {
  const auto beats = features::beats_from_annotations(br.annotations, br.fs_hz, record_end_s);
  sim::BeatSequence s;
  s.db = db;
  s.name = record_name(id);
  s.source_start_s = start;
  s.duration_s = end - start;
  for (std::size_t i = 0; i < beats.t_s.size(); ++i) {
    if (beats.t_s[i] < start || beats.t_s[i] >= end) continue;
    s.t_s.push_back(beats.t_s[i] - start);
    s.ventricular.push_back(features::is_ventricular(beats.code[i]));
  }
  return s;
}

std::vector<sim::BeatSequence> sequences(const data::BeatCohort& bc, const RealRhythmConfig& c) {
  std::vector<sim::BeatSequence> out;
  const double far_s = 60.0 * (*std::max_element(c.far.begin(), c.far.end()) + 5);
  for (std::size_t i = 0; i < bc.cohort.scd.size(); ++i) {
    const auto& p = bc.cohort.scd[i];
    const double onset = *p.onset_s, start = std::max(0.0, onset - far_s);
    auto s =
        excerpt("sddb", p.id, bc.scd[i], std::max(p.duration_s, onset + 60), start, onset + 60);
    s.onset_s = onset - start;
    out.push_back(std::move(s));
  }
  for (std::size_t i = 0; i < bc.cohort.normal.size(); ++i) {
    const auto& p = bc.cohort.normal[i];
    const auto& br = bc.normal[i];
    const double span = br.last_beat_s - br.first_beat_s;
    const double len = std::min(c.normal_hours * 3600.0, span);
    std::mt19937_64 rng(derive_seed(c.run.seed, SeedUse::kNormalMinutes, 3'000'000 + i));
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    const double start = br.first_beat_s + u * (span - len);
    out.push_back(excerpt("nsrdb", p.id, br, p.duration_s, start, start + len));
  }
  return out;
}

// A fresh folder under `parent`, removed with everything in it when this goes out of scope.
class ScratchDir {
 public:
  ScratchDir(const fs::path& parent, const std::string& tag) {
    static std::atomic<unsigned> counter{0};
    // The rank too: processes of one MPI run on several machines may share a pid.
    path_ =
        parent / (".scapredict-real-rhythm-" + std::to_string(::getpid()) + "-r" +
                  std::to_string(workers().rank()) + "-" + std::to_string(counter++) + "-" + tag);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

RhythmSetting run_setting(const std::vector<sim::BeatSequence>& seqs, bool own_chains,
                          const std::string& beat_source, const RealRhythmConfig& c,
                          const ProgressFn& progress) {
  RhythmSetting st;
  st.name = own_chains ? "own chains" : "one recorder";
  ScratchDir scratch(c.work, own_chains ? "own" : "one");
  sim::BeatRenderConfig rc;
  rc.out = scratch.path();
  rc.seed = c.run.seed;
  rc.own_chains = own_chains;
  rc.beat_source = beat_source;
  rc.threads = c.threads;
  rc.progress = progress;
  const auto truth = sim::render_beat_cohort(seqs, rc);
  const auto cohort = data::load_cohort(rc.out);
  // The rendered records are removed after the run: the description names no folder.
  st.description = truth.at("description").get<std::string>() + "; not clinical data";
  st.scd = static_cast<int>(cohort.scd.size());
  st.normal = static_cast<int>(cohort.normal.size());
  auto pc = c.protocol;
  pc.horizons.insert(pc.horizons.end(), c.far.begin(), c.far.end());
  const auto pm = data::prepare_protocol(cohort, pc, c.run, progress);
  st.rejected = pm.rejected;
  st.result = train::run_experiment(
      cohort, pm, train::ExperimentConfig::paper_cnn("real-rhythm " + st.name, c.run), progress);
  st.near = pooled_band(pm, st.result, c.near);
  st.far = pooled_band(pm, st.result, c.far);
  return st;
}

}  // namespace

data::Cohort render_one_recorder(const data::BeatCohort& beats, const RealRhythmConfig& c,
                                 const fs::path& dir, const ProgressFn& progress) {
  sim::BeatRenderConfig rc;
  rc.out = dir;
  rc.seed = c.run.seed;
  rc.own_chains = false;
  rc.beat_source = beats.cohort.source.description;
  rc.threads = c.threads;
  rc.progress = progress;
  const auto truth = sim::render_beat_cohort(sequences(beats, c), rc);
  auto cohort = data::load_cohort(dir);
  cohort.source.description = truth.at("description").get<std::string>() + "; not clinical data";
  return cohort;
}

RealRhythmResult run_real_rhythm(const data::BeatCohort& beats, const RealRhythmConfig& c,
                                 const ProgressFn& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (c.far.empty() || c.near.empty())
    throw data::DataError("real-rhythm: the near and far bands need horizons");
  RealRhythmResult r;
  r.config = c;
  r.beat_source = beats.cohort.source.description;
  r.dropped = beats.dropped;
  const auto seqs = sequences(beats, c);
  for (bool own : {false, true})
    r.settings.push_back(run_setting(seqs, own, r.beat_source, c, progress));
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace scapredict::eval

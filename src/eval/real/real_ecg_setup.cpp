// Experiment 3 of docs/real-ecg-method.md: the paper's setup (pre-event minutes against normal
// minutes, the CNN on DFT-1024, patient-disjoint repetitions) on real ECG, with the audit's
// probes beside it, and the risk-vs-minutes traces of every real VF record.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "data/cohort.hpp"
#include "dsp/prepare.hpp"
#include "dsp/segment.hpp"
#include "eval/real/ecg_record.hpp"
#include "eval/real/real_ecg.hpp"
#include "features/features.hpp"
#include "io/physionet.hpp"
#include "model/classifier.hpp"

namespace scapredict::eval {

namespace fs = std::filesystem;

nlohmann::json PaperSetupConfig::to_json() const {
  return {{"pre_event_minutes", {near_first, near_last}},
          {"run", run.to_json()},
          {"band_hz", {band_hz.first, band_hz.second}},
          {"risk_folds", risk_folds},
          {"method", "docs/real-ecg-method.md, experiment 3"}};
}

nlohmann::json TwoGroupRow::to_json() const {
  return {{"name", name},
          {"group_a_label_1", group_a},
          {"group_b_label_0", group_b},
          {"question", question},
          {"accuracy", stats::to_json(result.accuracy)},
          {"auroc", stats::to_json(result.auroc)},
          {"majority_accuracy", stats::to_json(result.majority)},
          {"patients_a", result.patients_a},
          {"patients_b", result.patients_b},
          {"minutes", result.minutes}};
}

nlohmann::json PaperSetupResult::to_json() const {
  nlohmann::json rs = nlohmann::json::array(), ts = nlohmann::json::array();
  for (const auto& r : rows) rs.push_back(r.to_json());
  for (const auto& t : traces)
    ts.push_back({{"id", t.id},
                  {"event_min", t.event_min},
                  {"minutes_before", t.minutes_before},
                  {"p", t.p}});
  return {{"config", config.to_json()},
          {"dir", dir.string()},
          {"pre_event_minutes", pre_event_minutes},
          {"normal_minutes", normal_minutes},
          {"records_not_used", records_not_used},
          {"rows", rs},
          {"risk_traces", ts},
          {"minutes_left_out", minutes_left_out},
          {"seconds", seconds}};
}

namespace {

// Patients of one group, each a record with its minutes.
struct Group {
  std::vector<std::string> ids;
  std::vector<PatientMinutes> minutes;
  void add(const std::string& id, PatientMinutes m) {
    ids.push_back(id);
    minutes.push_back(std::move(m));
  }
  Group with(const Group& other) const {
    Group g = *this;
    g.ids.insert(g.ids.end(), other.ids.begin(), other.ids.end());
    g.minutes.insert(g.minutes.end(), other.minutes.begin(), other.minutes.end());
    return g;
  }
};

// A real VF record's minutes before its VF, for its risk trace.
struct VfRecord {
  std::string id;
  double event_min = 0;
  std::vector<EcgMinute> minutes;
};

// Pre-event minutes of every record of DIR/db with an event; VF records also keep every usable
// minute before the VF for the traces.
Group pre_event_group(const fs::path& dir, const std::string& db, const PaperSetupConfig& c,
                      PaperSetupResult& r, std::vector<VfRecord>& vf) {
  Group g;
  if (!fs::is_directory(dir / db)) return g;
  for (const auto& hea : io::list_headers(dir / db)) {
    const std::string id = db + "/" + hea.stem().string();
    EcgRecord rec(hea.parent_path() / hea.stem(), r.minutes_left_out);
    const auto ev = rec.event();
    if (!ev) {
      r.records_not_used.push_back(id + ": no VF or VT annotated");
      continue;
    }
    PatientMinutes pre;
    VfRecord trace{id, ev->seconds / 60.0, {}};
    const int last = ev->type == "VF" ? static_cast<int>(std::floor(ev->seconds / 60.0)) : 0;
    for (int k = c.near_first; k <= std::max(c.near_last, last); ++k) {
      auto m = rec.minute(ev->seconds, k, false);
      if (!m) continue;
      if (k <= c.near_last) pre.push_back(m->samples);
      if (k <= last) trace.minutes.push_back(std::move(*m));
    }
    if (!trace.minutes.empty()) vf.push_back(std::move(trace));
    if (pre.empty()) {
      r.records_not_used.push_back(id + ": no usable minute " + std::to_string(c.near_first) + "-" +
                                   std::to_string(c.near_last) + " before its " + ev->type);
      continue;
    }
    r.pre_event_minutes[id] = static_cast<int>(pre.size());
    g.add(id, std::move(pre));
  }
  return g;
}

// The NSRDB first minutes (128 Hz, one minute per subject) that pass the quality rules.
Group nsrdb_group(const fs::path& dir, PaperSetupResult& r) {
  Group g;
  if (!fs::is_directory(dir / "nsrdb-1min")) return g;
  for (const auto& hea : io::list_headers(dir / "nsrdb-1min")) {
    const std::string id = "nsrdb-1min/" + hea.stem().string();
    io::Record rec(hea);
    auto ps = dsp::load_channel(rec, 0, 0.0, 60.0);
    const auto q = dsp::assess_quality(ps.samples, ps.fs_hz, dsp::limits_for(ps));
    if (ps.samples.size() != dsp::kMinuteSamples || !q.usable()) {
      r.records_not_used.push_back(id + ": its minute fails the quality rules");
      continue;
    }
    r.normal_minutes[id] = 1;
    g.add(id, {std::move(ps.samples)});
  }
  return g;
}

// MIT-BIH minutes whose rhythm annotation is "(N" throughout (360 -> 128 Hz).
Group mitdb_group(const fs::path& dir, PaperSetupResult& r) {
  Group g;
  if (!fs::is_directory(dir / "mitdb")) return g;
  for (const auto& hea : io::list_headers(dir / "mitdb")) {
    const std::string id = "mitdb/" + hea.stem().string();
    EcgRecord rec(hea.parent_path() / hea.stem(), r.minutes_left_out);
    PatientMinutes ms;
    const int n = static_cast<int>(std::floor(rec.duration_s() / 60.0));
    for (int i = 0; i < n; ++i) {
      if (!rec.inside_rhythm(60.0 * i, "N")) {
        ++r.minutes_left_out["MIT-BIH: not normal sinus rhythm throughout"];
        continue;
      }
      if (auto m = rec.minute_at(60.0 * i, i, false)) ms.push_back(std::move(m->samples));
    }
    if (ms.empty()) {
      r.records_not_used.push_back(id + ": no usable minute of normal sinus rhythm");
      continue;
    }
    r.normal_minutes[id] = static_cast<int>(ms.size());
    g.add(id, std::move(ms));
  }
  return g;
}

// Every VF record scored by a CNN trained without its fold: pre-event minutes of the other
// records against every normal minute.
std::vector<RiskTrace> risk_traces(const Group& pre, const Group& normal,
                                   const std::vector<VfRecord>& vf, const PaperSetupConfig& c,
                                   const ProgressTracker& tracker) {
  std::vector<RiskTrace> out;
  if (vf.empty()) return out;
  const int folds = std::max(1, std::min<int>(c.risk_folds, static_cast<int>(vf.size())));
  // Every minute's spectrum once, for all folds.
  const features::FeatureConfig fc;
  auto spectra = [&](const PatientMinutes& ms) {
    std::vector<std::vector<float>> x;
    for (const auto& m : ms) x.push_back(features::extract_features(fc, m));
    return x;
  };
  std::vector<std::vector<std::vector<float>>> pre_x;
  for (const auto& ms : pre.minutes) pre_x.push_back(spectra(ms));
  std::vector<std::vector<float>> normal_x;
  for (const auto& ms : normal.minutes)
    for (auto& x : spectra(ms)) normal_x.push_back(std::move(x));
  for (int f = 0; f < folds; ++f) {
    auto held_out = [&](const std::string& id) {
      for (std::size_t i = 0; i < vf.size(); ++i)
        if (vf[i].id == id) return static_cast<int>(i % static_cast<std::size_t>(folds)) == f;
      return false;
    };
    model::Dataset train;
    for (std::size_t i = 0; i < pre.ids.size(); ++i) {
      if (held_out(pre.ids[i])) continue;
      train.x.insert(train.x.end(), pre_x[i].begin(), pre_x[i].end());
      train.y.insert(train.y.end(), pre_x[i].size(), 1);
    }
    train.x.insert(train.x.end(), normal_x.begin(), normal_x.end());
    train.y.insert(train.y.end(), normal_x.size(), 0);
    model::TrainConfig tc;
    tc.epochs = c.run.epochs;
    tc.seed = derive_seed(c.run.seed, SeedUse::kTraining, 40'000 + static_cast<std::uint64_t>(f));
    const auto clf = model::Classifier::train(train, model::Arch::kCnn1d, fc, tc);
    for (std::size_t i = static_cast<std::size_t>(f); i < vf.size();
         i += static_cast<std::size_t>(folds)) {
      RiskTrace t{vf[i].id, vf[i].event_min, {}, {}};
      std::vector<std::vector<float>> x;
      for (const auto& m : vf[i].minutes) {
        t.minutes_before.push_back(m.k);
        x.push_back(m.dft);
      }
      t.p = clf.predict_proba(x);
      out.push_back(std::move(t));
    }
    tracker.report(static_cast<std::size_t>(f) + 1, "risk traces, fold " + std::to_string(f + 1));
  }
  std::sort(out.begin(), out.end(),
            [](const RiskTrace& a, const RiskTrace& b) { return a.id < b.id; });
  return out;
}

}  // namespace

namespace {

// One comparison of experiment 3: its name, the two groups in words and as minutes, the question
// it asks, and the features it uses.
struct Planned {
  std::string name, a_name, b_name, question;
  const Group *a, *b;
  features::FeatureConfig f;
};

// The comparisons of experiment 3 in the report's order (docs/real-ecg-method.md).
std::vector<Planned> comparisons(const Group& vfdb, const Group& cudb, const Group& nsrdb,
                                 const Group& mitdb, const Group& pre, const Group& normal,
                                 const PaperSetupConfig& c) {
  auto band = features::FeatureConfig{};
  band.band_hz = c.band_hz;
  char band_name[64];
  std::snprintf(band_name, sizeof band_name, "band-limited %.1f-%.0f Hz spectrum", c.band_hz.first,
                c.band_hz.second);
  return {
      {"pre-event vs normal (the paper's setup)",
       "VFDB + CUDB, minutes 1-5 before the event",
       "NSRDB first minutes + MIT-BIH normal-rhythm minutes",
       "the paper's question on real ECG: can the spectrum tell minutes before VF/VT from normal "
       "ones?",
       &pre,
       &normal,
       {}},
      {"pre-event vs normal, " + std::string(band_name), "VFDB + CUDB", "NSRDB + MIT-BIH",
       "how much rests on frequencies a Holter's recorder shapes (below 0.5, above 40 Hz)", &pre,
       &normal, band},
      {"pre-event vs NSRDB only",
       "VFDB + CUDB (250 Hz, resampled)",
       "NSRDB (128 Hz, native)",
       "the pairing of the paper: resampled against native",
       &pre,
       &nsrdb,
       {}},
      {"pre-event vs MIT-BIH only",
       "VFDB + CUDB (250 Hz, resampled)",
       "MIT-BIH (360 Hz, resampled)",
       "both groups resampled: less of a resampling signature",
       &pre,
       &mitdb,
       {}},
      {"database identity: NSRDB vs MIT-BIH",
       "NSRDB first minutes",
       "MIT-BIH normal minutes",
       "both groups normal: any accuracy above the majority is the recorder or population",
       &nsrdb,
       &mitdb,
       {}},
      {"database identity: VFDB vs CUDB",
       "VFDB pre-event minutes",
       "CUDB pre-event minutes",
       "both groups pre-event: any accuracy above the majority is the recorder or population",
       &vfdb,
       &cudb,
       {}},
  };
}

}  // namespace

PaperSetupResult run_real_ecg_paper_setup(const fs::path& dir, const PaperSetupConfig& c,
                                          const ProgressFn& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  PaperSetupResult r;
  r.config = c;
  r.dir = dir;
  std::vector<VfRecord> vf;
  const Group vfdb = pre_event_group(dir, "vfdb", c, r, vf);
  const Group cudb = pre_event_group(dir, "cudb", c, r, vf);
  const Group nsrdb = nsrdb_group(dir, r);
  const Group mitdb = mitdb_group(dir, r);
  const Group pre = vfdb.with(cudb), normal = nsrdb.with(mitdb);
  if (pre.ids.size() < 4 || normal.ids.size() < 4)
    throw data::DataError(dir.string() +
                          ": experiment 3 needs at least 4 records with usable pre-event minutes "
                          "(vfdb/, cudb/) and 4 with normal minutes (nsrdb-1min/, mitdb/)");

  const auto plan = comparisons(vfdb, cudb, nsrdb, mitdb, pre, normal, c);
  const ProgressTracker tracker(progress, "real-ecg 3", "comparison", plan.size() + 1);
  std::size_t done = 0;
  for (const auto& p : plan) {
    if (p.a->ids.size() < 2 || p.b->ids.size() < 2) continue;
    r.rows.push_back({p.name, p.a_name, p.b_name, p.question,
                      two_group_probe(p.a->minutes, p.b->minutes, c.run, false, p.f)});
    tracker.report(++done, p.name);
  }
  if (nsrdb.ids.size() >= 2) {
    std::vector<PatientMinutes> chain;
    for (const auto& m : nsrdb.minutes) chain.push_back({sddb_like_chain(m.front())});
    r.rows.push_back({"resampling signature (audit probe 1)",
                      "NSRDB minutes through an SDDB-like chain (128 -> 250 Hz, 12 bit, -> 128 Hz)",
                      "the same NSRDB minutes as recorded",
                      "the same hearts, only a resampler apart: any accuracy above chance is the "
                      "resampler's signature",
                      two_group_probe(chain, nsrdb.minutes, c.run, true)});
  }
  tracker.report(++done, "resampling signature");
  const ProgressTracker traces(
      progress, "real-ecg 3", "fold",
      static_cast<std::size_t>(std::max(1, std::min<int>(c.risk_folds, int(vf.size())))));
  r.traces = risk_traces(pre, normal, vf, c, traces);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace scapredict::eval

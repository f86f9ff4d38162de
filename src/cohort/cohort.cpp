#include "scapredict/cohort/cohort.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "scapredict/common/atomic_file.hpp"
#include "scapredict/dsp/dwt.hpp"
#include "scapredict/dsp/prepare.hpp"
#include "scapredict/dsp/spectrum.hpp"
#include "scapredict/io/annotation.hpp"
#include "scapredict/io/signal.hpp"
#include "scapredict/sim/simulate.hpp"

namespace scapredict::cohort {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> read_records_list(const fs::path& db) {
  const auto list = db / "RECORDS";
  std::vector<std::string> names;
  if (fs::is_regular_file(list)) {
    std::istringstream in(read_file(list));
    std::string line;
    while (std::getline(in, line)) {
      line.erase(line.find_last_not_of(" \r\t") + 1);
      if (!line.empty()) names.push_back(line);
    }
  } else {
    for (const auto& h : io::list_headers(db)) names.push_back(h.stem().string());
  }
  return names;
}

std::map<std::string, double> read_onset_table(const fs::path& p) {
  std::map<std::string, double> t;
  std::istringstream in(read_file(p));
  std::string line;
  std::getline(in, line);  // header
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    std::istringstream l(line);
    std::string rec, when;
    std::getline(l, rec, ',');
    std::getline(l, when, ',');
    auto s = io::parse_elapsed_time(when);
    if (!s)
      throw CohortError(p.string() + ":" + std::to_string(line_no) + ": bad onset time '" + when +
                        "'");
    t[rec] = *s;
  }
  return t;
}

Patient open_patient(const fs::path& dir, const std::string& db, const std::string& name,
                     io::Record& rec) {
  Patient p;
  p.id = db + "/" + name;
  p.record = dir / db / name;
  p.fs_hz = rec.fs_hz();
  p.duration_s = static_cast<double>(rec.n_frames()) / rec.fs_hz();
  return p;
}

}  // namespace

fs::path default_onset_table() {
  if (const char* env = std::getenv("SCAPREDICT_ONSET_TABLE")) return env;
  fs::path p = fs::path(SCAPREDICT_SOURCE_DIR) / "docs/data/sddb-vf-onsets.csv";
  return fs::exists(p) ? p : fs::path();
}

Cohort load_cohort(const fs::path& dir, const fs::path& onset_table) {
  Cohort c;
  for (const char* db : {"sddb", "nsrdb"}) {
    if (!fs::is_directory(dir / db)) {
      throw CohortError(
          (dir / db).string() +
          ": data directory not found (expected sddb/ and nsrdb/ in PhysioNet layout)");
    }
  }
  c.source.dir = dir;
  c.source.simulated = fs::exists(dir / "truth.json");
  if (c.source.simulated) {
    auto truth = nlohmann::json::parse(read_file(dir / "truth.json"));
    c.source.knobs = {
        {"seed", truth.at("seed")}, {"knobs", truth.at("knobs")}, {"version", truth.at("version")}};
    std::ostringstream d;
    d << "SIMULATED cohort in " << dir.string() << " (scapredict simulate, seed "
      << truth.at("seed") << ", risk-effect " << truth["knobs"]["risk_effect"] << ", device-gap "
      << truth["knobs"]["device_gap"] << "); not clinical data";
    c.source.description = d.str();
  } else {
    c.source.description = "REAL PhysioNet data in " + dir.string() + " (SDDB + NSRDB)";
  }
  std::map<std::string, double> table;
  if (!c.source.simulated && !onset_table.empty()) table = read_onset_table(onset_table);
  for (const auto& name : read_records_list(dir / "sddb")) {
    io::Record rec(dir / "sddb" / name);
    Patient p = open_patient(dir, "sddb", name, rec);
    auto onset = io::vf_onset(rec.header());
    if (!onset) {
      c.excluded.push_back(p.id + ": no VF onset in the header");
      continue;
    }
    if (!table.empty()) {
      auto it = table.find(name);
      if (it == table.end() || std::abs(it->second - onset->seconds) > 0.5) {
        throw CohortError(rec.header().source + ": VF onset " + std::to_string(onset->seconds) +
                          " s disagrees with " + onset_table.string());
      }
    }
    p.scd = true;
    p.onset_s = onset->seconds;
    c.scd.push_back(p);
  }
  for (const auto& name : read_records_list(dir / "nsrdb")) {
    io::Record rec(dir / "nsrdb" / name);
    c.normal.push_back(open_patient(dir, "nsrdb", name, rec));
  }
  if (c.scd.empty() || c.normal.empty()) {
    throw CohortError(dir.string() + ": need SDDB records with a VF onset and NSRDB records");
  }
  return c;
}

fs::path resolve_data_dir(const std::optional<fs::path>& requested, const fs::path& cache_dir,
                          std::uint64_t seed, double risk_effect, double device_gap) {
  if (requested) return *requested;
  if (fs::is_directory("data/physionet/sddb") && fs::is_directory("data/physionet/nsrdb")) {
    std::cerr << "data: using REAL PhysioNet data in data/physionet\n";
    return "data/physionet";
  }
  std::ostringstream name;
  name << "simulated-seed" << seed << "-risk" << risk_effect << "-gap" << device_gap;
  const fs::path dir = cache_dir / name.str();
  if (fs::exists(dir / "truth.json")) {
    std::cerr << "data: no --data and no data/physionet; using the SIMULATED cohort cached in "
              << dir.string() << "\n";
    return dir;
  }
  std::cerr << "data: no --data and no data/physionet; generating a SIMULATED cohort in "
            << dir.string() << "\n";
  sim::SimConfig cfg;
  cfg.out = dir;
  cfg.seed = seed;
  cfg.risk_effect = risk_effect;
  cfg.device_gap = device_gap;
  cfg.threads = 2;
  sim::simulate(cfg);
  return dir;
}

nlohmann::json ProtocolConfig::to_json() const {
  return {{"repetitions", repetitions}, {"train_scd", train_scd},
          {"test_scd", test_scd},       {"train_normal", train_normal},
          {"test_normal", test_normal}, {"train_minutes", train_minutes},
          {"horizons_min", horizons},   {"seed", seed}};
}

MinuteStore::MinuteStore(const Cohort& cohort, int max_before)
    : cohort_(cohort), max_before_(max_before) {}

void MinuteStore::count_rejected(const dsp::SegmentQuality& q) {
  if (q.invalid_samples > 0) ++rejected_["invalid samples"];
  if (q.flat) ++rejected_["flat line"];
  if (q.saturated) ++rejected_["saturation"];
}

dsp::Segment MinuteStore::minute(const MinuteRef& ref) {
  if (ref.scd) {
    const Patient& p = cohort_.scd.at(static_cast<std::size_t>(ref.patient));
    auto it = scd_cache_.find(ref.patient);
    if (it == scd_cache_.end()) {
      io::Record rec(p.record);
      const double start = std::max(0.0, *p.onset_s - 60.0 * max_before_);
      auto prep = dsp::load_channel(rec, 0, start, *p.onset_s - start);
      scd_bridged_[ref.patient] = prep.bridged;
      scd_limits_[ref.patient] = prep.adc_limits_mv;
      it = scd_cache_.emplace(ref.patient, std::move(prep.samples)).first;
    }
    const auto anchor = static_cast<std::int64_t>(it->second.size());
    if (ref.minute < 1 || static_cast<std::int64_t>(ref.minute) * 7680 > anchor) {
      throw CohortError(p.id + ": minute " + std::to_string(ref.minute) +
                        " before onset is not in the record");
    }
    dsp::QualityLimits lim;
    lim.adc_limits_mv = scd_limits_[ref.patient];
    return dsp::segment_before(it->second, anchor, ref.minute, dsp::kMinuteSamples,
                               dsp::kAnalysisFsHz, lim, scd_bridged_[ref.patient]);
  }
  const Patient& p = cohort_.normal.at(static_cast<std::size_t>(ref.patient));
  io::Record rec(p.record);
  auto prep = dsp::load_channel(rec, 0, 60.0 * ref.minute, 60.0);
  dsp::Segment s;
  s.start = 0;
  s.samples = std::move(prep.samples);
  s.quality = dsp::assess_quality(s.samples, prep.fs_hz, dsp::limits_for(prep), prep.bridged);
  return s;
}

int MinuteStore::random_normal_minute(int p, std::uint64_t& state, const std::vector<int>& avoid,
                                      dsp::Segment* segment) {
  const Patient& pt = cohort_.normal.at(static_cast<std::size_t>(p));
  // Whole minutes with 5 s of context on both sides for the resampler.
  const int n_minutes = static_cast<int>(std::floor((pt.duration_s - 10.0) / 60.0));
  if (n_minutes < 1) throw CohortError(pt.id + ": record too short for one minute");
  std::mt19937_64 rng(state);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int m = static_cast<int>(rng() % static_cast<std::uint64_t>(n_minutes));
    if (std::find(avoid.begin(), avoid.end(), m) != avoid.end()) continue;
    auto seg = minute({false, p, m, 0});
    if (seg.quality.usable()) {
      state = rng();
      if (segment) *segment = std::move(seg);
      return m;
    }
    count_rejected(seg.quality);
  }
  throw CohortError(pt.id + ": no usable random minute found in 200 draws");
}

std::vector<RepetitionPlan> plan_protocol(const Cohort& c, const ProtocolConfig& cfg) {
  if (static_cast<int>(c.scd.size()) < cfg.train_scd + cfg.test_scd ||
      static_cast<int>(c.normal.size()) < cfg.train_normal + cfg.test_normal) {
    throw CohortError("cohort has " + std::to_string(c.scd.size()) + " SCD and " +
                      std::to_string(c.normal.size()) + " normal patients; the protocol needs " +
                      std::to_string(cfg.train_scd + cfg.test_scd) + " and " +
                      std::to_string(cfg.train_normal + cfg.test_normal));
  }
  std::vector<RepetitionPlan> plans;
  std::mt19937_64 rng(cfg.seed);
  for (int r = 0; r < cfg.repetitions; ++r) {
    RepetitionPlan plan;
    std::vector<int> s(c.scd.size()), n(c.normal.size());
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<int>(i);
    for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<int>(i);
    std::shuffle(s.begin(), s.end(), rng);
    std::shuffle(n.begin(), n.end(), rng);
    plan.train_scd.assign(s.begin(), s.begin() + cfg.train_scd);
    plan.test_scd.assign(s.begin() + cfg.train_scd, s.begin() + cfg.train_scd + cfg.test_scd);
    plan.train_normal.assign(n.begin(), n.begin() + cfg.train_normal);
    plan.test_normal.assign(n.begin() + cfg.train_normal,
                            n.begin() + cfg.train_normal + cfg.test_normal);
    for (int p : plan.train_scd) {
      for (int k = 1; k <= cfg.train_minutes; ++k) plan.train.push_back({true, p, k, 0});
    }
    for (int p : plan.train_normal) {
      for (int k = 0; k < cfg.train_minutes; ++k) plan.train.push_back({false, p, -1, 0});
    }
    for (int h : cfg.horizons) {
      for (int p : plan.test_scd) plan.test.push_back({true, p, h, h});
      for (int p : plan.test_normal) plan.test.push_back({false, p, -1, h});
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

RepetitionPlan plan_all_patients(const Cohort& c, const ProtocolConfig& cfg) {
  RepetitionPlan plan;
  for (int p = 0; p < static_cast<int>(c.scd.size()); ++p) plan.train_scd.push_back(p);
  for (int p = 0; p < static_cast<int>(c.normal.size()); ++p) plan.train_normal.push_back(p);
  plan.test_scd = plan.train_scd;
  plan.test_normal = plan.train_normal;
  for (int p : plan.train_scd) {
    for (int k = 1; k <= cfg.train_minutes; ++k) plan.train.push_back({true, p, k, 0});
    for (int h : cfg.horizons) plan.test.push_back({true, p, h, h});
  }
  for (int p : plan.train_normal) {
    for (int k = 0; k < cfg.train_minutes; ++k) plan.train.push_back({false, p, -1, 0});
    for (int h : cfg.horizons) plan.test.push_back({false, p, -1, h});
  }
  return plan;
}

std::vector<RepetitionPlan> leave_one_patient_out(const RepetitionPlan& all, bool balance,
                                                  std::uint64_t seed) {
  std::vector<RepetitionPlan> folds;
  std::mt19937_64 rng(seed);
  auto fold_for = [&](bool scd, int patient) {
    RepetitionPlan f;
    for (const auto& r : all.test)
      if (r.scd == scd && r.patient == patient) f.test.push_back(r);
    if (f.test.empty()) return;
    for (int p : all.train_scd)
      if (!scd || p != patient) f.train_scd.push_back(p);
    for (int p : all.train_normal)
      if (scd || p != patient) f.train_normal.push_back(p);
    if (balance) {
      auto& larger = f.train_scd.size() > f.train_normal.size() ? f.train_scd : f.train_normal;
      const auto keep = std::min(f.train_scd.size(), f.train_normal.size());
      std::shuffle(larger.begin(), larger.end(), rng);
      larger.resize(keep);
      std::sort(larger.begin(), larger.end());
    }
    auto trains = [&](const MinuteRef& r) {
      const auto& list = r.scd ? f.train_scd : f.train_normal;
      return std::find(list.begin(), list.end(), r.patient) != list.end();
    };
    for (const auto& r : all.train)
      if (trains(r)) f.train.push_back(r);
    (scd ? f.test_scd : f.test_normal).push_back(patient);
    folds.push_back(std::move(f));
  };
  for (int p : all.test_scd) fold_for(true, p);
  for (int p : all.test_normal) fold_for(false, p);
  return folds;
}

InputKind parse_input_kind(const std::string& s) {
  if (s == "dft") return InputKind::kDft;
  if (s == "raw") return InputKind::kRaw;
  if (s == "dwt") return InputKind::kDwt;
  if (s == "spectrogram") return InputKind::kSpectrogram;
  throw CohortError("unknown input '" + s + "' (dft, raw, dwt, spectrogram)");
}

std::string to_string(InputKind k) {
  switch (k) {
    case InputKind::kDft:
      return "dft";
    case InputKind::kRaw:
      return "raw";
    case InputKind::kDwt:
      return "dwt";
    case InputKind::kSpectrogram:
      return "spectrogram";
  }
  return "?";
}

nlohmann::json FeatureConfig::to_json() const {
  nlohmann::json j = {{"input", to_string(input)}, {"bins", bins}, {"dwt_levels", dwt_levels}};
  j["band_hz"] =
      band_hz ? nlohmann::json({band_hz->first, band_hz->second}) : nlohmann::json(nullptr);
  return j;
}

FeatureConfig FeatureConfig::from_json(const nlohmann::json& j) {
  FeatureConfig f;
  f.input = parse_input_kind(j.at("input").get<std::string>());
  f.bins = j.at("bins").get<std::size_t>();
  f.dwt_levels = j.at("dwt_levels").get<int>();
  if (!j.at("band_hz").is_null())
    f.band_hz = std::make_pair(j["band_hz"][0].get<double>(), j["band_hz"][1].get<double>());
  return f;
}

std::vector<float> extract_features(const FeatureConfig& cfg, const std::vector<double>& x) {
  std::vector<double> v;
  switch (cfg.input) {
    case InputKind::kDft: {
      auto s = dsp::SpectrumReducer(dsp::kMinuteSamples, cfg.bins)(x);
      if (cfg.band_hz) {
        const double width = dsp::kAnalysisFsHz / 2.0 / static_cast<double>(cfg.bins);
        for (std::size_t b = 0; b < s.size(); ++b) {
          const double f = static_cast<double>(b) * width;
          if (f >= cfg.band_hz->first && f < cfg.band_hz->second) v.push_back(s[b]);
        }
      } else {
        v = std::move(s);
      }
      break;
    }
    case InputKind::kRaw:
      v = x;
      break;
    case InputKind::kDwt:
      v = dsp::dwt_db4_flat(x, cfg.dwt_levels);
      break;
    case InputKind::kSpectrogram:
      v = dsp::spectrogram(x, 256, 128).values;
      break;
  }
  return {v.begin(), v.end()};
}

}  // namespace scapredict::cohort

#include "scapredict/eval/audit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>
#include <sstream>

#include "scapredict/common/atomic_file.hpp"
#include "scapredict/dsp/prepare.hpp"
#include "scapredict/dsp/resample.hpp"
#include "scapredict/dsp/spectrum.hpp"
#include "scapredict/eval/lopo.hpp"
#include "scapredict/eval/reproduce.hpp"
#include "scapredict/io/signal.hpp"
#include "scapredict/model/classifier.hpp"
#include "scapredict/sim/simulate.hpp"
#include "scapredict/train/experiment.hpp"
#include "scapredict/version.hpp"

namespace scapredict::eval {
namespace fs = std::filesystem;

TwoGroupResult two_group_probe(const std::vector<std::vector<std::vector<double>>>& a,
                               const std::vector<std::vector<std::vector<double>>>& b, int reps,
                               int epochs, std::uint64_t seed, bool paired) {
  TwoGroupResult r;
  r.patients_a = static_cast<int>(a.size());
  r.patients_b = static_cast<int>(b.size());
  cohort::FeatureConfig f;
  std::vector<double> accs, aucs;
  std::mt19937_64 rng(seed);
  for (int rep = 0; rep < reps; ++rep) {
    std::vector<int> ia(a.size()), ib(b.size());
    for (std::size_t i = 0; i < ia.size(); ++i) ia[i] = static_cast<int>(i);
    for (std::size_t i = 0; i < ib.size(); ++i) ib[i] = static_cast<int>(i);
    std::shuffle(ia.begin(), ia.end(), rng);
    if (paired)
      ib = ia;  // both versions of a patient stay on the same side
    else
      std::shuffle(ib.begin(), ib.end(), rng);
    model::Dataset train;
    std::vector<std::vector<float>> tx;
    std::vector<int> ty;
    auto add = [&](const std::vector<std::vector<std::vector<double>>>& g,
                   const std::vector<int>& idx, int label) {
      for (std::size_t k = 0; k < idx.size(); ++k) {
        const bool is_train = k < idx.size() / 2;
        for (const auto& m : g[static_cast<std::size_t>(idx[k])]) {
          auto x = cohort::extract_features(f, m);
          if (is_train) {
            train.x.push_back(std::move(x));
            train.y.push_back(label);
          } else {
            tx.push_back(std::move(x));
            ty.push_back(label);
          }
        }
      }
    };
    add(a, ia, 1);
    add(b, ib, 0);
    model::TrainConfig tc;
    tc.epochs = epochs;
    tc.seed = seed + static_cast<std::uint64_t>(rep) * 7919;
    auto clf = model::Classifier::train(train, model::Arch::kCnn1d, f, tc);
    auto p = clf.predict_proba(tx);
    Confusion c;
    for (std::size_t i = 0; i < p.size(); ++i) c.add(ty[i] == 1, p[i] >= 0.5);
    accs.push_back(c.accuracy());
    aucs.push_back(auroc(p, ty));
    r.minutes = static_cast<int>(train.x.size() + tx.size());
  }
  r.accuracy = mean_ci95(accs);
  r.auroc = mean_ci95(aucs);
  return r;
}

std::vector<double> sddb_like_chain(const std::vector<double>& x) {
  const std::size_t pad = 128;
  std::vector<double> padded;
  for (std::size_t i = pad; i > 0; --i) padded.push_back(x[i]);
  padded.insert(padded.end(), x.begin(), x.end());
  for (std::size_t i = 0; i < pad; ++i) padded.push_back(x[x.size() - 2 - i]);
  auto up = dsp::resample(padded, 128, 250);
  for (auto& v : up) v = std::clamp(std::round(v * 800.0), -2047.0, 2047.0) / 800.0;
  auto down = dsp::resample(up, 250, 128);
  return {down.begin() + pad, down.begin() + static_cast<long>(pad + x.size())};
}

NearFar near_far_verdict(const MeanCi& near, const MeanCi& far) {
  NearFar r{near, far, "inconclusive"};
  if (near.lo <= 0.5 && far.lo <= 0.5)
    r.verdict = "no signal";
  else if (far.lo > 0.6 && near.mean - far.mean < 0.1)
    r.verdict = "shortcut";
  else if (near.lo > 0.5 && near.mean - far.mean >= 0.1 && far.mean < 0.75)
    r.verdict = "risk signal";
  return r;
}

NearFar near_far_probe(const cohort::Cohort& c, const NearFarConfig& cfg) {
  auto pc = cfg.protocol;
  pc.repetitions = cfg.repetitions;
  pc.seed = cfg.seed;
  pc.horizons = cfg.near;
  pc.horizons.insert(pc.horizons.end(), cfg.far.begin(), cfg.far.end());
  const auto pp = train::prepare_protocol(c, pc, false);
  train::ExperimentConfig e;
  e.name = "near-far";
  e.train.epochs = cfg.epochs;
  e.train.seed = cfg.seed;
  const auto res = train::run_experiment(c, pp, e, false);
  // Per repetition, the accuracy over all near (far) test minutes pooled; mean and t-interval
  // over the repetitions.
  auto pooled = [&](const std::vector<int>& hs) {
    std::vector<double> acc;
    for (std::size_t rep = 0; rep < pp.plans.size(); ++rep) {
      Confusion pooled_rep;
      for (const auto& [h, s] : train::score_by_horizon(pp.plans[rep].test, res.test_p[rep])) {
        if (std::find(hs.begin(), hs.end(), h) != hs.end()) pooled_rep += s.confusion;
      }
      acc.push_back(pooled_rep.accuracy());
    }
    return mean_ci95(acc);
  };
  return near_far_verdict(pooled(cfg.near), pooled(cfg.far));
}

namespace {

// CUDB has no annotation files in the excerpts: the first usable minute whose 8-s windows show no
// VF-like concentration (> 60 % of 0.5-40 Hz power in 3-8 Hz) stands in for "before any
// ventricular arrhythmia".
std::optional<std::vector<double>> cudb_pre_arrhythmia_minute(const fs::path& rec_path) {
  io::Record rec(rec_path);
  const double dur = static_cast<double>(rec.n_frames()) / rec.fs_hz();
  for (double start = 0; start + 60 <= dur; start += 30) {
    auto p = dsp::load_channel(rec, 0, start, 60.0);
    auto q = dsp::assess_quality(p.samples, p.fs_hz, dsp::limits_for(p), p.bridged);
    if (!q.usable()) continue;
    bool vf_like = false;
    for (std::size_t s = 0; s + 1024 <= p.samples.size() && !vf_like; s += 1024) {
      std::vector<double> w(p.samples.begin() + static_cast<long>(s),
                            p.samples.begin() + static_cast<long>(s + 1024));
      double mean = 0;
      for (double v : w) mean += v / 1024.0;
      for (auto& v : w) v -= mean;
      auto mag = dsp::rfft_magnitude(w, 1024);  // 1/8 Hz spacing
      double band = 0, total = 0;
      for (std::size_t k = 4; k < 320; ++k) {
        total += mag[k] * mag[k];
        if (k >= 24 && k < 64) band += mag[k] * mag[k];
      }
      vf_like = total > 0 && band / total > 0.6;
    }
    if (!vf_like) return p.samples;
  }
  return std::nullopt;
}

// Probe 6's section of AUDIT.md, with its figures written next to it.
// `title` heads the section; figures are written to out/<stem>_reliability.png and
// out/<stem>_horizons.png.
std::string lopo_markdown(const LopoResult& r, const fs::path& out, const std::string& title,
                          const std::string& stem) {
  std::ostringstream md;
  char brier_text[64];
  std::snprintf(brier_text, sizeof brier_text, "%.3f [%.3f, %.3f]", r.brier.mean, r.brier.lo,
                r.brier.hi);
  md << title << "\n\n"
     << r.patients << " patients held out, " << r.minutes << " out-of-fold minutes. "
     << "AUROC " << percent_ci(r.auroc) << ", accuracy " << percent_ci(r.accuracy)
     << ", Brier score " << brier_text << " (0 is perfect; 0.25 is a constant 0.5).\n\n";
  if (!r.skipped.empty()) {
    md << "Patients without a usable test minute (not held out): ";
    for (std::size_t i = 0; i < r.skipped.size(); ++i) md << (i ? ", " : "") << r.skipped[i];
    md << ".";
  }
  if (!r.rejected.empty()) {
    md << " Unusable minutes left out:";
    for (const auto& [why, n] : r.rejected) md << " " << n << " (" << why << ")";
    md << ".";
  }
  md << "\n\n";
  md << "| minutes before VF | AUROC (vs all normal minutes) | accuracy |\n|---|---|---|\n";
  Series auc_series{"AUROC", {}, {}, {}, {}}, acc_series{"accuracy", {}, {}, {}, {}};
  for (const auto& h : r.horizons) {
    md << "| " << h.horizon << " | " << percent_ci(h.auroc) << " | " << percent_ci(h.accuracy)
       << " |\n";
    auc_series.add(h.horizon, h.auroc);
    acc_series.add(h.horizon, h.accuracy);
  }
  md << "\nReliability (10 bins of P(SCD); observed = fraction of SCD minutes, Wilson 95 % "
        "interval):\n\n| P(SCD) bin | minutes | mean P | observed |\n|---|---|---|---|\n";
  Series rel{"observed (Wilson 95 %)", {}, {}, {}, {}}, diag{"perfect calibration", {}, {}, {}, {}};
  for (const auto& b : r.reliability) {
    char line[160];
    if (b.n == 0) {
      std::snprintf(line, sizeof line, "| %.1f-%.1f | 0 | - | - |\n", b.lo, b.hi);
    } else {
      std::snprintf(line, sizeof line, "| %.1f-%.1f | %d | %.3f | %.3f [%.3f, %.3f] |\n", b.lo,
                    b.hi, b.n, b.mean_p, b.observed, b.observed_lo, b.observed_hi);
      rel.add(100 * b.mean_p, MeanCi{b.observed, b.observed_lo, b.observed_hi, 0, b.n});
    }
    md << line;
  }
  for (double v : {0.0, 1.0}) diag.add(100 * v, MeanCi{v, v, v, 0, 0});
  md << "\nPer patient (out-of-fold minutes on the wrong side of P = 0.5):\n\n| patient | group | "
        "wrong / minutes | mean P(SCD) |\n|---|---|---|---|\n";
  for (const auto& p : r.per_patient) {
    char line[160];
    std::snprintf(line, sizeof line, "| %s | %s | %d / %d | %.3f |\n", p.id.c_str(),
                  p.scd ? "SCD" : "normal", p.wrong, p.minutes, p.mean_p);
    md << line;
  }
  md << "\n";
  const std::string reliability_png = stem + "_reliability.png",
                    horizons_png = stem + "_horizons.png";
  if (plot_png(out / reliability_png, "Leave-one-patient-out reliability (" + stem + ")",
               "mean predicted P(SCD) %", "observed SCD fraction %", {rel, diag}))
    md << "![reliability](" << reliability_png << ")\n\n";
  if (plot_png(out / horizons_png, "Leave-one-patient-out by horizon (" + stem + ")",
               "minutes before VF onset", "%", {auc_series, acc_series}))
    md << "![by horizon](" << horizons_png << ")\n\n";
  return md.str();
}

// A cell of the known-answer grid: simulated once into the cache, then reused.
cohort::Cohort grid_cohort(const AuditConfig& ac, double risk, double gap) {
  sim::SimConfig sc;
  std::ostringstream name;
  name << "audit-grid-r" << risk << "-g" << gap << "-h" << ac.grid_hours_before_onset;
  sc.out = ac.cache / name.str();
  sc.risk_effect = risk;
  sc.device_gap = gap;
  sc.hours_before_onset = ac.grid_hours_before_onset;
  sc.hours_after = 0.02;
  sc.nsrdb_hours = 2;
  sc.threads = 2;
  sc.progress = false;
  if (!fs::exists(sc.out / "truth.json")) sim::simulate(sc);
  return cohort::load_cohort(sc.out);
}

}  // namespace

nlohmann::json audit(const AuditConfig& ac) {
  nlohmann::json j = {{"scapredict_version", kVersion},
                      {"seed", ac.seed},
                      {"repetitions", ac.repetitions},
                      {"epochs", ac.epochs}};
  std::ostringstream md;
  const fs::path data = cohort::resolve_data_dir(ac.data, ac.cache, 20240501);
  const auto cohort = cohort::load_cohort(data, cohort::default_onset_table());
  fs::create_directories(ac.out);
  j["data"] = {{"description", cohort.source.description},
               {"simulated", cohort.source.simulated},
               {"dir", cohort.source.dir.string()},
               {"simulator_knobs", cohort.source.knobs}};
  j["config"] = {{"band_hz", {ac.band_hz.first, ac.band_hz.second}},
                 {"grid_hours_before_onset", ac.grid_hours_before_onset},
                 {"bootstrap_resamples", ac.bootstrap_resamples},
                 {"physionet", ac.physionet ? ac.physionet->string() : ""}};
  md << "Data: " << cohort.source.description
     << "; probes 1-2 on REAL PhysioNet excerpts; probe 4 on SIMULATED cohorts\n\n";
  md << "# scapredict audit: cardiac risk or recorder?\n\nEach probe uses the paper's CNN on "
        "DFT-1024, "
        "patient-disjoint, "
     << ac.repetitions << " repetitions, mean [95% CI].\n\n";

  // Probes 1 and 2: real data.
  if (ac.physionet && fs::is_directory(*ac.physionet / "nsrdb-1min")) {
    std::vector<std::vector<std::vector<double>>> orig, chain, cu;
    for (const auto& h : io::list_headers(*ac.physionet / "nsrdb-1min")) {
      io::Record rec(h);
      auto x = rec.read_physical(0);
      orig.push_back({x});
      chain.push_back({sddb_like_chain(x)});
    }
    std::cerr << "audit: probe 1 (resampling signature, real NSRDB minutes)\n";
    auto p1 = two_group_probe(chain, orig, ac.repetitions, ac.epochs, ac.seed, true);
    j["probe1_resampling_signature"] = {{"accuracy", to_json(p1.accuracy)},
                                        {"auroc", to_json(p1.auroc)},
                                        {"patients", p1.patients_a}};
    md << "## 1. Resampling signature (real)\n\nThe 18 real NSRDB first minutes against the same "
          "minutes passed "
          "through an SDDB-like chain (128 -> 250 Hz, 12-bit quantisation at 800 adu/mV, 250 -> "
          "128 Hz with soxr HQ). "
          "Both versions of a test patient stay in test. 50 % = no learnable mark.\n\n"
       << "accuracy " << percent_ci(p1.accuracy) << ", AUROC " << percent_ci(p1.auroc) << " ("
       << p1.minutes << " minutes)\n\n";
    std::vector<std::string> used;
    if (fs::is_directory(*ac.physionet / "cudb")) {
      for (const auto& h : io::list_headers(*ac.physionet / "cudb")) {
        if (auto m = cudb_pre_arrhythmia_minute(h)) {
          cu.push_back({*m});
          used.push_back(h.stem().string());
        }
      }
      std::cerr << "audit: probe 2 (database identity, real NSRDB vs CUDB)\n";
      auto p2 = two_group_probe(cu, orig, ac.repetitions, ac.epochs, ac.seed + 1);
      j["probe2_database_identity"] = {{"accuracy", to_json(p2.accuracy)},
                                       {"auroc", to_json(p2.auroc)},
                                       {"cudb_records_used", used},
                                       {"nsrdb_records", p2.patients_b}};
      md << "## 2. Database identity (real)\n\nReal NSRDB minutes against real CUDB minutes (250 "
            "-> 128 Hz), "
            "patient-disjoint. CUDB excerpts carry no annotations here: each record contributes "
            "its first usable "
            "minute (30-s steps) whose 8-s windows never hold > 60 % of their 0.5-40 Hz power in "
            "3-8 Hz (a VF-like "
            "signature) - a proxy for 'before any ventricular arrhythmia', not an annotation. "
         << used.size() << " of 17 records qualified.\n\naccuracy " << percent_ci(p2.accuracy)
         << ", AUROC " << percent_ci(p2.auroc) << "\n\n";
    }
  } else {
    md << "## 1-2. Real-data probes\n\nSkipped: no ../shared/physionet-style directory given "
          "(--physionet).\n\n";
  }

  // Probe 3: band-limited control on the main data.
  std::cerr << "audit: probe 3 (band-limited control)\n";
  cohort::ProtocolConfig pc;
  pc.repetitions = ac.repetitions;
  pc.seed = ac.seed;
  const auto prepared = train::prepare_protocol(cohort, pc, false);
  train::ExperimentConfig full, band;
  full.name = "dft1024";
  full.train.epochs = band.train.epochs = ac.epochs;
  band.name = "dft1024-band";
  band.features.band_hz = ac.band_hz;
  const auto rf = train::run_experiment(cohort, prepared, full, false);
  const auto rb = train::run_experiment(cohort, prepared, band, false);
  md << "## 3. Band-limited control\n\nThe paper's protocol on the main data with the spectrum "
        "limited to "
     << ac.band_hz.first << "-" << ac.band_hz.second
     << " Hz.\n\n| horizon | full 0-64 Hz | band-limited |\n|---|---|---|\n";
  for (int h : {5, 30, 60, 90}) {
    const auto *a = rf.at(h), *b = rb.at(h);
    md << "| " << h << " | " << (a ? percent_ci(a->accuracy) : "n/a") << " | "
       << (b ? percent_ci(b->accuracy) : "n/a") << " |\n";
  }
  {
    const auto full_s = accuracy_series(rf, "full 0-64 Hz");
    const auto band_s = accuracy_series(rb, "band-limited");
    if (plot_png(ac.out / "audit_band_limited.png", "Band-limited control (accuracy)",
                 "minutes before VF onset", "accuracy %", {full_s, band_s}))
      md << "\n![band-limited](audit_band_limited.png)\n";
  }
  j["probe3_band_limited"] = {{"band_hz", {ac.band_hz.first, ac.band_hz.second}},
                              {"full", rf.to_json()},
                              {"band", rb.to_json()}};

  // Probe 4: the 2 x 2 known-answer grid on simulated cohorts; probe 5 rides on it.
  md << "\n## 4. Known-answer grid (simulated)\n\nCohorts simulated with "
     << ac.grid_hours_before_onset
     << " h before each onset. Near = horizons 5-30 min; far = 300-360 min. Rule (docs/audit.md): "
        "*shortcut* when "
        "far accuracy's CI lies above 60 % and near exceeds far by < 10 points; *risk signal* when "
        "near's CI lies above "
        "50 %, near exceeds far by >= 10 points and far < 75 %; *no signal* when both CIs reach 50 "
        "%.\n\n"
        "| risk-effect | device-gap | near accuracy | far accuracy | verdict | expected "
        "|\n|---|---|---|---|---|---|\n";
  auto near_far_config = [&] {
    NearFarConfig nf;
    nf.repetitions = ac.repetitions;
    nf.epochs = ac.epochs;
    nf.seed = ac.seed;
    return nf;
  };
  std::optional<NearFar> same_device;  // the cell risk-effect 1, device-gap 0
  for (double risk : {0.0, 1.0}) {
    for (double gap : {0.0, 1.0}) {
      std::cerr << "audit: probe 4 cell risk-effect " << risk << ", device-gap " << gap << "\n";
      const auto v = near_far_probe(grid_cohort(ac, risk, gap), near_far_config());
      if (risk == 1 && gap == 0) same_device = v;
      const std::string expected = risk == 0 && gap == 0 ? "no signal"
                                   : risk == 0           ? "shortcut"
                                   : gap == 0            ? "risk signal"
                                                         : "(both)";
      md << "| " << risk << " | " << gap << " | " << percent_ci(v.near_accuracy) << " | "
         << percent_ci(v.far_accuracy) << " | **" << v.verdict << "** | " << expected << " |\n";
      j["probe4_grid"].push_back({{"risk_effect", risk},
                                  {"device_gap", gap},
                                  {"near", to_json(v.near_accuracy)},
                                  {"far", to_json(v.far_accuracy)},
                                  {"verdict", v.verdict},
                                  {"expected", expected}});
    }
  }
  // Probe 5: far-from-onset on the main data, as far as its records allow.
  std::cerr << "audit: probe 5 (far-from-onset control)\n";
  double shortest = 1e300;
  for (const auto& p : cohort.scd) shortest = std::min(shortest, *p.onset_s / 60.0);
  auto nf = near_far_config();
  const int far_max = std::max(90, static_cast<int>(std::floor(shortest)) - 1);
  nf.far = {far_max - 20, far_max - 10, far_max};
  nf.far.erase(std::remove_if(nf.far.begin(), nf.far.end(), [](int h) { return h <= 30; }),
               nf.far.end());
  auto v5 = near_far_probe(cohort, nf);
  md << "\n## 5. Far-from-onset control (main data)\n\nFar horizons " << nf.far.front() << "-"
     << nf.far.back()
     << " min (the farthest every SCD record allows; 6-12 h where records are long enough). Near "
     << percent_ci(v5.near_accuracy) << ", far " << percent_ci(v5.far_accuracy) << ": **"
     << v5.verdict << "**.\n\n";
  j["probe5_far_from_onset"] = {{"far_horizons", nf.far},
                                {"near", to_json(v5.near_accuracy)},
                                {"far", to_json(v5.far_accuracy)},
                                {"verdict", v5.verdict}};

  // Probe 6: leave-one-patient-out over every patient of the main data.
  std::cerr << "audit: probe 6 (leave-one-patient-out, " << cohort.scd.size() + cohort.normal.size()
            << " patients)\n";
  LopoConfig lc;
  lc.epochs = ac.epochs;
  lc.seed = ac.seed;
  lc.bootstrap_resamples = ac.bootstrap_resamples;
  const auto lopo = lopo_probe(cohort, lc, true);
  std::cerr << "audit: probe 6 on the same-device simulated cohort\n";
  const auto lopo_same_device = lopo_probe(grid_cohort(ac, 1.0, 0.0), lc, true);
  j["probe6_leave_one_patient_out"] = {{"config", lc.to_json()},
                                       {"result", lopo.to_json()},
                                       {"same_device_simulated", lopo_same_device.to_json()}};
  md << "## 6. Leave-one-patient-out with calibration\n\nEach patient is held out once; the CNN "
        "on DFT-1024 trains on the other patients' training minutes (10 before onset; 10 random "
        "minutes per normal), with as many SCD as normal patients in every fold, and scores the "
        "held-out patient's minutes (SCD: one per horizon 5-90 min; normal: one random minute per "
        "horizon). Intervals: percentile bootstrap over patients (whole patients resampled). Run "
        "on the main data, and on the simulated same-device cohort of probe 4 (risk-effect 1, "
        "device-gap 0), where only the risk effect separates the groups.\n\n";
  md << lopo_markdown(lopo, ac.out, "### 6a. Main data", "audit_lopo");
  md << lopo_markdown(lopo_same_device, ac.out,
                      "### 6b. Same-device simulated cohort (risk-effect 1, device-gap 0)",
                      "audit_lopo_same_device");

  // Side by side.
  std::ostringstream side;
  side << "## Paper vs reproduction vs controls (60 min before VF, CNN DFT-1024)\n\n| row | "
          "accuracy % |\n|---|---|\n"
       << "| paper Tab. 2 | 94.5 |\n";
  if (const auto* h = rf.at(60))
    side << "| scapredict, " << (cohort.source.simulated ? "SIMULATED" : "REAL") << " data | "
         << percent_ci(h->accuracy) << " |\n";
  if (const auto* h = rb.at(60))
    side << "| band-limited " << ac.band_hz.first << "-" << ac.band_hz.second << " Hz | "
         << percent_ci(h->accuracy) << " |\n";
  if (same_device)
    side << "| same device (simulated, device-gap 0), near 5-30 min | "
         << percent_ci(same_device->near_accuracy) << " |\n";
  for (const auto& h : lopo.horizons) {
    if (h.horizon == 60)
      side << "| leave-one-patient-out, all " << lopo.patients
           << " patients (patient-bootstrap CI) | " << percent_ci(h.accuracy) << " |\n";
  }
  side << "\nWhat the numbers support: a high accuracy on SDDB-vs-NSRDB minutes is only evidence "
          "of imminent risk "
          "when it falls away far from onset and survives the same-device and band-limited "
          "controls; probes 1 and 2 "
          "measure, on real recordings, how much a classifier can learn from preprocessing and "
          "database identity "
          "alone. Leave-one-patient-out is not a control: it uses every patient of the same two "
          "databases and so only narrows the estimate of how well they can be told apart. Read "
          "each verdict above with its confidence interval.\n";
  md << side.str();
  write_file_atomic(ac.out / "audit.json", j.dump(1));
  write_file_atomic(ac.out / "AUDIT.md", md.str());
  if (fs::exists(ac.out / "REPORT.md")) {
    std::string rep = read_file(ac.out / "REPORT.md");
    const auto pos = rep.find("\n## Paper vs reproduction vs controls");
    if (pos != std::string::npos) rep.erase(pos);
    write_file_atomic(ac.out / "REPORT.md", rep + "\n" + side.str());
  }
  return j;
}

}  // namespace scapredict::eval

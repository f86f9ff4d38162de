#include "report/real_report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "report/alarms_report.hpp"
#include "report/plot.hpp"
#include "scapredict/version.hpp"

namespace scapredict::report {
namespace fs = std::filesystem;
using stats::percent_ci;

std::string format_or_na(double v, const char* fmt) {
  if (!std::isfinite(v)) return "n/a";
  char b[32];
  std::snprintf(b, sizeof b, fmt, v);
  return b;
}

const std::vector<LiteratureRow>& literature_rows() {
  // As the papers' abstracts state them; "-" where the abstract gives no figure.
  static const std::vector<LiteratureRow> rows = {
      {"Acharya et al. 2015", "HRV: RQA + Kolmogorov complexity, kNN", "SDDB + NSRDB", "4", "86.8",
       "80.0", "94.4"},
      {"Fujita et al. 2016", "HRV: nonlinear features + SVM", "SDDB + NSRDB", "4", "94.7", "-",
       "-"},
      {"Amezquita-Sanchez et al. 2018", "ECG: wavelet packets + homogeneity index, EPNN",
       "SDDB (20) + NSRDB (18)", "20", "95.8", "-", "-"},
      {"Khazaei et al. 2018", "HRV: increment entropy + RQA, decision tree", "SDDB + NSRDB", "5",
       "95", "95", "95"},
      {"Ebrahimzadeh et al. 2018", "HRV: time-local feature selection, MLP", "SDDB + NSRDB", "12",
       ">= 83 (alarm threshold)", "-", "-"},
      {"Ebrahimzadeh et al. 2019", "HRV: feature selection, MLP", "SDDB + NSRDB", "-",
       ">= 84 (alarm threshold)", "-", "-"},
      {"Lai et al. 2019", "ECG repolarisation markers, random forest", "SDDB (28) + NSRDB (18)",
       "30", "99.49", "-", "-"},
      {"The paper (CNN on DFT)", "ECG spectrum, 1-min segments", "SDDB + NSRDB", "5-90",
       ">= 94 at every horizon", "-", "-"},
  };
  return rows;
}

namespace {

std::string pct(double v) {
  if (!std::isfinite(v)) return "n/a";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", 100 * v);
  return b;
}

const eval::LopoRun* lopo_of(const eval::BeatStudyResult& r, const std::string& c, int w) {
  for (const auto& l : r.lopo)
    if (l.classifier == c && l.window_min == w) return &l;
  return nullptr;
}

const eval::ImminenceRun* imminence_of(const eval::BeatStudyResult& r, const std::string& c,
                                       int w) {
  for (const auto& l : r.imminence)
    if (l.classifier == c && l.window_min == w) return &l;
  return nullptr;
}

const eval::ProtocolRun* quantised_of(const eval::BeatStudyResult& r, const std::string& c, int w) {
  for (const auto& q : r.quantised)
    if (q.classifier == c && q.window_min == w) return &q;
  return nullptr;
}

std::string primary(const eval::BeatStudyResult& r) {
  return model::to_string(r.config.primary);
}

void data_section(std::ostream& md, const eval::BeatStudyResult& r) {
  const auto& p = r.config.protocol;
  md << "## Data and protocol\n\n"
     << "Method fixed before the first real run: docs/real-beats-method.md (features, classifiers "
        "and hyper-parameters: docs/hrv.md, docs/classifiers.md). Added after the first real run "
        "and marked where they appear: the paired near/far bands (far minutes exist only for "
        "patients whose onset comes late enough) and the patient counts of the controls.\n\n"
     << "- SCD patients (" << r.patients_scd.size() << "): ";
  for (const auto& id : r.patients_scd) md << id << " (" << r.annotators.at(id) << ") ";
  std::map<std::string, int> normal_annotators;
  for (const auto& id : r.patients_normal) normal_annotators[r.annotators.at(id)]++;
  md << "\n- Normal patients (" << r.patients_normal.size() << "), NSRDB, annotators:";
  for (const auto& [a, n] : normal_annotators) md << " `." << a << "` " << n;
  md << "\n";
  for (const auto& d : r.dropped) md << "- Not in the study: " << d << "\n";
  for (const auto& n : r.notes) md << "- Note: " << n << "\n";
  md << "- Split per repetition, patient-disjoint: train " << p.train_scd << " SCD + "
     << p.train_normal << " normal patients, test " << p.test_scd << " SCD + " << p.test_normal
     << " normal; " << r.config.run.repetitions << " repetitions (seed " << r.config.run.seed
     << "); SCD training minutes 1-" << p.train_minutes << " before onset, " << p.train_minutes
     << " random annotated minutes per normal.\n"
     << "- Test sets are unbalanced: every accuracy comes with the accuracy of always answering "
        "\"normal\" on the same minutes. Mean [95% t-interval over repetitions].\n\n";
}

void horizon_table(std::ostream& md, const eval::ProtocolRun& run) {
  md << "| minutes before onset | accuracy | always normal | balanced accuracy | sensitivity | "
        "specificity | AUROC | SCD / normal minutes |\n|---|---|---|---|---|---|---|---|\n";
  auto row = [&](const std::string& label, const eval::HorizonMetrics& h) {
    md << "| " << label << " | " << percent_ci(h.accuracy) << " | " << pct(h.always_normal.mean)
       << " | " << percent_ci(h.balanced_accuracy) << " | " << percent_ci(h.sensitivity) << " | "
       << percent_ci(h.specificity) << " | " << percent_ci(h.auroc) << " | " << h.scd_minutes
       << " / " << h.normal_minutes << " |\n";
  };
  for (const auto& h : run.horizons) row(std::to_string(h.horizon), h);
  row("near (5-30)", run.near);
  row("far (240-480)", run.far);
  row("near (5-30), paired patients*", run.near_paired);
  row("far (240-480), paired patients*", run.far_paired);
  md << "\n* added after the first real run: only the test SCD patients with usable minutes in "
        "both bands (far minutes exist only where the onset comes 4 h or more into the record)."
     << (run.skipped
             ? " Repetitions skipped (one class in training): " + std::to_string(run.skipped) + "."
             : "")
     << "\n\n";
}

void main_section(std::ostream& md, const eval::BeatStudyResult& r) {
  for (int w : r.config.windows_min) {
    const auto* run = r.main_run(primary(r), w);
    if (!run) continue;
    md << "## Main result: " << run->classifier << " (primary), " << w << "-min HRV window"
       << (w == 1 ? " (the paper's minute)" : "") << "\n\n";
    horizon_table(md, *run);
  }
}

void classifier_section(std::ostream& md, const eval::BeatStudyResult& r) {
  md << "## Every classifier\n\nProtocol repetitions (near = SCD minutes 5-30 min before onset, "
        "far = 240-480 min, both against the same test normals) and leave-one-patient-out over "
        "all horizons (patient-bootstrap 95% CI).\n\n"
        "| classifier | window | near accuracy (always normal) | near balanced acc. | near AUROC "
        "| far balanced acc. | far AUROC | LOPO AUROC | LOPO balanced acc. |\n"
        "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& run : r.main) {
    const auto* l = lopo_of(r, run.classifier, run.window_min);
    md << "| " << run.classifier << " | " << run.window_min << " min | "
       << percent_ci(run.near.accuracy) << " (" << pct(run.near.always_normal.mean) << ") | "
       << percent_ci(run.near.balanced_accuracy) << " | " << percent_ci(run.near.auroc) << " | "
       << percent_ci(run.far.balanced_accuracy) << " | " << percent_ci(run.far.auroc) << " | "
       << (l ? percent_ci(l->all.auroc) : "n/a") << " | "
       << (l ? percent_ci(l->all.balanced_accuracy) : "n/a") << " |\n";
  }
  md << "\n";
}

void controls_section(std::ostream& md, const eval::BeatStudyResult& r) {
  md << "## Controls\n\nEach row beside the main result (docs/real-beats-method.md, "
        "\"Controls\"). AUROC in percent, 95% CI.\n\n"
        "| classifier | window | main: near AUROC | imminence within SCD (LOSO) | placebo onset "
        "-1 h | far from onset AUROC | re-quantised (1/"
     << format_or_na(1 / r.config.control_grid_s, "%.0f")
     << " s) near AUROC | LOPO: .atr SCD only | LOPO: .ari SCD only | LOPO: normals aged >= "
        "median |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& run : r.main) {
    const auto* im = imminence_of(r, run.classifier, run.window_min);
    const auto* q = quantised_of(r, run.classifier, run.window_min);
    const auto* l = lopo_of(r, run.classifier, run.window_min);
    md << "| " << run.classifier << " | " << run.window_min << " min | "
       << percent_ci(run.near.auroc) << " | " << (im ? percent_ci(im->real.auroc) : "n/a") << " ("
       << (im ? im->real.scd_patients : 0) << " pts) | "
       << (im ? percent_ci(im->placebo.auroc) : "n/a") << " ("
       << (im ? im->placebo.scd_patients : 0) << " pts) | " << percent_ci(run.far.auroc) << " | "
       << (q ? percent_ci(q->near.auroc) : "n/a") << " | "
       << (l ? percent_ci(l->atr_only.auroc) : "n/a") << " | "
       << (l ? percent_ci(l->ari_only.auroc) : "n/a") << " | "
       << (l ? percent_ci(l->older_normals.auroc) : "n/a") << " |\n";
  }
  const auto* l = lopo_of(r, primary(r), r.config.windows_min.front());
  md << "\nAge: SDDB headers carry no age; the NSRDB subjects are 20-50 years old and the SDDB "
        "patients older on average (PhysioNet's description: 18-89 years), so age is confounded "
        "with the group in every row above.";
  if (l) {
    md << " The reading least affected by age that these data allow (it reduces the confound, "
          "it does not remove it): against the normals aged >= "
       << format_or_na(l->median_normal_age, "%.0f") << " (the NSRDB median; "
       << l->older_normals.normal_patients << " normals, " << l->older_normals.scd_patients
       << " SCD patients) the primary LOPO AUROC is " << percent_ci(l->older_normals.auroc)
       << "; within the " << r.patients_normal.size()
       << " normals, P(SCD) and age have Spearman rho " << format_or_na(l->age_spearman)
       << " (an age-driven score would give a positive rho).";
  }
  if (l) {
    md << " Patients in the annotator columns (added after the first run): `.atr` "
       << l->atr_only.scd_patients << " SCD, `.ari` " << l->ari_only.scd_patients
       << " SCD, each against " << l->atr_only.normal_patients << " normals.";
  }
  md << " Annotator: the NSRDB beats are audited; SCD patients with `.ari` were annotated by a "
        "detector only.\n\n";
  if (const auto* im = imminence_of(r, primary(r), r.config.windows_min.front())) {
    md << "Imminence control, usable minutes per SCD patient (last 10 minutes / minutes 60-119; "
          "a patient without both is left out; added after the first run):";
    for (const auto& [id, n] : im->real_minutes)
      md << " " << id << " " << n.first << "/" << n.second << ";";
    md << " placebo:";
    for (const auto& [id, n] : im->placebo_minutes)
      md << " " << id << " " << n.first << "/" << n.second << ";";
    md << "\n\n";
  }
}

void literature_section(std::ostream& md, const eval::BeatStudyResult& r) {
  md << "## Beside the paper's Table 3\n\nPublished rows as their abstracts state them, then "
        "ours (REAL beat annotations, primary classifier, 1-min window, mean over repetitions; "
        "accuracy on test sets with "
     << r.config.protocol.test_normal << " normals per " << r.config.protocol.test_scd
     << " SCD patients).\n\n| study | method | data | minutes before SCD | accuracy | "
        "sensitivity | specificity |\n|---|---|---|---|---|---|---|\n";
  for (const auto& row : literature_rows()) {
    md << "| " << row.study << " | " << row.method << " | " << row.data << " | "
       << row.minutes_before << " | " << row.accuracy << " | " << row.sensitivity << " | "
       << row.specificity << " |\n";
  }
  const auto* run = r.main_run(primary(r), r.config.windows_min.front());
  if (!run) return;
  for (const auto& h : run->horizons) {
    if (h.horizon != 5 && h.horizon != 30 && h.horizon != 60 && h.horizon != 90) continue;
    md << "| scapredict (this report) | HRV, 16 features, " << run->classifier << " | REAL "
       << r.patients_scd.size() << " SDDB + " << r.patients_normal.size()
       << " NSRDB beat annotations | " << h.horizon << " | " << pct(h.accuracy.mean)
       << " (always normal " << pct(h.always_normal.mean) << ") | " << pct(h.sensitivity.mean)
       << " | " << pct(h.specificity.mean) << " |\n";
  }
  md << "\n";
}

bool ci_above(const stats::MeanCi& m, double v) {
  return std::isfinite(m.lo) && m.lo > v;
}

// One paragraph read off the numbers by fixed rules (no hand-written conclusion).
void reading_section(std::ostream& md, const eval::BeatStudyResult& r) {
  const int w = r.config.windows_min.front();
  const auto* run = r.main_run(primary(r), w);
  const auto* l = lopo_of(r, primary(r), w);
  const auto* im = imminence_of(r, primary(r), w);
  if (!run || !l || !im) return;
  md << "## What the real numbers support\n\n";
  md << "With the primary classifier on " << w << "-minute HRV, leave-one-patient-out AUROC is "
     << percent_ci(l->all.auroc) << (ci_above(l->all.auroc, 0.5) ? ", above chance: " : ", ")
     << "the rhythm of a minute "
     << (ci_above(l->all.auroc, 0.5) ? "does tell SDDB patients from NSRDB subjects"
                                     : "does not reliably tell SDDB patients from NSRDB subjects")
     << ". Over the same SCD patients (those with minutes in both bands), the protocol's AUROC "
        "is "
     << percent_ci(run->near_paired.auroc) << " 5-30 min before onset and "
     << percent_ci(run->far_paired.auroc) << " 4-8 h before it; ";
  const auto &n = run->near_paired.auroc, &f = run->far_paired.auroc;
  const bool far_as_good = std::isfinite(f.mean) && std::isfinite(n.lo) && f.mean >= n.lo;
  md << (far_as_good ? "minutes far from onset are told apart about as well, so what separates "
                       "the groups is the patient (disease, age, recorder, annotator), not "
                       "imminent risk. "
                     : "minutes far from onset are told apart less well, which imminent risk "
                       "would predict (and so would a drift within the recording). ");
  const auto &real = im->real.auroc, &placebo = im->placebo.auroc;
  const bool beats_placebo = std::isfinite(real.mean) && std::isfinite(placebo.hi) &&
                             real.mean > placebo.hi && ci_above(real, 0.5);
  md << "Within " << im->real.scd_patients
     << " SCD patients alone (those with usable minutes of both kinds), the last 10 minutes "
        "against minutes 60-119 give AUROC "
     << percent_ci(real) << " against a placebo onset's " << percent_ci(placebo);
  if (beats_placebo) {
    md << ": the real onset beats its placebo, a sign of a rhythm change in the last minutes "
          "before VF. ";
  } else {
    md << ": these data give no evidence of an imminence signal in heart rhythm alone"
       << (std::isfinite(real.hi) && real.hi > 0.5 && std::isfinite(real.lo) && real.lo < 0.5
               ? " (the interval includes chance: inconclusive, not proof of absence)"
               : "")
       << ". ";
  }
  if (ci_above(placebo, 0.5)) {
    md << "The placebo itself separates its minutes, so time within the recording confounds "
          "this design. ";
  }
  md << "Age, recorder and annotator differ between the databases and cannot be separated from "
        "SCD risk here. The protocol's t-intervals reflect split-to-split variation over the "
        "same "
     << r.patients_scd.size()
     << " SCD patients, not patient sampling; the leave-one-patient-out bootstrap intervals are "
        "the honest ones, and they are wide. None of this is a clinical claim.\n\n";
}

void figure_section(std::ostream& md, const eval::BeatStudyResult& r, const fs::path& out) {
  const int w = r.config.windows_min.front();
  const auto* run = r.main_run(primary(r), w);
  if (!run) return;
  Series acc, bal, normal;
  acc.title = "accuracy, " + primary(r) + ", " + std::to_string(w) + "-min HRV";
  bal.title = "balanced accuracy";
  normal.title = "always answering normal";
  normal.style = Series::Style::kLines;
  for (const auto& h : run->horizons) {
    acc.add(h.horizon, h.accuracy);
    bal.add(h.horizon, h.balanced_accuracy);
    normal.add(h.horizon, 100 * h.always_normal.mean);
  }
  std::vector<HLine> lines = {
      {100 * run->far_paired.balanced_accuracy.lo, "far (4-8 h), balanced accuracy: 95% CI low"},
      {100 * run->far_paired.balanced_accuracy.hi, "far (4-8 h), balanced accuracy: 95% CI high"}};
  Chart chart{"REAL SDDB/NSRDB beats: accuracy vs horizon",
              "minutes before VF onset",
              "percent",
              {acc, bal, normal},
              lines};
  chart.yrange = std::make_pair(0.0, 100.0);
  if (plot_png(out / "real_accuracy_vs_horizon.png", chart)) {
    md << "## Figure\n\n![accuracy vs horizon](real_accuracy_vs_horizon.png)\n\nAccuracy and "
          "balanced accuracy by horizon with 95% CIs, the accuracy of always answering normal on "
          "the same minutes, and the far-from-onset band (4-8 h before onset, the same SCD "
          "patients as the paired near band) of balanced accuracy.\n\n";
  }
}

void provenance_section(std::ostream& md, const eval::BeatStudyResult& r) {
  md << "## Windows not used\n\n";
  if (r.unusable.empty()) md << "None.\n";
  for (const auto& [reason, n] : r.unusable) md << "- " << reason << ": " << n << "\n";
  md << "\n## Provenance\n\n- scapredict " << kVersion << "; data: " << r.source.description
     << "\n- configuration and seed: real_results.json (`config`); run time "
     << format_or_na(r.seconds, "%.0f") << " s\n";
}

}  // namespace

std::string real_ecg_markdown(const eval::RealEcgResult& e) {
  std::ostringstream md;
  md << "## REAL ECG before VF/VT: imminence within the same records\n\n"
     << "Experiment 2 of docs/real-ecg-method.md (fixed before its first run): minutes "
     << e.config.near_first << "-" << e.config.near_last << " before each VFDB record's event "
     << "(first VF, else first sustained VT, else first VT) against its minutes "
     << e.config.far_first << "-" << e.config.far_last
     << " before it, same recorder, patients and annotators; leave-one-record-out; AUROC and "
        "balanced accuracy pooled over records with a percentile bootstrap over records (95% "
        "CI). Beats for HRV come from scapredict's QRS detector. Placebo: the event moved "
     << e.config.placebo_shift
     << " minutes earlier. Null: MIT-BIH records with a pseudo-event at their end. A real "
        "imminence signal must beat both.\n\n"
     << "| setting | model | records | near / far minutes | AUROC | balanced accuracy |\n"
        "|---|---|---|---|---|---|\n";
  for (const auto& row : e.rows) {
    md << "| " << row.setting << " | " << row.model << " | " << row.records << " | "
       << row.near_minutes << " / " << row.far_minutes << " | " << percent_ci(row.auroc) << " | "
       << percent_ci(row.balanced_accuracy) << " |\n";
  }
  md << "\nVFDB records (minutes of each label usable in the real setting):\n\n";
  for (const auto& u : e.records) {
    if (u.id.rfind("vfdb/", 0) != 0) continue;
    md << "- " << u.id << ": " << (u.event.empty() ? "no event" : u.event) << " at "
       << format_or_na(u.event_min, "%.1f") << " min; near " << u.near << ", far " << u.far
       << (u.excluded.empty() ? "" : "; not used: " + u.excluded) << "\n";
  }
  md << "\nMinutes left out, by reason:";
  for (const auto& [why, n] : e.minutes_left_out) md << " " << why << " " << n << ";";
  md << "\n\nFew records carry this question: CUDB's 8.5-minute records cannot give minutes 10 "
        "or more before VF, so it rests on the VFDB records listed above; intervals are wide "
        "accordingly.\n\n";
  return md.str();
}

static std::string alarms_section(const eval::AlarmEvaluation& e) {
  std::ostringstream md;
  md << "\n## Alarms over whole real days\n\n"
     << "Every SDDB and NSRDB record scored minute by minute over its whole annotated span by "
        "the default model's recipe (the pre-registered SVM on HRV of 5-minute windows), each "
        "by a model trained without that patient (leave-one-patient-out), then judged as "
        "docs/alarms.md describes: the alarm on after "
     << e.config.alarm.consecutive << " scored minutes at P >= " << e.config.alarm.on << ", SPH "
     << e.config.sph_min << " min, SOP " << e.config.sop_min << " min. The NSRDB "
     << "days give the false alarms of real healthy days.\n\n"
     << alarms_in_words(e) << "\n\n"
     << chance_table(e.summary);
  md << "\nThe pooled rows ask whether the alarm beats one that rings as often at random; the "
        "within-record rows keep each record's own time in warning and ask whether it knows "
        "when. Everything else, per record and per event, with the sweep over T_on: "
        "alarms/ALARMS.md and alarms/alarms.json.\n\n";
  return md.str();
}

std::string real_markdown(const eval::BeatStudyResult& r, const RealEcgSections& sections,
                          const fs::path& out) {
  const eval::RealEcgResult* ecg = sections.imminence;
  std::ostringstream md;
  if (r.source.kind == "physionet") {
    md << "REAL PhysioNet SDDB/NSRDB beat annotations: " << r.patients_scd.size()
       << " SDDB records, " << r.patients_normal.size() << " NSRDB records ("
       << r.source.dir.string() << ")";
  } else {
    md << r.source.description;
  }
  if (ecg) {
    std::size_t vfdb = 0, mitdb = 0;
    for (const auto& u : ecg->records) (u.id.rfind("vfdb/", 0) == 0 ? vfdb : mitdb)++;
    md << "; REAL PhysioNet ECG: " << vfdb << " VFDB records, " << mitdb << " MIT-BIH records ("
       << ecg->dir.string() << ")";
  }
  if (sections.paper_setup)
    md << "; REAL PhysioNet ECG of experiment 3: " << sections.paper_setup->pre_event_minutes.size()
       << " VFDB/CUDB records before VF/VT, " << sections.paper_setup->normal_minutes.size()
       << " NSRDB/MIT-BIH records of normal rhythm";
  if (sections.rhythm)
    md << "; experiment 4: REAL beat times rendered through a SIMULATED recorder";
  md << "\n\n";
  md << "# scapredict: sudden cardiac death prediction from beat annotations\n\n";
  data_section(md, r);
  main_section(md, r);
  reading_section(md, r);
  figure_section(md, r, out);
  classifier_section(md, r);
  controls_section(md, r);
  literature_section(md, r);
  if (ecg) md << real_ecg_markdown(*ecg);
  if (sections.paper_setup) md << paper_setup_markdown(*sections.paper_setup, out);
  if (sections.rhythm) md << real_rhythm_markdown(*sections.rhythm);
  if (ecg || sections.paper_setup || sections.rhythm) md << real_ecg_reading(sections);
  if (sections.alarms) md << alarms_section(*sections.alarms);
  provenance_section(md, r);
  return md.str();
}

void write_real_report(const eval::BeatStudyResult& r, const RealEcgSections& sections,
                       const fs::path& out) {
  create_output_dir(out);
  if (sections.alarms) {
    std::error_code ec;
    fs::remove_all(out / "alarms", ec);  // the folder of an earlier run in the same place
    write_alarms_report(*sections.alarms, out / "alarms");
  }
  const auto md = real_markdown(r, sections, out);
  auto j = r.to_json();
  if (sections.imminence) j["real_ecg"] = sections.imminence->to_json();
  if (sections.paper_setup) j["real_ecg_paper_setup"] = sections.paper_setup->to_json();
  if (sections.rhythm) j["real_rhythm"] = sections.rhythm->to_json();
  if (sections.alarms) j["alarms"] = sections.alarms->to_json();
  j["version"] = kVersion;
  write_file_atomic(out / "real_results.json", json_text(j));
  write_file_atomic(out / "REAL_REPORT.md", md);
}

void write_real_report(const eval::RealStudyResult& s, const fs::path& out) {
  const auto* imminence = s.imminence ? &*s.imminence : nullptr;
  const auto* setup = s.paper_setup ? &*s.paper_setup : nullptr;
  const auto* rhythm = s.rhythm ? &*s.rhythm : nullptr;
  write_real_report(s.beats, {imminence, setup, rhythm, s.alarms ? &*s.alarms : nullptr}, out);
}

}  // namespace scapredict::report

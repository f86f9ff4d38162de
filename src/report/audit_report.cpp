#include "report/audit_report.hpp"

#include <cstdio>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "report/lopo_report.hpp"
#include "report/plot.hpp"
#include "report/reproduce_report.hpp"

namespace scapredict::report {
namespace fs = std::filesystem;
using stats::percent_ci;

namespace {

void intro_section(std::ostream& md, const eval::AuditResult& r) {
  md << "Data: " << r.source.description
     << "; probes 1-2 on REAL PhysioNet excerpts; probe 4 on SIMULATED cohorts\n\n";
  md << "# scapredict audit: cardiac risk or recorder?\n\nEach probe uses the paper's CNN on "
        "DFT-1024, patient-disjoint, "
     << r.config.run.repetitions << " repetitions, mean [95% CI].\n\n";
}

void real_data_sections(std::ostream& md, const eval::AuditResult& r) {
  if (!r.resampling_signature) {
    md << "## 1-2. Real-data probes\n\nSkipped: no ../shared/physionet-style directory given "
          "(--physionet).\n\n";
    return;
  }
  const auto& p1 = r.resampling_signature->result;
  md << "## 1. Resampling signature (real)\n\nThe 18 real NSRDB first minutes against the same "
        "minutes passed through an SDDB-like chain (128 -> 250 Hz, 12-bit quantisation at 800 "
        "adu/mV, 250 -> 128 Hz with soxr HQ). Both versions of a test patient stay in test. 50 % = "
        "no learnable mark.\n\n"
     << "accuracy " << percent_ci(p1.accuracy) << ", AUROC " << percent_ci(p1.auroc) << " ("
     << p1.minutes << " minutes)\n\n";
  if (!r.database_identity) return;
  const auto& p2 = *r.database_identity;
  md << "## 2. Database identity (real)\n\nReal NSRDB minutes against real CUDB minutes (250 -> "
        "128 Hz), patient-disjoint. CUDB excerpts carry no annotations here: each record "
        "contributes its first usable minute (30-s steps) whose 8-s windows never hold > 60 % of "
        "their 0.5-40 Hz power in 3-8 Hz (a VF-like signature) - a proxy for 'before any "
        "ventricular arrhythmia', not an annotation. "
     << p2.cudb_records_used.size() << " of " << p2.cudb_records_seen
     << " records qualified.\n\naccuracy " << percent_ci(p2.result.accuracy) << ", AUROC "
     << percent_ci(p2.result.auroc) << "\n\n";
}

void band_limited_section(std::ostream& md, const eval::BandLimited& b, const fs::path& out) {
  md << "## 3. Band-limited control\n\nThe paper's protocol on the main data with the spectrum "
        "limited to "
     << b.band_hz.first << "-" << b.band_hz.second
     << " Hz.\n\n| horizon | full 0-64 Hz | band-limited |\n|---|---|---|\n";
  for (int h : {5, 30, 60, 90}) {
    const auto *a = b.full.at(h), *c = b.band.at(h);
    md << "| " << h << " | " << (a ? percent_ci(a->accuracy) : "n/a") << " | "
       << (c ? percent_ci(c->accuracy) : "n/a") << " |\n";
  }
  const Chart chart{
      "Band-limited control (accuracy)",
      "minutes before VF onset",
      "accuracy %",
      {accuracy_series(b.full, "full 0-64 Hz"), accuracy_series(b.band, "band-limited")},
      {{50.0, "chance"}}};
  if (plot_png(out / "audit_band_limited.png", chart))
    md << "\n![band-limited](audit_band_limited.png)\n";
}

void grid_section(std::ostream& md, const eval::KnownAnswerGrid& g) {
  md << "\n## 4. Known-answer grid (simulated)\n\nCohorts simulated with " << g.hours_before_onset
     << " h before each onset. Near = horizons 5-30 min; far = 300-360 min. Rule (docs/audit.md): "
        "*shortcut* when far accuracy's CI lies above 60 % and near exceeds far by < 10 points; "
        "*risk signal* when near's CI lies above 50 %, near exceeds far by >= 10 points and far < "
        "75 %; *no signal* when both CIs reach 50 %.\n\n"
        "| risk-effect | device-gap | near accuracy | far accuracy | verdict | expected "
        "|\n|---|---|---|---|---|---|\n";
  for (const auto& c : g.cells) {
    md << "| " << c.risk_effect << " | " << c.device_gap << " | "
       << percent_ci(c.result.near_accuracy) << " | " << percent_ci(c.result.far_accuracy)
       << " | **" << c.result.verdict << "** | " << c.expected << " |\n";
  }
}

void far_section(std::ostream& md, const eval::FarFromOnset& f) {
  md << "\n## 5. Far-from-onset control (main data)\n\nFar horizons " << f.far_horizons.front()
     << "-" << f.far_horizons.back()
     << " min (the farthest every SCD record allows; 6-12 h where records are long enough). Near "
     << percent_ci(f.result.near_accuracy) << ", far " << percent_ci(f.result.far_accuracy)
     << ": **" << f.result.verdict << "**.\n\n";
}

}  // namespace

std::string audit_markdown(const eval::AuditResult& r, const fs::path& out) {
  std::ostringstream md;
  intro_section(md, r);
  real_data_sections(md, r);
  band_limited_section(md, r.band_limited, out);
  grid_section(md, r.grid);
  far_section(md, r.far_from_onset);
  md << "## 6. Leave-one-patient-out with calibration\n\nEach patient is held out once; the CNN "
        "on DFT-1024 trains on the other patients' training minutes (10 before onset; 10 random "
        "minutes per normal), with as many SCD as normal patients in every fold, and scores the "
        "held-out patient's minutes (SCD: one per horizon 5-90 min; normal: one random minute per "
        "horizon). Intervals: percentile bootstrap over patients (whole patients resampled). Run "
        "on the main data, and on the simulated same-device cohort of probe 4 (risk-effect 1, "
        "device-gap 0), where only the risk effect separates the groups.\n\n";
  md << lopo_markdown(r.lopo.main, out, "### 6a. Main data", "audit_lopo");
  md << lopo_markdown(r.lopo.same_device, out,
                      "### 6b. Same-device simulated cohort (risk-effect 1, device-gap 0)",
                      "audit_lopo_same_device");
  md << side_by_side_markdown(r);
  return md.str();
}

std::string side_by_side_markdown(const eval::AuditResult& r) {
  std::ostringstream side;
  side << "## Paper vs reproduction vs controls (60 min before VF, CNN DFT-1024)\n\n| row | "
          "accuracy % |\n|---|---|\n"
       << "| paper Tab. 2 | 94.5 |\n";
  if (const auto* h = r.band_limited.full.at(60))
    side << "| scapredict, " << (r.source.simulated ? "SIMULATED" : "REAL") << " data | "
         << percent_ci(h->accuracy) << " |\n";
  if (const auto* h = r.band_limited.band.at(60))
    side << "| band-limited " << r.config.band_hz.first << "-" << r.config.band_hz.second
         << " Hz | " << percent_ci(h->accuracy) << " |\n";
  if (const auto* c = r.grid.cell(1.0, 0.0))
    side << "| same device (simulated, device-gap 0), near 5-30 min | "
         << percent_ci(c->result.near_accuracy) << " |\n";
  for (const auto& h : r.lopo.main.horizons) {
    if (h.horizon == 60)
      side << "| leave-one-patient-out, all " << r.lopo.main.patients
           << " patients (patient-bootstrap CI) | " << percent_ci(h.accuracy) << " |\n";
  }
  side << "\nWhat the numbers support: a high accuracy on SDDB-vs-NSRDB minutes is only evidence "
          "of imminent risk when it falls away far from onset and survives the same-device and "
          "band-limited controls; probes 1 and 2 measure, on real recordings, how much a "
          "classifier can learn from preprocessing and database identity alone. "
          "Leave-one-patient-out is not a control: it uses every patient of the same two "
          "databases and so only narrows the estimate of how well they can be told apart. Read "
          "each verdict above with its confidence interval.\n";
  return side.str();
}

void write_audit_report(const eval::AuditResult& r, const fs::path& out) {
  create_output_dir(out);
  const auto md = audit_markdown(r, out);
  write_file_atomic(out / "audit.json", json_text(r.to_json()));
  write_file_atomic(out / "AUDIT.md", md);
  if (fs::exists(out / "REPORT.md")) {
    std::string rep = read_file(out / "REPORT.md");
    const auto pos = rep.find("\n## Paper vs reproduction vs controls");
    if (pos != std::string::npos) rep.erase(pos);
    write_file_atomic(out / "REPORT.md", rep + "\n" + side_by_side_markdown(r));
  }
}

}  // namespace scapredict::report

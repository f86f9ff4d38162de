// The REAL-ECG sections of REAL_REPORT.md for experiments 3 and 4 of docs/real-ecg-method.md,
// and the risk-vs-minutes figures of the real VF records.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "report/plot.hpp"
#include "report/real_report.hpp"

namespace scapredict::report {
namespace fs = std::filesystem;
using stats::percent_ci;

namespace {

// Minutes of the records whose id starts with `prefix`.
int total(const std::map<std::string, int>& m, const std::string& prefix) {
  int n = 0;
  for (const auto& [id, k] : m)
    if (id.rfind(prefix, 0) == 0) n += k;
  return n;
}

int records(const std::map<std::string, int>& m, const std::string& prefix) {
  return static_cast<int>(std::count_if(
      m.begin(), m.end(), [&](const auto& e) { return e.first.rfind(prefix, 0) == 0; }));
}

// One figure of the traces whose id starts with `prefix`; false when nothing was drawn.
bool trace_figure(const eval::PaperSetupResult& e, const std::string& prefix,
                  const std::string& title, const fs::path& png) {
  Chart chart{title, "minutes before the first VF (minute k ends k - 1 minutes before it)",
              "P(pre-event), percent"};
  for (const auto& t : e.traces) {
    if (t.id.rfind(prefix, 0) != 0 || t.p.empty()) continue;
    Series s;
    s.title = t.id.substr(t.id.find('/') + 1);
    s.style = Series::Style::kLines;
    for (std::size_t i = 0; i < t.p.size(); ++i) {
      // A minute left out breaks the line rather than bridging it.
      if (i > 0 && t.minutes_before[i] != t.minutes_before[i - 1] + 1)
        s.add(-(t.minutes_before[i - 1] + 1), NAN);
      s.add(-t.minutes_before[i], 100 * t.p[i]);
    }
    chart.series.push_back(std::move(s));
  }
  if (chart.series.empty()) return false;
  chart.hlines = {{50.0, "P = 0.5"}};
  chart.yrange = std::make_pair(0.0, 100.0);
  return plot_png(png, chart);
}

}  // namespace

std::string paper_setup_markdown(const eval::PaperSetupResult& e, const fs::path& out) {
  std::ostringstream md;
  md << "## REAL ECG: the paper's setup on real pre-VF/VT and normal minutes\n\n"
     << "Experiment 3 of docs/real-ecg-method.md (fixed before its first run). Pre-event: minutes "
     << e.config.near_first << "-" << e.config.near_last
     << " before each record's event (first VF, else first sustained VT, else first VT) of "
     << records(e.pre_event_minutes, "vfdb/") << " VFDB and "
     << records(e.pre_event_minutes, "cudb/") << " CUDB records ("
     << total(e.pre_event_minutes, "vfdb/") << " + " << total(e.pre_event_minutes, "cudb/")
     << " minutes, 250 Hz resampled to 128 Hz). Normal: "
     << records(e.normal_minutes, "nsrdb-1min/") << " NSRDB first minutes (128 Hz) and "
     << total(e.normal_minutes, "mitdb/") << " minutes of normal sinus rhythm throughout from "
     << records(e.normal_minutes, "mitdb/")
     << " MIT-BIH records (360 Hz resampled to 128 Hz). The paper's CNN on the DFT-1024 "
        "spectrum; in each of "
     << e.config.run.repetitions
     << " repetitions half of each group's records train and the other half test (records never "
        "on both sides; MIT-BIH 201 and 202 are one subject, and 202 is not among these "
        "records); mean over repetitions with a t-interval (95%). "
        "\"Majority\" is the accuracy of always answering the larger group of the test "
        "minutes.\n\n"
     << "| comparison | label 1 | label 0 | records 1 / 0 | accuracy | majority | AUROC | what it "
        "asks |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : e.rows) {
    md << "| " << r.name << " | " << r.group_a << " | " << r.group_b << " | " << r.result.patients_a
       << " / " << r.result.patients_b << " | " << percent_ci(r.result.accuracy) << " | "
       << percent_ci(r.result.majority) << " | " << percent_ci(r.result.auroc) << " | "
       << r.question << " |\n";
  }
  md << "\nRecords not used:";
  if (e.records_not_used.empty()) md << " none.";
  for (const auto& s : e.records_not_used) md << "\n- " << s;
  md << "\n\nMinutes left out, by reason:";
  for (const auto& [why, n] : e.minutes_left_out) md << " " << why << " " << n << ";";
  md << "\n\n";
  const bool vfdb = trace_figure(e, "vfdb/", "REAL VFDB records: risk before the first VF",
                                 out / "real_ecg_risk_vfdb.png");
  const bool cudb = trace_figure(e, "cudb/", "REAL CUDB records: risk before the first VF",
                                 out / "real_ecg_risk_cudb.png");
  md << "### Risk against minutes before VF, every real VF record\n\n"
     << e.traces.size()
     << " records with VF and at least one usable minute before it. Each record is scored by a "
        "CNN trained (as above, on every pre-event and normal minute) without the records of its "
        "fold ("
     << e.config.risk_folds
     << " folds over the VF records), so no record is scored by a model that saw it. A model "
        "that had learnt imminent VF would rise towards the onset; one that had learnt the "
        "database would sit high throughout.\n\n";
  if (vfdb) md << "![VFDB risk traces](real_ecg_risk_vfdb.png)\n\n";
  if (cudb) md << "![CUDB risk traces](real_ecg_risk_cudb.png)\n\n";
  md << "| record | VF at (min) | minutes scored | mean P, all minutes | mean P, last 5 minutes "
        "|\n|---|---|---|---|---|\n";
  for (const auto& t : e.traces) {
    double all = 0, last = 0;
    int n_last = 0;
    for (std::size_t i = 0; i < t.p.size(); ++i) {
      all += t.p[i];
      if (t.minutes_before[i] <= 5) {
        last += t.p[i];
        ++n_last;
      }
    }
    md << "| " << t.id << " | " << format_or_na(t.event_min, "%.1f") << " | " << t.p.size() << " | "
       << format_or_na(t.p.empty() ? NAN : all / double(t.p.size()), "%.2f") << " | "
       << format_or_na(n_last ? last / n_last : NAN, "%.2f") << " |\n";
  }
  md << "\n";
  return md.str();
}

std::string real_rhythm_markdown(const eval::RealRhythmResult& e) {
  std::ostringstream md;
  md << "## REAL rhythm through one recorder\n\n"
     << "Experiment 4 of docs/real-ecg-method.md (fixed before its first run). The REAL beat "
        "times of the SDDB and NSRDB beat annotations drive scapredict's simulator: its beat "
        "morphology (drawn per record from the same distribution for both groups), noise and "
        "recorder. Stretches over 3 s without an annotated beat are written as invalid samples, "
        "so their minutes are dropped. SDDB records are rendered from "
     << (e.config.far.empty() ? 0 : e.config.far.back() + 5)
     << " minutes before onset (or the record start) to 1 minute after it; each NSRDB record "
        "over "
     << format_or_na(e.config.normal_hours, "%.0f")
     << " h of its annotated span. The waveforms are SIMULATED; only the rhythm is real, so "
        "what a model learns here it learnt from the rhythm (or, in the second setting, the "
        "recorder). The paper's CNN on DFT-1024, the real-beats study's split (train "
     << e.config.protocol.train_scd << " SCD + " << e.config.protocol.train_normal
     << " normal, test " << e.config.protocol.test_scd << " + " << e.config.protocol.test_normal
     << "), " << e.config.run.repetitions << " repetitions, mean with t-interval (95%).\n\n";
  if (e.settings.empty()) return md.str();
  md << "| setting | records SCD / normal | near 5-30 min: accuracy | balanced | AUROC | far "
     << e.config.far.front() / 60 << "-" << e.config.far.back() / 60
     << " h: accuracy | balanced | AUROC |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : e.settings) {
    md << "| " << s.name << " | " << s.scd << " / " << s.normal << " | "
       << percent_ci(s.near.accuracy) << " | " << percent_ci(s.near.balanced_accuracy) << " | "
       << percent_ci(s.near.auroc) << " | " << percent_ci(s.far.accuracy) << " | "
       << percent_ci(s.far.balanced_accuracy) << " | " << percent_ci(s.far.auroc) << " |\n";
  }
  md << "\nAccuracy by horizon (minutes before onset):\n\n| horizon |";
  for (const auto& s : e.settings) md << " " << s.name << ": accuracy | AUROC |";
  md << "\n|---|";
  for (std::size_t i = 0; i < e.settings.size(); ++i) md << "---|---|";
  md << "\n";
  for (int h : e.config.protocol.horizons) {
    md << "| " << h << " |";
    for (const auto& s : e.settings) {
      const auto* hr = s.result.at(h);
      md << " " << (hr ? percent_ci(hr->accuracy) : "n/a") << " | "
         << (hr ? percent_ci(hr->auroc) : "n/a") << " |";
    }
    md << "\n";
  }
  md << "\nData of each setting:\n";
  for (const auto& s : e.settings) {
    md << "- " << s.name << ": " << s.description << "; minutes not used:";
    for (const auto& [why, n] : s.rejected) md << " " << why << " " << n << ";";
    md << "\n";
  }
  md << "\n";
  return md.str();
}

namespace {

// A bound above chance: the interval's low end over `floor`.
bool above(const stats::MeanCi& m, double floor) {
  return std::isfinite(m.lo) && m.lo > floor;
}

const eval::TwoGroupRow* row_named(const eval::PaperSetupResult& e, const std::string& prefix) {
  for (const auto& r : e.rows)
    if (r.name.rfind(prefix, 0) == 0) return &r;
  return nullptr;
}

void imminence_reading(std::ostream& md, const eval::RealEcgResult& e) {
  int vfdb_records = 0, models = 0, beating = 0;
  for (const auto& row : e.rows) {
    if (row.setting != "VFDB real event") continue;
    vfdb_records = row.records;
    ++models;
    beating += above(row.auroc, 0.5);
  }
  md << "- Imminence with recorder and patients held equal (experiment 2, " << vfdb_records
     << " VFDB records): " << beating << " of " << models
     << " models have an AUROC interval above 0.5"
     << (beating == 0 ? "; no model found a sign of the event 1-5 minutes ahead in these few "
                        "records (absence of evidence, not evidence of absence)."
                      : "; a model must also beat its placebo and the MIT-BIH null (table above) "
                        "before this counts as an imminence signal.")
     << "\n";
}

void setup_reading(std::ostream& md, const eval::PaperSetupResult& e) {
  const auto* main = row_named(e, "pre-event vs normal (the paper");
  const auto* ident = row_named(e, "database identity: NSRDB vs MIT-BIH");
  const auto* vc = row_named(e, "database identity: VFDB vs CUDB");
  const auto* sig = row_named(e, "resampling signature");
  if (main) {
    md << "- The paper's setup on real ECG (experiment 3) reaches accuracy "
       << percent_ci(main->result.accuracy) << " (majority " << percent_ci(main->result.majority)
       << "), AUROC " << percent_ci(main->result.auroc) << ".";
  }
  if (ident) {
    md << " The same CNN tells two databases of normal rhythm apart (NSRDB vs MIT-BIH) with "
          "accuracy "
       << percent_ci(ident->result.accuracy) << " (majority " << percent_ci(ident->result.majority)
       << ", AUROC " << percent_ci(ident->result.auroc) << ")"
       << (above(ident->result.accuracy, ident->result.majority.mean)
               ? ": the recorder and population alone separate databases, so an accuracy of the "
                 "paper's kind does not show that pre-VF ECG was recognised."
               : ".");
  }
  if (vc) md << " VFDB vs CUDB, both pre-event: " << percent_ci(vc->result.accuracy) << ".";
  if (sig) md << " A resampler alone: " << percent_ci(sig->result.accuracy) << ".";
  md << "\n";
  int rising = 0, high = 0;
  for (const auto& t : e.traces) {
    double all = 0, last = 0;
    int n_last = 0;
    for (std::size_t i = 0; i < t.p.size(); ++i) {
      all += t.p[i];
      if (t.minutes_before[i] <= 5) last += t.p[i], ++n_last;
    }
    all /= std::max<double>(1, double(t.p.size()));
    if (n_last > 0 && last / n_last - all > 0.1) ++rising;
    if (all > 0.5) ++high;
  }
  md << "- Risk traces: of " << e.traces.size() << " real VF records, " << rising
     << " rise by more than 0.1 in their last 5 minutes over their own mean, and " << high
     << " have a mean P(pre-event) above 0.5 over every minute scored.\n";
}

void rhythm_reading(std::ostream& md, const eval::RealRhythmResult& e) {
  for (const auto& s : e.settings) {
    md << "- Real rhythm, " << s.name << " (experiment 4, " << s.scd << " SDDB + " << s.normal
       << " NSRDB records): near AUROC " << percent_ci(s.near.auroc) << ", far "
       << percent_ci(s.far.auroc) << ".";
    const bool near = above(s.near.auroc, 0.5), far = above(s.far.auroc, 0.5);
    if (s.name == "one recorder" && (near || far))
      md << " With one recorder and one morphology distribution for all, what separates the "
            "groups is the rhythm or how its beats were annotated (SDDB's beats lie on a 1/250 s "
            "grid, NSRDB's on 1/128 s, by different annotators).";
    if (s.name == "one recorder" && !near && !far)
      md << " Neither band is told apart above chance.";
    if (far && std::isfinite(s.near.auroc.mean) && s.far.auroc.mean >= s.near.auroc.mean)
      md << " Minutes 4-8 h before onset are told apart at least as well as minutes 5-30 min "
            "before it: what is found belongs to the patient, not to an imminent event.";
    md << "\n";
  }
}

}  // namespace

std::string real_ecg_reading(const RealEcgSections& ecg) {
  std::ostringstream md;
  md << "## What the real-ECG numbers support\n\n";
  if (ecg.imminence) imminence_reading(md, *ecg.imminence);
  if (ecg.paper_setup) setup_reading(md, *ecg.paper_setup);
  if (ecg.rhythm) rhythm_reading(md, *ecg.rhythm);
  md << "\nThese are few records: the imminence question rests on the VFDB records counted "
        "above, the paper's setup on the VFDB/CUDB records before their event, and the rendered "
        "cohorts on the SDDB/NSRDB beat annotations at hand. Intervals over repetitions reflect "
        "how the records were split, not how other patients would fare; none of these numbers "
        "is a clinical performance.\n\n";
  return md.str();
}

}  // namespace scapredict::report

#include "eval/real/alarm_study.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "eval/real/beat_study.hpp"
#include "eval/real/default_model.hpp"
#include "features/hrv.hpp"
#include "features/nn.hpp"
#include "model/tabular.hpp"

namespace scapredict::eval {

namespace {

// The risk of every minute of one patient's annotated span.
RiskSeries patient_series(const data::BeatCohort& c, bool scd, int p,
                          const model::TabularModel& m) {
  const auto& rec = c.beats(scd, p);
  const auto& patient = c.cohort.patient(scd, p);
  RiskSeries s;
  s.record = (scd ? "sddb/" : "nsrdb/") + patient.id;
  s.source = s.record + " (." + rec.annotator + ")";
  s.onset_s = scd ? patient.onset_s : std::nullopt;
  const auto beats =
      features::beats_from_annotations(rec.annotations, rec.fs_hz, rec.last_beat_s + 1.0);
  const double window_s = 60.0 * kDefaultModelWindowMin;
  // Through the onset's minute even where the beats stop just before it: the event is observed.
  const double end_s = std::max(rec.last_beat_s, s.onset_s ? *s.onset_s + 60.0 : 0.0);
  const int last = static_cast<int>(std::floor(end_s / 60.0));
  for (int minute = 0; minute < last; ++minute) {
    const double end = 60.0 * (minute + 1);
    s.start_s.push_back(60.0 * minute);
    if (end - window_s < rec.first_beat_s) {
      s.risk.push_back(std::nullopt);
      continue;
    }
    const auto w = features::hrv_window(beats, end - window_s, end);
    if (!w.usable) {
      s.risk.push_back(std::nullopt);
      continue;
    }
    s.risk.push_back(m.predict_proba({std::vector<float>(w.values.begin(), w.values.end())})[0]);
  }
  return s;
}

}  // namespace

std::vector<RiskSeries> lopo_hrv_risk_series(const data::BeatCohort& c,
                                             const ProgressFn& progress) {
  auto cfg = BeatStudyConfig::preregistered();
  cfg.classifiers = {model::TabularKind::kSvm};
  cfg.windows_min = {kDefaultModelWindowMin};
  std::map<std::string, int> unusable;
  std::vector<int> patient;
  const auto rows = all_patients_training_rows(c, cfg, kDefaultModelWindowMin, unusable, &patient);
  const std::size_t n = c.cohort.scd.size() + c.cohort.normal.size();
  const ProgressTracker tracker(progress, "alarms", "patient", n);
  std::vector<RiskSeries> out;
  for (bool scd : {true, false}) {
    const int count = static_cast<int>(scd ? c.cohort.scd.size() : c.cohort.normal.size());
    for (int p = 0; p < count; ++p) {
      const int key = scd ? p : 100000 + p;
      model::Dataset train;
      for (std::size_t i = 0; i < rows.x.size(); ++i)
        if (patient[i] != key) {
          train.x.push_back(rows.x[i]);
          train.y.push_back(rows.y[i]);
        }
      const auto m = model::fit_tabular(model::TabularKind::kSvm, train,
                                        derive_seed(cfg.run.seed, SeedUse::kTraining, 95'000));
      out.push_back(patient_series(c, scd, p, *m));
      out.back().comments = {
          "REAL PhysioNet SDDB/NSRDB beat annotations, scored leave-one-patient-"
          "out by the default model's recipe (SVM, 5-minute HRV windows)"};
      tracker.report(out.size(), out.back().record);
    }
  }
  return out;
}

AlarmEvaluation run_beat_alarms(const data::BeatCohort& cohort, const ProgressFn& progress) {
  auto e = evaluate_alarms(lopo_hrv_risk_series(cohort, progress), AlarmEvalConfig{});
  return e;
}

}  // namespace scapredict::eval

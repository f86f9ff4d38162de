#include "eval/real/real_ecg.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <set>

#include "data/cohort.hpp"
#include "eval/real/beat_study.hpp"
#include "eval/real/ecg_record.hpp"
#include "features/features.hpp"
#include "features/hrv.hpp"
#include "features/nn.hpp"
#include "io/physionet.hpp"
#include "io/signal.hpp"
#include "model/classifier.hpp"
#include "model/tabular.hpp"

namespace scapredict::eval {

namespace fs = std::filesystem;

nlohmann::json RealEcgConfig::to_json() const {
  return {{"near_minutes", {near_first, near_last}},
          {"far_minutes", {far_first, far_last}},
          {"placebo_shift_min", placebo_shift},
          {"min_minutes_before_event", min_minutes_before},
          {"cnn_epochs", cnn_epochs},
          {"bootstrap", bootstrap},
          {"seed", seed},
          {"method", "docs/real-ecg-method.md, experiment 2"}};
}

nlohmann::json ImminenceRow::to_json() const {
  return {{"model", model},
          {"setting", setting},
          {"auroc", stats::to_json(auroc)},
          {"balanced_accuracy", stats::to_json(balanced_accuracy)},
          {"records", records},
          {"near_minutes", near_minutes},
          {"far_minutes", far_minutes}};
}

nlohmann::json RealEcgResult::to_json() const {
  nlohmann::json recs = nlohmann::json::array();
  for (const auto& r : records) {
    recs.push_back({{"id", r.id},
                    {"event", r.event},
                    {"event_min", r.event_min},
                    {"near_minutes", r.near},
                    {"far_minutes", r.far},
                    {"excluded", r.excluded}});
  }
  nlohmann::json rs = nlohmann::json::array();
  for (const auto& r : rows) rs.push_back(r.to_json());
  return {{"config", config.to_json()},
          {"dir", dir.string()},
          {"records", recs},
          {"rows", rs},
          {"minutes_left_out", minutes_left_out},
          {"seconds", seconds}};
}

namespace {

// The labelled minutes of one record in one setting.
struct Labelled {
  std::string id;
  std::vector<EcgMinute> near, far;
};

// The minute without its samples: experiment 2 needs only the features.
EcgMinute features_only(EcgMinute m) {
  m.samples = {};
  return m;
}

Labelled label_minutes(EcgRecord& r, const std::string& id, double event_s, int shift, int far_last,
                       const RealEcgConfig& c) {
  Labelled l{id, {}, {}};
  for (int k = c.near_first + shift; k <= c.near_last + shift; ++k)
    if (auto m = r.minute(event_s, k)) l.near.push_back(features_only(std::move(*m)));
  for (int k = c.far_first + shift; k <= far_last; ++k)
    if (auto m = r.minute(event_s, k)) l.far.push_back(features_only(std::move(*m)));
  return l;
}

// Scores of every minute of every record when its record is left out, for each model.
struct Scored {
  int record = 0, label = 0;
  double p = 0;
};

model::Dataset dataset_of(const std::vector<Labelled>& recs, std::size_t skip, bool dft) {
  model::Dataset d;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    if (i == skip) continue;
    for (int label : {1, 0}) {
      for (const auto& m : label ? recs[i].near : recs[i].far) {
        d.x.push_back(dft ? m.dft : m.hrv);
        d.y.push_back(label);
      }
    }
  }
  return d;
}

std::vector<ImminenceRow> leave_one_record_out(const std::vector<Labelled>& recs,
                                               const std::string& setting, const RealEcgConfig& c,
                                               ProgressTracker& tracker, std::size_t& done) {
  const std::vector<std::string> models = {"cnn1d DFT-1024", "svm HRV", "logistic HRV"};
  std::vector<std::vector<Scored>> scored(models.size());
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const auto seed = derive_seed(c.seed, SeedUse::kTraining, 30'000 + i);
    for (std::size_t mi = 0; mi < models.size(); ++mi) {
      const bool dft = mi == 0;
      const auto train = dataset_of(recs, i, dft);
      const auto test = dataset_of({recs[i]}, 1, dft);  // index 1: skips nothing
      std::vector<double> p;
      if (dft) {
        model::TrainConfig tc;
        tc.epochs = c.cnn_epochs;
        tc.seed = seed;
        p = model::Classifier::train(train, model::Arch::kCnn1d, features::FeatureConfig{}, tc)
                .predict_proba(test.x);
      } else {
        const auto kind = mi == 1 ? model::TabularKind::kSvm : model::TabularKind::kLogistic;
        p = model::fit_tabular(kind, train, seed)->predict_proba(test.x);
      }
      for (std::size_t j = 0; j < p.size(); ++j) scored[mi].push_back({int(i), test.y[j], p[j]});
    }
    tracker.report(++done, setting + ", record " + recs[i].id);
  }
  std::vector<ImminenceRow> rows;
  for (std::size_t mi = 0; mi < models.size(); ++mi) {
    ImminenceRow row;
    row.model = models[mi];
    row.setting = setting;
    row.records = int(recs.size());
    std::vector<double> p;
    std::vector<int> y, cluster;
    for (const auto& s : scored[mi]) {
      p.push_back(s.p);
      y.push_back(s.label);
      cluster.push_back(s.record);
      (s.label ? row.near_minutes : row.far_minutes)++;
    }
    const auto bseed = derive_seed(c.seed, SeedUse::kBootstrap, 300 + rows.size());
    const auto m = pooled_metrics(p, y, cluster, c.bootstrap, bseed);
    row.auroc = m.auroc;
    row.balanced_accuracy = m.balanced_accuracy;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

RealEcgResult run_real_ecg(const fs::path& dir, const RealEcgConfig& c,
                           const ProgressFn& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  if (!fs::is_directory(dir / "vfdb", ec))
    throw data::DataError((dir / "vfdb").string() +
                          ": not found (the MIT-BIH Malignant "
                          "Ventricular Ectopy Database)");
  RealEcgResult r;
  r.config = c;
  r.dir = dir;
  std::vector<Labelled> real, placebo, null;
  for (const auto& hea : io::list_headers(dir / "vfdb")) {
    const auto path = hea.parent_path() / hea.stem();
    EcgRecord rec(path, r.minutes_left_out);
    EcgRecordUse use{"vfdb/" + hea.stem().string(), "", 0, 0, 0, ""};
    const auto event = rec.event();
    if (!event) {
      use.excluded = "no VF or VT";
    } else {
      use.event = event->type;
      use.event_min = event->seconds / 60.0;
      if (use.event_min < c.min_minutes_before) {
        use.excluded =
            "fewer than " + std::to_string(c.min_minutes_before) + " minutes before the event";
      } else {
        auto l = label_minutes(rec, use.id, event->seconds, 0, c.far_last, c);
        use.near = int(l.near.size());
        use.far = int(l.far.size());
        if (l.near.empty() || l.far.empty())
          use.excluded = "no usable minute of one label";
        else
          real.push_back(std::move(l));
        auto pl = label_minutes(rec, use.id, event->seconds, c.placebo_shift, c.far_last, c);
        if (!pl.near.empty() && !pl.far.empty()) placebo.push_back(std::move(pl));
      }
    }
    r.records.push_back(use);
  }
  if (fs::is_directory(dir / "mitdb", ec)) {
    for (const auto& hea : io::list_headers(dir / "mitdb")) {
      const auto path = hea.parent_path() / hea.stem();
      EcgRecord rec(path, r.minutes_left_out);
      auto l = label_minutes(rec, "mitdb/" + hea.stem().string(), rec.duration_s(), 0,
                             c.far_last - 1, c);
      r.records.push_back({l.id, "pseudo-event at the end", rec.duration_s() / 60,
                           int(l.near.size()), int(l.far.size()),
                           l.near.empty() || l.far.empty() ? "no usable minute of one label" : ""});
      if (!l.near.empty() && !l.far.empty()) null.push_back(std::move(l));
    }
  }
  ProgressTracker tracker(progress, "real-ecg", "record",
                          real.size() + placebo.size() + null.size());
  std::size_t done = 0;
  for (auto& row : leave_one_record_out(real, "VFDB real event", c, tracker, done))
    r.rows.push_back(row);
  if (placebo.size() >= 3)
    for (auto& row : leave_one_record_out(
             placebo, "VFDB placebo (-" + std::to_string(c.placebo_shift) + " min)", c, tracker,
             done))
      r.rows.push_back(row);
  if (null.size() >= 3)
    for (auto& row :
         leave_one_record_out(null, "MIT-BIH null (pseudo-event at the end)", c, tracker, done))
      r.rows.push_back(row);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace scapredict::eval

#include "scapredict/infer/predict.hpp"

#include <cmath>
#include <sstream>

#include "scapredict/dsp/prepare.hpp"
#include "scapredict/eval/reproduce.hpp"
#include "scapredict/io/annotation.hpp"
#include "scapredict/io/signal.hpp"

namespace scapredict::infer {

RecordRisk predict_record(const model::Classifier& model, const std::filesystem::path& record) {
  io::Record rec(record);
  RecordRisk out;
  out.record = rec.header().record_name;
  if (auto o = io::vf_onset(rec.header())) out.onset_s = o->seconds;
  const double duration = static_cast<double>(rec.n_frames()) / rec.fs_hz();
  const auto prep = dsp::load_channel(rec, 0, 0.0, duration);
  const auto segs = dsp::segment_all(prep.samples, dsp::kMinuteSamples, prep.fs_hz,
                                     dsp::limits_for(prep), prep.bridged);
  std::vector<std::vector<float>> x;
  std::vector<std::size_t> where;
  for (std::size_t m = 0; m < segs.size(); ++m) {
    MinuteRisk r;
    r.minute = static_cast<int>(m);
    r.start_s = 60.0 * static_cast<double>(m);
    if (out.onset_s) r.minutes_before_onset = (*out.onset_s - r.start_s) / 60.0;
    r.quality = segs[m].quality.describe();
    if (segs[m].quality.usable()) {
      x.push_back(cohort::extract_features(model.features(), segs[m].samples));
      where.push_back(m);
    }
    out.minutes.push_back(r);
  }
  const auto p = model.predict_proba(x);
  for (std::size_t i = 0; i < p.size(); ++i) out.minutes[where[i]].risk = p[i];
  return out;
}

std::string to_csv(const RecordRisk& r) {
  std::ostringstream o;
  o << "minute,start_s,minutes_before_onset,quality,risk\n";
  for (const auto& m : r.minutes) {
    o << m.minute << "," << m.start_s << ",";
    if (m.minutes_before_onset) o << *m.minutes_before_onset;
    o << "," << m.quality << ",";
    if (m.risk) o << *m.risk;
    o << "\n";
  }
  return o.str();
}

nlohmann::json to_json(const RecordRisk& r) {
  nlohmann::json j = {{"record", r.record}};
  j["vf_onset_s"] = r.onset_s ? nlohmann::json(*r.onset_s) : nlohmann::json(nullptr);
  for (const auto& m : r.minutes) {
    j["minutes"].push_back({{"minute", m.minute},
                            {"start_s", m.start_s},
                            {"quality", m.quality},
                            {"risk", m.risk ? nlohmann::json(*m.risk) : nlohmann::json(nullptr)}});
  }
  return j;
}

bool plot_risk(const RecordRisk& r, const std::filesystem::path& png) {
  eval::Series s;
  s.title = "P(SCD) per minute";
  for (const auto& m : r.minutes) {
    if (!m.risk) continue;
    s.x.push_back(m.start_s / 3600.0);
    s.y.push_back(100 * *m.risk);
    s.lo.push_back(100 * *m.risk);
    s.hi.push_back(100 * *m.risk);
  }
  std::vector<eval::Series> series = {s};
  if (r.onset_s) {
    eval::Series onset{
        "VF onset", {*r.onset_s / 3600.0, *r.onset_s / 3600.0}, {0, 100}, {0, 100}, {0, 100}};
    series.push_back(onset);
  }
  return eval::plot_png(png, "Risk timeline of record " + r.record, "hours from record start",
                        "risk (%)", series);
}

model::Classifier train_model(const cohort::Cohort& c, const cohort::ProtocolConfig& pc,
                              const train::ExperimentConfig& cfg) {
  auto one = pc;
  one.repetitions = 1;
  const auto prepared = train::prepare_protocol(c, one, true);
  const auto& plan = prepared.plans.at(0);
  const model::Dataset d = prepared.dataset(plan.train, cfg.features);
  auto clf =
      model::Classifier::train(d, cfg.arch, cfg.features, cfg.train, [&](int e, double loss) {
        std::fprintf(stderr, "train: epoch %d/%d, loss %.4f\n", e, cfg.train.epochs, loss);
      });
  auto ids = [&](const std::vector<int>& v, bool scd) {
    std::vector<std::string> out;
    for (int i : v)
      out.push_back(scd ? c.scd[static_cast<std::size_t>(i)].id
                        : c.normal[static_cast<std::size_t>(i)].id);
    return out;
  };
  clf.set_metadata(
      {{"data_source", c.source.description},
       {"protocol", one.to_json()},
       {"train_patients",
        {{"scd", ids(plan.train_scd, true)}, {"normal", ids(plan.train_normal, false)}}},
       {"test_patients",
        {{"scd", ids(plan.test_scd, true)}, {"normal", ids(plan.test_normal, false)}}},
       {"rejected_minutes", prepared.rejected}});
  return clf;
}

nlohmann::json evaluate_model(const cohort::Cohort& c, const model::Classifier& clf) {
  const auto& md = clf.metadata();
  if (!md.contains("protocol"))
    throw model::ModelError("model has no training protocol in its metadata");
  cohort::ProtocolConfig pc;
  pc.seed = md["protocol"].at("seed");
  pc.repetitions = 1;
  const auto prepared = train::prepare_protocol(c, pc, true);
  const auto& plan = prepared.plans.at(0);
  for (int i : plan.test_scd) {
    const auto& want = md["test_patients"]["scd"];
    if (std::find(want.begin(), want.end(), c.scd[static_cast<std::size_t>(i)].id) == want.end()) {
      throw model::ModelError(
          "the model's held-out patients do not match this data (was it trained on other data?)");
    }
  }
  const auto p = clf.predict_proba(prepared.dataset(plan.test, clf.features()).x);
  nlohmann::json j = {{"data_source", c.source.description}, {"model", clf.describe()}};
  for (const auto& [h, s] : train::score_by_horizon(plan.test, p)) {
    const auto& cf = s.confusion;
    j["horizons"].push_back({{"minutes_before_onset", h},
                             {"accuracy", cf.accuracy()},
                             {"sensitivity", cf.sensitivity()},
                             {"specificity", cf.specificity()},
                             {"auroc", s.auroc()},
                             {"n", cf.total()}});
  }
  return j;
}

}  // namespace scapredict::infer

#include "infer/predict.hpp"

#include <cmath>
#include <sstream>

#include "dsp/prepare.hpp"
#include "features/features.hpp"
#include "io/annotation.hpp"
#include "io/signal.hpp"

namespace scapredict::infer {

RecordRisk predict_record(const model::Classifier& model, const std::filesystem::path& record,
                          const PredictOptions& options) {
  io::Record rec(record);
  if (options.channel < 0 || options.channel >= rec.header().n_signals)
    throw io::IoError(rec.header().source + ": no signal " + std::to_string(options.channel));
  RecordRisk out;
  out.record = rec.header().record_name;
  if (auto o = io::vf_onset(rec.header())) out.onset_s = o->seconds;
  const double duration = static_cast<double>(rec.n_frames()) / rec.fs_hz();
  const auto prep = dsp::load_channel(rec, options.channel, 0.0, duration);
  auto limits = options.quality;
  limits.adc_limits_mv = prep.adc_limits_mv;
  const auto segs =
      dsp::segment_all(prep.samples, dsp::kMinuteSamples, prep.fs_hz, limits, prep.bridged);
  std::vector<std::vector<float>> x;
  std::vector<std::size_t> where;
  for (std::size_t m = 0; m < segs.size(); ++m) {
    MinuteRisk r;
    r.minute = static_cast<int>(m);
    r.start_s = 60.0 * static_cast<double>(m);
    if (out.onset_s) r.minutes_before_onset = (*out.onset_s - r.start_s) / 60.0;
    r.quality = segs[m].quality.describe();
    if (segs[m].quality.usable()) {
      x.push_back(features::extract_features(model.features(), segs[m].samples));
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

}  // namespace scapredict::infer

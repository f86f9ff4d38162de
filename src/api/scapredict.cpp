// The public API: a thin layer over the library's modules.
#include "scapredict/scapredict.hpp"

#include "dsp/prepare.hpp"
#include "engine/scorer.hpp"
#include "infer/predict.hpp"
#include "infer/record_scorer.hpp"
#include "io/annotation.hpp"
#include "io/signal.hpp"
#include "scapredict/version.hpp"

namespace scapredict {

const char* version() {
  return kVersion;
}

RecordInfo open_record(const std::filesystem::path& record) {
  const io::Record rec(record);
  const auto& h = rec.header();
  RecordInfo info;
  info.name = h.record_name;
  info.fs_hz = h.fs_hz;
  info.n_frames = rec.n_frames();
  info.duration_s = static_cast<double>(rec.n_frames()) / h.fs_hz;
  info.base_time = h.base_time;
  for (const auto& s : h.signals)
    info.signals.push_back({s.description, s.units, s.adc_gain, s.adc_resolution});
  if (auto o = io::vf_onset(h)) info.vf_onset_s = o->seconds;
  return info;
}

Spectrum minute_spectrum(const std::filesystem::path& record, int minute,
                         const SpectrumOptions& options) {
  dsp::MinuteSpectrumRequest req;
  req.record = record;
  req.minute = minute;
  req.bins = options.bins;
  req.signal = options.channel;
  auto s = dsp::minute_spectrum(req);
  return {std::move(s.values), s.bin_width_hz, s.start_s, s.quality.describe()};
}

// The model as the scoring core opens it (engine::open_scorer, or an HRV model): no LibTorch in
// this library.
struct Model::Impl {
  std::unique_ptr<infer::RecordScorer> scorer;
};

struct ModelAccess {
  static const infer::RecordScorer& scorer(const Model& m) { return *m.impl_->scorer; }
};

Model::Model() : impl_(std::make_unique<Impl>()) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

Model Model::load(const std::filesystem::path& path) {
  if (path.empty()) throw Error("model path: empty (Model::default_model() is the built-in one)");
  Model m;
  m.impl_->scorer = infer::open_record_scorer(path);
  return m;
}

Model Model::default_model() {
  Model m;
  m.impl_->scorer = infer::open_record_scorer("");
  return m;
}

std::string Model::architecture() const {
  return impl_->scorer->provenance().value("arch", std::string("?"));
}

std::string Model::input() const {
  const auto p = impl_->scorer->provenance();
  if (p.contains("features") && p["features"].is_object())
    return p["features"].value("input", std::string("?"));
  return "hrv";
}

std::string Model::data_source() const {
  return impl_->scorer->provenance().value("data_source", std::string("unknown"));
}

std::string Model::checksum() const {
  return impl_->scorer->provenance().value("checksum_fnv1a64", std::string());
}

std::vector<std::string> Model::meaning() const {
  return infer::meaning_lines(impl_->scorer->provenance());
}

RecordScore score_record(const Model& model, const std::filesystem::path& record,
                         const ScoreOptions& options) {
  infer::PredictOptions po;
  po.channel = std::to_string(options.channel);
  po.quality.flat_window_s = options.flat_window_s;
  po.quality.flat_range_mv = options.flat_range_mv;
  po.quality.saturation_fraction = options.saturation_fraction;
  const auto r = ModelAccess::scorer(model).score(record, po);
  RecordScore out{r.record, r.onset_s, {}};
  for (const auto& m : r.minutes)
    out.minutes.push_back({m.minute, m.start_s, m.minutes_before_onset, m.quality(), m.risk});
  return out;
}

}  // namespace scapredict

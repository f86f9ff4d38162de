#include "eval/real/ecg_record.hpp"

#include "data/events.hpp"
#include "dsp/prepare.hpp"
#include "dsp/qrs.hpp"
#include "features/features.hpp"
#include "features/hrv.hpp"

namespace scapredict::eval {

namespace {
bool bad_rhythm(const std::string& r) {
  return r == "VT" || r == "VF" || r == "VFL" || r == "VFIB" || r == "NOISE" || r == "ASYS";
}
}  // namespace

EcgRecord::EcgRecord(const std::filesystem::path& path, std::map<std::string, int>& left_out)
    : rec_(path), left_out_(left_out) {
  anns_ = io::read_annotations(path, "atr");
  const double fs = rec_.fs_hz();
  episodes_ = io::rhythm_episodes(anns_, rec_.n_frames());
  for (const auto& e : episodes_)
    if (bad_rhythm(e.rhythm)) bad_.push_back({double(e.start) / fs, double(e.end) / fs});
}

double EcgRecord::duration_s() const {
  return double(rec_.n_frames()) / rec_.fs_hz();
}

std::optional<EcgEvent> EcgRecord::event() const {
  const double fs = rec_.fs_hz();
  const auto ev = data::find_events(anns_, fs, rec_.n_frames());
  if (ev.first_vf) return EcgEvent{"VF", ev.first_vf->seconds};
  if (ev.first_sustained_vt) return EcgEvent{"sustained VT", ev.first_sustained_vt->seconds};
  if (ev.first_vt) return EcgEvent{"VT", ev.first_vt->seconds};
  return std::nullopt;
}

const features::Beats& EcgRecord::beats() {
  if (!beats_) {
    const double fs = rec_.fs_hz();
    features::Beats b;
    b.fs_hz = fs;
    b.end_s = duration_s();
    b.excluded_s = bad_;
    for (auto s : dsp::detect_record_qrs(rec_, {})) {
      b.t_s.push_back(double(s) / fs);
      b.code.push_back(io::code::kNormal);
    }
    beats_ = std::move(b);
  }
  return *beats_;
}

bool EcgRecord::inside_rhythm(double start_s, const std::string& rhythm) const {
  const double fs = rec_.fs_hz();
  for (const auto& e : episodes_)
    if (e.rhythm == rhythm && double(e.start) / fs <= start_s && double(e.end) / fs >= start_s + 60)
      return true;
  return false;
}

std::nullopt_t EcgRecord::reject(const std::string& why) {
  ++left_out_[why];
  return std::nullopt;
}

std::optional<EcgMinute> EcgRecord::minute_at(double start, int k, bool hrv) {
  if (start < 0) return reject("before the record start");
  if (start + 60 > duration_s()) return reject("past the record end");
  for (const auto& [a, b] : bad_)
    if (a < start + 60 && b > start) return reject("VT, VF, flutter, asystole or noise rhythm");
  auto ps = dsp::load_channel(rec_, 0, start, 60.0);
  if (ps.samples.size() != dsp::kMinuteSamples) return reject("shorter than a minute");
  const auto q = dsp::assess_quality(ps.samples, ps.fs_hz, dsp::limits_for(ps));
  if (!q.usable()) return reject("signal quality (invalid, flat or saturated)");
  EcgMinute m;
  m.k = k;
  if (hrv) {
    const auto w = features::hrv_window(beats(), start, start + 60);
    if (!w.usable) return reject("detected beats: " + w.reason);
    m.hrv.assign(w.values.begin(), w.values.end());
  }
  m.dft = features::extract_features(features::FeatureConfig{}, ps.samples);
  m.samples = std::move(ps.samples);
  return m;
}

}  // namespace scapredict::eval

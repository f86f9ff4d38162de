#include "infer/predict.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "dsp/prepare.hpp"
#include "dsp/vf_like.hpp"
#include "features/features.hpp"
#include "io/annotation.hpp"
#include "io/signal.hpp"

namespace scapredict::infer {

std::string MinuteRisk::quality() const {
  if (flags.empty()) return "ok";
  std::string s;
  for (const auto& f : flags) s += (s.empty() ? "" : ";") + f;
  return s;
}

bool RecordRisk::model_trained_on_simulated_data() const {
  return model.value("simulated", false);
}

int RecordRisk::scored() const {
  return static_cast<int>(
      std::count_if(minutes.begin(), minutes.end(), [](const MinuteRisk& m) { return m.risk; }));
}

namespace {

constexpr std::size_t kVfWindow = 1024;  // 8 s at 128 Hz

// "HH:MM:SS" of `base_time` + `offset_s`, wrapped at midnight; empty without a base time.
std::string clock_time(const std::string& base_time, double offset_s) {
  const auto base = io::parse_elapsed_time(base_time);
  if (!base) return {};
  const auto t = static_cast<long long>(std::floor(*base + offset_s)) % 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", t / 3600, (t / 60) % 60, t % 60);
  return buf;
}

nlohmann::json provenance(const model::Classifier& m) {
  const auto& md = m.metadata();
  const std::string source = md.value("data_source", std::string("unknown data"));
  const bool simulated = md.value("simulated", source.find("SIMULATED") != std::string::npos);
  return {{"arch", model::to_string(m.arch())},
          {"features", m.features().to_json()},
          {"data_source", source},
          {"simulated", simulated},
          {"training_data", md.value("training_data", nlohmann::json::object())}};
}

// Flags of one minute (quality, onset, VF-like); true when it can be scored.
bool assess_minute(const dsp::Segment& seg, double start_s, const std::optional<double>& onset_s,
                   MinuteRisk& r) {
  const auto& q = seg.quality;
  if (q.invalid_samples > 0) r.flags.push_back("invalid=" + std::to_string(q.invalid_samples));
  if (q.flat) r.flags.push_back("flat");
  if (q.saturated) r.flags.push_back("saturated");
  if (q.bridged) r.flags.push_back("bridged");
  bool ok = q.usable();
  if (onset_s && start_s + 60.0 > *onset_s) {
    r.flags.push_back("after_onset");
    ok = false;
  }
  if (q.invalid_samples == 0) {
    const std::span<const double> x(seg.samples);
    for (std::size_t s = 0; s + kVfWindow <= x.size(); s += kVfWindow) {
      if (dsp::vf_like_window(x.subspan(s, kVfWindow), dsp::kAnalysisFsHz, kVfWindow).vf_like) {
        r.flags.push_back("vf_like");
        ok = false;
        break;
      }
    }
  }
  return ok;
}

// Warnings when the record lies outside what the model saw in training.
void check_training_range(const nlohmann::json& training, double fs, double gain,
                          int unlike_minutes, int scored, RecordRisk& out) {
  auto seen = [&](const char* key, double v) {
    if (!training.contains(key)) return true;
    for (const auto& t : training[key])
      if (std::abs(t.get<double>() - v) <= 1e-6 * std::abs(v)) return true;
    return false;
  };
  auto list = [&](const char* key) {
    std::ostringstream o;
    for (std::size_t i = 0; i < training[key].size(); ++i)
      o << (i ? ", " : "") << training[key][i].get<double>();
    return o.str();
  };
  std::ostringstream w;
  if (!seen("fs_hz", fs))
    w << "sampling rate " << fs << " Hz (training: " << list("fs_hz") << "); ";
  if (!seen("gain_adu_per_mv", gain))
    w << "gain " << gain << " adu/mV (training: " << list("gain_adu_per_mv") << "); ";
  if (scored > 0 && 2 * unlike_minutes > scored)
    w << unlike_minutes << " of " << scored << " scored minutes have spectra unlike the training "
      << "minutes; ";
  std::string text = w.str();
  if (text.empty()) return;
  text.resize(text.size() - 2);
  out.warnings.push_back("record unlike the model's training data: " + text);
}

[[noreturn]] void nothing_to_score(const RecordRisk& r, const std::string& source) {
  std::map<std::string, int> by_flag;
  for (const auto& m : r.minutes)
    for (const auto& f : m.flags) ++by_flag[f.substr(0, f.find('='))];
  std::ostringstream o;
  o << source << ": nothing to score: none of " << r.minutes.size() << " minutes is usable (";
  bool first = true;
  for (const auto& [f, n] : by_flag) {
    o << (first ? "" : ", ") << f << " " << n;
    first = false;
  }
  o << ")";
  throw PredictError(o.str());
}

}  // namespace

RecordRisk predict_record(const model::Classifier& model, const std::filesystem::path& record,
                          const PredictOptions& options) {
  io::Record rec(record);
  const auto& h = rec.header();
  if (options.channel < 0 || options.channel >= h.n_signals)
    throw io::IoError(h.source + ": no signal " + std::to_string(options.channel) +
                      " (the record has " + std::to_string(h.n_signals) + ")");
  RecordRisk out;
  out.record = h.record_name;
  out.fs_hz = h.fs_hz;
  out.gain_adu_per_mv = h.signals[static_cast<std::size_t>(options.channel)].adc_gain;
  out.model = provenance(model);
  const double duration = static_cast<double>(rec.n_frames()) / rec.fs_hz();
  if (duration < 60.0)
    throw PredictError(h.source + ": nothing to score: the record lasts " +
                       std::to_string(duration) + " s, less than one minute");
  std::vector<io::Annotation> anns;
  const std::string ann =
      options.annotator.empty() ? io::default_annotator(record).value_or("") : options.annotator;
  if (!ann.empty()) {
    anns = io::read_annotations(record, ann);
    io::check_annotations_fit(anns, rec.n_frames(), io::annotation_path(record, ann).string());
  }
  if (auto o = io::vf_onset(h, ann.empty() ? nullptr : &anns)) {
    out.onset_s = o->seconds;
    out.onset_source = io::to_string(o->source);
  }
  const auto prep = dsp::load_channel(rec, options.channel, 0.0, duration);
  auto limits = options.quality;
  limits.adc_limits_mv = prep.adc_limits_mv;
  const auto segs =
      dsp::segment_all(prep.samples, dsp::kMinuteSamples, prep.fs_hz, limits, prep.bridged);
  std::vector<std::vector<float>> x;
  std::vector<std::size_t> where;
  int unlike = 0;
  for (std::size_t m = 0; m < segs.size(); ++m) {
    MinuteRisk r;
    r.minute = static_cast<int>(m);
    r.start_s = 60.0 * static_cast<double>(m);
    r.clock_time = clock_time(h.base_time, r.start_s);
    if (out.onset_s) r.minutes_before_onset = (*out.onset_s - r.start_s) / 60.0;
    if (assess_minute(segs[m], r.start_s, out.onset_s, r)) {
      x.push_back(features::extract_features(model.features(), segs[m].samples));
      if (model.distance(x.back()) > model.training_distance_q99()) {
        r.flags.push_back("unlike_training");
        ++unlike;
      }
      where.push_back(m);
    }
    out.minutes.push_back(std::move(r));
  }
  if (x.empty()) nothing_to_score(out, h.source);
  const auto p = model.predict_proba(x);
  for (std::size_t i = 0; i < p.size(); ++i) out.minutes[where[i]].risk = p[i];
  check_training_range(out.model["training_data"], out.fs_hz, out.gain_adu_per_mv, unlike,
                       static_cast<int>(x.size()), out);
  return out;
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string model_line(const RecordRisk& r) {
  const auto& m = r.model;
  std::ostringstream o;
  o << "model " << m.value("arch", std::string("?")) << " on "
    << m["features"].value("input", std::string("?")) << " (" << m["features"].value("bins", 0)
    << " bins), trained on " << (r.model_trained_on_simulated_data() ? "SIMULATED data: " : "")
    << m.value("data_source", std::string("unknown data"));
  return o.str();
}

}  // namespace

std::string to_csv(const RecordRisk& r) {
  std::ostringstream o;
  o.precision(10);
  o << "# scapredict predict: record " << r.record << "; P(SCD) per minute, uncalibrated\r\n";
  o << "# " << model_line(r) << "\r\n";
  for (const auto& w : r.warnings) o << "# warning: " << w << "\r\n";
  o << "minute,start_s,clock_time,minutes_before_onset,quality,risk\r\n";
  for (const auto& m : r.minutes) {
    o << m.minute << "," << m.start_s << "," << m.clock_time << ",";
    if (m.minutes_before_onset) o << *m.minutes_before_onset;
    o << "," << csv_field(m.quality()) << ",";
    if (m.risk) o << *m.risk;
    o << "\r\n";
  }
  return o.str();
}

nlohmann::json to_json(const RecordRisk& r) {
  nlohmann::json j = {{"record", r.record},
                      {"fs_hz", r.fs_hz},
                      {"gain_adu_per_mv", r.gain_adu_per_mv},
                      {"model", r.model},
                      {"warnings", r.warnings},
                      {"risk_is", "P(SCD) of the model, uncalibrated"}};
  j["vf_onset_s"] = r.onset_s ? nlohmann::json(*r.onset_s) : nlohmann::json(nullptr);
  if (r.onset_s) j["vf_onset_source"] = r.onset_source;
  j["minutes"] = nlohmann::json::array();
  for (const auto& m : r.minutes) {
    j["minutes"].push_back(
        {{"minute", m.minute},
         {"start_s", m.start_s},
         {"clock_time", m.clock_time},
         {"minutes_before_onset",
          m.minutes_before_onset ? nlohmann::json(*m.minutes_before_onset) : nlohmann::json()},
         {"flags", m.flags},
         {"risk", m.risk ? nlohmann::json(*m.risk) : nlohmann::json(nullptr)}});
  }
  return j;
}

std::string summary_line(const RecordRisk& r) {
  return "record " + r.record + ": " + std::to_string(r.scored()) + " of " +
         std::to_string(r.minutes.size()) + " minutes scored; " + model_line(r);
}

}  // namespace scapredict::infer

#include "io/inspect.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "io/signal.hpp"

namespace scapredict::io {

std::string format_elapsed(double seconds) {
  const auto ms = static_cast<long long>(std::llround(seconds * 1000.0));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", ms / 3600000, (ms / 60000) % 60,
                (ms / 1000) % 60, ms % 1000);
  return buf;
}

namespace {

SignalStats spec_facts(const SignalSpec& spec) {
  SignalStats s;
  s.description = spec.description;
  s.format = spec.format;
  s.adc_gain = spec.adc_gain;
  s.gain_uncalibrated = spec.gain_uncalibrated;
  s.units = spec.units;
  return s;
}

bool signal_files_present(const Header& h) {
  for (const auto& spec : h.signals) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(h.directory / spec.file_name, ec)) return false;
  }
  return true;
}

// Header facts only: the signal files are absent.
void read_beat_only(const Header& h, InspectReport& r) {
  r.beat_only = true;
  r.n_frames = h.n_samples.value_or(0);
  for (const auto& spec : h.signals) {
    auto s = spec_facts(spec);
    s.n_samples = r.n_frames;
    s.file_absent = true;
    s.checksum_status = "not read";
    r.signals.push_back(s);
  }
}

void read_signals(const std::filesystem::path& record, InspectReport& r) {
  Record rec(record);
  r.n_frames = rec.n_frames();
  for (int i = 0; i < r.header.n_signals; ++i) {
    const auto& spec = r.header.signals[i];
    auto adu = rec.read_adu(i);  // whole signal: verifies the checksum
    auto s = spec_facts(spec);
    s.n_samples = static_cast<std::int64_t>(adu.size());
    s.checksum_status = spec.checksum ? "ok" : "absent";
    double sum = 0, sum2 = 0, lo = INFINITY, hi = -INFINITY;
    std::int64_t n = 0;
    for (auto v : adu) {
      if (v == kInvalidAdu) {
        ++s.invalid_samples;
        continue;
      }
      const double p = to_physical(spec, v);
      sum += p;
      sum2 += p * p;
      lo = std::min(lo, p);
      hi = std::max(hi, p);
      ++n;
    }
    if (n > 0) {
      s.mean = sum / static_cast<double>(n);
      s.std = std::sqrt(std::max(0.0, sum2 / static_cast<double>(n) - s.mean * s.mean));
      s.min = lo;
      s.max = hi;
    }
    r.signals.push_back(s);
  }
}

}  // namespace

InspectReport inspect(const std::filesystem::path& record, const std::string& annotator) {
  InspectReport r;
  r.header = read_header(record);
  if (signal_files_present(r.header)) {
    read_signals(record, r);
  } else {
    read_beat_only(r.header, r);
  }
  const std::string ann = annotator.empty() ? default_annotator(record).value_or("") : annotator;
  std::vector<Annotation> anns;
  if (!ann.empty()) {
    anns = read_annotations(record, ann);
    if (r.beat_only && !r.header.n_samples && !anns.empty()) r.n_frames = anns.back().sample + 1;
    check_annotations_fit(anns, r.n_frames, annotation_path(record, ann).string());
    r.annotator = ann;
    r.n_annotations = static_cast<std::int64_t>(anns.size());
    for (const auto& a : anns) {
      (is_beat(a.code) ? r.beat_counts : r.other_counts)[mnemonic(a.code)]++;
    }
    r.rhythms = rhythm_episodes(anns, r.n_frames);
  }
  r.duration_s = static_cast<double>(r.n_frames) / r.header.fs_hz;
  r.vf_onset = vf_onset(r.header, r.annotator ? &anns : nullptr);
  return r;
}

std::string to_text(const InspectReport& r) {
  std::ostringstream o;
  const auto& h = r.header;
  o << "Record " << h.record_name << ": " << h.n_signals << " signals, " << h.fs_hz << " Hz, "
    << r.n_frames << " samples (" << format_elapsed(r.duration_s) << ")";
  if (!h.base_time.empty())
    o << ", starts " << h.base_time << (h.base_date.empty() ? "" : " " + h.base_date);
  o << "\n";
  for (const auto& c : h.comments) o << "  # " << c << "\n";
  char buf[256];
  for (size_t i = 0; i < r.signals.size(); ++i) {
    const auto& s = r.signals[i];
    if (s.file_absent) {
      std::snprintf(buf, sizeof buf,
                    "Signal %zu '%s': format %d, gain %g adu/%s%s, signal file absent\n", i,
                    s.description.c_str(), s.format, s.adc_gain, s.units.c_str(),
                    s.gain_uncalibrated ? " (uncalibrated: WFDB default)" : "");
      o << buf;
      continue;
    }
    std::snprintf(buf, sizeof buf,
                  "Signal %zu '%s': format %d, gain %g adu/%s%s, mean %.4f, std %.4f, min %.4f, "
                  "max %.4f %s, invalid samples %lld, checksum %s\n",
                  i, s.description.c_str(), s.format, s.adc_gain, s.units.c_str(),
                  s.gain_uncalibrated ? " (uncalibrated: WFDB default)" : "", s.mean, s.std, s.min,
                  s.max, s.units.c_str(), static_cast<long long>(s.invalid_samples),
                  s.checksum_status.c_str());
    o << buf;
  }
  if (r.annotator) {
    o << "Annotations (" << *r.annotator << "): " << r.n_annotations << "\n  beats:";
    for (const auto& [m, n] : r.beat_counts) o << " " << m << "=" << n;
    o << "\n  other:";
    for (const auto& [m, n] : r.other_counts) o << " " << m << "=" << n;
    o << "\n";
    for (const auto& e : r.rhythms) {
      o << "  rhythm (" << e.rhythm << ") "
        << format_elapsed(static_cast<double>(e.start) / h.fs_hz) << " - "
        << format_elapsed(static_cast<double>(e.end) / h.fs_hz) << "\n";
    }
  } else {
    o << "Annotations: none found\n";
  }
  if (r.vf_onset) {
    o << "VF onset: " << format_elapsed(r.vf_onset->seconds) << " (sample " << r.vf_onset->sample
      << ", from " << to_string(r.vf_onset->source) << ")\n";
  } else {
    o << "VF onset: none\n";
  }
  return o.str();
}

nlohmann::json to_json(const InspectReport& r) {
  using nlohmann::json;
  const auto& h = r.header;
  json j;
  j["record"] = h.record_name;
  j["n_signals"] = h.n_signals;
  j["fs_hz"] = h.fs_hz;
  j["n_samples"] = r.n_frames;
  j["duration_s"] = r.duration_s;
  j["base_time"] = h.base_time;
  j["base_date"] = h.base_date;
  j["comments"] = h.comments;
  j["beat_only"] = r.beat_only;
  j["signals"] = json::array();
  for (const auto& s : r.signals) {
    json sig = {{"description", s.description},
                {"format", s.format},
                {"adc_gain", s.adc_gain},
                {"gain_uncalibrated", s.gain_uncalibrated},
                {"units", s.units},
                {"n_samples", s.n_samples},
                {"checksum", s.checksum_status},
                {"file_absent", s.file_absent}};
    if (!s.file_absent) {  // an absent file was not read: no statistics, not zeros
      sig["mean"] = s.mean;
      sig["std"] = s.std;
      sig["min"] = s.min;
      sig["max"] = s.max;
      sig["invalid_samples"] = s.invalid_samples;
    }
    j["signals"].push_back(sig);
  }
  if (r.annotator) {
    j["annotations"] = {{"annotator", *r.annotator},
                        {"count", r.n_annotations},
                        {"beats", r.beat_counts},
                        {"other", r.other_counts}};
    json eps = json::array();
    for (const auto& e : r.rhythms) {
      eps.push_back({{"rhythm", e.rhythm}, {"start_sample", e.start}, {"end_sample", e.end}});
    }
    j["annotations"]["rhythms"] = eps;
  }
  if (r.vf_onset) {
    j["vf_onset"] = {{"sample", r.vf_onset->sample},
                     {"seconds", r.vf_onset->seconds},
                     {"source", to_string(r.vf_onset->source)}};
  } else {
    j["vf_onset"] = nullptr;
  }
  return j;
}

}  // namespace scapredict::io

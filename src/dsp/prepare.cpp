#include "dsp/prepare.hpp"

#include <cmath>

#include "dsp/spectrum.hpp"
#include "io/annotation.hpp"

namespace scapredict::dsp {

PreparedSignal load_channel(const io::Record& rec, int signal, double start_s, double duration_s,
                            double fs_out, const GapPolicy& policy, double margin_s) {
  const double fs_in = rec.fs_hz();
  const auto& spec = rec.header().signals.at(static_cast<std::size_t>(signal));
  const std::int64_t first = std::llround(start_s * fs_in);
  const std::int64_t count = std::llround(duration_s * fs_in);
  if (first < 0 || first + count > rec.n_frames()) {
    throw io::IoError(rec.header().source + ": requested " + std::to_string(duration_s) + " s at " +
                      std::to_string(start_s) + " s lie outside the record (" +
                      std::to_string(static_cast<double>(rec.n_frames()) / fs_in) + " s)");
  }
  PreparedSignal out;
  out.fs_hz = fs_out;
  out.start_s = start_s;
  out.adc_limits_mv = adc_range_mv(spec);
  const auto n_out = static_cast<std::size_t>(std::llround(duration_s * fs_out));
  if (fs_in == fs_out) {
    out.samples = rec.read_physical(signal, first, count);
    out.samples.resize(n_out);
    return out;
  }
  out.resampled = true;
  const std::int64_t margin = std::llround(margin_s * fs_in);
  const std::int64_t lo = std::max<std::int64_t>(0, first - margin);
  const std::int64_t hi = std::min<std::int64_t>(rec.n_frames(), first + count + margin);
  auto raw = rec.read_physical(signal, lo, hi - lo);
  Resampled r = resample_with_gaps(raw, fs_in, fs_out, policy);
  const auto offset =
      static_cast<std::int64_t>(std::llround(static_cast<double>(first - lo) * fs_out / fs_in));
  out.samples.assign(n_out, std::nan(""));
  for (std::size_t i = 0; i < n_out; ++i) {
    const auto j = offset + static_cast<std::int64_t>(i);
    if (j < static_cast<std::int64_t>(r.samples.size()))
      out.samples[i] = r.samples[static_cast<std::size_t>(j)];
  }
  for (auto [a, b] : r.bridged) {
    const std::int64_t la = a - offset, lb = b - offset;
    if (lb > 0 && la < static_cast<std::int64_t>(n_out)) out.bridged.emplace_back(la, lb);
  }
  return out;
}

std::pair<double, double> adc_range_mv(const io::SignalSpec& spec) {
  return io::adc_range(spec);
}

QualityLimits limits_for(const PreparedSignal& s) {
  QualityLimits q;
  q.adc_limits_mv = s.adc_limits_mv;
  return q;
}

MinuteSpectrum minute_spectrum(const MinuteSpectrumRequest& req) {
  io::Record rec(req.record);
  if (req.signal < 0 || req.signal >= rec.header().n_signals) {
    throw io::IoError(rec.header().source + ": no signal " + std::to_string(req.signal));
  }
  double start_s = 0;
  if (req.before_onset) {
    std::vector<io::Annotation> anns;
    const std::vector<io::Annotation>* anns_ptr = nullptr;
    const std::string ann =
        req.annotator.empty() ? io::default_annotator(req.record).value_or("") : req.annotator;
    if (!ann.empty()) {
      anns = io::read_annotations(req.record, ann);
      anns_ptr = &anns;
    }
    auto onset = io::vf_onset(rec.header(), anns_ptr);
    if (!onset) throw DspError(rec.header().source + ": record has no VF onset; use --minute");
    if (*req.before_onset < 1) throw DspError("--before-onset must be at least 1");
    start_s = onset->seconds - 60.0 * *req.before_onset;
  } else {
    if (!req.minute || *req.minute < 0) throw DspError("--minute must be 0 or more");
    start_s = 60.0 * *req.minute;
  }
  PreparedSignal p = load_channel(rec, req.signal, start_s, 60.0);
  MinuteSpectrum out;
  out.start_s = start_s;
  out.quality = assess_quality(p.samples, p.fs_hz, limits_for(p), p.bridged);
  if (out.quality.invalid_samples > 0) {
    throw DspError(rec.header().source + ": minute at " + std::to_string(start_s) + " s holds " +
                   std::to_string(out.quality.invalid_samples) + " invalid samples");
  }
  SpectrumReducer reducer(kMinuteSamples, req.bins);
  out.values = reducer(p.samples);
  out.bin_width_hz = p.fs_hz / (2.0 * static_cast<double>(req.bins));
  return out;
}

}  // namespace scapredict::dsp

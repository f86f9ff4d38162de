// The Python module's signal functions (docs/python.md): the minute spectrum, QRS detection,
// beats and HRV from annotations, and the simulator.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "dsp/dsp_error.hpp"
#include "dsp/prepare.hpp"
#include "dsp/qrs.hpp"
#include "dsp/resample.hpp"
#include "dsp/spectrum.hpp"
#include "features/hrv.hpp"
#include "features/nn.hpp"
#include "io/annotation.hpp"
#include "io/header.hpp"
#include "py_support.hpp"
#include "sim/simulate.hpp"

namespace scapredict::python {

namespace fs = std::filesystem;

namespace {

py::array_t<double> minute_spectrum(const DoubleArray& samples, double fs, std::size_t bins) {
  auto x = one_dimensional(samples, "samples");
  std::vector<double> s;
  {
    py::gil_scoped_release release;
    if (!(std::isfinite(fs) && fs >= 1 && fs <= 100000))
      throw dsp::DspError("minute_spectrum: fs must be 1 to 100000 Hz");
    if (fs != dsp::kAnalysisFsHz) x = dsp::resample(x, fs, dsp::kAnalysisFsHz);
    if (x.empty()) throw dsp::DspError("minute_spectrum: no samples");
    s = dsp::SpectrumReducer(x.size(), bins)(x);
  }
  return to_numpy(std::move(s));
}

py::array_t<std::int64_t> detect_qrs(const DoubleArray& samples, double fs) {
  std::vector<std::vector<double>> leads;
  if (samples.ndim() == 1) {
    leads.emplace_back(samples.data(), samples.data() + samples.size());
  } else if (samples.ndim() == 2) {
    if (samples.shape(1) < samples.shape(0))
      throw py::value_error(
          "2-D samples are leads x samples, and this has more leads than samples; for "
          "read_record's samples x channels pass x.T, or one column x[:, k]");
    const auto n = static_cast<std::size_t>(samples.shape(1));
    for (py::ssize_t i = 0; i < samples.shape(0); ++i) {
      const double* row = samples.data(i, 0);
      leads.emplace_back(row, row + n);
    }
  } else {
    throw py::value_error("samples must be a 1-D array (one lead) or 2-D (leads x samples)");
  }
  if (leads.empty() || leads.front().empty()) throw py::value_error("samples is empty");
  std::vector<std::int64_t> beats;
  {
    py::gil_scoped_release release;
    beats = dsp::detect_qrs(leads, fs);
  }
  return to_numpy(std::move(beats));
}

// Beat times and codes of a record's annotations, as `scapredict hrv` reads them (header and
// annotations; no signal file needed).
py::tuple read_beats(const fs::path& record, const std::string& annotator) {
  features::Beats b;
  {
    py::gil_scoped_release release;
    b = features::read_beats(record, annotator);
  }
  py::dict info;
  info["fs_hz"] = b.fs_hz;
  info["end_s"] = b.end_s;
  py::list excluded;
  for (const auto& [a, z] : b.excluded_s) excluded.append(py::make_tuple(a, z));
  info["excluded_s"] = excluded;
  std::vector<std::int64_t> codes(b.code.begin(), b.code.end());
  return py::make_tuple(to_numpy(std::move(b.t_s)), to_numpy(std::move(codes)), info);
}

// HRV per window (features::hrv_windows): one entry per window; features NaN where unusable.
py::dict hrv(const DoubleArray& beat_times_s, double window_s, const py::object& codes, double fs,
             double end_s) {
  features::Beats b;
  b.t_s = one_dimensional(beat_times_s, "beat_times_s");
  if (codes.is_none()) {
    b.code.assign(b.t_s.size(), 1);  // every beat normal (N)
  } else {
    const auto c =
        codes.cast<py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>>();
    if (c.ndim() != 1 || static_cast<std::size_t>(c.size()) != b.t_s.size())
      throw py::value_error("codes must be a 1-D array as long as beat_times_s");
    for (py::ssize_t i = 0; i < c.size(); ++i) {
      if (c.at(i) < 0 || c.at(i) > 255) throw py::value_error("codes must be WFDB codes 0..255");
      b.code.push_back(static_cast<int>(c.at(i)));
    }
  }
  for (std::size_t i = 0; i < b.t_s.size(); ++i) {
    if (!std::isfinite(b.t_s[i])) throw py::value_error("beat_times_s must be finite");
    if (i > 0 && b.t_s[i] < b.t_s[i - 1]) throw py::value_error("beat_times_s must be sorted");
  }
  if (!(std::isfinite(fs) && fs > 0)) throw py::value_error("fs must be finite and positive");
  if (!(std::isfinite(end_s) && end_s >= 0)) throw py::value_error("end_s must be finite, >= 0");
  b.fs_hz = fs;
  b.end_s = end_s;
  std::vector<features::HrvWindow> windows;
  {
    py::gil_scoped_release release;
    windows = features::hrv_windows(b, window_s);
  }
  const auto& names = features::hrv_feature_names();
  const auto n = windows.size();
  std::vector<double> t0(n), t1(n);
  std::vector<std::vector<double>> values(names.size(), std::vector<double>(n));
  py::array_t<bool> usable(static_cast<py::ssize_t>(n));
  auto u = usable.mutable_unchecked<1>();
  py::list reason, detail;
  for (std::size_t w = 0; w < n; ++w) {
    t0[w] = windows[w].t0_s;
    t1[w] = windows[w].t1_s;
    u(static_cast<py::ssize_t>(w)) = windows[w].usable;
    reason.append(windows[w].reason);
    detail.append(windows[w].detail);
    for (std::size_t f = 0; f < names.size(); ++f)
      values[f][w] =
          windows[w].usable ? windows[w].values.at(f) : std::numeric_limits<double>::quiet_NaN();
  }
  py::dict d;
  d["t0_s"] = to_numpy(std::move(t0));
  d["t1_s"] = to_numpy(std::move(t1));
  d["usable"] = usable;
  d["reason"] = reason;
  d["detail"] = detail;
  for (std::size_t f = 0; f < names.size(); ++f)
    d[py::str(names[f])] = to_numpy(std::move(values[f]));
  return d;
}

// A simulated cohort (sim::simulate) written to `out`; returns the truth document as a dict.
py::object simulate(const fs::path& out, std::uint64_t seed, double risk_effect, double device_gap,
                    double hours_before_onset, double hours_after, double nsrdb_hours, bool full,
                    int threads, int max_sddb, int max_nsrdb,
                    const std::vector<std::string>& only_records, const py::object& progress) {
  if (max_sddb < 0 || max_nsrdb < 0) throw py::value_error("max_sddb, max_nsrdb must be >= 0");
  sim::SimConfig cfg;
  cfg.out = out;
  cfg.seed = seed;
  cfg.risk_effect = risk_effect;
  cfg.device_gap = device_gap;
  cfg.hours_before_onset = hours_before_onset;
  cfg.hours_after = hours_after;
  cfg.nsrdb_hours = nsrdb_hours;
  cfg.full = full;
  cfg.threads = threads;
  cfg.max_sddb = max_sddb;
  cfg.max_nsrdb = max_nsrdb;
  cfg.only_records = only_records;
  PyProgress p(progress);
  const auto truth = with_progress(p, [&](ProgressFn fn) {
    cfg.progress = std::move(fn);
    return sim::simulate(cfg);
  });
  return py::module_::import("json").attr("loads")(truth.dump());
}

/// A model file opened by the scoring core (engine::open_scorer, as the CLI and the C++ API).
}  // namespace

void bind_signal(py::module_& m) {
  m.def("read_beats", &read_beats, py::arg("record"), py::arg("annotator"),
        "Beat times (s from the record start), their WFDB codes, and a dict (fs_hz, end_s, "
        "excluded_s) from the header and annotations, as `scapredict hrv` reads them.");
  m.def("hrv", &hrv, py::arg("beat_times_s"), py::arg("window_s") = 300.0,
        py::arg("codes") = py::none(), py::arg("fs") = 1000.0, py::arg("end_s") = 0.0,
        "HRV of consecutive windows (docs/hrv.md): a dict of t0_s, t1_s, usable, reason, detail "
        "and one "
        "float64 array per measure (NaN where the window is not usable). codes: WFDB beat codes "
        "(default all N); fs: the rate the beat times were annotated at; end_s: the record end "
        "(0: the last beat).");
  m.def("simulate", &simulate, py::arg("out_dir"), py::kw_only(),
        py::arg("seed") = scapredict::sim::kDefaultSimSeed, py::arg("risk_effect") = 1.0,
        py::arg("device_gap") = 1.0, py::arg("hours_before_onset") = 2.0,
        py::arg("hours_after") = 0.2, py::arg("nsrdb_hours") = 2.0, py::arg("full") = false,
        py::arg("threads") = 1, py::arg("max_sddb") = 0, py::arg("max_nsrdb") = 0,
        py::arg("only_records") = std::vector<std::string>{}, py::arg("progress") = py::none(),
        "Writes a simulated SDDB-/NSRDB-like cohort (WFDB) into out_dir, as `scapredict "
        "simulate`; returns the truth document (dict).");
  m.def("minute_spectrum", &minute_spectrum, py::arg("samples"), py::arg("fs"),
        py::arg("bins") = 1024,
        "Resamples to 128 Hz (when fs != 128) and reduces the whole segment to `bins` spectral "
        "bins over 0..64 Hz (dsp::SpectrumReducer; docs/python.md).");
  m.def("detect_qrs", &detect_qrs, py::arg("samples"), py::arg("fs"),
        "QRS fiducial sample indices (int64) of one lead (1-D) or several (2-D, leads x "
        "samples), in mV with NaN for invalid samples.");
}

}  // namespace scapredict::python

// The Python extension module `scapredict` (docs/python.md): reading records and annotations,
// the minute spectrum, QRS detection and scoring with an engine model, numpy in and out. Only the
// LibTorch-free modules are linked. Every scapredict::Error becomes scapredict.Error with the
// same one-line message; long work runs with the GIL released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/progress.hpp"
#include "dsp/dsp_error.hpp"
#include "dsp/prepare.hpp"
#include "dsp/qrs.hpp"
#include "dsp/resample.hpp"
#include "dsp/spectrum.hpp"
#include "features/hrv.hpp"
#include "features/nn.hpp"
#include "infer/predict.hpp"
#include "infer/scorer.hpp"
#include "io/annotation.hpp"
#include "io/source.hpp"
#include "scapredict/version.hpp"
#include "sim/simulate.hpp"

namespace py = pybind11;
namespace fs = std::filesystem;

namespace {

using namespace scapredict;

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

template <typename T>
py::array_t<T> to_numpy(std::vector<T> v) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(heap->size()), heap->data(), owner);
}

std::vector<double> one_dimensional(const DoubleArray& a, const char* what) {
  if (a.ndim() != 1)
    throw py::value_error(std::string(what) + " must be a 1-D array, got " +
                          std::to_string(a.ndim()) + " dimensions");
  return {a.data(), a.data() + a.size()};
}

// Progress through a Python callable: each event as a dict (task, unit, done, total, elapsed_s,
// detail), with the GIL taken for the call, one event at a time whatever thread reports it. An
// exception the callable raises (KeyboardInterrupt included: signals are checked at each event)
// stops the work and is raised again when the call returns (raise_if_stopped).
class PyProgress {
 public:
  explicit PyProgress(py::object fn) : fn_(std::move(fn)) {
    if (!fn_.is_none() && !PyCallable_Check(fn_.ptr()))
      throw py::type_error("progress must be a callable taking one dict, or None");
  }
  ~PyProgress() {
    py::gil_scoped_acquire gil;
    error_.reset();
  }
  PyProgress(const PyProgress&) = delete;
  PyProgress& operator=(const PyProgress&) = delete;

  // Without a callable the events still check for Ctrl-C.
  ProgressFn fn() {
    return [this](const ProgressEvent& e) { call(e); };
  }
  // After the library call: the callable's exception, if it raised one.
  void raise_if_stopped() {
    if (error_) {
      auto e = std::move(*error_);
      error_.reset();
      throw e;
    }
  }

 private:
  struct Stopped : std::exception {
    const char* what() const noexcept override { return "stopped by the progress callback"; }
  };
  void call(const ProgressEvent& e) {
    const std::lock_guard<std::mutex> lock(m_);
    if (error_) throw Stopped{};
    py::gil_scoped_acquire gil;
    try {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (fn_.is_none()) return;
      py::dict d;
      d["task"] = e.task;
      d["unit"] = e.unit;
      d["done"] = e.done;
      d["total"] = e.total;
      d["elapsed_s"] = e.elapsed_s;
      d["detail"] = e.detail;
      fn_(d);
    } catch (py::error_already_set& err) {
      error_.emplace(std::move(err));
      throw Stopped{};
    }
  }
  py::object fn_;
  std::mutex m_;
  std::optional<py::error_already_set> error_;
};

// Runs `work` with the GIL released and `progress` reporting; the callable's own exception wins
// over the library's error it caused.
template <typename Work>
auto with_progress(PyProgress& progress, Work work) {
  std::optional<decltype(work(ProgressFn{}))> out;
  try {
    py::gil_scoped_release release;
    out.emplace(work(progress.fn()));
  } catch (...) {
    progress.raise_if_stopped();
    throw;
  }
  progress.raise_if_stopped();
  return std::move(*out);
}

// A channel argument: an int index or a str label as the library takes them; None: none named.
std::optional<std::string> channel_name(const py::object& arg) {
  if (arg.is_none()) return std::nullopt;
  if (py::isinstance<py::bool_>(arg))
    throw py::type_error("channel must be an int index, a str label or None");
  if (PyIndex_Check(arg.ptr())) {  // int, numpy integers
    const auto i = py::int_(arg).cast<long long>();
    if (i < 0) throw py::value_error("channel must be >= 0");
    return std::to_string(i);
  }
  if (py::isinstance<py::str>(arg)) return arg.cast<std::string>();
  throw py::type_error("channel must be an int index, a str label or None");
}

// One channel (1-D) or every channel (2-D, samples x channels; they must share rate and length).
py::tuple read_record(const fs::path& path, const py::object& channel_arg) {
  const auto channel = channel_name(channel_arg);
  std::vector<std::vector<double>> columns;
  std::vector<io::ChannelInfo> infos;
  {
    py::gil_scoped_release release;
    for (int i = 0;; ++i) {
      std::unique_ptr<io::ChannelReader> reader;
      if (channel) {
        reader = io::open_channel(path, *channel);
      } else {
        try {
          reader = io::open_channel(path, std::to_string(i));
        } catch (const io::IoError& e) {
          // Past the last channel (select_channel's "no channel N (the record has M)"): done.
          if (i > 0 && std::string(e.what()).find(": no channel " + std::to_string(i) + " (") !=
                           std::string::npos)
            break;
          throw;
        }
      }
      const auto& info = reader->info();
      if (!infos.empty() && (info.fs_hz != infos[0].fs_hz || info.n_samples != infos[0].n_samples))
        throw io::IoError(info.source + ": channel " + std::to_string(info.channel) +
                          " differs from channel 0 in rate or length; read one channel "
                          "(channel=...)");
      infos.push_back(info);
      columns.push_back(reader->read_mv(0, info.n_samples));
      reader->finish();
      if (channel) break;
    }
  }
  const auto& first = infos.front();
  py::dict header;
  header["record"] = first.record;
  header["format"] = first.format;
  header["fs_hz"] = first.fs_hz;
  header["n_samples"] = first.n_samples;
  header["base_time"] = first.base_time;
  py::list labels, gains;
  for (const auto& info : infos) {
    labels.append(info.label);
    gains.append(info.gain_adu_per_mv);
  }
  header["labels"] = labels;
  header["gains_adu_per_mv"] = gains;
  if (channel) {
    header["channel"] = first.channel;
    header["label"] = first.label;
    header["gain_adu_per_mv"] = first.gain_adu_per_mv;
    return py::make_tuple(to_numpy(std::move(columns.front())), header);
  }
  const auto n = static_cast<std::size_t>(first.n_samples), k = columns.size();
  std::vector<double> all(n * k);
  for (std::size_t c = 0; c < k; ++c)
    for (std::size_t i = 0; i < n; ++i) all[i * k + c] = columns[c][i];
  auto flat = to_numpy(std::move(all));
  return py::make_tuple(flat.reshape({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(k)}),
                        header);
}

py::list read_annotations(const fs::path& record, const std::string& annotator) {
  std::vector<io::Annotation> anns;
  {
    py::gil_scoped_release release;
    anns = io::read_annotations(record, annotator);
  }
  py::list out;
  for (const auto& a : anns) {
    py::dict d;
    d["sample"] = a.sample;
    d["code"] = a.code;
    d["subtype"] = a.subtype;
    d["chan"] = a.chan;
    d["num"] = a.num;
    // aux is bytes on disk: not UTF-8 bytes come back as surrogates (errors="surrogateescape")
    // and write_annotations turns them back into the same bytes.
    d["aux"] = py::reinterpret_steal<py::str>(PyUnicode_DecodeUTF8(
        a.aux.data(), static_cast<py::ssize_t>(a.aux.size()), "surrogateescape"));
    out.append(d);
  }
  return out;
}

// A field of an annotation dict as an integer (TypeError for anything else).
std::int64_t int_field(const py::dict& d, const char* key) {
  const py::object v = d[key];
  if (py::isinstance<py::bool_>(v) || !PyIndex_Check(v.ptr()))  // int, numpy integers
    throw py::type_error(std::string("annotation field '") + key + "' must be an int");
  return py::int_(v).cast<std::int64_t>();
}

void write_annotations(const fs::path& record, const std::string& annotator,
                       const py::list& annotations) {
  // A WFDB annotator name: letters, digits and '_' (it becomes the file's extension).
  if (annotator.empty() || annotator.size() > 64 ||
      annotator.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos)
    throw py::value_error("annotator must be 1 to 64 letters, digits or '_'");
  std::vector<io::Annotation> anns;
  anns.reserve(annotations.size());
  for (const auto& item : annotations) {
    if (!py::isinstance<py::dict>(item)) throw py::type_error("each annotation must be a dict");
    const auto d = item.cast<py::dict>();
    io::Annotation a;
    a.sample = int_field(d, "sample");
    const auto code = int_field(d, "code");
    if (code < 1 || code > 49) throw py::value_error("annotation code must be 1 to 49");
    a.code = static_cast<int>(code);
    for (auto [key, field] :
         {std::pair{"subtype", &a.subtype}, std::pair{"chan", &a.chan}, std::pair{"num", &a.num}}) {
      if (!d.contains(key)) continue;
      const auto v = int_field(d, key);
      if (v < -1000 || v > 1000)
        throw py::value_error(std::string("annotation ") + key + " out of range");
      *field = static_cast<int>(v);
    }
    if (d.contains("aux")) {
      const py::object aux = d["aux"];
      if (py::isinstance<py::bytes>(aux)) {
        a.aux = aux.cast<std::string>();
      } else if (py::isinstance<py::str>(aux)) {
        PyObject* b = PyUnicode_AsEncodedString(aux.ptr(), "utf-8", "surrogateescape");
        if (b == nullptr) throw py::error_already_set();
        a.aux = py::reinterpret_steal<py::bytes>(b).cast<std::string>();
      } else {
        throw py::type_error("annotation field 'aux' must be str or bytes");
      }
    }
    anns.push_back(std::move(a));
  }
  py::gil_scoped_release release;
  io::write_annotations(record, annotator, anns);
}

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

/// A loaded engine model (infer::EngineScorer).
class Model {
 public:
  static Model load(const fs::path& path) {
    py::gil_scoped_release release;
    return Model(std::make_shared<infer::EngineScorer>(infer::EngineScorer::load(path)));
  }

  infer::RecordRisk predict(const fs::path& record, const py::object& channel, int threads,
                            const py::object& progress) const {
    if (threads < 0 || threads > 64) throw py::value_error("threads must be 0 (automatic) to 64");
    infer::PredictOptions options;
    options.channel = channel_name(channel).value_or("0");
    options.threads = threads;
    PyProgress p(progress);
    return with_progress(
        p, [&](ProgressFn fn) { return infer::predict_record(*scorer_, record, options, fn); });
  }

  py::dict score(const fs::path& record, const py::object& channel, int threads,
                 const py::object& progress) const {
    const auto r = predict(record, channel, threads, progress);
    const auto n = r.minutes.size();
    std::vector<std::int64_t> minute(n);
    std::vector<double> start_s(n), risk(n), before(n);
    py::list quality, clock_time;
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < n; ++i) {
      const auto& m = r.minutes[i];
      minute[i] = m.minute;
      start_s[i] = m.start_s;
      risk[i] = m.risk.value_or(nan);
      before[i] = m.minutes_before_onset.value_or(nan);
      quality.append(m.quality());
      clock_time.append(m.clock_time);
    }
    py::dict d;
    d["minute"] = to_numpy(std::move(minute));
    d["start_s"] = to_numpy(std::move(start_s));
    d["clock_time"] = clock_time;
    d["minutes_before_onset"] = to_numpy(std::move(before));
    d["quality"] = quality;
    d["risk"] = to_numpy(std::move(risk));
    return d;
  }

  py::object score_frame(const fs::path& record, const py::object& channel, int threads,
                         const py::object& progress) const {
    py::module_ pandas;
    try {
      pandas = py::module_::import("pandas");
    } catch (const py::error_already_set&) {
      throw py::import_error("score_frame needs pandas; Model.score gives the same columns");
    }
    return pandas.attr("DataFrame")(score(record, channel, threads, progress));
  }

  std::string arch() const { return scorer_->arch(); }
  std::string backend() const { return scorer_->backend(); }
  std::string checksum() const { return scorer_->checksum(); }
  std::size_t input_length() const { return scorer_->engine().input_length(); }
  std::size_t bins() const { return scorer_->features().bins; }

 private:
  explicit Model(std::shared_ptr<const infer::EngineScorer> s) : scorer_(std::move(s)) {}
  std::shared_ptr<const infer::EngineScorer> scorer_;
};

}  // namespace

PYBIND11_MODULE(scapredict, m) {
  m.doc() = "scapredict: sudden cardiac arrest risk per minute from Holter ECG (docs/python.md)";
  m.attr("__version__") = scapredict::kVersion;
  py::register_exception<scapredict::Error>(m, "Error", PyExc_Exception);

  m.def("read_record", &read_record, py::arg("path"), py::arg("channel") = py::none(),
        "A record (WFDB, EDF/EDF+, ISHNE) in mV as float64, NaN where invalid: every channel as "
        "a 2-D array (samples x channels), or one channel (an index or a label) as a 1-D array; "
        "and a header dict.");
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
  m.def("read_annotations", &read_annotations, py::arg("record"), py::arg("annotator"),
        "Reads record.annotator (MIT format): a list of dicts sample, code, subtype, chan, num, "
        "aux.");
  m.def("write_annotations", &write_annotations, py::arg("record"), py::arg("annotator"),
        py::arg("annotations"),
        "Writes record.annotator (MIT format) atomically from dicts as read_annotations gives "
        "(subtype, chan, num, aux optional), in sample order (else scapredict.Error).");
  m.def("minute_spectrum", &minute_spectrum, py::arg("samples"), py::arg("fs"),
        py::arg("bins") = 1024,
        "Resamples to 128 Hz (when fs != 128) and reduces the whole segment to `bins` spectral "
        "bins over 0..64 Hz (dsp::SpectrumReducer; docs/python.md).");
  m.def("detect_qrs", &detect_qrs, py::arg("samples"), py::arg("fs"),
        "QRS fiducial sample indices (int64) of one lead (1-D) or several (2-D, leads x "
        "samples), in mV with NaN for invalid samples.");

  py::class_<Model>(m, "Model", "A model file scored by the LibTorch-free inference engine.")
      .def_static("load", &Model::load, py::arg("path"))
      .def("score", &Model::score, py::arg("record_path"), py::arg("channel") = 0,
           py::arg("threads") = 0, py::arg("progress") = py::none(),
           "Risk of every whole minute: a dict of minute, start_s, clock_time, "
           "minutes_before_onset (NaN when none), quality (list of str) and risk (NaN where not "
           "scored).")
      .def("score_frame", &Model::score_frame, py::arg("record_path"), py::arg("channel") = 0,
           py::arg("threads") = 0, py::arg("progress") = py::none(),
           "score() as a pandas DataFrame (needs pandas).")
      .def_property_readonly("arch", &Model::arch)
      .def_property_readonly("backend", &Model::backend)
      .def_property_readonly("checksum", &Model::checksum)
      .def_property_readonly("input_length", &Model::input_length)
      .def_property_readonly("bins", &Model::bins);
}

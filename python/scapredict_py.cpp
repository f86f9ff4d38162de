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
#include "engine/scorer.hpp"
#include "features/hrv.hpp"
#include "features/nn.hpp"
#include "infer/predict.hpp"
#include "infer/record_scorer.hpp"
#include "io/annotation.hpp"
#include "io/source.hpp"
#include "py_support.hpp"
#include "scapredict/version.hpp"

namespace py = pybind11;
namespace fs = std::filesystem;

namespace {

using namespace scapredict;
using namespace scapredict::python;

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

class Model {
 public:
  static Model load(const fs::path& path) {
    if (path.empty()) throw py::value_error("path: empty (Model.default() is the built-in model)");
    py::gil_scoped_release release;
    return Model(infer::open_record_scorer(path));
  }
  static Model default_model() { return Model(infer::open_record_scorer("")); }

  infer::RecordRisk predict(const fs::path& record, const py::object& channel, int threads,
                            const py::object& progress, const std::string& annotator) const {
    if (threads < 0 || threads > 64) throw py::value_error("threads must be 0 (automatic) to 64");
    infer::PredictOptions options;
    options.channel = channel_name(channel).value_or("0");
    options.threads = threads;
    options.annotator = annotator;
    PyProgress p(progress);
    return with_progress(p, [&](ProgressFn fn) { return scorer_->score(record, options, fn); });
  }

  py::dict score(const fs::path& record, const py::object& channel, int threads,
                 const py::object& progress, const std::string& annotator) const {
    const auto r = predict(record, channel, threads, progress, annotator);
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
                         const py::object& progress, const std::string& annotator) const {
    py::module_ pandas;
    try {
      pandas = py::module_::import("pandas");
    } catch (const py::error_already_set&) {
      throw py::import_error("score_frame needs pandas; Model.score gives the same columns");
    }
    return pandas.attr("DataFrame")(score(record, channel, threads, progress, annotator));
  }

  std::string arch() const { return provenance().value("arch", std::string("?")); }
  std::string backend() const { return provenance().value("scored_by", std::string("?")); }
  std::string checksum() const { return provenance().value("checksum_fnv1a64", std::string()); }
  std::size_t input_length() const {
    const auto* s = scorer_->spectrum();
    return s ? features::input_length(s->features()) : 0;
  }
  std::size_t bins() const {
    const auto* s = scorer_->spectrum();
    return s ? s->features().bins : 0;
  }
  std::vector<std::string> meaning() const { return infer::meaning_lines(provenance()); }

 private:
  explicit Model(std::unique_ptr<infer::RecordScorer> s) : scorer_(std::move(s)) {}
  nlohmann::json provenance() const { return scorer_->provenance(); }
  std::shared_ptr<const infer::RecordScorer> scorer_;
};

}  // namespace

// The module's name: `scapredict` for the module built beside the tools (PYTHONPATH, `make
// python-install`), `_core` inside the package `pip install .` makes (python/package).
#ifndef SCAPREDICT_PY_MODULE
#define SCAPREDICT_PY_MODULE scapredict
#endif

PYBIND11_MODULE(SCAPREDICT_PY_MODULE, m) {
  m.doc() = "scapredict: sudden cardiac arrest risk per minute from Holter ECG (docs/python.md)";
  m.attr("__version__") = scapredict::kVersion;
  py::register_exception<scapredict::Error>(m, "Error", PyExc_Exception);
  scapredict::python::bind_signal(m);

  m.def("read_record", &read_record, py::arg("path"), py::arg("channel") = py::none(),
        "A record (WFDB, EDF/EDF+, ISHNE) in mV as float64, NaN where invalid: every channel as "
        "a 2-D array (samples x channels), or one channel (an index or a label) as a 1-D array; "
        "and a header dict.");
  m.def("read_annotations", &read_annotations, py::arg("record"), py::arg("annotator"),
        "Reads record.annotator (MIT format): a list of dicts sample, code, subtype, chan, num, "
        "aux.");
  m.def("write_annotations", &write_annotations, py::arg("record"), py::arg("annotator"),
        py::arg("annotations"),
        "Writes record.annotator (MIT format) atomically from dicts as read_annotations gives "
        "(subtype, chan, num, aux optional), in sample order (else scapredict.Error).");

  py::class_<Model>(m, "Model",
                    "A model scored without LibTorch: the default HRV model or a model file.")
      .def_static("load", &Model::load, py::arg("path"),
                  "A model file: a DFT-CNN/MLP from `scapredict train`, or an HRV model file.")
      .def_static("default", &Model::default_model,
                  "The built-in default model: an SVM on HRV of 5-minute windows trained on real "
                  "SDDB/NSRDB beat annotations; it separates patients and does NOT indicate "
                  "imminent VF (see .meaning).")
      .def("score", &Model::score, py::arg("record_path"), py::arg("channel") = 0,
           py::arg("threads") = 0, py::arg("progress") = py::none(), py::arg("annotator") = "",
           "Risk of every whole minute: a dict of minute, start_s, clock_time, "
           "minutes_before_onset (NaN when none), quality (list of str) and risk (NaN where not "
           "scored).")
      .def("score_frame", &Model::score_frame, py::arg("record_path"), py::arg("channel") = 0,
           py::arg("threads") = 0, py::arg("progress") = py::none(), py::arg("annotator") = "",
           "score() as a pandas DataFrame (needs pandas).")
      .def_property_readonly("arch", &Model::arch,
                             "The model's kind: hrv-svm, cnn1d, mlp, ... ('?' when unknown).")
      .def_property_readonly("backend", &Model::backend,
                             "What computes its probabilities (the engine in fp32 or int8, the "
                             "HRV SVM).")
      .def_property_readonly("checksum", &Model::checksum,
                             "FNV-1a 64 of the model file, as every result file records it.")
      .def_property_readonly("input_length", &Model::input_length,
                             "Values per scored minute the model takes (0 for an HRV model).")
      .def_property_readonly("bins", &Model::bins,
                             "DFT bins of a spectrum model's input (0 for an HRV model).")
      .def_property_readonly("meaning", &Model::meaning,
                             "What a risk of this model is, and its validation, one line each.");
}

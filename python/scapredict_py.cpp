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
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "dsp/dsp_error.hpp"
#include "dsp/prepare.hpp"
#include "dsp/qrs.hpp"
#include "dsp/resample.hpp"
#include "dsp/spectrum.hpp"
#include "infer/predict.hpp"
#include "infer/scorer.hpp"
#include "io/annotation.hpp"
#include "io/source.hpp"
#include "scapredict/version.hpp"

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

py::tuple read_record(const fs::path& path, const std::string& channel) {
  std::vector<double> samples;
  io::ChannelInfo info;
  {
    py::gil_scoped_release release;
    auto reader = io::open_channel(path, channel);
    info = reader->info();
    samples = reader->read_mv(0, info.n_samples);
    reader->finish();
  }
  py::dict header;
  header["record"] = info.record;
  header["format"] = info.format;
  header["channel"] = info.channel;
  header["label"] = info.label;
  header["fs_hz"] = info.fs_hz;
  header["n_samples"] = info.n_samples;
  header["gain_adu_per_mv"] = info.gain_adu_per_mv;
  header["base_time"] = info.base_time;
  return py::make_tuple(to_numpy(std::move(samples)), header);
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
    d["aux"] = a.aux;
    out.append(d);
  }
  return out;
}

void write_annotations(const fs::path& record, const std::string& annotator,
                       const py::list& annotations) {
  std::vector<io::Annotation> anns;
  anns.reserve(annotations.size());
  for (const auto& item : annotations) {
    const auto d = item.cast<py::dict>();
    io::Annotation a;
    a.sample = d["sample"].cast<std::int64_t>();
    a.code = d["code"].cast<int>();
    if (d.contains("subtype")) a.subtype = d["subtype"].cast<int>();
    if (d.contains("chan")) a.chan = d["chan"].cast<int>();
    if (d.contains("num")) a.num = d["num"].cast<int>();
    if (d.contains("aux")) a.aux = d["aux"].cast<std::string>();
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
    if (!(std::isfinite(fs) && fs > 0))
      throw dsp::DspError("minute_spectrum: fs must be finite and positive");
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
    const auto n = static_cast<std::size_t>(samples.shape(1));
    for (py::ssize_t i = 0; i < samples.shape(0); ++i) {
      const double* row = samples.data(i, 0);
      leads.emplace_back(row, row + n);
    }
  } else {
    throw py::value_error("samples must be a 1-D array (one lead) or 2-D (leads x samples)");
  }
  std::vector<std::int64_t> beats;
  {
    py::gil_scoped_release release;
    beats = dsp::detect_qrs(leads, fs);
  }
  return to_numpy(std::move(beats));
}

/// A loaded engine model (infer::EngineScorer).
class Model {
 public:
  static Model load(const fs::path& path) {
    py::gil_scoped_release release;
    return Model(std::make_shared<infer::EngineScorer>(infer::EngineScorer::load(path)));
  }

  infer::RecordRisk predict(const fs::path& record, const std::string& channel, int threads) const {
    infer::PredictOptions options;
    options.channel = channel;
    options.threads = threads;
    py::gil_scoped_release release;
    return infer::predict_record(*scorer_, record, options);
  }

  py::dict score(const fs::path& record, const std::string& channel, int threads) const {
    const auto r = predict(record, channel, threads);
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

  py::object score_frame(const fs::path& record, const std::string& channel, int threads) const {
    py::module_ pandas;
    try {
      pandas = py::module_::import("pandas");
    } catch (const py::error_already_set&) {
      throw py::import_error("score_frame needs pandas; Model.score gives the same columns");
    }
    return pandas.attr("DataFrame")(score(record, channel, threads));
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

  m.def("read_record", &read_record, py::arg("path"), py::arg("channel") = "0",
        "One channel of a record (WFDB, EDF/EDF+, ISHNE): (samples in mV as float64, NaN where "
        "invalid; header dict).");
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
      .def("score", &Model::score, py::arg("record_path"), py::arg("channel") = "0",
           py::arg("threads") = 0,
           "Risk of every whole minute: a dict of minute, start_s, clock_time, "
           "minutes_before_onset (NaN when none), quality (list of str) and risk (NaN where not "
           "scored).")
      .def("score_frame", &Model::score_frame, py::arg("record_path"), py::arg("channel") = "0",
           py::arg("threads") = 0, "score() as a pandas DataFrame (needs pandas).")
      .def_property_readonly("arch", &Model::arch)
      .def_property_readonly("backend", &Model::backend)
      .def_property_readonly("checksum", &Model::checksum)
      .def_property_readonly("input_length", &Model::input_length)
      .def_property_readonly("bins", &Model::bins);
}

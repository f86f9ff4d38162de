#pragma once
// What the Python module's files share: numpy arrays from vectors, 1-D checks, progress through
// a Python callable, and work with the GIL released (docs/python.md).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/progress.hpp"

namespace scapredict::python {

namespace py = pybind11;

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

template <typename T>
py::array_t<T> to_numpy(std::vector<T> v) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(heap->size()), heap->data(), owner);
}

inline std::vector<double> one_dimensional(const DoubleArray& a, const char* what) {
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

/// Binds the signal-processing functions: minute_spectrum, detect_qrs, read_beats, hrv,
/// simulate (py_signal.cpp).
void bind_signal(py::module_& m);

}  // namespace scapredict::python

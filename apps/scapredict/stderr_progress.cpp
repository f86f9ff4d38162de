#include "stderr_progress.hpp"

#include <cstdio>

namespace scapredict::cli {

ProgressFn stderr_progress() {
  return [](const ProgressEvent& e) {
    if (e.total == 0) {
      std::fprintf(stderr, "%s: %s\n", e.task.c_str(), e.detail.c_str());
      return;
    }
    const double eta = e.done == 0 ? 0.0
                                   : e.elapsed_s / static_cast<double>(e.done) *
                                         static_cast<double>(e.total - e.done);
    std::fprintf(stderr, "%s: %s %zu/%zu%s%s%s, %.1f s, ETA %.1f s\n", e.task.c_str(),
                 e.unit.c_str(), e.done, e.total, e.detail.empty() ? "" : " (", e.detail.c_str(),
                 e.detail.empty() ? "" : ")", e.elapsed_s, eta);
  };
}

}  // namespace scapredict::cli

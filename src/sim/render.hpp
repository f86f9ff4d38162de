#pragma once
// From a beat schedule to stored samples: ECG waveform, noise, VF, and the recorder's chain.
#include <optional>
#include <vector>

#include "io/annotation.hpp"
#include "sim/physiology.hpp"
#include "sim/simulate.hpp"

namespace scapredict::sim {

struct Rendered {
  std::vector<std::vector<std::int32_t>> adu;  ///< 2 channels, kInvalidAdu for dropouts
  std::vector<io::Annotation> annotations;     ///< beats (N/V) and rhythm changes
  std::int64_t dropout_samples = 0;
  int motion_bursts = 0;
};

Rendered render(const Patient& p, const Schedule& s, const Recorder& rec, double gain,
                double duration_s, std::optional<double> onset_s, Rng& rng);

}  // namespace scapredict::sim

#pragma once
// The risk timeline of one scored record.
#include <filesystem>

#include "infer/predict.hpp"

namespace scapredict::report {

/// PNG timeline of P(SCD) (uncalibrated) per scored minute, with the decision threshold, the VF
/// onset when known, clock time on the x axis when the header has a base time, and the model's
/// training data (SIMULATED when so) in the title. False when gnuplot is missing.
bool plot_risk(const infer::RecordRisk& r, const std::filesystem::path& png);

}  // namespace scapredict::report

#pragma once
// The risk timeline of one scored record.
#include <filesystem>

#include "infer/predict.hpp"

namespace scapredict::report {

/// PNG timeline of the risk with the onset marked; false when gnuplot is missing.
bool plot_risk(const infer::RecordRisk& r, const std::filesystem::path& png);

}  // namespace scapredict::report

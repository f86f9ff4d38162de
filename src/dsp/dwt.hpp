#pragma once
// Multilevel discrete wavelet transform with the Daubechies-4 (8-tap, "db4") wavelet.
#include <span>
#include <vector>

#include "dsp/dsp_error.hpp"

namespace scapredict::dsp {

/// db4 scaling (low-pass reconstruction) filter; the wavelet filter is g[n] = (-1)^n h[7 - n].
const std::vector<double>& db4_filter();

/// Multilevel DWT with periodic extension ("periodization"): an orthonormal transform, so it
/// reconstructs exactly and preserves energy. x.size() must be divisible by 2^levels.
/// Returns {cA_L, cD_L, cD_{L-1}, ..., cD_1}.
std::vector<std::vector<double>> dwt_db4(std::span<const double> x, int levels);

/// Inverse of dwt_db4.
std::vector<double> idwt_db4(const std::vector<std::vector<double>>& coefficients);

/// dwt_db4 coefficients concatenated in the same order (length x.size()): the model's DWT input.
std::vector<double> dwt_db4_flat(std::span<const double> x, int levels);

}  // namespace scapredict::dsp

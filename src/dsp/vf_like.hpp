#pragma once
// The VF-like window rule: a window whose 0.5-40 Hz power sits mostly at 3-8 Hz, the signature of
// ventricular fibrillation (docs/method.md, "VF-like windows").
#include <cstddef>
#include <span>
#include <vector>

namespace scapredict::dsp {

struct VfLikeRule {
  double band_lo_hz = 3.0, band_hi_hz = 8.0;     ///< the fibrillation band
  double total_lo_hz = 0.5, total_hi_hz = 40.0;  ///< the ECG band it is compared with
  double threshold = 0.6;                        ///< VF-like above this fraction of power
};

struct VfLikeWindow {
  bool vf_like = false;
  double band_fraction = 0;       ///< power in the band / power in the ECG band (0 when none)
  std::vector<double> magnitude;  ///< |DFT| of the mean-removed window, nfft / 2 + 1 values
};

/// Applies `rule` to one window sampled at `fs_hz`: the mean is removed, the window is zero-padded
/// to `nfft` points (nfft >= window size) and the power of the DFT bins inside each band
/// [lo, hi) is compared. A window holding a non-finite sample is never VF-like.
VfLikeWindow vf_like_window(std::span<const double> window, double fs_hz, std::size_t nfft,
                            const VfLikeRule& rule = {});

}  // namespace scapredict::dsp

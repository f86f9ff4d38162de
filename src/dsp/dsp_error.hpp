#pragma once
#include "common/error.hpp"

namespace scapredict::dsp {
/// A signal-processing request that cannot be met (bad sizes, rates, non-finite input).
class DspError : public Error {
 public:
  using Error::Error;
};
}  // namespace scapredict::dsp

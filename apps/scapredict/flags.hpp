#pragma once
// Flag parsing that validates every number before use: finite, in range, no silent wrap.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace scapredict::cli {

/// A finite number in [lo, hi] (NaN and infinities refused).
CLI::Validator finite_range(double lo, double hi);

/// An unsigned 64-bit seed: decimal digits only, no sign, no overflow.
CLI::Option* add_seed_option(CLI::App* cmd, std::uint64_t& seed, const std::string& help);

}  // namespace scapredict::cli

#pragma once
// Flag parsing that validates every number before use: finite, in range, no silent wrap.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace scapredict::cli {

/// A finite number in [lo, hi] (NaN and infinities refused).
CLI::Validator finite_range(double lo, double hi);

/// A whole number (decimal digits, optional '-') in [lo, hi].
CLI::Validator whole_range(long long lo, long long hi);

/// One of `names`; `what` names the kind in the message ("architecture").
CLI::Validator one_of(const std::vector<std::string>& names, const std::string& what);

/// An unsigned 64-bit seed: decimal digits only, no sign, no overflow.
CLI::Option* add_seed_option(CLI::App* cmd, std::uint64_t& seed, const std::string& help);

}  // namespace scapredict::cli

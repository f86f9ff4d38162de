#include "flags.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/text.hpp"

namespace scapredict::cli {

CLI::Validator finite_range(double lo, double hi) {
  const std::string range =
      "[" + CLI::detail::to_string(lo) + ", " + CLI::detail::to_string(hi) + "]";
  return CLI::Validator(
      [lo, hi, range](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v < lo || v > hi)
          return "value " + quote_field(s) + " is not a finite number in " + range;
        return {};
      },
      "NUMBER in " + range);
}

CLI::Option* add_seed_option(CLI::App* cmd, std::uint64_t& seed, const std::string& help) {
  return cmd
      ->add_option_function<std::string>(
          "--seed",
          [&seed](const std::string& s) {
            std::uint64_t v = 0;
            const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (s.empty() || ec != std::errc() || p != s.data() + s.size())
              throw CLI::ValidationError("--seed", "value " + quote_field(s) +
                                                       " is not a whole number from 0 to "
                                                       "18446744073709551615");
            seed = v;
          },
          help)
      ->default_str(std::to_string(seed));
}

}  // namespace scapredict::cli

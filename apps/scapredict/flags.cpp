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

CLI::Validator whole_range(long long lo, long long hi) {
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  return CLI::Validator(
      [lo, hi, range](std::string& s) -> std::string {
        long long v = 0;
        const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || p != s.data() + s.size() ||
            (ec != std::errc() && ec != std::errc::result_out_of_range))
          return "value " + quote_field(s) + " is not a whole number";
        if (ec != std::errc() || v < lo || v > hi)
          return "value " + quote_field(s) + " not in range " + range;
        return {};
      },
      "INTEGER in " + range);
}

CLI::Validator one_of(const std::vector<std::string>& names, const std::string& what) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return CLI::Validator(
      [names, list, what](std::string& s) -> std::string {
        for (const auto& n : names)
          if (s == n) return {};
        return "value " + quote_field(s) + " not in the known " + what + "s (" + list + ")";
      },
      "one of " + list);
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

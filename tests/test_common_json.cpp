// Integers read from files' JSON (common/json_number.hpp): taken only when they are integers
// that fit, never cast from a float and never wrapped.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "common/json_number.hpp"

namespace scapredict {
namespace {

TEST(JsonInteger, TakesIntegersThatFitAndRefusesEverythingElse) {
  EXPECT_EQ(json_integer<int>(nlohmann::json::parse("42")), 42);
  EXPECT_EQ(json_integer<int>(nlohmann::json::parse("-7")), -7);
  EXPECT_EQ(json_integer<int>(nlohmann::json::parse("2147483647")),
            std::numeric_limits<int>::max());
  EXPECT_EQ(json_integer<std::uint64_t>(nlohmann::json::parse("18446744073709551615")),
            std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(json_integer<std::size_t>(nlohmann::json::parse(R"({"n":3})"), "n"), 3u);
  for (const char* bad : {"1e300", "-1e300", "2.5", "1.0", "2147483648", "-2147483649", "\"3\"",
                          "null", "true", "[1]", "{}"}) {
    EXPECT_THROW(json_integer<int>(nlohmann::json::parse(bad)), nlohmann::json::type_error) << bad;
  }
  // Negative numbers are not wrapped into unsigned types.
  EXPECT_THROW(json_integer<std::size_t>(nlohmann::json::parse("-1")), nlohmann::json::type_error);
  EXPECT_THROW(json_integer<std::uint64_t>(nlohmann::json::parse("-1")),
               nlohmann::json::type_error);
  // A missing key is nlohmann's out_of_range, like j.at(key).
  EXPECT_THROW(json_integer<int>(nlohmann::json::parse("{}"), "n"), nlohmann::json::out_of_range);
}

}  // namespace
}  // namespace scapredict

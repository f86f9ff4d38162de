#pragma once
// Integers read from JSON that came from a file: never cast from a float, never wrapped.
#include <cstdint>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace scapredict {

/// The value of `v` when it is a JSON integer that `Int` can hold. Anything else (text, a
/// float such as 2.5 or 1e300, a negative number for an unsigned type, a number past `Int`'s
/// range) throws nlohmann::json::type_error, so callers that already catch the library's
/// exceptions need nothing more. nlohmann's own get<int>() casts a float with static_cast,
/// which is undefined behaviour when the float is out of range.
template <class Int>
Int json_integer(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (std::in_range<Int>(u)) return static_cast<Int>(u);
  } else if (v.is_number_integer()) {
    const auto s = v.get<std::int64_t>();
    if (std::in_range<Int>(s)) return static_cast<Int>(s);
  }
  throw nlohmann::json::type_error::create(
      302, "expected an integer in range, found " + v.dump().substr(0, 40), &v);
}

/// json_integer of `j.at(key)`.
template <class Int>
Int json_integer(const nlohmann::json& j, const char* key) {
  return json_integer<Int>(j.at(key));
}

}  // namespace scapredict

#pragma once
// Text that came from a file or a user, made safe to print and to store.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace scapredict {

/// `text` for one line of a terminal or a log: valid UTF-8 is kept, control characters and
/// invalid bytes become \xNN, and anything past `max_bytes` is cut with "...(N more bytes)".
std::string printable(std::string_view text, std::size_t max_bytes = 400);

/// A field quoted for an error message: 'printable(field, 80)'.
std::string quote_field(std::string_view field);

/// A CSV field (RFC 4180): as it is, or in double quotes with quotes doubled when it holds a
/// comma, a quote or a line break.
std::string csv_field(const std::string& s);

/// An error message as one line: each ': '-separated part cut to 240 printable bytes on its own,
/// so that a long path cannot hide the problem.
std::string error_line(const std::string& message);

/// `j` as JSON text; strings holding invalid UTF-8 get U+FFFD for the bad bytes instead of
/// failing. Every JSON scapredict writes goes through this.
std::string json_text(const nlohmann::json& j, int indent = 1);

}  // namespace scapredict

#pragma once
#include <stdexcept>
#include <string>

namespace scapredict {

/// Base of every exception scapredict throws for bad input or an impossible request.
/// The message is one line naming the file (or the thing) and the problem; the command-line
/// tool prints it as `scapredict: <message>` and exits with code 2.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace scapredict

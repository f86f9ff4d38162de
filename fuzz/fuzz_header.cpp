// Fuzzes the WFDB header parser: any input either parses or throws IoError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto h = scapredict::io::parse_header(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.hea");
    // What parses must format and parse again.
    (void)scapredict::io::parse_header(scapredict::io::format_header(h), "again.hea");
  } catch (const scapredict::io::IoError&) {
  }
  return 0;
}

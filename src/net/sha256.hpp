#pragma once
// SHA-256 through OpenSSL's libcrypto (EVP), for checking downloads against SHA256SUMS.txt.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace scapredict::net {

/// An incremental SHA-256. Throws NetError when libcrypto fails (out of memory).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const std::uint8_t> bytes);
  void update(std::string_view text);
  /// The digest as 64 lower-case hex digits; the object is finished afterwards.
  std::string hex_digest();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

/// SHA-256 of `text`, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view text);

/// SHA-256 of a file's contents, read in blocks. Throws NetError "<path>: cannot read" when
/// the file cannot be opened or read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace scapredict::net

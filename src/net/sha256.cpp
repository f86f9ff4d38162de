#include "net/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "net/manifest.hpp"

namespace scapredict::net {

struct Sha256::Ctx {
  EVP_MD_CTX* md = nullptr;
  bool finished = false;
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (ctx_->md == nullptr || EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx_->md);
    throw NetError("SHA-256: libcrypto could not start a digest");
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_->md);
}

void Sha256::update(std::span<const std::uint8_t> bytes) {
  if (ctx_->finished) throw NetError("SHA-256: update after hex_digest");
  if (!bytes.empty() && EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size()) != 1) {
    throw NetError("SHA-256: libcrypto digest update failed");
  }
}

void Sha256::update(std::string_view text) {
  update(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string Sha256::hex_digest() {
  if (ctx_->finished) throw NetError("SHA-256: hex_digest called twice");
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx_->md, md.data(), &n) != 1 || n != 32) {
    throw NetError("SHA-256: libcrypto digest failed");
  }
  ctx_->finished = true;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 15];
  }
  return hex;
}

std::string sha256_hex(std::string_view text) {
  Sha256 h;
  h.update(text);
  return h.hex_digest();
}

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NetError(path.string() + ": cannot read (" + std::strerror(errno) + ")");
  Sha256 h;
  std::array<char, 1 << 16> buf{};
  while (in) {
    in.read(buf.data(), buf.size());
    const auto got = in.gcount();
    if (got > 0) h.update(std::string_view(buf.data(), static_cast<std::size_t>(got)));
  }
  if (in.bad()) throw NetError(path.string() + ": read error");
  return h.hex_digest();
}

}  // namespace scapredict::net

#include "engine/model_file.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/atomic_file.hpp"
#include "common/text.hpp"

namespace scapredict::engine {

static_assert(std::endian::native == std::endian::little,
              "the engine tensors are little-endian fp32");

namespace {

constexpr std::int64_t kMaxTensorDim = 1 << 20;
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(const std::vector<float>& v) {
  std::string bytes(v.size() * sizeof(float), '\0');
  if (!v.empty()) std::memcpy(bytes.data(), v.data(), bytes.size());
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::uint32_t a = static_cast<unsigned char>(bytes[i]);
    const std::uint32_t b = i + 1 < bytes.size() ? static_cast<unsigned char>(bytes[i + 1]) : 0;
    const std::uint32_t c = i + 2 < bytes.size() ? static_cast<unsigned char>(bytes[i + 2]) : 0;
    const std::uint32_t t = (a << 16) | (b << 8) | c;
    out += kB64[(t >> 18) & 63];
    out += kB64[(t >> 12) & 63];
    out += i + 1 < bytes.size() ? kB64[(t >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kB64[t & 63] : '=';
  }
  return out;
}

std::vector<float> unbase64(const std::string& s, const std::string& what) {
  if (s.size() % 4 != 0) throw ModelError(what + ": base64 length is not a multiple of 4");
  int table[256];
  std::fill(std::begin(table), std::end(table), -1);
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kB64[i])] = i;
  std::string bytes;
  bytes.reserve(s.size() / 4 * 3);
  for (std::size_t i = 0; i < s.size(); i += 4) {
    std::uint32_t t = 0;
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char ch = s[i + static_cast<std::size_t>(k)];
      if (ch == '=' && i + 4 == s.size() && k >= 2) {
        ++pad;
        t <<= 6;
        continue;
      }
      const int v = table[static_cast<unsigned char>(ch)];
      if (v < 0 || pad > 0) throw ModelError(what + ": not base64");
      t = (t << 6) | static_cast<std::uint32_t>(v);
    }
    bytes += static_cast<char>((t >> 16) & 255);
    if (pad < 2) bytes += static_cast<char>((t >> 8) & 255);
    if (pad < 1) bytes += static_cast<char>(t & 255);
  }
  if (bytes.size() % sizeof(float) != 0) throw ModelError(what + ": not a whole number of fp32");
  std::vector<float> v(bytes.size() / sizeof(float));
  if (!v.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());
  return v;
}

constexpr std::string_view kMagic = "SCAPREDICT-MODEL\n";

std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) {
  for (char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

// Reads "<decimal>\n" at `pos`; advances past it.
std::size_t read_length(std::string_view bytes, std::size_t& pos, std::size_t max,
                        const std::string& source, const char* what) {
  const auto nl = bytes.find('\n', pos);
  std::size_t v = 0;
  const char* b = bytes.data() + pos;
  const char* e = nl == std::string_view::npos ? nullptr : bytes.data() + nl;
  const auto [p, ec] =
      e ? std::from_chars(b, e, v) : std::from_chars_result{b, std::errc::invalid_argument};
  if (!e || nl == pos || ec != std::errc() || p != e || v > max)
    throw ModelError(source + ": corrupt model file (" + what + " length)");
  pos = nl + 1;
  return v;
}

}  // namespace

std::string model_checksum(std::string_view weights, const nlohmann::json& features,
                           const nlohmann::json& normalisation, const nlohmann::json* engine) {
  std::uint64_t h = 1469598103934665603ull;
  h = fnv1a(h, weights);
  h = fnv1a(h, json_text(features, -1));
  h = fnv1a(h, json_text(normalisation, -1));
  if (engine) h = fnv1a(h, json_text(*engine, -1));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string encode_model_file(nlohmann::json header, std::string_view weights) {
  header["format"] = "scapredict-model";
  header["format_version"] = kModelFormatVersion;
  header["checksum_fnv1a64"] =
      model_checksum(weights, header.at("features"), header.at("normalisation"),
                     header.contains("engine") ? &header.at("engine") : nullptr);
  const std::string head = json_text(header, -1);
  std::string out(kMagic);
  out += std::to_string(head.size()) + "\n" + head + "\n" + std::to_string(weights.size()) + "\n";
  out.append(weights);
  return out;
}

ModelFile decode_model_file(std::string_view bytes, const std::string& source) {
  auto bad = [&](const std::string& why) { return ModelError(source + ": " + why); };
  if (bytes.substr(0, kMagic.size()) != kMagic) throw bad("not a scapredict model file");
  std::size_t pos = kMagic.size();
  const std::size_t hlen = read_length(bytes, pos, kMaxModelHeaderBytes, source, "header");
  if (hlen > bytes.size() - pos || bytes.size() - pos - hlen < 1 || bytes[pos + hlen] != '\n')
    throw bad("corrupt model file (truncated header)");
  ModelFile f;
  // Nesting is bounded: the writer (a recursive serializer) must never run out of stack.
  constexpr int kMaxDepth = 64;
  struct TooDeep {};
  try {
    f.header = nlohmann::json::parse(bytes.substr(pos, hlen),
                                     [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
                                       if (depth > kMaxDepth) throw TooDeep{};
                                       return true;
                                     });
  } catch (const nlohmann::json::exception&) {
    throw bad("corrupt model file (header is not JSON)");
  } catch (const TooDeep&) {
    throw bad("corrupt model file (header nested deeper than " + std::to_string(kMaxDepth) + ")");
  }
  const auto format = f.header.is_object() ? f.header.find("format") : f.header.end();
  if (!f.header.is_object() || format == f.header.end() || !format->is_string() ||
      format->get<std::string>() != "scapredict-model")
    throw bad("not a scapredict model file");
  const auto version = f.header.find("format_version");
  if (version == f.header.end() || !version->is_number_integer() ||
      version->get<std::int64_t>() != kModelFormatVersion)
    throw bad("model file format version " +
              (version == f.header.end()      ? std::string("missing")
               : version->is_number_integer() ? std::to_string(version->get<std::int64_t>())
                                              : quote_field(json_text(*version, -1))) +
              ", this scapredict reads version " + std::to_string(kModelFormatVersion) +
              " (train the model again)");
  pos += hlen + 1;
  const std::size_t wlen = read_length(bytes, pos, kMaxModelWeightBytes, source, "weights");
  if (wlen != bytes.size() - pos) throw bad("corrupt model file (weights truncated or padded)");
  f.weights = std::string(bytes.substr(pos));
  if (!f.header.contains("features") || !f.header.contains("normalisation") ||
      !f.header["checksum_fnv1a64"].is_string())
    throw bad("corrupt model file (no features, normalisation or checksum)");
  const auto sum = model_checksum(f.weights, f.header["features"], f.header["normalisation"],
                                  f.header.contains("engine") ? &f.header["engine"] : nullptr);
  if (sum != f.header["checksum_fnv1a64"].get<std::string>())
    throw bad("corrupt model file (checksum " + sum + " does not match the header's " +
              quote_field(f.header["checksum_fnv1a64"].get<std::string>()) + ")");
  return f;
}

nlohmann::json encode_engine_tensors(const std::vector<EngineTensor>& tensors) {
  nlohmann::json t = nlohmann::json::object();
  for (const auto& x : tensors)
    t[x.name] = {{"shape", x.shape}, {"f32le_base64", base64(x.values)}};
  return {{"layout", "docs/engine.md"}, {"tensors", t}};
}

std::vector<EngineTensor> decode_engine_tensors(const nlohmann::json& engine,
                                                const std::string& source) {
  std::vector<EngineTensor> out;
  try {
    for (const auto& [name, v] : engine.at("tensors").items()) {
      EngineTensor t;
      t.name = name;
      for (const auto& d : v.at("shape"))
        if (!d.is_number_integer())
          throw ModelError(source + ": engine tensor " + printable(name, 60) + " has a bad shape");
      t.shape = v.at("shape").get<std::vector<std::int64_t>>();
      std::int64_t n = 1;
      for (auto d : t.shape) {
        if (d < 1 || d > std::int64_t(kMaxTensorDim))
          throw ModelError(source + ": engine tensor " + printable(name, 60) + " has a bad shape");
        n *= d;
        if (n > std::int64_t(64) << 20)
          throw ModelError(source + ": engine tensor " + printable(name, 60) + " is too large");
      }
      t.values = unbase64(v.at("f32le_base64").get<std::string>(),
                          source + ": engine tensor " + printable(name, 60));
      if (static_cast<std::int64_t>(t.values.size()) != n)
        throw ModelError(source + ": engine tensor " + printable(name, 60) +
                         " does not match its shape");
      for (float f : t.values)
        if (!std::isfinite(f))
          throw ModelError(source + ": engine weights hold NaN or infinite values");
      out.push_back(std::move(t));
    }
  } catch (const nlohmann::json::exception&) {
    throw ModelError(source + ": corrupt engine section");
  }
  return out;
}

ModelFile read_model_file(const std::filesystem::path& path) {
  // A device, a pipe or a file larger than any model would be read without end.
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw ModelError(path.string() + ": cannot open model file");
  if (!fs::is_regular_file(path, ec))
    throw ModelError(path.string() + ": not a regular file (a model file)");
  const auto size = fs::file_size(path, ec);
  if (ec || size > kMaxModelHeaderBytes + kMaxModelWeightBytes + 64)
    throw ModelError(path.string() + ": larger than any model file (" + std::to_string(size) +
                     " bytes)");
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const Error&) {
    throw ModelError(path.string() + ": cannot open model file");
  }
  return decode_model_file(bytes, path.string());
}

}  // namespace scapredict::engine

#include "model/model_file.hpp"

#include <charconv>
#include <cstdio>

#include "common/text.hpp"

namespace scapredict::model {

namespace {

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
                           const nlohmann::json& normalisation) {
  std::uint64_t h = 1469598103934665603ull;
  h = fnv1a(h, weights);
  h = fnv1a(h, json_text(features, -1));
  h = fnv1a(h, json_text(normalisation, -1));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string encode_model_file(nlohmann::json header, std::string_view weights) {
  header["format"] = "scapredict-model";
  header["format_version"] = kModelFormatVersion;
  header["checksum_fnv1a64"] =
      model_checksum(weights, header.at("features"), header.at("normalisation"));
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
  const auto sum = model_checksum(f.weights, f.header["features"], f.header["normalisation"]);
  if (sum != f.header["checksum_fnv1a64"].get<std::string>())
    throw bad("corrupt model file (checksum " + sum + " does not match the header's " +
              quote_field(f.header["checksum_fnv1a64"].get<std::string>()) + ")");
  return f;
}

}  // namespace scapredict::model

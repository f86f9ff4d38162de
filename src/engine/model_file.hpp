#pragma once
// The model file container, without LibTorch (so that it can be fuzzed on its own):
//
//   SCAPREDICT-MODEL\n
//   <header length>\n<header: one line of JSON>\n
//   <weights length>\n<weights: a LibTorch archive>
//
// The header carries "checksum_fnv1a64": FNV-1a (64 bit) over the weights bytes, the features
// object, the normalisation object and, when the header has one, the engine object (the
// network's tensors for the LibTorch-free engine, docs/engine.md), each as compact JSON, in that
// order, as 16 hex digits.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace scapredict::engine {

class ModelError : public Error {
 public:
  using Error::Error;
};

/// The file format version written into every model file (2: with a checksum).
inline constexpr int kModelFormatVersion = 2;

/// Largest header and weights a model file may hold (the paper's CNN needs about 0.5 MB).
inline constexpr std::size_t kMaxModelHeaderBytes = 64u << 20;
inline constexpr std::size_t kMaxModelWeightBytes = 512u << 20;

struct ModelFile {
  nlohmann::json header;
  std::string weights;
};

/// The checksum over weights, features, normalisation and (when given) the engine object, as 16
/// lower-case hex digits.
std::string model_checksum(std::string_view weights, const nlohmann::json& features,
                           const nlohmann::json& normalisation,
                           const nlohmann::json* engine = nullptr);

/// The bytes of a model file; `header` must hold "features" and "normalisation"; the checksum
/// and the format fields are added here.
std::string encode_model_file(nlohmann::json header, std::string_view weights);

/// Parses and checks a model file's bytes: magic, lengths, JSON header, format and version, the
/// checksum. Throws ModelError "<source>: <problem>" for anything else.
ModelFile decode_model_file(std::string_view bytes, const std::string& source);

/// Reads and decodes a model file. Throws ModelError "<path>: cannot open model file", "not a
/// regular file" (a directory, a pipe, a device), "larger than any model file", or what
/// decode_model_file throws.
ModelFile read_model_file(const std::filesystem::path& path);

/// One float tensor of a network, for the engine section of a model file.
struct EngineTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  std::vector<float> values;
};
/// The "engine" object: every tensor as little-endian fp32 in base64 with its shape
/// (docs/engine.md).
nlohmann::json encode_engine_tensors(const std::vector<EngineTensor>& tensors);
/// Throws ModelError naming `source` for a malformed object, bad base64, a shape that does not
/// match the values, a tensor over 64 Mi values, or a NaN or infinite value.
std::vector<EngineTensor> decode_engine_tensors(const nlohmann::json& engine,
                                                const std::string& source);

}  // namespace scapredict::engine

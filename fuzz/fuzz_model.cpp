// Fuzzes the model file container (src/model/model_file.cpp, LibTorch-free): any input either
// decodes or throws scapredict::Error; anything else escaping (std::out_of_range, a nlohmann
// exception, ...) is a bug and crashes the target. What decodes must encode and decode again to
// the same header and weights.
//
// The lengths and the checksum guard the JSON header: a plain byte mutation almost always breaks
// them, so the fuzzer would only ever see "truncated" and "checksum" errors. A custom mutator
// therefore mutates, most of the time, the header or the weights alone (the header either as
// bytes or as JSON: one value anywhere replaced by a value of any type, or one of the fields the
// decoder reads set to one) and frames them again with right lengths, half of those times with the
// right checksum as well. Inputs stay plain model files (a crash file is a model file).
//
// SCAPREDICT_FUZZ_WRITE_SEEDS=DIR fuzz_model writes hand-made valid and near-valid model files
// into DIR and exits (scripts/run-fuzzers seeds the corpus this way).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "engine/model_file.hpp"

// libFuzzer's own mutations, for the custom mutator below.
extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace {

using scapredict::engine::decode_model_file;
using scapredict::engine::encode_model_file;

// A header like the one Classifier::save writes, with `bins` spectrum values.
nlohmann::json classifier_header(int bins) {
  std::vector<double> mean(static_cast<std::size_t>(bins), 0.25);
  std::vector<double> sd(static_cast<std::size_t>(bins), 1.5);
  return {{"scapredict_version", "0.2.0"},
          {"arch", "cnn1d"},
          {"features", {{"input", "dft"}, {"bins", bins}, {"dwt_levels", 5}, {"band_hz", nullptr}}},
          {"train",
           {{"epochs", 1},
            {"batch_size", 32},
            {"learning_rate", 0.001},
            {"weight_decay", 0.0},
            {"seed", 1}}},
          {"input_length", bins},
          {"normalisation", {{"mean", mean}, {"sd", sd}}},
          {"training_distance_q99", 3.5},
          {"metadata", nlohmann::json::object()}};
}

// A container with the given header text and weights, lengths as written (no checksum added).
std::string container(std::string_view head, std::string_view weights) {
  std::string out = "SCAPREDICT-MODEL\n";
  out += std::to_string(head.size()) + "\n";
  out += head;
  out += "\n" + std::to_string(weights.size()) + "\n";
  out += weights;
  return out;
}

void write_seeds(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  int n = 0;
  auto put = [&](const std::string& bytes) {
    std::ofstream(dir / ("model-seed-" + std::to_string(n++)), std::ios::binary) << bytes;
  };
  static const char kWeights[] = "PK\x03\x04 archive/data.pkl \x80\x02}q\x00.";
  const std::string weights(kWeights, sizeof kWeights - 1);
  // Valid files: a realistic header, a minimal header, empty weights.
  const std::string good = encode_model_file(classifier_header(8), weights);
  put(good);
  put(encode_model_file({{"features", {{"bins", 2}}}, {"normalisation", {1, 2}}}, "w"));
  // Files the engine builds from: a 16-value CNN and MLP with every engine tensor.
  for (const char* arch : {"cnn1d", "mlp"}) {
    auto h = classifier_header(16);
    h["arch"] = arch;
    std::vector<scapredict::engine::EngineTensor> t;
    auto add = [&](const std::string& name, std::vector<std::int64_t> shape) {
      std::int64_t n = 1;
      for (auto d : shape) n *= d;
      std::vector<float> v(static_cast<std::size_t>(n));
      for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.01f * static_cast<float>(i % 7) - 0.02f;
      t.push_back({name, std::move(shape), std::move(v)});
    };
    if (std::string(arch) == "cnn1d") {
      add("conv.weight", {16, 1, 8});
      for (const char* b : {"conv.bias", "bn.weight", "bn.bias", "bn.running_mean"}) add(b, {16});
      add("bn.running_var", {16});
      add("fc1.weight", {40, 16});
      add("fc1.bias", {40});
      add("fc2.weight", {2, 40});
      add("fc2.bias", {2});
    } else {
      add("fc1.weight", {64, 16});
      add("fc1.bias", {64});
      add("fc2.weight", {40, 64});
      add("fc2.bias", {40});
      add("fc3.weight", {2, 40});
      add("fc3.bias", {2});
    }
    for (auto& x : t)
      if (x.name == "bn.running_var")
        for (auto& v : x.values) v = 1.0f;
    h["engine"] = scapredict::engine::encode_engine_tensors(t);
    put(encode_model_file(h, weights));
  }
  put(encode_model_file({{"features", nullptr}, {"normalisation", nullptr}}, ""));
  put(encode_model_file({{"features", "\xc3\xa9"}, {"normalisation", {{"a", {1.5, -2e300}}}}},
                        std::string("\0\n\xff", 3)));
  // Near-valid files: each breaks one rule.
  std::string bad_sum = good;
  bad_sum.back() ^= 1;
  put(bad_sum);                                            // weights do not match the checksum
  put(good.substr(0, good.size() - 3));                    // weights truncated
  put(good + "pad");                                       // weights padded
  put(good.substr(0, 40));                                 // header truncated
  put("SCAPREDICT-MODEL\n");                               // magic only
  put("SCAPREDICT-MODEL\n99999999999999999999\n{}\n0\n");  // length overflows
  put(container("not json", ""));
  put(container("[1,2,3]", ""));
  put(container(R"({"format":"scapredict-model","format_version":1})", ""));
  put(container(R"({"format":"scapredict-model","format_version":2})", "w"));
  put(container(R"({"format":"scapredict-model","format_version":2,"features":{},)"
                R"("normalisation":{},"checksum_fnv1a64":"0000000000000000"})",
                "w"));
  nlohmann::json h = classifier_header(2);
  h["format"] = "scapredict-model";
  h["format_version"] = 2;
  h["checksum_fnv1a64"] = "0123456789abcdef";
  put(container(h.dump(), weights));
}

// Reads "<decimal>\n" at `pos` leniently (no limits); advances past it.
bool lenient_length(std::string_view in, std::size_t& pos, std::size_t& value) {
  const auto nl = in.find('\n', pos);
  if (nl == std::string_view::npos || nl == pos || nl - pos > 12) return false;
  value = 0;
  for (std::size_t i = pos; i < nl; ++i) {
    if (in[i] < '0' || in[i] > '9') return false;
    value = value * 10 + static_cast<std::size_t>(in[i] - '0');
  }
  pos = nl + 1;
  return true;
}

// Splits a container into header text and weights, trusting its lengths only as far as the bytes
// go. False when it has no magic or no header length.
bool split(std::string_view in, std::string& head, std::string& weights) {
  constexpr std::string_view kMagic = "SCAPREDICT-MODEL\n";
  if (in.substr(0, kMagic.size()) != kMagic) return false;
  std::size_t pos = kMagic.size(), hlen = 0, wlen = 0;
  if (!lenient_length(in, pos, hlen)) return false;
  head = std::string(in.substr(pos, hlen));
  pos = std::min(in.size(), pos + head.size() + 1);
  (void)lenient_length(in, pos, wlen);  // the weights are the rest, whatever their length says
  weights = std::string(in.substr(pos));
  return true;
}

// Mutates `part` in place with libFuzzer's own mutations, to at most `max_size` bytes (or its
// own size, when that is larger).
void mutate(std::string& part, std::size_t max_size) {
  std::vector<std::uint8_t> buf(part.begin(), part.end());
  buf.resize(std::max<std::size_t>({max_size, part.size(), 1}));
  const auto n = LLVMFuzzerMutate(buf.data(), part.size(), buf.size());
  part.assign(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
}

// The header with the checksum over `weights` filled in, when it is a JSON object that holds the
// checksummed fields; else the header unchanged.
std::string with_checksum(const std::string& head, std::string_view weights) {
  try {
    auto j = nlohmann::json::parse(head);
    if (!j.is_object() || !j.contains("features") || !j.contains("normalisation")) return head;
    j["checksum_fnv1a64"] =
        scapredict::engine::model_checksum(weights, j["features"], j["normalisation"]);
    return j.dump();
  } catch (const nlohmann::json::exception&) {
    return head;
  }
}

// Replaces one value of the JSON header, at any depth, by a value of any JSON type, or sets one
// of the fields the decoder reads in an object. False when the header is not JSON.
bool mutate_json(std::string& head, std::minstd_rand& rng) {
  static const auto kValues = nlohmann::json::parse(
      R"([null, true, false, 0, -1, 2, 2.5, 1e300, -1e300, 18446744073709551615,
          -9223372036854775808, "", "scapredict-model", "0123456789abcdef", [], {}, [1, 2],
          {"a": 1}, {"mean": [0.5], "sd": [1.0]}])");
  static const char* const kFields[] = {"format", "format_version", "checksum_fnv1a64", "features",
                                        "normalisation"};
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(head);
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  std::vector<nlohmann::json*> nodes{&j};
  for (std::size_t i = 0; i < nodes.size() && nodes.size() < 4096; ++i) {
    if (nodes[i]->is_structured())
      for (auto& child : *nodes[i]) nodes.push_back(&child);
  }
  nlohmann::json& node = *nodes[rng() % nodes.size()];
  const auto& value = kValues[rng() % kValues.size()];
  if (node.is_object() && rng() % 2 == 0)
    node[kFields[rng() % std::size(kFields)]] = value;
  else
    node = value;
  head = j.dump();
  return true;
}

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
  std::minstd_rand rng(seed);
  std::string head, weights;
  const auto choice = rng() % 10;
  if (choice < 2 ||
      !split(std::string_view(reinterpret_cast<const char*>(data), size), head, weights))
    return LLVMFuzzerMutate(data, size, max_size);
  if (choice < 4)
    mutate(weights, max_size / 2);
  else if (choice >= 7 || !mutate_json(head, rng))
    mutate(head, max_size / 2);
  if (rng() % 2 == 0) head = with_checksum(head, weights);
  const std::string out = container(head, weights);
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::copy(out.begin(), out.end(), data);
  return out.size();
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("SCAPREDICT_FUZZ_WRITE_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  scapredict::engine::ModelFile file;
  try {
    file = decode_model_file(bytes, "fuzz.spm");
  } catch (const scapredict::Error&) {
    return 0;
  }
  // Outside the try: a decoded file that does not encode and decode again is a bug.
  const auto again = decode_model_file(encode_model_file(file.header, file.weights), "again.spm");
  if (again.header != file.header || again.weights != file.weights) {
    std::fprintf(stderr, "fuzz_model: encode/decode round trip changed the file\n");
    std::abort();
  }
  // The LibTorch-free engine reads the same header: it builds or throws scapredict::Error.
  try {
    const auto engine = scapredict::engine::Engine::from_header(file.header, "fuzz.spm");
    std::vector<float> x(engine.input_length(), 0.5f);
    const double p = engine.score(x);
    if (!(p >= 0 && p <= 1)) {
      std::fprintf(stderr, "fuzz_model: engine score outside [0, 1]\n");
      std::abort();
    }
  } catch (const scapredict::Error&) {
  }
  return 0;
}

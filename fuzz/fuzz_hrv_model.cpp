// Fuzzes the HRV model file's parser (src/engine/hrv_model.cpp): any text either parses or throws
// ModelError. What parses scores any finite feature vector of its length to a probability in
// [0, 1] and a finite distance >= 0.
//
// SCAPREDICT_FUZZ_WRITE_SEEDS=DIR fuzz_hrv_model writes the default model and a two-feature
// model into DIR and exits (scripts/run-fuzzers seeds the corpus this way).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hrv_model.hpp"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_hrv_model: %s\n", what);
    std::abort();
  }
}

void write_seeds(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "default.json") << scapredict::engine::default_hrv_model_text();
  std::ofstream(dir / "tiny.json")
      << R"({"format":"scapredict-hrv-model","format_version":1,"meaning":"m","features":["a","b"],)"
         R"("window_s":300,"standardisation":{"mean":[1,2],"sd":[2,4]},"svm":{"gamma":0.5,)"
         R"("b":0.25,"alpha":[1.5,-0.75],"basis":[[0,0],[1,-1]],"platt_alpha":-2,)"
         R"("platt_beta":0.1},"training_distance_q99":3,"provenance":{}})";
}

struct SeedWriter {
  SeedWriter() {
    if (const char* dir = std::getenv("SCAPREDICT_FUZZ_WRITE_SEEDS")) {
      write_seeds(dir);
      std::exit(0);
    }
  }
} seed_writer;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto m = scapredict::engine::HrvModel::parse(text, "fuzz");
    std::vector<double> x(m.feature_names().size());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i % 7) - 3.0;
    const double p = m.probability(x);
    check(p >= 0 && p <= 1, "probability outside [0, 1]");
    const double d = m.distance(x);
    check(std::isfinite(d) && d >= 0, "distance not finite and >= 0");
  } catch (const scapredict::engine::ModelError&) {
  }
  return 0;
}

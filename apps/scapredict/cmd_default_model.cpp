// train --beats DIR: the default model from real SDDB/NSRDB beat annotations
// (docs/default-model.md); `make model` runs it into models/default-hrv.json.
#include <iostream>

#include "commands.hpp"
#include "common/atomic_file.hpp"
#include "data/beat_cohort.hpp"
#include "eval/real/default_model.hpp"
#include "stderr_progress.hpp"

namespace scapredict::cli {

void train_default_model(const std::string& dir, const std::string& out) {
  const auto cohort = data::load_beat_cohort(dir);
  std::cerr << "train: " << cohort.cohort.source.description << "\n";
  for (const auto& d : cohort.dropped)
    std::cerr << "train: not in the training data: " << d << "\n";
  write_file_atomic(out, eval::build_default_hrv_model(cohort, stderr_progress()));
  std::cout << "Data: " << cohort.cohort.source.description << "\nmodel written to " << out << "\n";
}

}  // namespace scapredict::cli

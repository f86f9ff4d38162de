// The commands on real SDDB/NSRDB beat annotations: train --beats DIR, the default model
// (docs/default-model.md; `make model` runs it into models/default-hrv.json), and reproduce
// --beats DIR, the real-data study (REAL_REPORT.md).
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "common/atomic_file.hpp"
#include "common/workers.hpp"
#include "data/beat_cohort.hpp"
#include "eval/real/default_model.hpp"
#include "eval/real/real_study.hpp"
#include "report/real_report.hpp"
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

// reproduce --beats: the study on real SDDB/NSRDB beat annotations (REAL_REPORT.md).
void run_real_beats(const std::string& dir, const RunConfig& run, bool repetitions_given,
                    const std::string& out) {
  if (out.empty()) throw CLI::ValidationError("--out", "required");
  check_output_dir(out);
  const auto cohort = data::load_beat_cohort(dir);
  const auto cfg =
      eval::real_study_config(cohort, dir, run.seed, repetitions_given ? run.repetitions : 0);
  // The output directory is made (and its writability proven) before the long run; it is
  // removed again when the run fails and it was not there before.
  const bool existed = std::filesystem::exists(out);
  create_output_dir(out);
  try {
    check_writable(std::filesystem::path(out) / "REAL_REPORT.md");
  } catch (...) {
    std::error_code ec;
    if (!existed) std::filesystem::remove(out, ec);
    throw;
  }
  std::cerr << "reproduce: " << cohort.cohort.source.description << "\n";
  for (const auto& d : cohort.dropped) std::cerr << "reproduce: not in the study: " << d << "\n";
  // The real-ECG experiment runs where the folder holds VFDB's records (../shared/physionet does).
  eval::RealStudyOptions parts;
  std::error_code ec;
  if (std::filesystem::is_directory(std::filesystem::path(dir) / "vfdb", ec)) parts.ecg_dir = dir;
  parts.real_rhythm = true;
  parts.alarms = true;
  if (repetitions_given) parts.repetitions = run.repetitions;
  try {
    const auto study = eval::run_real_study(cohort, cfg, out, stderr_progress(), parts);
    if (workers().root()) report::write_real_report(study, out);  // one process writes
  } catch (...) {
    if (!existed) std::filesystem::remove(out, ec);  // only when still empty
    throw;
  }
  std::cout << cohort.cohort.source.description << "\nreport written to " << out
            << "/REAL_REPORT.md\n";
}

}  // namespace scapredict::cli

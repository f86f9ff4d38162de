#include "eval/real/real_study.hpp"

#include "common/error.hpp"
#include "eval/real/alarm_study.hpp"

namespace scapredict::eval {

BeatStudyConfig real_study_config(const data::BeatCohort& cohort, const std::string& dir,
                                  std::uint64_t seed, int repetitions) {
  auto cfg = eval::BeatStudyConfig::preregistered();
  cfg.run.seed = seed;
  if (repetitions > 0) cfg.run.repetitions = repetitions;
  // docs/real-beats-method.md: every SCD patient not training tests (4 of the 12 here).
  const int n_scd = static_cast<int>(cohort.cohort.scd.size());
  const int n_normal = static_cast<int>(cohort.cohort.normal.size());
  const auto& p = cfg.protocol;
  if (n_scd <= p.train_scd || n_normal < p.train_normal + p.test_normal) {
    throw Error(dir + ": the study needs at least " + std::to_string(p.train_scd + 1) +
                " SCD and " + std::to_string(p.train_normal + p.test_normal) +
                " normal records with usable beats; found " + std::to_string(n_scd) + " and " +
                std::to_string(n_normal));
  }
  cfg.protocol.test_scd = n_scd - cfg.protocol.train_scd;
  return cfg;
}

RealStudyResult run_real_study(const data::BeatCohort& cohort, const BeatStudyConfig& config,
                               const std::filesystem::path& work, const ProgressFn& progress,
                               const RealStudyOptions& options) {
  // One estimate for the whole study besides each part's own: parts done, time so far.
  const std::size_t parts =
      1 + (options.ecg_dir ? 2 : 0) + (options.real_rhythm ? 1 : 0) + (options.alarms ? 1 : 0);
  const ProgressTracker overall(progress, "reproduce --beats", "part", parts);
  std::size_t done = 0;
  auto finished = [&](const char* part) { overall.report(++done, part); };
  RealStudyResult r{run_beat_study(cohort, config, progress), {}, {}, {}, {}};
  finished("the beat study");
  if (options.ecg_dir) {
    RealEcgConfig ec;
    ec.seed = config.run.seed;
    r.imminence = run_real_ecg(*options.ecg_dir, ec, progress);
    finished("real ECG before VF/VT");
    PaperSetupConfig pc;
    pc.run.seed = config.run.seed;
    if (options.repetitions > 0) pc.run.repetitions = options.repetitions;
    r.paper_setup = run_real_ecg_paper_setup(*options.ecg_dir, pc, progress);
    finished("the paper's setup on real ECG");
  }
  if (options.real_rhythm) {
    auto rc = RealRhythmConfig::preregistered();
    rc.run.seed = config.run.seed;
    if (options.repetitions > 0) rc.run.repetitions = options.repetitions;
    rc.protocol.test_scd = config.protocol.test_scd;
    rc.work = work;
    r.rhythm = run_real_rhythm(cohort, rc, progress);
    finished("real rhythm through one recorder");
  }
  if (options.alarms) {
    r.alarms = run_beat_alarms(cohort, progress);
    finished("alarms over whole days");
  }
  return r;
}

}  // namespace scapredict::eval

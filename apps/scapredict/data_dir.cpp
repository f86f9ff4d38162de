#include "data_dir.hpp"

#include <iostream>
#include <sstream>

#include "common/workers.hpp"
#include "sim/simulate.hpp"
#include "stderr_progress.hpp"

namespace scapredict::cli {
namespace fs = std::filesystem;

void DataFlags::add(CLI::App* cmd) {
  cmd->add_option("--data", data,
                  "Directory with sddb/ and nsrdb/ (PhysioNet layout); default: data/physionet, "
                  "else simulated");
  cmd->add_option("--cache", cache, "Where the simulated cohort is cached");
  cmd->add_option("--onsets", onsets,
                  "CSV of VF onsets (record,H:MM:SS) for records without a vfon header comment");
}

namespace {

fs::path simulated_default(const fs::path& cache_dir) {
  sim::SimConfig cfg;
  std::ostringstream name;
  name << "simulated-seed" << cfg.seed << "-risk" << cfg.risk_effect << "-gap" << cfg.device_gap;
  cfg.out = cache_dir / name.str();
  // Under several processes (docs/mpi.md) the first one simulates and the others wait for it.
  on_root(workers(), [&] {
    if (fs::exists(cfg.out / "truth.json")) {
      std::cerr << "data: no --data and no data/physionet; using the SIMULATED cohort cached in "
                << cfg.out.string() << "\n";
    } else {
      std::cerr << "data: no --data and no data/physionet; generating a SIMULATED cohort in "
                << cfg.out.string() << "\n";
      cfg.threads = 2;
      cfg.progress = stderr_progress();
      sim::simulate(cfg);
    }
  });
  return cfg.out;
}

}  // namespace

data::Cohort load_data(const DataFlags& flags) {
  data::LoadOptions options;
  if (!flags.onsets.empty()) options.onsets_file = flags.onsets;
  if (!flags.data.empty()) return data::load_cohort(flags.data, options);
  if (fs::is_directory("data/physionet/sddb") && fs::is_directory("data/physionet/nsrdb")) {
    std::cerr << "data: using REAL PhysioNet data in data/physionet\n";
    return data::load_cohort("data/physionet", options);
  }
  return data::load_cohort(simulated_default(flags.cache));
}

}  // namespace scapredict::cli

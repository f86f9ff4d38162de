// simulate: SDDB- and NSRDB-like databases with known truth.
#include <algorithm>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "flags.hpp"
#include "sim/simulate.hpp"
#include "stderr_progress.hpp"

namespace scapredict::cli {

void add_sim_commands(CLI::App& app) {
  auto* cmd = app.add_subcommand("simulate",
                                 "Write simulated SDDB- and NSRDB-like databases (WFDB layout)");
  auto cfg = std::make_shared<sim::SimConfig>();
  auto out = std::make_shared<std::string>();
  auto compare = std::make_shared<std::string>();
  cmd->add_option("--out", *out, "Output directory (gets sddb/, nsrdb/, truth.json)");
  add_seed_option(cmd, cfg->seed, "Random seed");
  cmd->add_option("--risk-effect", cfg->risk_effect,
                  "Scale of the pre-onset risk physiology (0: none)")
      ->check(finite_range(0, 10));
  cmd->add_option("--device-gap", cfg->device_gap,
                  "Scale of the recorder differences (0: same device)")
      ->check(finite_range(0, 10));
  cmd->add_option("--hours-before-onset", cfg->hours_before_onset,
                  "Hours written before each VF onset")
      ->check(finite_range(0.02, 48));
  cmd->add_option("--hours-after", cfg->hours_after, "Hours written after each VF onset")
      ->check(finite_range(0, 48));
  cmd->add_option("--nsrdb-hours", cfg->nsrdb_hours, "Hours per NSRDB-like record")
      ->check(finite_range(0.02, 48));
  cmd->add_flag("--full", cfg->full,
                "Real onset times, full pre-onset lengths, 24 h NSRDB records");
  cmd->add_option("--threads", cfg->threads, "Worker threads (0: the machine's cores)")
      ->check(whole_range(0, 256));
  cmd->add_option("--compare-real", *compare,
                  "Measure realism against ../shared/physionet-style data instead");
  cmd->callback([=] {
    if (!compare->empty()) {
      auto rep = sim::compare_real(*compare, cfg->seed);
      std::cout << json_text(rep.to_json(), 2) << "\n";
      if (!out->empty()) write_file_atomic(*out, json_text(rep.to_json(), 2) + "\n");
      return;
    }
    if (out->empty()) throw CLI::RequiredError("--out");
    cfg->out = *out;
    if (cfg->threads == 0)
      cfg->threads = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 256);
    cfg->progress = stderr_progress();
    auto truth = sim::simulate(*cfg);
    std::cout << "SIMULATED data written to " << *out << ": " << truth["records"].size()
              << " records (seed " << cfg->seed << ", risk-effect " << cfg->risk_effect
              << ", device-gap " << cfg->device_gap << ")\n";
  });
}

}  // namespace scapredict::cli

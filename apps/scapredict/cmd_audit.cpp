// audit: does the model see cardiac risk, or the recorder?
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "common/atomic_file.hpp"
#include "common/workers.hpp"
#include "data_dir.hpp"
#include "flags.hpp"
#include "report/audit_report.hpp"
#include "stderr_progress.hpp"

namespace scapredict::cli {

void add_audit_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "audit", "Does the model see cardiac risk, or the recorder? Writes AUDIT.md");
  auto cfg = std::make_shared<eval::AuditConfig>();
  auto d = std::make_shared<DataFlags>();
  auto out = std::make_shared<std::string>("results");
  auto phys = std::make_shared<std::string>("../shared/physionet");
  auto band = std::make_shared<std::vector<double>>();
  d->add(cmd);
  cmd->add_option("--out", *out, "Output directory");
  cmd->add_option("--physionet", *phys, "Real excerpts (nsrdb-1min, cudb) for probes 1 and 2");
  add_run_flags(cmd, cfg->run, true);
  cmd->add_option("--band", *band, "Band for probe 3 in Hz, e.g. --band 0.5 40")
      ->expected(2)
      ->check(finite_range(0, 64));
  cmd->add_option("--bootstrap", cfg->bootstrap_resamples,
                  "Patient-bootstrap resamples for probe 6")
      ->check(whole_range(100, 100000));
  cmd->callback([=] {
    if (band->size() == 2 && !((*band)[1] - (*band)[0] >= 0.5))
      throw CLI::ValidationError("--band", "the high edge " + std::to_string((*band)[1]) +
                                               " Hz must exceed the low edge " +
                                               std::to_string((*band)[0]) +
                                               " Hz by 0.5 Hz or more");
    check_output_dir(*out);
    apply_threads(cfg->run);
    if (std::filesystem::is_directory(*phys)) cfg->physionet = *phys;
    if (band->size() == 2) cfg->band_hz = {(*band)[0], (*band)[1]};
    cfg->cache = d->cache;
    const auto c = load_data(*d);
    const auto r = eval::run_audit(c, *cfg, stderr_progress());
    if (workers().root()) report::write_audit_report(r, *out);  // one process writes
    std::cout << "audit written to " << *out << "/AUDIT.md\n";
  });
}

}  // namespace scapredict::cli

// alarms: any predictor's per-minute risk judged as a user meets it: events warned, false alarms
// per 24 h, time in warning, against chance (docs/alarms.md).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "eval/alarms/alarms.hpp"
#include "flags.hpp"
#include "report/alarms_report.hpp"

namespace scapredict::cli {

namespace {

struct AlarmsFlags {
  std::vector<std::string> inputs;
  std::string events, out;
  eval::AlarmEvalConfig config;
};

void run_alarms(const AlarmsFlags& f) {
  if (f.out.empty()) throw CLI::ValidationError("--out", "empty");
  check_output_dir(f.out);
  auto series = eval::read_risk_inputs(f.inputs);
  if (!f.events.empty()) eval::apply_events_file(f.events, series);
  const auto e = eval::evaluate_alarms(series, f.config);
  report::write_alarms_report(e, f.out);
  std::cout << printable(report::alarms_in_words(e), 2000) << "\nreport written to "
            << printable(f.out) << "/ALARMS.md\n";
}

}  // namespace

void add_alarms_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "alarms", "Events warned, false alarms per 24 h and time in warning, against chance");
  auto f = std::make_shared<AlarmsFlags>();
  cmd->add_option("risk", f->inputs,
                  "predict's batch folder, risk tables (.csv with minute, start_s, risk), or "
                  "records with .risk annotations")
      ->required();
  cmd->add_option("--events", f->events,
                  "CSV record,onset_s: the events (a record without a row has none); default: "
                  "each table's minutes_before_onset, each record's annotations or #vfon");
  cmd->add_option("--out", f->out, "Output folder (new or empty): ALARMS.md, alarms.json, PNG")
      ->required();
  cmd->add_option("--sph", f->config.sph_min, "Prediction horizon SPH, minutes")
      ->check(finite_range(1e-3, 1e6));
  cmd->add_option("--sop", f->config.sop_min, "Occurrence period SOP, minutes")
      ->check(finite_range(1e-3, 1e6));
  cmd->add_option("--alarm-on", f->config.alarm.on, "Alarm: risk at or above this counts (T_on)")
      ->check(finite_range(0, 1));
  cmd->add_option("--alarm-minutes", f->config.alarm.consecutive,
                  "Alarm: on after this many consecutive minutes at or above T_on (K)")
      ->check(whole_range(1, 1440));
  cmd->add_option("--alarm-off", f->config.alarm.off,
                  "Alarm: off at a scored minute below this (T_off)")
      ->check(finite_range(0, 1));
  add_seed_option(cmd, f->config.seed, "Seed of the Monte Carlo chances and the bootstrap");
  cmd->callback([f] {
    try {
      f->config.alarm.validate();
    } catch (const Error& e) {
      throw CLI::ValidationError("--alarm-off", e.what());
    }
    run_alarms(*f);
  });
}

}  // namespace scapredict::cli

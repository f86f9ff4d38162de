#pragma once
// ALARMS.md, alarms.json and alarms_sweep.png: the alarm evaluation (eval/alarms) in words, in
// numbers and as sensitivity against false alarms per 24 h beside chance (docs/alarms.md).
#include <filesystem>
#include <string>

#include "eval/alarms/alarms.hpp"

namespace scapredict::report {

/// The markdown of ALARMS.md; `figure` names the sweep's PNG when it was drawn.
std::string alarms_markdown(const eval::AlarmEvaluation& e, const std::string& figure);

/// The sentence a clinician reads first: "of N arrests, k warned >= SPH ahead, at F false alarms
/// per 24 h; chance gives k0 (pooled) and k1 (within each record)".
std::string alarms_in_words(const eval::AlarmEvaluation& e);

/// The markdown table of the five chance predictors: sensitivity and one-sided p-value each.
std::string chance_table(const eval::AlarmSummary& s);

/// Writes ALARMS.md, alarms.json and alarms_sweep.png (when gnuplot is installed) into the
/// folder `out`, which must be new or empty: built aside and renamed into place.
void write_alarms_report(const eval::AlarmEvaluation& e, const std::filesystem::path& out);

}  // namespace scapredict::report

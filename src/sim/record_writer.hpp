#pragma once
// What the two ways of writing a cohort share (sim::simulate and sim::render_beat_cohort): the
// Holter header of a record, the elapsed-time text of a vfon comment, and writing the records on
// several threads followed by each database's RECORDS list. Internal to sim.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/progress.hpp"
#include "io/header.hpp"
#include "sim/simulate.hpp"

namespace scapredict::sim {

/// "H:MM:SS" of elapsed seconds (rounded to the second), as SDDB's vfon comments write it.
std::string elapsed_hms(double seconds);

/// The header of a two-signal format-212 record of database `db` ("sddb" or "nsrdb") as that
/// database writes it: signals "ECG" (SDDB) or "ECG1"/"ECG2" (NSRDB), 12 bits, `gain` adu/mV
/// (written as 0 for an NSRDB record whose recorder says so), the recorder's rate, base time
/// 12:00:00 (SDDB) or 08:00:00 (NSRDB). No comments.
io::Header holter_header(const std::string& db, const std::string& name, const Recorder& recorder,
                         double gain);

/// One record to write: its database and name.
struct RecordId {
  std::string db, name;
};

/// Calls `write(i)` for every record of `ids` on up to `threads` threads (each record once),
/// reports each finished record as "db/name" through `progress`, then writes OUT/sddb/RECORDS and
/// OUT/nsrdb/RECORDS in list order. Returns the results of `write` in list order. When a call
/// throws, the others finish or stop and the first exception is rethrown (no RECORDS written).
std::vector<nlohmann::json> write_records(const std::filesystem::path& out,
                                          const std::vector<RecordId>& ids, int threads,
                                          const ProgressTracker& progress,
                                          const std::function<nlohmann::json(std::size_t)>& write);

}  // namespace scapredict::sim

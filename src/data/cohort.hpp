#pragma once
// Cohorts: the patients of the two databases, their VF onsets and where the data came from.
// This layer loads what is on disk; it never simulates.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace scapredict::data {

class DataError : public Error {
 public:
  using Error::Error;
};

/// One patient (record). SCD patients have a VF onset.
struct Patient {
  std::string id;  ///< "sddb/30", "nsrdb/16265"
  std::filesystem::path record;
  bool scd = false;
  std::optional<double> onset_s;  ///< VF onset, elapsed seconds from the record start
  double duration_s = 0;
  double fs_hz = 0;
};

/// Where the data came from, printed on the first line of every result.
struct DataSource {
  bool simulated = true;
  std::string kind;  ///< "simulated", "physionet" (the PhysioNet SDDB/NSRDB records) or "user"
  std::filesystem::path dir;
  std::string description;  ///< "REAL PhysioNet data in DIR" or "SIMULATED cohort (...)"
  nlohmann::json knobs;     ///< the simulator's knobs and seed (simulated data only)
};

struct Cohort {
  DataSource source;
  std::vector<Patient> scd;           ///< SDDB records with a VF onset
  std::vector<Patient> normal;        ///< NSRDB records
  std::vector<std::string> excluded;  ///< SDDB records without onset, with the reason
  const Patient& patient(bool scd_group, int index) const {
    return (scd_group ? scd : normal).at(static_cast<std::size_t>(index));
  }
};

/// Onset times by record name: elapsed seconds from the record start.
using OnsetTable = std::map<std::string, double>;

/// Parses an onset table: CSV with a header line, then `record,H:MM:SS[,anything]` per line.
/// `source` names the table in errors.
OnsetTable parse_onset_table(std::string_view csv, const std::string& source);

/// PhysioNet's SDDB onsets (docs/data/sddb-vf-onsets.csv, compiled into the library).
const OnsetTable& sddb_onset_table();

struct LoadOptions {
  /// Onsets of records whose headers have no vfon comment (parse_onset_table's CSV:
  /// `record,H:MM:SS` after a header line); where both exist they must agree.
  std::optional<std::filesystem::path> onsets_file;
};

/// Reads DIR/sddb (patients who had VF) and DIR/nsrdb (normals) in PhysioNet layout (RECORDS or
/// every .hea, signals, annotations). Onsets come from the header comment vfon or the onsets
/// file. The data is labelled SIMULATED (truth.json from `scapredict simulate`), REAL PhysioNet
/// SDDB/NSRDB (every record one of PhysioNet's, at 250 and 128 Hz; onsets then cross-checked
/// against sddb_onset_table()), or user data. Throws DataError naming the file and the problem.
Cohort load_cohort(const std::filesystem::path& dir, const LoadOptions& options = {});

}  // namespace scapredict::data

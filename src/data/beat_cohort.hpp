#pragma once
// Cohorts of beat-only records: SDDB and NSRDB beat annotations without their signal files
// (docs/real-beats-method.md). The patients form a data::Cohort, so the paper's protocol code
// plans on them as on signal records.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "data/cohort.hpp"
#include "io/annotation.hpp"

namespace scapredict::data {

/// One patient's beat annotations and what the study needs to know about them.
struct BeatRecord {
  std::string annotator;  ///< "atr" (audited) or "ari" (unaudited detector)
  std::vector<io::Annotation> annotations;
  double fs_hz = 0;         ///< the annotator's sample rate (the record's)
  double first_beat_s = 0;  ///< the annotated span: first and last beat
  double last_beat_s = 0;
  std::optional<int> age;  ///< from a `# <age> <sex>` header comment (NSRDB)
  std::string sex;
  bool header_missing = false;  ///< no .hea: the database's rate and the onset table stand in
};

struct BeatCohort {
  /// The patients; duration_s is the end of the annotated span.
  Cohort cohort;
  std::vector<BeatRecord> scd, normal;  ///< parallel to cohort.scd and cohort.normal
  /// Records that are not in the study, each "sddb/35: reason".
  std::vector<std::string> dropped;
  /// Facts about records in the study that a reader must know ("sddb/43: no header; ...").
  std::vector<std::string> notes;
  const BeatRecord& beats(bool scd_group, int index) const {
    return (scd_group ? scd : normal).at(static_cast<std::size_t>(index));
  }
};

struct BeatLoadOptions {
  /// Minutes before onset in each of which an SCD patient must have annotated beats.
  int required_minutes = 10;
};

/// Reads the SDDB and NSRDB beat annotations in `dir`: the folders sddb-beats/ and nsrdb-beats/
/// (the layout of ../shared/physionet) or sddb/ and nsrdb/ (PhysioNet's full download). SDDB
/// records are those of PhysioNet's onset table with an annotation file (.atr preferred, else
/// .ari); a missing header is replaced by the database's 250 Hz and the table's onset. A record
/// without beats in each of the `required_minutes` minutes before onset is dropped with the
/// reason, as is a record whose files are malformed (with the file and the problem). Throws
/// DataError naming the folder when the folders are absent or hold no usable record.
BeatCohort load_beat_cohort(const std::filesystem::path& dir, const BeatLoadOptions& options = {});

/// The folder of `dir` that holds `db`'s beats ("sddb" or "nsrdb"): DIR/db-beats, else DIR/db;
/// nullopt when neither exists.
std::optional<std::filesystem::path> beat_folder(const std::filesystem::path& dir,
                                                 const std::string& db);

}  // namespace scapredict::data

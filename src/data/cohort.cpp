#include "data/cohort.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "io/annotation.hpp"
#include "io/physionet.hpp"
#include "io/signal.hpp"

namespace scapredict::data {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> read_records_list(const fs::path& db) {
  const auto list = db / "RECORDS";
  std::vector<std::string> names;
  if (fs::is_regular_file(list)) {
    std::istringstream in(read_file(list));
    std::string line;
    while (std::getline(in, line)) {
      line.erase(line.find_last_not_of(" \r\t") + 1);
      if (!line.empty()) names.push_back(line);
    }
  } else {
    for (const auto& h : io::list_headers(db)) names.push_back(h.stem().string());
  }
  return names;
}

Patient open_patient(const fs::path& dir, const std::string& db, const std::string& name,
                     const io::Record& rec) {
  Patient p;
  p.id = db + "/" + name;
  p.record = dir / db / name;
  p.fs_hz = rec.fs_hz();
  p.duration_s = static_cast<double>(rec.n_frames()) / rec.fs_hz();
  return p;
}

}  // namespace

OnsetTable parse_onset_table(std::string_view csv, const std::string& source) {
  OnsetTable t;
  std::istringstream in{std::string(csv)};
  std::string line;
  std::getline(in, line);  // header
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::istringstream l(line);
    std::string rec, when;
    std::getline(l, rec, ',');
    std::getline(l, when, ',');
    auto s = io::parse_elapsed_time(when);
    if (!s)
      throw DataError(source + ":" + std::to_string(line_no) + ": bad onset time '" + when + "'");
    t[rec] = *s;
  }
  return t;
}

namespace {

struct OpenRecord {
  std::string name;
  io::Record record;
};

std::vector<OpenRecord> open_database(const fs::path& dir, const std::string& db) {
  std::vector<OpenRecord> out;
  for (const auto& name : read_records_list(dir / db))
    out.push_back({name, io::Record(dir / db / name)});
  return out;
}

// True when every record is one of PhysioNet's, at the database's sampling rate.
bool all_physionet(const std::vector<OpenRecord>& recs, const std::vector<std::string>& names,
                   double fs_hz) {
  for (const auto& r : recs) {
    if (std::find(names.begin(), names.end(), r.name) == names.end() || r.record.fs_hz() != fs_hz)
      return false;
  }
  return !recs.empty();
}

DataSource describe_source(const fs::path& dir, const std::vector<OpenRecord>& sddb,
                           const std::vector<OpenRecord>& nsrdb) {
  DataSource src;
  src.dir = dir;
  src.simulated = fs::exists(dir / "truth.json");
  if (src.simulated) {
    src.kind = "simulated";
    try {
      const auto truth = nlohmann::json::parse(read_file(dir / "truth.json"));
      src.knobs = {{"seed", truth.at("seed")},
                   {"knobs", truth.at("knobs")},
                   {"version", truth.at("version")}};
      std::ostringstream d;
      if (truth.contains("description")) {
        // Real beat times rendered through a simulated recorder (sim::render_beat_cohort).
        d << truth.at("description").get<std::string>() << ", in " << dir.string()
          << "; not clinical data";
      } else {
        d << "SIMULATED cohort in " << dir.string() << " (scapredict simulate, seed "
          << truth.at("seed") << ", risk-effect " << truth.at("knobs").at("risk_effect")
          << ", device-gap " << truth.at("knobs").at("device_gap") << "); not clinical data";
      }
      src.description = d.str();
    } catch (const nlohmann::json::exception&) {
      throw DataError((dir / "truth.json").string() + ": not a simulator's truth file");
    }
  } else if (all_physionet(sddb, io::sddb_record_names(), io::kSddbFsHz) &&
             all_physionet(nsrdb, io::nsrdb_record_names(), io::kNsrdbFsHz)) {
    src.kind = "physionet";
    src.description = "REAL PhysioNet data in " + dir.string() + " (SDDB + NSRDB)";
  } else {
    src.kind = "user";
    src.description =
        "user data in " + dir.string() + " (real recordings, not the PhysioNet SDDB/NSRDB records)";
  }
  return src;
}

// The onset of an SDDB-side record: its header's vfon, else the onsets file; both must agree,
// and PhysioNet's records must agree with PhysioNet's table.
std::optional<double> record_onset(const OpenRecord& r, const OnsetTable& user_onsets,
                                   const fs::path& onsets_file, bool physionet) {
  std::optional<double> onset;
  if (auto o = io::vf_onset(r.record.header())) onset = o->seconds;
  if (auto it = user_onsets.find(r.name); it != user_onsets.end()) {
    if (onset && std::abs(*onset - it->second) > 0.5)
      throw DataError(onsets_file.string() + ": onset of record " + r.name +
                      " disagrees with its header's vfon");
    onset = it->second;
  }
  if (physionet && onset) {
    const auto& table = sddb_onset_table();
    auto it = table.find(r.name);
    if (it == table.end() || std::abs(it->second - *onset) > 0.5)
      throw DataError(r.record.header().source + ": VF onset " + std::to_string(*onset) +
                      " s disagrees with PhysioNet's onset table (docs/data/sddb-vf-onsets.csv)");
  }
  return onset;
}

}  // namespace

Cohort load_cohort(const fs::path& dir, const LoadOptions& options) {
  for (const char* db : {"sddb", "nsrdb"}) {
    if (!fs::is_directory(dir / db)) {
      throw DataError((dir / db).string() +
                      ": data directory not found (expected sddb/ and nsrdb/ in PhysioNet layout)");
    }
  }
  const auto sddb = open_database(dir, "sddb");
  const auto nsrdb = open_database(dir, "nsrdb");
  Cohort c;
  c.source = describe_source(dir, sddb, nsrdb);
  OnsetTable user_onsets;
  if (options.onsets_file) {
    user_onsets = parse_onset_table(read_file(*options.onsets_file), options.onsets_file->string());
    for (const auto& [name, t] : user_onsets) {
      if (std::none_of(sddb.begin(), sddb.end(),
                       [&](const OpenRecord& r) { return r.name == name; }))
        throw DataError(options.onsets_file->string() + ": record " + quote_field(name) +
                        " is not in " + (dir / "sddb").string());
    }
  }
  for (const auto& r : sddb) {
    Patient p = open_patient(dir, "sddb", r.name, r.record);
    const auto onset = record_onset(r, user_onsets, options.onsets_file.value_or(fs::path()),
                                    c.source.kind == "physionet");
    if (!onset) {
      c.excluded.push_back(p.id + ": no VF onset in the header or the onsets file");
      continue;
    }
    if (!(*onset > 0 && *onset <= p.duration_s))
      throw DataError(r.record.header().source + ": VF onset at " + std::to_string(*onset) +
                      " s lies outside the record (" + std::to_string(p.duration_s) + " s)");
    p.scd = true;
    p.onset_s = onset;
    c.scd.push_back(p);
  }
  for (const auto& r : nsrdb) c.normal.push_back(open_patient(dir, "nsrdb", r.name, r.record));
  if (c.scd.empty() || c.normal.empty()) {
    throw DataError(dir.string() + ": need SDDB records with a VF onset and NSRDB records");
  }
  return c;
}

}  // namespace scapredict::data

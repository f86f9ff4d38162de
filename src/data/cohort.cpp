#include "data/cohort.hpp"

#include <cmath>
#include <sstream>

#include "common/atomic_file.hpp"
#include "io/annotation.hpp"
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
                     io::Record& rec) {
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

Cohort load_cohort(const fs::path& dir) {
  Cohort c;
  for (const char* db : {"sddb", "nsrdb"}) {
    if (!fs::is_directory(dir / db)) {
      throw DataError((dir / db).string() +
                      ": data directory not found (expected sddb/ and nsrdb/ in PhysioNet layout)");
    }
  }
  c.source.dir = dir;
  c.source.simulated = fs::exists(dir / "truth.json");
  if (c.source.simulated) {
    auto truth = nlohmann::json::parse(read_file(dir / "truth.json"));
    c.source.knobs = {
        {"seed", truth.at("seed")}, {"knobs", truth.at("knobs")}, {"version", truth.at("version")}};
    std::ostringstream d;
    d << "SIMULATED cohort in " << dir.string() << " (scapredict simulate, seed "
      << truth.at("seed") << ", risk-effect " << truth["knobs"]["risk_effect"] << ", device-gap "
      << truth["knobs"]["device_gap"] << "); not clinical data";
    c.source.description = d.str();
  } else {
    c.source.description = "REAL PhysioNet data in " + dir.string() + " (SDDB + NSRDB)";
  }
  const OnsetTable empty;
  const OnsetTable& table = c.source.simulated ? empty : sddb_onset_table();
  for (const auto& name : read_records_list(dir / "sddb")) {
    io::Record rec(dir / "sddb" / name);
    Patient p = open_patient(dir, "sddb", name, rec);
    auto onset = io::vf_onset(rec.header());
    if (!onset) {
      c.excluded.push_back(p.id + ": no VF onset in the header");
      continue;
    }
    if (!table.empty()) {
      auto it = table.find(name);
      if (it == table.end() || std::abs(it->second - onset->seconds) > 0.5) {
        throw DataError(rec.header().source + ": VF onset " + std::to_string(onset->seconds) +
                        " s disagrees with PhysioNet's onset table (docs/data/sddb-vf-onsets.csv)");
      }
    }
    p.scd = true;
    p.onset_s = onset->seconds;
    c.scd.push_back(p);
  }
  for (const auto& name : read_records_list(dir / "nsrdb")) {
    io::Record rec(dir / "nsrdb" / name);
    c.normal.push_back(open_patient(dir, "nsrdb", name, rec));
  }
  if (c.scd.empty() || c.normal.empty()) {
    throw DataError(dir.string() + ": need SDDB records with a VF onset and NSRDB records");
  }
  return c;
}

}  // namespace scapredict::data

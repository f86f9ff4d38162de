#include "data/beat_cohort.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/text.hpp"
#include "io/header.hpp"
#include "io/inspect.hpp"
#include "io/physionet.hpp"

namespace scapredict::data {

namespace fs = std::filesystem;

std::optional<fs::path> beat_folder(const fs::path& dir, const std::string& db) {
  std::error_code ec;
  for (const auto& name : {db + "-beats", db}) {
    if (fs::is_directory(dir / name, ec)) return dir / name;
  }
  return std::nullopt;
}

namespace {

// Age and sex from a `# <age> <sex>` header comment (NSRDB); nothing when there is none.
void read_age(const io::Header& h, BeatRecord& b) {
  for (const auto& c : h.comments) {
    std::istringstream in(c);
    int age = 0;
    std::string sex, rest;
    if (in >> age >> sex && !(in >> rest) && age > 0 && age < 130 && (sex == "M" || sex == "F")) {
      b.age = age;
      b.sex = sex;
      return;
    }
  }
}

// The beats of one record: header (when there is one), annotations and the annotated span.
// nullopt when the record has neither header nor annotation file.
std::optional<BeatRecord> read_beats(const fs::path& record, double database_fs,
                                     io::Header* header_out) {
  std::error_code ec;
  const bool has_header = fs::is_regular_file(io::header_path(record), ec);
  const auto annotator = io::default_annotator(record);
  if (!annotator) return std::nullopt;
  BeatRecord b;
  b.annotator = *annotator;
  b.header_missing = !has_header;
  b.fs_hz = database_fs;
  if (has_header) {
    *header_out = io::read_header(record);
    b.fs_hz = header_out->fs_hz;
    read_age(*header_out, b);
  }
  b.annotations = io::read_annotations(record, b.annotator);
  const auto source = io::annotation_path(record, b.annotator).string();
  if (has_header && header_out->n_samples)
    io::check_annotations_fit(b.annotations, *header_out->n_samples, source);
  bool any = false;
  for (const auto& a : b.annotations) {
    if (!io::is_beat(a.code)) continue;
    const double t = static_cast<double>(a.sample) / b.fs_hz;
    if (!any) b.first_beat_s = t;
    b.last_beat_s = t;
    any = true;
  }
  if (!any) throw DataError(source + ": no beat annotations");
  return b;
}

// read_beats, with a malformed record dropped with its reason instead of ending the study.
std::optional<BeatRecord> read_or_drop(const fs::path& record, double database_fs,
                                       io::Header* header, const std::string& id, BeatCohort& c) {
  try {
    return read_beats(record, database_fs, header);
  } catch (const Error& e) {
    c.dropped.push_back(id + ": " + e.what());
    return std::nullopt;
  }
}

// First minute k in 1..n before `onset_s` without an annotated beat, or 0 when each has one.
int first_minute_without_beats(const BeatRecord& b, double onset_s, int n) {
  std::vector<bool> seen(static_cast<std::size_t>(n) + 1, false);
  for (const auto& a : b.annotations) {
    if (!io::is_beat(a.code)) continue;
    const double before = onset_s - static_cast<double>(a.sample) / b.fs_hz;
    if (before <= 0) continue;
    const auto k = static_cast<long long>(std::ceil(before / 60.0));
    if (k >= 1 && k <= n) seen[static_cast<std::size_t>(k)] = true;
  }
  for (int k = 1; k <= n; ++k)
    if (!seen[static_cast<std::size_t>(k)]) return k;
  return 0;
}

// A record without rhythm annotations cannot have its atrial fibrillation excluded.
void note_rhythms(const std::string& id, const BeatRecord& b, std::vector<std::string>& ids) {
  for (const auto& a : b.annotations)
    if (a.code == io::code::kRhythm) return;
  ids.push_back(id + " (." + b.annotator + ")");
}

std::optional<double> header_onset(const io::Header& h) {
  if (auto o = io::vf_onset(h)) return o->seconds;
  return std::nullopt;
}

void load_sddb(const fs::path& folder, const BeatLoadOptions& options, BeatCohort& c,
               std::vector<std::string>& no_rhythms) {
  const auto& table = sddb_onset_table();
  for (const auto& name : io::sddb_record_names()) {
    const auto record = folder / name;
    io::Header h;
    const std::string id = "sddb/" + name;
    auto b = read_or_drop(record, io::kSddbFsHz, &h, id, c);
    if (!b) continue;  // not in this folder, or dropped
    const auto it = table.find(name);
    std::optional<double> onset = b->header_missing ? std::nullopt : header_onset(h);
    if (onset && it != table.end() && std::abs(*onset - it->second) > 0.5) {
      c.dropped.push_back(id + ": the header's VF onset disagrees with PhysioNet's onset table");
      continue;
    }
    if (!onset && it != table.end()) onset = it->second;
    if (!onset) {
      c.dropped.push_back(id + ": no VF onset");
      continue;
    }
    if (const int k = first_minute_without_beats(*b, *onset, options.required_minutes)) {
      c.dropped.push_back(id + ": no annotated beat in minute " + std::to_string(k) +
                          " before onset (beats end at " + io::format_elapsed(b->last_beat_s) +
                          ", onset " + io::format_elapsed(*onset) + ")");
      continue;
    }
    if (b->header_missing)
      c.notes.push_back(id + ": no header; the database's 250 Hz and PhysioNet's onset " +
                        io::format_elapsed(*onset) + " stand in");
    note_rhythms(id, *b, no_rhythms);
    Patient p{id, record, true, onset, b->last_beat_s, b->fs_hz};
    c.cohort.scd.push_back(p);
    c.scd.push_back(std::move(*b));
  }
}

void load_nsrdb(const fs::path& folder, BeatCohort& c, std::vector<std::string>& no_rhythms) {
  for (const auto& name : io::nsrdb_record_names()) {
    const auto record = folder / name;
    io::Header h;
    auto b = read_or_drop(record, io::kNsrdbFsHz, &h, "nsrdb/" + name, c);
    if (!b) continue;
    note_rhythms("nsrdb/" + name, *b, no_rhythms);
    Patient p{"nsrdb/" + name, record, false, std::nullopt, b->last_beat_s, b->fs_hz};
    c.cohort.normal.push_back(p);
    c.normal.push_back(std::move(*b));
  }
}

}  // namespace

BeatCohort load_beat_cohort(const fs::path& dir, const BeatLoadOptions& options) {
  const auto sddb = beat_folder(dir, "sddb");
  const auto nsrdb = beat_folder(dir, "nsrdb");
  if (!sddb || !nsrdb) {
    throw DataError(dir.string() +
                    ": no beat annotations (expected sddb-beats/ and nsrdb-beats/, or sddb/ and "
                    "nsrdb/, holding PhysioNet's .hea and .atr/.ari files)");
  }
  if (options.required_minutes < 1 || options.required_minutes > 600)
    throw DataError("required minutes before onset must lie in 1..600");
  BeatCohort c;
  std::vector<std::string> no_rhythms;
  load_sddb(*sddb, options, c, no_rhythms);
  load_nsrdb(*nsrdb, c, no_rhythms);
  if (!no_rhythms.empty()) {
    std::string list;
    for (const auto& id : no_rhythms) list += (list.empty() ? "" : ", ") + id;
    c.notes.push_back(std::to_string(no_rhythms.size()) +
                      " records hold no rhythm annotations, so atrial fibrillation cannot be "
                      "excluded in them: " +
                      list);
  }
  if (c.cohort.scd.empty() || c.cohort.normal.empty()) {
    throw DataError(dir.string() + ": found " + std::to_string(c.cohort.scd.size()) +
                    " usable SDDB and " + std::to_string(c.cohort.normal.size()) +
                    " NSRDB beat records; the study needs both");
  }
  auto& s = c.cohort.source;
  s.simulated = false;
  s.kind = "physionet";
  s.dir = dir;
  s.description = "REAL PhysioNet SDDB/NSRDB beat annotations in " + dir.string() + ": " +
                  std::to_string(c.cohort.scd.size()) + " SDDB records, " +
                  std::to_string(c.cohort.normal.size()) + " NSRDB records";
  return c;
}

}  // namespace scapredict::data

// Reading risk series for the alarm evaluation: predict's tables (or any CSV with the columns),
// predict's .risk annotations, and an events file.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/text.hpp"
#include "eval/alarms/alarms.hpp"
#include "infer/outputs.hpp"
#include "io/annotation.hpp"
#include "io/header.hpp"

namespace scapredict::eval {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxRows = 1'000'000;

}  // namespace

RiskSeries read_risk_annotations(const fs::path& record, const std::string& annotator) {
  const auto h = io::read_header(record);
  const auto anns = io::read_annotations(record, annotator);
  RiskSeries s;
  s.record = h.record_name;
  s.source = io::annotation_path(record, annotator).string();
  for (const auto& a : anns) {
    if (a.code != infer::kNoteCode) continue;
    const auto note = infer::parse_risk_note(a.aux);
    if (!note) throw AlarmsError(s.source + ": a NOTE whose aux is not predict's 'p=... q=...'");
    if (s.start_s.size() >= kMaxRows) throw AlarmsError(s.source + ": more than 10^6 minutes");
    s.start_s.push_back(static_cast<double>(a.sample) / h.fs_hz);
    s.risk.push_back(note->p);
  }
  check_risk_minutes(s, s.source);
  std::vector<io::Annotation> ref;
  const auto ref_name = io::default_annotator(record);
  if (ref_name) ref = io::read_annotations(record, *ref_name);
  if (const auto o = io::vf_onset(h, ref_name ? &ref : nullptr)) s.onset_s = o->seconds;
  s.comments.push_back("risk annotations " + s.source);
  return s;
}

std::vector<RiskSeries> read_risk_inputs(const std::vector<std::string>& inputs) {
  std::vector<RiskSeries> out;
  std::map<std::string, std::string> seen;
  auto add = [&](RiskSeries s) {
    const auto [it, fresh] = seen.emplace(s.record, s.source);
    if (!fresh)
      throw AlarmsError(s.source + ": record " + quote_field(s.record) + " is named twice (also " +
                        it->second + ")");
    out.push_back(std::move(s));
  };
  for (const auto& in : inputs) {
    const fs::path p(in);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> tables, records;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        const auto name = e.path().filename().string();
        if (e.path().extension() == ".csv" && name != "cohort.csv") tables.push_back(e.path());
        if (e.path().extension() == ".risk")
          records.push_back(e.path().parent_path() / e.path().stem());
      }
      std::sort(tables.begin(), tables.end());
      std::sort(records.begin(), records.end());
      if (tables.empty() && records.empty())
        throw AlarmsError(in + ": no risk table (*.csv) or .risk annotations in it");
      for (const auto& t : tables) add(read_risk_csv(t));
      if (tables.empty())
        for (const auto& r : records) add(read_risk_annotations(r));
    } else if (p.extension() == ".csv") {
      add(read_risk_csv(p));
    } else if (fs::exists(io::annotation_path(p, "risk"), ec)) {
      add(read_risk_annotations(p));
    } else {
      throw AlarmsError(in +
                        ": not a risk table (.csv), a folder of them, or a record with a "
                        ".risk file beside it");
    }
  }
  if (out.empty()) throw AlarmsError("RISK: no risk series named");
  return out;
}

}  // namespace scapredict::eval

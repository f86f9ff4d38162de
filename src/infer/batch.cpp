#include "infer/batch.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "common/workers.hpp"
#include "io/annotation.hpp"
#include "io/signal.hpp"
#include "io/source.hpp"
#include "scapredict/version.hpp"

namespace scapredict::infer {

namespace fs = std::filesystem;

std::vector<fs::path> record_inputs(const fs::path& record, const fs::path& model,
                                    const std::string& annotator) {
  std::vector<fs::path> in = {model};
  if (io::detect_format(record) != io::RecordFormat::kWfdb) {
    in.push_back(record);
    return in;
  }
  in.push_back(io::header_path(record));
  for (const std::string& ann : {std::string("atr"), std::string("ari"), annotator})
    if (!ann.empty()) in.push_back(io::annotation_path(record, ann));
  try {
    const io::Record r(record);
    for (int s = 0; s < r.header().n_signals; ++s) in.push_back(r.signal_path(s));
  } catch (const Error&) {  // reported when the record is scored
  }
  return in;
}

std::vector<fs::path> expand_records(const std::vector<std::string>& args) {
  std::vector<fs::path> out;
  for (const auto& a : args) {
    std::error_code ec;
    if (!fs::is_directory(a, ec)) {
      out.emplace_back(a);
      continue;
    }
    const auto found = io::list_records(a);
    out.insert(out.end(), found.begin(), found.end());
  }
  std::vector<fs::path> unique;
  std::set<fs::path> seen;
  for (const auto& p : out) {
    std::error_code ec;
    const auto key = fs::weakly_canonical(p, ec);
    if (seen.insert(ec ? p : key).second) unique.push_back(p);
  }
  return unique;
}

std::string output_stem(const std::string& record, std::set<std::string>& used) {
  std::string s;
  for (char c : record)
    s +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  if (s.empty() || s[0] == '.') s = "record" + s;
  std::string name = s;
  for (int k = 2; used.count(name); ++k) name = s + "-" + std::to_string(k);
  used.insert(name);
  return name;
}

std::string alarm_comment(const AlarmConfig& a) {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "alarm: on after %d consecutive scored minutes with P >= %.3g, off at a scored "
                "minute with P < %.3g",
                a.consecutive, a.on, a.off);
  return buf;
}

namespace {

// A batch's record as scored by one process (the unit of map_units): its error or its summary
// row, its name and warnings, and its two files' bytes, as raw fields (record names and messages
// may hold any bytes; risks may be NaN).
struct BatchRecord {
  CohortRow row;  ///< row.error set when it failed
  std::string name;
  std::vector<std::string> warnings;
  std::string table, risk;

  std::vector<int*> counts() {
    return {&row.minutes,         &row.scored,         &row.ok,
            &row.bridged,         &row.invalid,        &row.flat,
            &row.saturated,       &row.after_onset,    &row.vf_like,
            &row.unlike_training, &row.above_threshold};
  }
  std::vector<std::optional<double>*> values() {
    return {&row.max_risk, &row.mean_risk, &row.first_alarm_s, &row.vf_onset_s,
            &row.minutes_before_onset};
  }

  std::string pack() {
    MessageWriter m;
    m.str(row.error);
    m.str(name);
    m.u64(warnings.size());
    for (const auto& w : warnings) m.str(w);
    for (int* v : counts()) m.u64(static_cast<std::uint64_t>(static_cast<std::int64_t>(*v)));
    for (auto* v : values()) {
      m.u64(v->has_value());
      m.f64(v->value_or(0));
    }
    m.u64(row.first_alarm.has_value());
    m.u64(static_cast<std::uint64_t>(static_cast<std::int64_t>(row.first_alarm.value_or(0))));
    m.str(table);
    m.str(risk);
    return m.take();
  }
  static BatchRecord unpack(const std::string& bytes) {
    MessageReader m(bytes);
    BatchRecord b;
    b.row.error = m.str();
    b.name = m.str();
    const auto nw = m.u64();
    for (std::uint64_t i = 0; i < nw && !m.done(); ++i) b.warnings.push_back(m.str());
    for (int* v : b.counts()) *v = static_cast<int>(static_cast<std::int64_t>(m.u64()));
    for (auto* v : b.values()) {
      const bool has = m.u64() != 0;
      const double x = m.f64();
      if (has) *v = x;
    }
    const bool has_alarm = m.u64() != 0;
    const auto alarm = static_cast<int>(static_cast<std::int64_t>(m.u64()));
    if (has_alarm) b.row.first_alarm = alarm;
    b.table = m.str();
    b.risk = m.str();
    if (!m.done()) throw Error("predict: a record's result was garbled between processes");
    return b;
  }
};

std::string score_for_batch(const RecordScorer& model, const BatchOptions& o, const fs::path& rec) {
  BatchRecord b;
  try {
    auto options = o.predict;
    options.allow_nothing_scored = true;  // a record with nothing to score is a result
    auto r = model.score(rec, options);
    b.table = to_csv(r, &o.alarm);
    const auto bytes = io::encode_annotations(risk_annotations(r, r.frame_fs_hz, o.alarm));
    b.risk.assign(bytes.begin(), bytes.end());
    b.name = r.record;
    b.warnings = r.warnings;
    b.row = summarise(r, o.alarm);
  } catch (const std::exception& e) {  // Error, and anything else: the batch goes on
    b = BatchRecord{};
    b.row.error =
        error_line(dynamic_cast<const Error*>(&e) ? e.what() : rec.string() + ": " + e.what());
  }
  return b.pack();
}

}  // namespace

BatchResult predict_batch(const RecordScorer& model, const BatchOptions& o,
                          const std::vector<fs::path>& records, const fs::path& out,
                          const BatchEvents& events) {
  check_output_dir(out);
  const bool writer = workers().root();
  std::optional<StagedDir> stage;
  if (writer) {
    stage.emplace(out, "a batch writes a new one");
  } else if (std::error_code ec; fs::exists(out, ec) && !fs::is_empty(out, ec)) {
    throw Error(out.string() +
                ": already exists and is not an empty directory; a batch writes a new one");
  }
  std::set<std::string> used = {"cohort"};
  std::vector<CohortRow> rows;
  const ProgressTracker tracker(events.progress, "predict", "record", records.size());
  BatchResult result;
  result.records = records.size();
  auto take = [&](std::size_t i, std::string&& msg) {
    const auto& rec = records[i];
    auto b = BatchRecord::unpack(msg);
    auto row = std::move(b.row);
    row.record = rec.string();
    if (row.error.empty()) {
      if (events.warning)
        for (const auto& w : b.warnings) events.warning(rec, w);
      std::string risk_name;
      try {
        const auto stem = output_stem(b.name, used);
        const auto table = out / (stem + ".csv"), risk = out / (stem + ".risk");
        if (writer)
          for (const auto& f : {table, risk})
            check_not_input(f, record_inputs(rec, model.file(), o.predict.annotator));
        row.table = table.filename().string();
        risk_name = risk.filename().string();
      } catch (const Error& e) {
        row = CohortRow{};
        row.record = rec.string();
        row.error = error_line(e.what());
      }
      // A write that fails (a full disk) is not the record's fault: it ends the batch, and the
      // staging folder goes with it.
      if (row.error.empty() && writer) {
        write_file_atomic(stage->path() / row.table, b.table);
        write_file_atomic(stage->path() / risk_name, b.risk);
      }
    }
    if (!row.error.empty()) {
      ++result.failed;
      if (events.failed) events.failed(row.error);
    }
    result.entries.push_back({rec, row.error.empty() ? out / row.table : fs::path(), row.error});
    rows.push_back(std::move(row));
    tracker.report(i + 1, printable(rec.filename().string(), 80));
  };
  map_units(
      workers(), records.size(),
      [&](std::size_t i) { return score_for_batch(model, o, records[i]); }, take, {}, 1);
  std::vector<std::string> comments = meaning_lines(model.provenance());
  comments.insert(comments.end(),
                  {std::string("scapredict ") + kVersion + " predict: " +
                       std::to_string(records.size()) + " records; risk per minute, uncalibrated",
                   model.comment(), alarm_comment(o.alarm),
                   "minutes_above_threshold: scored minutes with P >= T_on; per-minute tables in "
                   "<record>.csv, WFDB NOTE annotations in <record>.risk"});
  result.summary = out / "cohort.csv";
  if (writer) {
    write_file_atomic(stage->path() / result.summary.filename(), cohort_csv(rows, comments));
    stage->commit();
  }
  return result;
}

}  // namespace scapredict::infer

// predict (one record, several, or a directory of them) and monitor (a record that is still being
// written, or raw samples on stdin). No LibTorch here: the engine scores, and the full tool hands
// in a LibTorch loader for the models the engine does not run.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "cli_main.hpp"
#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "common/workers.hpp"
#include "flags.hpp"
#include "infer/monitor.hpp"
#include "infer/outputs.hpp"
#include "infer/predict.hpp"
#include "io/annotation.hpp"
#include "io/signal.hpp"
#include "io/source.hpp"
#include "model/model_file.hpp"
#include "progress.hpp"
#include "report/risk_plot.hpp"
#include "scapredict/version.hpp"
#include "score.hpp"

namespace scapredict::cli {

namespace fs = std::filesystem;

namespace {

std::unique_ptr<infer::Scorer> load_scorer(const std::string& path, const ScorerLoader& fallback) {
  // A device, a pipe or a file larger than any model would be read without end.
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(path + ": cannot open model file");
  if (!fs::is_regular_file(path, ec)) throw Error(path + ": not a regular file (a model file)");
  const auto size = fs::file_size(path, ec);
  if (ec || size > model::kMaxModelHeaderBytes + model::kMaxModelWeightBytes + 64)
    throw Error(path + ": larger than any model file (" + std::to_string(size) + " bytes)");
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const Error&) {
    throw Error(path + ": cannot open model file");
  }
  const auto file = model::decode_model_file(bytes, path);
  // The engine runs the CNN and the MLP from the file's engine section; anything else goes to the
  // fallback when there is one (and to the engine's refusal, which says why, when not).
  const auto arch = file.header.value("arch", nlohmann::json()).is_string()
                        ? file.header["arch"].get<std::string>()
                        : std::string();
  const bool engine = file.header.contains("engine") && (arch == "cnn1d" || arch == "mlp");
  if (!engine && fallback) return fallback(path);
  return std::make_unique<infer::EngineScorer>(infer::EngineScorer::from_header(file.header, path));
}

// The flags predict and monitor share.
struct ScoreFlags {
  std::string model;
  infer::PredictOptions options;
  infer::AlarmConfig alarm;
};

CLI::Validator channel_name() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.size() > 1 && s[0] == '-' &&
            std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; }))
          return "channel " + quote_field(s) + " is not in range (an index is 0 or more)";
        const bool ok = !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
          return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
        });
        return ok ? std::string()
                  : "channel " + quote_field(s) + " is not an index or a label of 1-64 characters";
      },
      "INDEX|LABEL");
}

void add_score_flags(CLI::App* cmd, ScoreFlags& f) {
  cmd->add_option("--model", f.model, "Model file (scapredict train)")->required();
  cmd->add_option("--channel", f.options.channel, "Channel: index or label")->check(channel_name());
  cmd->add_option("--threads", f.options.threads,
                  "Threads for the minutes' spectra (0: the machine's cores, at most 8)")
      ->check(whole_range(0, 64));
  cmd->add_option("--alarm-on", f.alarm.on, "Alarm: risk at or above this counts (T_on)")
      ->check(finite_range(0, 1));
  cmd->add_option("--alarm-minutes", f.alarm.consecutive,
                  "Alarm: on after this many consecutive minutes at or above T_on (K)")
      ->check(whole_range(1, 1440));
  cmd->add_option("--alarm-off", f.alarm.off, "Alarm: off at a scored minute below this (T_off)")
      ->check(finite_range(0, 1));
}

void check_alarm(const infer::AlarmConfig& a) {
  try {
    a.validate();
  } catch (const Error& e) {
    throw CLI::ValidationError("--alarm-off", e.what());
  }
}

// Progress lines at most once a second, and only for work that takes longer than that.
ProgressFn throttled_progress() {
  auto last = std::make_shared<double>(0.0);
  auto print = stderr_progress();
  return [last, print](const ProgressEvent& e) {
    if (e.total != 0 && e.elapsed_s - *last < 1.0) return;
    *last = e.elapsed_s;
    print(e);
  };
}

// The files a run reads (to refuse an output that would overwrite one): the record's header and
// signal files, its reference annotations, and the model.
std::vector<fs::path> record_inputs(const fs::path& record, const std::string& model,
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

// Two outputs of one run on the same path would leave only the last.
void check_distinct(const std::vector<std::pair<std::string, std::string>>& outputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i)
    for (std::size_t j = i + 1; j < outputs.size(); ++j)
      if (!outputs[i].second.empty() && !outputs[j].second.empty() &&
          fs::weakly_canonical(outputs[i].second) == fs::weakly_canonical(outputs[j].second))
        throw CLI::ValidationError(outputs[j].first, "the same file as " + outputs[i].first + " (" +
                                                         outputs[j].second + ")");
}

// stdout must take everything: a full disk or a closed pipe is an error, not exit 0.
void flush_stdout() {
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout))
    throw Error("stdout: write error (" + std::string(std::strerror(errno)) + ")");
}

// Records named on the command line: a directory stands for its WFDB records (.hea) and its
// EDF and ISHNE files, in name order.
std::vector<fs::path> expand_records(const std::vector<std::string>& args) {
  std::vector<fs::path> out;
  for (const auto& a : args) {
    std::error_code ec;
    if (!fs::is_directory(a, ec)) {
      out.emplace_back(a);
      continue;
    }
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(a, ec)) {
      const auto& p = e.path();
      // Every *.hea is a record, whatever it turns out to be (a broken one is reported).
      if (p.extension() == ".hea") {
        found.push_back(p.parent_path() / p.stem());
        continue;
      }
      std::error_code e2;
      if (!e.is_regular_file(e2)) continue;
      const auto ext = p.extension().string();
      if (ext == ".edf" || ext == ".EDF" || ext == ".bdf" || ext == ".BDF") {
        found.push_back(p);
        continue;
      }
      // EDF and ISHNE files by their first bytes (not by name: "x.ecg" may be an annotator).
      std::ifstream in(p, std::ios::binary);
      char magic[8] = {};
      in.read(magic, sizeof magic);
      const std::string m(magic, static_cast<std::size_t>(in.gcount()));
      if (m == "0       " || m == "ISHNE1.0") found.push_back(p);
    }
    if (ec) throw Error(a + ": cannot list the directory (" + ec.message() + ")");
    if (found.empty()) throw Error(a + ": no records in it (no .hea, EDF or ISHNE files)");
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  // A record named twice (directly and through a directory, say) is scored once.
  std::vector<fs::path> unique;
  std::set<fs::path> seen;
  for (const auto& p : out) {
    std::error_code ec;
    const auto key = fs::weakly_canonical(p, ec);
    if (seen.insert(ec ? p : key).second) unique.push_back(p);
  }
  return unique;
}

// A file name for a record's outputs: letters, digits, '-', '_', '.'; unique within the batch.
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

// One line of provenance: the model, its training data, how it scores, its file and checksum.
std::string model_comment(const infer::Scorer& m, const std::string& file) {
  const auto j = infer::provenance(m);
  std::string line = "model " + j.value("arch", std::string("?")) + " trained on " +
                     (j.value("simulated", false) ? "SIMULATED data: " : "") +
                     j.value("data_source", std::string("unknown data")) + "; scored by " +
                     j.value("scored_by", std::string("?")) + "; model file " + file;
  if (!m.checksum().empty()) line += " (checksum " + m.checksum() + ")";
  return printable(line, 2000);
}

std::string alarm_comment(const infer::AlarmConfig& a) {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "alarm: on after %d consecutive scored minutes with P >= %.3g, off at a scored "
                "minute with P < %.3g",
                a.consecutive, a.on, a.off);
  return buf;
}

void warn(const std::string& where, const infer::RecordRisk& r) {
  for (const auto& w : r.warnings)
    std::cerr << "scapredict: warning: " << printable(where) << ": " << w << "\n";
}

void write_annotation_file(const fs::path& path, const infer::RecordRisk& r,
                           const infer::AlarmConfig& alarm) {
  write_file_atomic(path, io::encode_annotations(infer::risk_annotations(r, r.frame_fs_hz, alarm)));
}

void predict_one(const infer::Scorer& model, const ScoreFlags& f, const std::string& record,
                 const std::string& out, const std::string& plot, const std::string& annotations) {
  const auto inputs = record_inputs(record, f.model, f.options.annotator);
  for (const auto* o : {&out, &plot, &annotations}) {
    if (o->empty()) continue;
    check_writable(*o);
    check_not_input(*o, inputs);
  }
  auto r = infer::predict_record(model, record, f.options, throttled_progress());
  r.model["file"] = f.model;
  warn(record, r);
  const bool json = out.size() > 5 && out.substr(out.size() - 5) == ".json";
  const std::string text =
      json ? json_text(infer::to_json(r, &f.alarm)) : infer::to_csv(r, &f.alarm);
  if (out.empty()) {
    if (!annotations.empty()) write_annotation_file(annotations, r, f.alarm);
    std::cout << text;
    flush_stdout();
  } else {
    write_file_atomic(out, text);
    if (!annotations.empty()) {
      try {
        write_annotation_file(annotations, r, f.alarm);
      } catch (const Error&) {  // nothing half-done: the table goes with the failed annotations
        std::error_code ec;
        fs::remove(out, ec);
        throw;
      }
    }
    std::cout << printable(infer::summary_line(r), 2000) << "\n";
  }
  if (!plot.empty() && !report::plot_risk(r, plot))
    std::cerr << "scapredict: warning: " << printable(plot) << ": gnuplot not found, no PNG\n";
}

// A batch's record as scored by one process (the unit of common/workers.hpp): its error or its
// summary row, its name and warnings, and its two files' bytes, as raw fields (record names and
// messages may hold any bytes; risks may be NaN).
struct BatchRecord {
  infer::CohortRow row;  ///< row.error set when it failed
  std::string name;
  std::vector<std::string> warnings;
  std::string table, risk;

  std::string pack() const {
    MessageWriter m;
    m.str(row.error);
    m.str(name);
    m.u64(warnings.size());
    for (const auto& w : warnings) m.str(w);
    for (int v :
         {row.minutes, row.scored, row.ok, row.bridged, row.invalid, row.flat, row.saturated,
          row.after_onset, row.vf_like, row.unlike_training, row.above_threshold})
      m.u64(static_cast<std::uint64_t>(static_cast<std::int64_t>(v)));
    for (const auto& v : {row.max_risk, row.mean_risk, row.first_alarm_s}) {
      m.u64(v.has_value());
      m.f64(v.value_or(0));
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
    for (int* v : {&b.row.minutes, &b.row.scored, &b.row.ok, &b.row.bridged, &b.row.invalid,
                   &b.row.flat, &b.row.saturated, &b.row.after_onset, &b.row.vf_like,
                   &b.row.unlike_training, &b.row.above_threshold})
      *v = static_cast<int>(static_cast<std::int64_t>(m.u64()));
    for (auto* v : {&b.row.max_risk, &b.row.mean_risk, &b.row.first_alarm_s}) {
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

std::string score_for_batch(const infer::Scorer& model, const ScoreFlags& f, const fs::path& rec) {
  BatchRecord b;
  try {
    auto options = f.options;
    options.allow_nothing_scored = true;  // a record with nothing to score is a result
    auto r = infer::predict_record(model, rec, options);
    r.model["file"] = f.model;
    b.table = infer::to_csv(r, &f.alarm);
    const auto bytes = io::encode_annotations(infer::risk_annotations(r, r.frame_fs_hz, f.alarm));
    b.risk.assign(bytes.begin(), bytes.end());
    b.name = r.record;
    b.warnings = r.warnings;
    b.row = infer::summarise(r, f.alarm);
  } catch (const std::exception& e) {  // Error, and anything else: the batch goes on
    b = BatchRecord{};
    b.row.error =
        error_line(dynamic_cast<const Error*>(&e) ? e.what() : rec.string() + ": " + e.what());
  }
  return b.pack();
}

// The records of a batch are spread over the run's processes, one at a time each (docs/mpi.md);
// the first process writes every file, in record order.
void predict_batch(const infer::Scorer& model, const ScoreFlags& f,
                   const std::vector<fs::path>& records, const std::string& out) {
  if (out.empty())
    throw CLI::ValidationError("--out", "required for several records (a directory)");
  // The batch is built in a folder beside `out` and renamed into place at the end, by the first
  // process (the others only check that it could): a killed batch leaves no half-filled folder.
  check_output_dir(out);
  const bool writer = workers().root();
  std::optional<StagedDir> stage;
  if (writer) {
    stage.emplace(out, "a batch writes a new one");
  } else if (std::error_code ec; fs::exists(out, ec) && !fs::is_empty(out, ec)) {
    throw Error(out + ": already exists and is not an empty directory; a batch writes a new one");
  }
  std::set<std::string> used = {"cohort"};
  std::vector<infer::CohortRow> rows;
  const ProgressTracker tracker(stderr_progress(), "predict", "record", records.size());
  int failed = 0;
  auto take = [&](std::size_t i, std::string&& msg) {
    const auto& rec = records[i];
    auto b = BatchRecord::unpack(msg);
    auto row = std::move(b.row);
    row.record = rec.string();
    if (row.error.empty()) {
      for (const auto& w : b.warnings)
        std::cerr << "scapredict: warning: " << printable(rec.string()) << ": " << w << "\n";
      try {
        const auto stem = output_stem(b.name, used);
        const auto table = fs::path(out) / (stem + ".csv"), risk = fs::path(out) / (stem + ".risk");
        if (writer) {
          for (const auto& o : {table, risk})
            check_not_input(o, record_inputs(rec, f.model, f.options.annotator));
          write_file_atomic(stage->path() / table.filename(), b.table);
          write_file_atomic(stage->path() / risk.filename(), b.risk);
        }
        row.table = table.filename().string();
      } catch (const Error& e) {
        row = infer::CohortRow{};
        row.record = rec.string();
        row.error = error_line(e.what());
      }
    }
    if (!row.error.empty()) {
      ++failed;
      std::cerr << "scapredict: " << row.error << "\n";
    }
    rows.push_back(std::move(row));
    tracker.report(i + 1, printable(rec.filename().string(), 80));
  };
  map_units(
      workers(), records.size(),
      [&](std::size_t i) { return score_for_batch(model, f, records[i]); }, take, {}, 1);
  const std::vector<std::string> comments = {
      std::string("scapredict ") + kVersion + " predict: " + std::to_string(records.size()) +
          " records; P(SCD) per minute, uncalibrated",
      model_comment(model, f.model), alarm_comment(f.alarm),
      "minutes_above_threshold: scored minutes with P >= T_on; per-minute tables in <record>.csv, "
      "WFDB NOTE annotations in <record>.risk"};
  const auto summary = fs::path(out) / "cohort.csv";
  if (writer) {
    write_file_atomic(stage->path() / summary.filename(), infer::cohort_csv(rows, comments));
    stage->commit();
  }
  std::cout << records.size() - failed << " of " << records.size() << " records scored -> "
            << printable(summary.string()) << "\n";
  // Writing fails only where files are written: the first process's count is the whole count.
  if (failed > 0 && writer)
    throw Error(summary.string() + ": " + std::to_string(failed) + " of " +
                std::to_string(records.size()) + " records failed (their rows say why)");
}

void add_predict(CLI::App& app, ScorerLoader fallback) {
  auto* cmd = app.add_subcommand(
      "predict", "Risk of every minute of a recording; several records or a directory: a batch");
  auto f = std::make_shared<ScoreFlags>();
  auto records = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto plot = std::make_shared<std::string>();
  auto annotations = std::make_shared<std::string>();
  cmd->add_option("records", *records,
                  "WFDB record, EDF/EDF+ or ISHNE file, or a directory of them")
      ->required();
  add_score_flags(cmd, *f);
  cmd->add_option("--annotator", f->options.annotator,
                  "Annotator holding the VF onset (default: atr, else ari)");
  cmd->add_option("--out", *out,
                  "CSV (or .json) output, default stdout; for a batch the output directory");
  cmd->add_option("--plot", *plot, "PNG risk timeline (one record)");
  cmd->add_option("--annotations", *annotations,
                  "WFDB annotation file of the risk: NOTE per minute, aux 'p=0.873 q=ok' (one "
                  "record)");
  cmd->callback([=] {
    check_alarm(f->alarm);
    const auto list = expand_records(*records);
    // Several records named (even one named twice) or a directory: a batch.
    const bool batch =
        records->size() > 1 || (records->size() == 1 && fs::is_directory(records->front()));
    check_distinct({{"--out", *out}, {"--plot", *plot}, {"--annotations", *annotations}});
    if (batch) {
      if (!plot->empty()) throw CLI::ValidationError("--plot", "one record only");
      if (!annotations->empty())
        throw CLI::ValidationError("--annotations",
                                   "one record only (a batch writes <record>.risk into --out)");
      check_output_dir(*out);
    }
    const auto model = load_scorer(f->model, fallback);
    if (batch)
      predict_batch(*model, *f, list, *out);
    else if (workers().root())  // one record is not spread: the first process scores it
      predict_one(*model, *f, list.front().string(), *out, *plot, *annotations);
  });
}

// ---- monitor ----

struct RawInput {
  double fs = 0;
  double gain = 200;
  long long baseline = 0;
  std::string format = "16";
  int channels = 1;
};

class RowPrinter {
 public:
  void header(const std::string& source, const infer::Scorer& m, const std::string& model_file,
              const infer::AlarmConfig& a) {
    std::printf("# scapredict %s monitor: %s; P(SCD) per minute, uncalibrated\n# %s\n# %s\n",
                kVersion, printable(source, 200).c_str(), model_comment(m, model_file).c_str(),
                alarm_comment(a).c_str());
    std::printf("minute,start_s,clock_time,quality,risk,alarm,alarm_change,delay_s,compute_ms\n");
    std::fflush(stdout);
  }
  void rows(const std::vector<infer::LiveMinute>& minutes) {
    for (const auto& l : minutes) {
      const auto& r = l.risk;
      std::printf("%d,%.10g,%s,%s,", r.minute, r.start_s, r.clock_time.c_str(),
                  r.quality().c_str());
      if (r.risk) std::printf("%.10g", *r.risk);
      std::printf(",%s,%s,%.3f,%.3f\n", l.alarm ? "on" : "off",
                  l.alarm_changed ? (l.alarm ? "on" : "off") : "", l.delay_s, l.compute_ms);
      if (std::ferror(stdout))
        throw Error("stdout: write error (" + std::string(std::strerror(errno)) + ")");
      compute_ms_.push_back(l.compute_ms);
      max_delay_s_ = std::max(max_delay_s_, l.delay_s);
      minutes_.push_back(r);
    }
    if (std::fflush(stdout) != 0)
      throw Error("stdout: write error (" + std::string(std::strerror(errno)) + ")");
  }
  // The record-level warnings predict gives (rate, gain, spectra unlike the training minutes).
  void warnings(const std::string& source, const infer::Scorer& m, double fs, double gain,
                int unlike) const {
    infer::RecordRisk r;
    r.model = infer::provenance(m);
    r.fs_hz = fs;
    r.gain_adu_per_mv = gain;
    r.minutes = minutes_;
    std::vector<std::string> w;
    infer::check_training_range(r, unlike, w);
    for (const auto& line : w)
      std::cerr << "scapredict: warning: " << printable(source) << ": " << line << "\n";
  }
  // A recording that ended before its first whole minute scored nothing: an error, as in predict.
  void check_some(const std::string& source, double fs, std::int64_t samples) const {
    if (!compute_ms_.empty()) return;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(samples) / fs);
    throw Error(source + ": nothing to score: the recording ended after " + buf +
                ", less than one minute");
  }
  void summary() const {
    auto v = compute_ms_;
    std::sort(v.begin(), v.end());
    std::fprintf(stderr,
                 "monitor: %zu minutes; compute per minute median %.3f ms, max %.3f ms; "
                 "reported at most %.2f s of signal after a minute's end\n",
                 v.size(), v[v.size() / 2], v.back(), max_delay_s_);
  }

 private:
  std::vector<double> compute_ms_;
  double max_delay_s_ = 0;
  std::vector<infer::MinuteRisk> minutes_;  ///< rows only (no samples): about 100 bytes a minute
};

void monitor_stdin(const infer::Scorer& model, const ScoreFlags& f, const RawInput& raw,
                   int channel) {
  const std::size_t width = raw.format == "16" ? 2 : 4;
  const std::size_t frame = width * static_cast<std::size_t>(raw.channels);
  dsp::QualityLimits limits = f.options.quality;
  if (raw.format != "f32") {  // saturation is judged against what the integers can hold
    const double top = raw.format == "16" ? 32767.0 : 2147483647.0;
    const auto b = static_cast<double>(raw.baseline);
    limits.adc_limits_mv = std::make_pair((-top - b) / raw.gain, (top - b) / raw.gain);
  }
  infer::LiveMonitor mon(model, raw.fs, "", limits, f.alarm);
  RowPrinter out;
  char what[200];
  std::snprintf(what, sizeof what,
                "stdin, format %s, %.6g Hz, gain %.6g per mV, baseline %lld, channel %d of %d",
                raw.format.c_str(), raw.fs, raw.gain, raw.baseline, channel, raw.channels);
  out.header(what, model, f.model, f.alarm);
  std::vector<unsigned char> buf(frame * 4096);
  std::size_t have = 0;
  std::vector<double> x;
  for (;;) {
    // read(2) returns what has arrived, so a live feed's minutes are not held back until a
    // whole buffer fills (fread waits for it).
    const ssize_t n = ::read(STDIN_FILENO, buf.data() + have, buf.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(std::string("stdin: read error (") + std::strerror(errno) + ")");
    const auto got = static_cast<std::size_t>(n);
    have += got;
    const std::size_t frames = have / frame;
    x.assign(frames, 0.0);
    for (std::size_t i = 0; i < frames; ++i) {
      const unsigned char* p = buf.data() + i * frame + static_cast<std::size_t>(channel) * width;
      double v = 0;
      if (raw.format == "16") {
        const auto s = static_cast<std::int16_t>(p[0] | (p[1] << 8));
        v = s == -32768 ? std::nan("")
                        : (static_cast<double>(s) - static_cast<double>(raw.baseline)) / raw.gain;
      } else {
        const std::uint32_t u =
            static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
            (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
        if (raw.format == "32") {
          const auto s = static_cast<std::int32_t>(u);
          v = s == std::numeric_limits<std::int32_t>::min()
                  ? std::nan("")
                  : (static_cast<double>(s) - static_cast<double>(raw.baseline)) / raw.gain;
        } else {
          float fv;
          std::memcpy(&fv, &u, sizeof fv);
          v = std::isfinite(fv) ? static_cast<double>(fv) : std::nan("");
        }
      }
      x[i] = v;
    }
    out.rows(mon.push(x));
    std::memmove(buf.data(), buf.data() + frames * frame, have - frames * frame);
    have -= frames * frame;
    if (got == 0) break;
  }
  out.rows(mon.finish());
  if (have != 0)
    throw Error("stdin: ends inside a frame (" + std::to_string(have) + " stray bytes of a " +
                std::to_string(frame) + "-byte frame)");
  out.check_some("stdin", raw.fs, mon.pushed());
  out.summary();
  out.warnings("stdin", model, raw.fs, raw.format == "f32" ? 0.0 : raw.gain, mon.unlike_training());
}

void monitor_record(const infer::Scorer& model, const ScoreFlags& f, const std::string& path,
                    bool follow, double poll_s, double idle_timeout_s) {
  // With --follow, a record that cannot be read yet (no samples written, a header being
  // written) counts as one that has not grown; without it, that is an error.
  double idle = 0;
  auto open = [&]() -> std::unique_ptr<io::ChannelReader> {
    for (;;) {
      try {
        return io::open_wfdb_channel(path, f.options.channel);
      } catch (const io::IoError&) {
        if (!follow || idle >= idle_timeout_s) throw;
      }
      std::this_thread::sleep_for(std::chrono::duration<double>(poll_s));
      idle += poll_s;
    }
  };
  auto reader = open();
  const auto info = reader->info();
  dsp::QualityLimits limits = f.options.quality;
  limits.adc_limits_mv = info.range_mv;
  std::optional<double> onset;
  if (auto o = io::vf_onset(*info.wfdb_header, nullptr)) onset = o->seconds;
  infer::LiveMonitor mon(model, info.fs_hz, info.base_time, limits, f.alarm, onset);
  RowPrinter out;
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.6g Hz", info.fs_hz);
  out.header(
      path + ", channel " + std::to_string(info.channel) + " (" + info.label + ") at " + rate,
      model, f.model, f.alarm);
  std::int64_t pos = 0;
  const std::int64_t chunk = 1 << 16;
  for (;;) {
    const std::int64_t n = reader->info().n_samples;
    if (n > pos) {
      idle = 0;
      while (pos < n) {
        const auto len = std::min(chunk, n - pos);
        out.rows(mon.push(reader->read_mv(pos, len)));
        pos += len;
      }
    }
    if (!follow) {
      reader->finish();  // the WFDB checksum, read in order from the start
      break;
    }
    if (idle >= idle_timeout_s) break;
    std::this_thread::sleep_for(std::chrono::duration<double>(poll_s));
    idle += poll_s;
    try {
      auto next = io::open_wfdb_channel(path, f.options.channel);  // the header, the file's size
      if (next->info().fs_hz != info.fs_hz)
        throw Error(path + ": the sampling rate changed while monitoring");
      reader = std::move(next);
    } catch (const io::IoError&) {  // being rewritten: look again at the next poll
    }
  }
  out.rows(mon.finish());
  out.check_some(path, info.fs_hz, mon.pushed());
  out.summary();
  out.warnings(path, model, info.fs_hz, info.gain_adu_per_mv, mon.unlike_training());
}

void add_monitor(CLI::App& app, ScorerLoader fallback) {
  auto* cmd = app.add_subcommand(
      "monitor", "Score a recording as it grows (a WFDB record, or raw samples on stdin: '-')");
  auto f = std::make_shared<ScoreFlags>();
  auto source = std::make_shared<std::string>();
  auto raw = std::make_shared<RawInput>();
  auto follow = std::make_shared<bool>(false);
  auto poll = std::make_shared<double>(1.0);
  auto idle = std::make_shared<double>(60.0);
  cmd->add_option("source", *source, "WFDB record, or '-' for raw samples on stdin")->required();
  add_score_flags(cmd, *f);
  cmd->add_flag("--follow", *follow, "Keep reading while the record grows");
  cmd->add_option("--poll", *poll, "Seconds between looks at a growing record")
      ->check(finite_range(0.01, 3600));
  cmd->add_option("--idle-timeout", *idle,
                  "With --follow: end after this many seconds without new samples")
      ->check(finite_range(0, 86400));
  cmd->add_option("--fs", raw->fs, "stdin: samples per second of each channel")
      ->check(finite_range(1, 100000));
  cmd->add_option("--gain", raw->gain, "stdin: stored units per mV (16 and 32)")
      ->check(finite_range(1e-6, 1e9));
  cmd->add_option("--baseline", raw->baseline, "stdin: stored value of 0 mV (16 and 32)")
      ->check(whole_range(-2147483648LL, 2147483647LL));
  cmd->add_option("--format", raw->format,
                  "stdin: 16 (int16 LE), 32 (int32 LE) or f32 (float LE, in mV); frames of "
                  "--channels interleaved samples")
      ->check(one_of({"16", "32", "f32"}, "format"));
  cmd->add_option("--channels", raw->channels, "stdin: channels per frame")
      ->check(whole_range(1, 256));
  cmd->callback([=] {
    check_alarm(f->alarm);
    const auto model = load_scorer(f->model, fallback);
    if (*source == "-") {
      if (raw->fs == 0) throw CLI::ValidationError("--fs", "required for samples on stdin");
      const auto& c = f->options.channel;
      const bool index =
          !c.empty() && c.size() <= 3 &&
          std::all_of(c.begin(), c.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (!index || std::stoi(c) >= raw->channels)
        throw CLI::ValidationError(
            "--channel",
            "stdin has channels 0 to " + std::to_string(raw->channels - 1) + " (no labels)");
      monitor_stdin(*model, *f, *raw, std::stoi(c));
    } else {
      for (const char* flag : {"--fs", "--gain", "--baseline", "--format", "--channels"})
        if (cmd->get_option(flag)->count() > 0)
          throw CLI::ValidationError(flag, "only for samples on stdin ('-')");
      monitor_record(*model, *f, *source, *follow, *poll, *idle);
    }
  });
}

}  // namespace

void add_score_commands(CLI::App& app, ScorerLoader fallback) {
  add_predict(app, fallback);
  add_monitor(app, fallback);
}

}  // namespace scapredict::cli

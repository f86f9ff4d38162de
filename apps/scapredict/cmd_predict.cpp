// predict: the risk of every minute of one record, or of a batch (several records, a directory).
// The model is opened by the scoring core (engine::open_scorer); no LibTorch here.
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "common/workers.hpp"
#include "engine/scorer.hpp"
#include "infer/batch.hpp"
#include "infer/outputs.hpp"
#include "io/annotation.hpp"
#include "report/html_page.hpp"
#include "report/risk_plot.hpp"
#include "score_flags.hpp"
#include "stderr_progress.hpp"

namespace scapredict::cli {

namespace fs = std::filesystem;

namespace {

struct OneRecordOutputs {
  std::string out, plot, annotations, html;
};

report::PageOptions page_options(const ScoreFlags& f, bool batch) {
  report::PageOptions p;
  p.alarm = f.alarm;
  p.channel = f.options.channel;
  p.hourly = !batch;  // a batch's page holds fewer minutes per record, to stay small
  if (batch) p.highest = 2, p.alarm_onsets = 2, p.before_onset = 2;
  return p;
}

// The page's opening lines: what the risk is and which model gave it.
std::vector<std::string> page_lines(const infer::RecordScorer& model) {
  auto lines = infer::meaning_lines(model.provenance());
  lines.push_back(model.comment());
  return lines;
}

void predict_one(const infer::RecordScorer& model, const ScoreFlags& f, const std::string& record,
                 const OneRecordOutputs& o) {
  const auto inputs = infer::record_inputs(record, model.file(), f.options.annotator);
  for (const auto* p : {&o.out, &o.plot, &o.annotations, &o.html}) {
    if (p->empty()) continue;
    check_writable(*p);
    check_not_input(*p, inputs);
  }
  auto r = model.score(record, f.options, throttled_progress());
  print_warnings(record, r.warnings);
  std::string ext = fs::path(o.out).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool json = ext == ".json";
  const std::string text =
      json ? json_text(infer::to_json(r, &f.alarm)) : infer::to_csv(r, &f.alarm);
  // Every file of the run appears whole, or none does (a full disk leaves the old ones).
  std::vector<std::pair<fs::path, std::string>> files;
  if (!o.html.empty()) {
    const auto options = page_options(f, false);
    auto page = report::page_record(r, record);
    report::hold_minutes(page, options);
    files.emplace_back(
        o.html, report::html_page("scapredict predict: " + r.record, page_lines(model), {page},
                                  options, model.provenance()));
  }
  if (!o.annotations.empty()) {
    const auto bytes = io::encode_annotations(infer::risk_annotations(r, r.frame_fs_hz, f.alarm));
    files.emplace_back(o.annotations, std::string(bytes.begin(), bytes.end()));
  }
  if (!o.out.empty()) files.emplace_back(o.out, text);
  write_files_atomic(files);
  if (o.out.empty()) {
    std::cout << text;
    flush_stdout();
  } else {
    for (const auto& line : infer::meaning_lines(r)) std::cout << printable(line, 2000) << "\n";
    std::cout << printable(infer::summary_line(r), 2000) << "\n";
  }
  if (!o.plot.empty() && !report::plot_risk(r, o.plot))
    std::cerr << "scapredict: warning: " << printable(o.plot) << ": gnuplot not found, no PNG\n";
}

// The batch's page from the tables it wrote (read back as `alarms` reads them).
void write_batch_page(const infer::RecordScorer& model, const ScoreFlags& f,
                      const infer::BatchResult& r, const std::string& html) {
  const auto options = page_options(f, true);
  write_file_atomic(
      html, report::html_page("scapredict predict: " + std::to_string(r.records) + " records",
                              page_lines(model), report::batch_page_records(r, options), options,
                              model.provenance()));
}

void predict_batch(const infer::RecordScorer& model, const ScoreFlags& f,
                   const std::vector<fs::path>& records, const std::string& out,
                   const std::string& html) {
  if (out.empty())
    throw CLI::ValidationError("--out", "required for several records (a directory)");
  infer::BatchEvents events;
  events.warning = [](const fs::path& rec, const std::string& w) {
    print_warnings(rec.string(), {w});
  };
  events.failed = [](const std::string& line) { std::cerr << "scapredict: " << line << "\n"; };
  events.progress = stderr_progress();
  const auto r = infer::predict_batch(model, {f.options, f.alarm}, records, out, events);
  if (!html.empty() && workers().root()) write_batch_page(model, f, r, html);
  std::cout << r.records - r.failed << " of " << r.records << " records scored -> "
            << printable(r.summary.string()) << "\n";
  // Writing fails only where files are written: the first process's count is the whole count.
  if (r.failed > 0 && workers().root())
    throw Error(r.summary.string() + ": " + std::to_string(r.failed) + " of " +
                std::to_string(r.records) + " records failed (their rows say why)");
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "predict",
      "Risk of every minute of a recording (built-in model: resembles SDDB patients rather than "
      "healthy subjects; separates patients, not moments); several records or a directory: a "
      "batch");
  auto f = std::make_shared<ScoreFlags>();
  auto records = std::make_shared<std::vector<std::string>>();
  auto o = std::make_shared<OneRecordOutputs>();
  cmd->add_option("records", *records,
                  "WFDB record, EDF/EDF+ or ISHNE file, or a directory of them")
      ->required();
  add_score_flags(cmd, *f);
  cmd->add_option("--annotator", f->options.annotator,
                  "Annotator holding the VF onset (default: atr, else ari); when given, for an HRV "
                  "model also the beats (without it the beats are detected)");
  cmd->add_option("--out", o->out,
                  "CSV (or .json) output, default stdout; for a batch the output directory");
  cmd->add_option("--plot", o->plot, "PNG risk timeline (one record)");
  cmd->add_option("--html", o->html,
                  "One self-contained HTML page: every record's risk timeline with its alarms "
                  "and quality, the ECG and spectrum of selected minutes (docs/html.md)");
  cmd->add_option("--annotations", o->annotations,
                  "WFDB annotation file of the risk: NOTE per minute, aux 'p=0.873 q=ok' (one "
                  "record)");
  cmd->callback([=] {
    check_alarm(f->alarm);
    const auto list = infer::expand_records(*records);
    // Several records named (even one named twice) or a directory: a batch.
    const bool batch =
        records->size() > 1 || (records->size() == 1 && fs::is_directory(records->front()));
    check_distinct({{"--out", o->out},
                    {"--plot", o->plot},
                    {"--annotations", o->annotations},
                    {"--html", o->html}});
    if (!o->html.empty()) {
      if (batch && fs::weakly_canonical(o->html).string().rfind(
                       fs::weakly_canonical(o->out).string() + "/", 0) == 0)
        throw CLI::ValidationError("--html", "must lie outside the batch's --out folder");
      check_writable(o->html);
    }
    if (batch) {
      if (!o->plot.empty()) throw CLI::ValidationError("--plot", "one record only");
      if (!o->annotations.empty())
        throw CLI::ValidationError("--annotations",
                                   "one record only (a batch writes <record>.risk into --out)");
      check_output_dir(o->out);
    }
    const auto model = open_record_scorer(f->model);
    if (batch)
      predict_batch(*model, *f, list, o->out, o->html);
    else if (workers().root())  // one record is not spread: the first process scores it
      predict_one(*model, *f, list.front().string(), *o);
  });
}

}  // namespace scapredict::cli

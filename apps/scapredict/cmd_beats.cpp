// qrs and bxb: QRS detection into a WFDB annotation file, and the EC57 beat-by-beat comparison.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "dsp/qrs.hpp"
#include "eval/beats/ec57.hpp"
#include "flags.hpp"
#include "io/annotation.hpp"
#include "io/inspect.hpp"
#include "io/signal.hpp"
#include "stderr_progress.hpp"

namespace scapredict::cli {

namespace {

// An annotator name as WFDB uses it: the extension of the annotation file.
CLI::Validator annotator_name() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        const bool ok = !s.empty() && s.size() <= 32 &&
                        s.find_first_not_of(
                            "abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789_") == std::string::npos;
        return ok ? std::string()
                  : "annotator " + quote_field(s) + " is not 1-32 letters, digits or '_'";
      },
      "ANNOTATOR");
}

void run_qrs(const std::string& record_arg, const std::string& out_arg,
             const std::vector<int>& signals) {
  const io::Record record(record_arg);
  const int n_signals = static_cast<int>(record.header().signals.size());
  for (int s : signals) {
    if (s >= n_signals)
      throw CLI::ValidationError("--signal", "signal " + std::to_string(s) +
                                                 " not in the record (" +
                                                 std::to_string(n_signals) + " signals)");
  }
  if (n_signals == 0) throw Error(record.header().source + ": record has no signals");
  const std::filesystem::path out =
      out_arg.empty() ? io::annotation_path(record_arg, "qrs") : std::filesystem::path(out_arg);
  check_writable(out);
  std::vector<std::filesystem::path> inputs = {io::header_path(record_arg)};
  for (int s = 0; s < n_signals; ++s) inputs.push_back(record.signal_path(s));
  check_not_input(out, inputs);
  const double duration_s = static_cast<double>(record.n_frames()) / record.fs_hz();
  if (duration_s > 3600.0) {
    char detail[96];
    std::snprintf(detail, sizeof detail, "detecting QRS complexes in %.1f h of signal",
                  duration_s / 3600.0);
    stderr_progress()(ProgressEvent{"qrs", "", 0, 0, 0.0, detail});
  }
  const auto beats = dsp::detect_record_qrs(record, signals);
  std::vector<io::Annotation> annotations;
  annotations.reserve(beats.size());
  for (std::int64_t s : beats) annotations.push_back({s, io::code::kNormal, 0, 0, 0, ""});
  write_file_atomic(out, io::encode_annotations(annotations));
  std::cout << record.header().record_name << ": " << beats.size() << " beats in "
            << io::format_elapsed(duration_s) << " -> " << out.string() << "\n";
}

void add_qrs_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "qrs", "Detect QRS complexes and write them as a WFDB annotation file of N beats");
  auto record = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto signals = std::make_shared<std::vector<int>>();
  cmd->add_option("record", *record, "Record path (dir/name or dir/name.hea)")->required();
  cmd->add_option("--out", *out, "Annotation file to write (default: RECORD.qrs beside it)");
  cmd->add_option("--signal", *signals, "Signal indices to use (default: every signal)")
      ->check(whole_range(0, 4095))
      ->expected(1, 64);
  cmd->callback([=] { run_qrs(*record, *out, *signals); });
}

void add_bxb_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "bxb", "Beat-by-beat comparison of two annotators (ANSI/AAMI EC57, like WFDB's bxb)");
  auto records = std::make_shared<std::vector<std::string>>();
  auto ref = std::make_shared<std::string>();
  auto test = std::make_shared<std::string>();
  auto json = std::make_shared<std::string>();
  cmd->add_option("records", *records, "Record paths (dir/name or dir/name.hea)")->required();
  cmd->add_option("--ref", *ref, "Reference annotator (e.g. atr)")
      ->required()
      ->check(annotator_name());
  cmd->add_option("--test", *test, "Test annotator (e.g. qrs)")
      ->required()
      ->check(annotator_name());
  cmd->add_option("--json", *json, "Also write the figures as JSON here");
  cmd->callback([=] {
    if (!json->empty()) check_writable(*json);
    std::vector<std::filesystem::path> paths(records->begin(), records->end());
    if (!json->empty()) {
      std::vector<std::filesystem::path> inputs;
      for (const auto& p : paths) {
        inputs.push_back(io::header_path(p));
        inputs.push_back(io::annotation_path(p, *ref));
        inputs.push_back(io::annotation_path(p, *test));
      }
      check_not_input(*json, inputs);
    }
    const eval::Ec57Options options;
    const auto summary = eval::compare_records(paths, *ref, *test, options);
    std::cout << "bxb: reference " << *ref << ", test " << *test << "; match window "
              << options.match_window_s * 1000 << " ms, first " << options.learning_period_s
              << " s of each record and VF/VFL episodes not scored\n"
              << summary.to_text();
    if (!json->empty()) write_file_atomic(*json, json_text(summary.to_json(), 2) + "\n");
  });
}

}  // namespace

void add_beats_commands(CLI::App& app) {
  add_qrs_command(app);
  add_bxb_command(app);
}

}  // namespace scapredict::cli

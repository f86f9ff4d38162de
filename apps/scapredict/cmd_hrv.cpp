// hrv: heart-rate variability per window from a record's beat annotations (docs/hrv.md).
#include <cctype>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "commands.hpp"
#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "features/hrv.hpp"
#include "flags.hpp"
#include "io/annotation.hpp"
#include "io/header.hpp"
#include "scapredict/version.hpp"

namespace scapredict::cli {
namespace {

struct HrvRequest {
  std::string record, annotator, out;
  double window_s = 60;
  double grid_s = 0;
};

// An annotator name is a file suffix: letters, digits and '_' only.
CLI::Validator annotator_name() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.empty() || s.size() > 32) return "annotator name must have 1 to 32 characters";
        for (char c : s)
          if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
            return "annotator name may hold only letters, digits and '_'";
        return {};
      },
      "NAME");
}

// The table; a last column minutes_before_onset (from each window's start) where the record has
// a VF onset.
std::string hrv_csv(const HrvRequest& req, const features::Beats& beats,
                    const std::vector<features::HrvWindow>& windows,
                    const std::optional<double>& onset_s) {
  std::ostringstream csv;
  csv << std::setprecision(8);
  csv << "# scapredict " << kVersion << " hrv record=" << printable(req.record)
      << " annotator=" << req.annotator << " fs_hz=" << beats.fs_hz << " window_s=" << req.window_s
      << " grid_s=" << req.grid_s << " beats=" << beats.t_s.size()
      << " excluded_spans=" << beats.excluded_s.size() << "\r\n";
  csv << "start_s,end_s,usable,reason,n_beats,n_nn";
  for (const auto& name : features::hrv_feature_names()) csv << "," << name;
  csv << (onset_s ? ",minutes_before_onset" : "") << "\r\n";
  for (const auto& w : windows) {
    csv << w.t0_s << "," << w.t1_s << "," << (w.usable ? 1 : 0) << ","
        << csv_field(w.reason.empty() ? w.reason : w.reason + " (" + w.detail + ")") << ","
        << w.nn.n_beats << "," << w.nn.n_intervals;
    if (w.usable) {
      for (double v : w.values) csv << "," << v;
    } else {
      for (std::size_t i = 0; i < features::hrv_feature_names().size(); ++i) csv << ",";
    }
    if (onset_s) csv << "," << (*onset_s - w.t0_s) / 60.0;
    csv << "\r\n";
  }
  return csv.str();
}

void run_hrv(HrvRequest req) {
  if (!req.out.empty()) check_writable(req.out);
  if (req.annotator.empty()) {
    io::read_header(req.record);  // a missing header is named before a missing annotation
    const auto found = io::default_annotator(req.record);
    if (!found)
      throw io::IoError(io::header_path(req.record).string() +
                        ": no annotation file (.atr or .ari) beside it");
    req.annotator = *found;
  }
  if (!req.out.empty())
    check_not_input(req.out,
                    {io::header_path(req.record), io::annotation_path(req.record, req.annotator)});
  const auto beats = features::read_beats(req.record, req.annotator, req.grid_s);
  const auto windows = features::hrv_windows(beats, req.window_s);
  const auto anns = io::read_annotations(req.record, req.annotator);
  const auto onset = io::vf_onset(io::read_header(req.record), &anns);
  const auto csv =
      hrv_csv(req, beats, windows, onset ? std::optional<double>(onset->seconds) : std::nullopt);
  if (req.out.empty()) {
    std::cout << csv;
  } else {
    write_file_atomic(req.out, csv);
  }
}

}  // namespace

void add_hrv_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "hrv", "Heart-rate variability per window from beat annotations (no signal file needed)");
  auto req = std::make_shared<HrvRequest>();
  cmd->add_option("record", req->record, "Record path (dir/name or dir/name.hea)")->required();
  cmd->add_option("--annotator", req->annotator,
                  "Annotator to read (atr, ari, ...); default: atr, else ari")
      ->check(annotator_name());
  cmd->add_option("--window", req->window_s, "Window length in seconds")
      ->check(finite_range(60, 3600));
  cmd->add_option("--grid", req->grid_s,
                  "Re-quantise beat times to multiples of this many seconds (0: keep; else "
                  "1e-6 to 1)")
      ->check(finite_range(0, 1))
      ->check(CLI::Validator(
          [](const std::string& v) {
            const double g = std::strtod(v.c_str(), nullptr);
            return g == 0 || g >= 1e-6 ? std::string() : "must be 0 or at least 1e-6 s: " + v;
          },
          "", "grid"));
  cmd->add_option("--out", req->out, "Write CSV here instead of stdout");
  cmd->callback([req] { run_hrv(*req); });
}

}  // namespace scapredict::cli

// inspect and spectrum: WFDB records and their spectra.
#include <iostream>
#include <optional>
#include <sstream>

#include "commands.hpp"
#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "dsp/prepare.hpp"
#include "flags.hpp"
#include "io/inspect.hpp"

namespace scapredict::cli {

void add_io_commands(CLI::App& app) {
  {
    auto* cmd =
        app.add_subcommand("inspect", "Header facts, signal statistics, annotations, VF onset");
    auto record = std::make_shared<std::string>();
    auto annotator = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("record", *record, "Record path (dir/name or dir/name.hea)")->required();
    cmd->add_option("--annotator", *annotator,
                    "Annotator to read (atr, ari); default: atr, else ari");
    cmd->add_flag("--json", *json, "Print JSON instead of text");
    cmd->callback([=] {
      auto report = io::inspect(*record, *annotator);
      if (*json) {
        std::cout << json_text(io::to_json(report), 2) << "\n";
      } else {
        std::cout << io::to_text(report);
      }
    });
  }
  {
    auto* cmd = app.add_subcommand("spectrum", "DFT magnitude spectrum of one minute at 128 Hz");
    auto req = std::make_shared<dsp::MinuteSpectrumRequest>();
    auto record = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto minute = std::make_shared<std::optional<int>>();
    auto before = std::make_shared<std::optional<int>>();
    cmd->add_option("record", *record, "Record path")->required();
    auto* m = cmd->add_option("--minute", *minute, "Minute index from the record start (0-based)")
                  ->check(whole_range(0, 1 << 30));
    auto* b = cmd->add_option("--before-onset", *before, "K-th minute before the VF onset (K >= 1)")
                  ->check(whole_range(1, 1 << 30));
    m->excludes(b);
    cmd->add_option("--bins", req->bins, "Number of bins (power of two, 128..4096)")
        ->check(one_of({"128", "256", "512", "1024", "2048", "4096"}, "bin count"));
    cmd->add_option("--signal", req->signal, "Signal index")->check(whole_range(0, 4095));
    cmd->add_option("--annotator", req->annotator, "Annotator used to find the onset");
    cmd->add_option("--out", *out, "Write CSV here instead of stdout");
    cmd->callback([=] {
      if (!*minute && !*before)
        throw CLI::ValidationError("--minute", "required (or --before-onset)");
      req->record = *record;
      req->minute = *minute;
      req->before_onset = *before;
      auto s = dsp::minute_spectrum(*req);
      std::ostringstream csv;
      csv << "# record=" << *record << " start_s=" << s.start_s << " bins=" << req->bins
          << " fs_hz=128 quality=" << s.quality.describe() << "\n";
      csv << "bin,freq_low_hz,freq_high_hz,magnitude_mv\n";
      for (size_t i = 0; i < s.values.size(); ++i) {
        csv << i << "," << s.bin_width_hz * static_cast<double>(i) << ","
            << s.bin_width_hz * static_cast<double>(i + 1) << "," << s.values[i] << "\n";
      }
      if (out->empty()) {
        std::cout << csv.str();
      } else {
        write_file_atomic(*out, csv.str());
      }
    });
  }
}

}  // namespace scapredict::cli

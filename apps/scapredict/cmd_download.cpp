// download: a PhysioNet database (sddb, nsrdb, mitdb) into DIR/<db>/, checked against its
// SHA256SUMS.txt, resumable (docs/download.md).
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "flags.hpp"
#include "net/download.hpp"
#include "stderr_progress.hpp"

namespace scapredict::cli {

void add_download_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "download", "Download a PhysioNet database into DIR/<db>/, verified against SHA256SUMS.txt");
  auto opt = std::make_shared<net::DownloadOptions>();
  auto out = std::make_shared<std::string>();
  auto records = std::make_shared<std::optional<std::size_t>>();
  opt->base_url = net::default_base_url();
  cmd->add_option("db", opt->database, "Database: sddb, nsrdb or mitdb")
      ->required()
      ->check(one_of({"sddb", "nsrdb", "mitdb"}, "database"));
  cmd->add_option("--out", *out, "Output directory (the database goes to DIR/<db>/)")->required();
  cmd->add_option("--base-url", opt->base_url,
                  std::string("Server holding <db>/<version>/ (http:// or https://; default $") +
                      net::kBaseUrlEnv + ", else PhysioNet)")
      ->check(CLI::Validator(
          [](std::string& url) {
            try {
              net::normalise_base_url(url);
            } catch (const net::NetError& e) {
              return std::string(e.what());
            }
            return std::string();
          },
          "URL"));
  cmd->add_option("--records", *records, "Only the first N records of RECORDS (to try it out)")
      ->check(whole_range(1, static_cast<long long>(net::kMaxRecords)));
  cmd->callback([=] {
    opt->out_dir = *out;
    opt->max_records = *records;
    opt->progress = stderr_progress();
    const auto r = net::download_database(*opt);
    char mib[32];
    std::snprintf(mib, sizeof mib, "%.1f",
                  static_cast<double>(r.bytes_downloaded) / (1024.0 * 1024.0));
    std::cout << "PhysioNet " << opt->database << " in " << r.dir.string() << ": " << r.records
              << (r.records == 1 ? " record" : " records") << ", verified; " << r.files_downloaded
              << " files downloaded (" << mib << " MiB, " << r.files_resumed << " resumed), "
              << r.files_present << " already present";
    if (!r.not_offered.empty()) {
      std::cout << "; " << r.not_offered.size() << " annotation files not on the server (e.g. "
                << r.not_offered.front() << ")";
    }
    std::cout << "\n";
  });
}

}  // namespace scapredict::cli

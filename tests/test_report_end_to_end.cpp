// reproduce() and audit() end to end on tiny simulated cohorts: every file written, every probe
// present, the data source on the first line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/atomic_file.hpp"
#include "data/cohort.hpp"
#include "report/audit_report.hpp"
#include "report/reproduce_report.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"

using namespace scapredict;
using scapredict::testing::TempDir;
namespace fs = std::filesystem;

namespace {

data::ProtocolConfig tiny_protocol() {
  data::ProtocolConfig pc;
  pc.train_scd = pc.test_scd = pc.train_normal = pc.test_normal = 2;
  pc.train_minutes = 3;
  pc.horizons = {5, 10, 60};
  return pc;
}

RunConfig tiny_run() {
  RunConfig run;
  run.repetitions = 2;
  run.epochs = 2;
  return run;
}

std::string first_line(const fs::path& p) {
  const auto text = read_file(p);
  return text.substr(0, text.find('\n'));
}

}  // namespace

TEST(EndToEnd, ReproduceWritesTheReportOfEveryExperiment) {
  TempDir dir;
  sim::simulate(scapredict::testing::small_sim(dir / "data", 1.0, 1.0, 1.2, 0.3, 4));
  const auto cohort = data::load_cohort(dir / "data");
  const auto r = eval::run_reproduce(cohort, tiny_protocol(), tiny_run());
  report::write_reproduce_report(r, dir / "out");
  EXPECT_EQ(r.experiments.size(), 13u);
  EXPECT_EQ(first_line(dir / "out" / "REPORT.md").rfind("Data: SIMULATED", 0), 0u);
  const auto j = nlohmann::json::parse(read_file(dir / "out" / "results.json"));
  EXPECT_TRUE(j.at("simulated").get<bool>());
  EXPECT_EQ(j.at("experiments").size(), 13u);
  EXPECT_EQ(j.at("protocol").at("repetitions"), 2);
  EXPECT_EQ(j.at("protocol").at("train_scd"), 2);
  const auto& main = j.at("experiments").at("cnn1d-dft1024");
  ASSERT_EQ(main.at("horizons").size(), 3u);
  for (const auto& h : main.at("horizons")) {
    const double acc = h.at("accuracy").at("mean");
    EXPECT_GE(acc, 0.0);
    EXPECT_LE(acc, 1.0);
    EXPECT_EQ(h.at("accuracy").at("n"), 2);  // one value per repetition
  }
  const auto md = read_file(dir / "out" / "REPORT.md");
  for (const char* section : {"## Tab. 2", "## Fig. 3", "## Tab. 1", "## Fig. 4", "## Fig. 5",
                              "## Compression of the CNN"})
    EXPECT_NE(md.find(section), std::string::npos) << section;
  // The compression study: fp32, int8, each pruning fraction with and without fine-tuning, and
  // pruned + fine-tuned + int8; fp32 against itself changes nothing.
  const auto& c = j.at("compression");
  EXPECT_EQ(c.at("repetitions"), 2);
  ASSERT_EQ(c.at("rows").size(), 9u);
  const auto& fp32 = c.at("rows").at(0);
  EXPECT_EQ(fp32.at("variant"), "fp32");
  EXPECT_EQ(fp32.at("mean_abs_delta_p"), 0.0);
  EXPECT_EQ(fp32.at("delta_auroc_vs_fp32").at("mean"), 0.0);
  for (const auto& row : c.at("rows")) {
    EXPECT_GT(row.at("weight_bytes").get<double>(), 0) << row.at("variant");
    EXPECT_LE(row.at("weight_bytes").get<double>(), fp32.at("weight_bytes").get<double>());
    EXPECT_GT(row.at("us_per_minute_one_core").get<double>(), 0);
  }
  EXPECT_NEAR(c.at("rows").at(7).at("sparsity").get<double>(), 0.9, 0.01);
}

TEST(EndToEnd, AuditRunsEveryProbeAndPatchesTheReport) {
  TempDir dir;
  sim::simulate(scapredict::testing::small_sim(dir / "data", 1.0, 1.0, 1.6, 0.3, 4));
  const auto cohort = data::load_cohort(dir / "data");
  report::write_reproduce_report(eval::run_reproduce(cohort, tiny_protocol(), tiny_run()),
                                 dir / "out");
  eval::AuditConfig ac;
  ac.run = tiny_run();
  ac.protocol = tiny_protocol();
  ac.near = {5, 10};
  ac.grid_far = {40, 45};
  ac.grid_hours_before_onset = 0.8;
  ac.grid_records = 4;
  ac.grid_nsrdb_hours = 0.3;
  ac.bootstrap_resamples = 100;
  ac.cache = dir / "cache";
  ac.physionet = scapredict::testing::physionet_dir();
  const auto r = eval::run_audit(cohort, ac);
  report::write_audit_report(r, dir / "out");
  EXPECT_EQ(r.grid.cells.size(), 4u);
  // Onsets at 96 min: the far band ends at the farthest minute every record allows.
  EXPECT_EQ(r.far_from_onset.far_horizons, (std::vector<int>{75, 85, 95}));
  EXPECT_EQ(r.lopo.main.patients + static_cast<int>(r.lopo.main.skipped.size()), 8);
  const auto j = nlohmann::json::parse(read_file(dir / "out" / "audit.json"));
  for (const char* key : {"probe3_band_limited", "probe4_grid", "probe5_far_from_onset",
                          "probe6_leave_one_patient_out"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j.contains("probe1_resampling_signature"), ac.physionet.has_value());
  EXPECT_EQ(j.at("probe4_grid").size(), 4u);
  EXPECT_EQ(first_line(dir / "out" / "AUDIT.md").rfind("Data: SIMULATED", 0), 0u);
  const auto report = read_file(dir / "out" / "REPORT.md");
  EXPECT_NE(report.find("## Paper vs reproduction vs controls"), std::string::npos);
  EXPECT_EQ(report.find("## Paper vs reproduction vs controls"),
            report.rfind("## Paper vs reproduction vs controls"));  // replaced, not appended
  report::write_audit_report(r, dir / "out");  // a second audit replaces the section again
  const auto again = read_file(dir / "out" / "REPORT.md");
  EXPECT_EQ(again.find("## Paper vs reproduction vs controls"),
            again.rfind("## Paper vs reproduction vs controls"));
  EXPECT_TRUE(fs::exists(dir / "cache" / "audit-grid-r1-g0-h0.8-n4-nh0.3" / "truth.json"));
}

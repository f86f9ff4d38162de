// The default model from the command line, on the real records in ../shared/physionet: predict
// with no --model on every database there, the meaning lines first, the warnings of a model
// trained on simulated data, and monitor reporting what predict reports on every VFDB record.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

namespace scapredict::clitest {
namespace {

using scapredict::testing::run_cli;
using scapredict::testing::TempDir;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

// Rows of a CSV text (after its '#' lines) by the named columns, keyed by the first column.
std::map<std::string, std::vector<std::string>> rows_by(const std::string& text,
                                                        const std::vector<std::string>& columns) {
  std::map<std::string, std::vector<std::string>> out;
  std::vector<std::string> names;
  for (const auto& line : lines_of(text)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, ',')) f.push_back(cell);
    if (line.back() == ',') f.push_back("");
    if (names.empty()) {
      names = f;
      continue;
    }
    std::vector<std::string> picked;
    for (const auto& c : columns)
      for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == c) picked.push_back(i < f.size() ? f[i] : "");
    out[f.at(0)] = picked;
  }
  return out;
}

const char* kMeaning = "# P(resembles the SDDB cohort rather than NSRDB healthy subjects)";

TEST(DefaultModel, PredictScoresEveryRealDatabaseAndSaysWhatTheNumberIs) {
  SKIP_WITHOUT_PHYSIONET(root);
  TempDir tmp;
  for (const char* db : {"vfdb", "cudb", "mitdb"}) {
    const auto out = tmp / db;
    const auto r = run_cli({"predict", (root / db).string(), "--out", out.string()});
    EXPECT_EQ(r.exit_code, 0) << db << "\n" << r.err;
    const auto cohort = read_bytes(out / "cohort.csv");
    const auto rows = rows_by(cohort, {"status", "scored"});
    EXPECT_GE(rows.size(), 17u) << db;
    std::size_t with_scores = 0;
    for (const auto& [record, row] : rows) {
      EXPECT_EQ(row.at(0), "ok") << db << "/" << record;
      with_scores += std::stoi(row.at(1)) > 0;
    }
    // A record whose VF starts within 5 minutes has no whole window before it: most CUDB records
    // (8.5 minutes, VF after 0-8.3); MIT-BIH 207 has a VF onset
    // in its first minute (.atr), and 203 (atrial flutter/fibrillation, multiform PVCs) no window
    // with enough NN intervals.
    const std::size_t want =
        std::string(db) == "cudb" ? 5 : rows.size() - (db == std::string("vfdb") ? 4 : 2);
    EXPECT_GE(with_scores, want) << db << "\n" << cohort;
    EXPECT_NE(cohort.find("hrv-svm"), std::string::npos) << cohort.substr(0, 400);
  }
  // One record to stdout: the meaning and its leave-one-patient-out AUROC open the output.
  const auto one = run_cli({"predict", (root / "vfdb" / "418").string()});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto lines = lines_of(one.out);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind(kMeaning, 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("does NOT indicate imminent VF"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].rfind("# leave-one-patient-out AUROC 0.", 0), 0u) << lines[1];
  // The NSRDB excerpts hold one minute: no 5-minute window, one line and exit 2.
  const auto short_one = run_cli({"predict", (root / "nsrdb-1min" / "16265m").string()});
  EXPECT_EQ(short_one.exit_code, 2);
  EXPECT_NE(short_one.err.find("nothing to score"), std::string::npos) << short_one.err;
  EXPECT_TRUE(short_one.out.empty());
}

TEST(DefaultModel, ASimulatedModelWarnsOnEveryRealRecord) {
  SKIP_WITHOUT_PHYSIONET(root);
  const auto& fx = shared_fixture();
  if (!fx.error.empty()) GTEST_SKIP() << fx.error;
  TempDir tmp;
  for (const char* db : {"vfdb", "cudb", "mitdb"}) {
    const auto out = tmp / db;
    const auto r = run_cli(
        {"predict", (root / db).string(), "--model", fx.model.string(), "--out", out.string()});
    EXPECT_EQ(r.exit_code, 0) << db << "\n" << r.err;
    const auto rows = rows_by(read_bytes(out / "cohort.csv"), {"record"});
    int warned = 0;
    for (const auto& line : lines_of(r.err))
      if (line.find("trained on SIMULATED data and scores a record the simulator did not write") !=
          std::string::npos)
        ++warned;
    EXPECT_EQ(warned, static_cast<int>(rows.size())) << db << "\n" << r.err.substr(0, 2000);
  }
  // A record the simulator wrote gets no such warning.
  Env env;
  TempDir d;
  env.dir = d.path();
  env.cohort = fx.cohort;
  copy_cohort_record(env, "nsrdb/16265");
  const auto sim = run_cli({"predict", (d / "16265").string(), "--model", fx.model.string(),
                            "--out", (d / "r.csv").string()});
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  EXPECT_EQ(sim.err.find("SIMULATED data and scores"), std::string::npos) << sim.err;
}

TEST(DefaultModel, MonitorReportsWhatPredictReportsOnEveryVfdbRecord) {
  SKIP_WITHOUT_PHYSIONET(root);
  int compared = 0;
  for (const auto& e : fs::directory_iterator(root / "vfdb")) {
    if (e.path().extension() != ".hea") continue;
    const auto rec = (root / "vfdb" / e.path().stem()).string();
    const auto p = run_cli({"predict", rec});
    const auto m = run_cli({"monitor", rec});
    ASSERT_EQ(m.exit_code, 0) << rec << "\n" << m.err;
    const auto mr = rows_by(m.out, {"quality", "risk"});
    EXPECT_GT(mr.size(), 30u) << rec;
    ++compared;
    if (p.exit_code == 2) {  // no minute before the onset to score: the monitor scores none either
      EXPECT_NE(p.err.find("nothing to score"), std::string::npos) << p.err;
      for (const auto& [minute, row] : mr) EXPECT_EQ(row.at(1), "") << rec << " minute " << minute;
      continue;
    }
    ASSERT_EQ(p.exit_code, 0) << rec << "\n" << p.err;
    EXPECT_EQ(rows_by(p.out, {"quality", "risk"}), mr) << rec;
  }
  EXPECT_EQ(compared, 22);
}

TEST(DefaultModel, HrvAndCohortCarryMinutesBeforeOnset) {
  SKIP_WITHOUT_PHYSIONET(root);
  // SDDB 30's beat annotations: its onset (header vfon) gives every window its distance to it.
  const auto h = run_cli({"hrv", (root / "sddb-beats" / "30").string(), "--window", "300"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  const auto rows = rows_by(h.out, {"start_s", "minutes_before_onset"});
  ASSERT_TRUE(rows.count("0"));
  EXPECT_NEAR(std::stod(rows.at("0").at(1)), (7 * 3600 + 54 * 60 + 33) / 60.0, 1e-6);
  // cohort.csv: the onset and how long before it the alarm first rang.
  TempDir tmp;
  const auto r =
      run_cli({"predict", (root / "vfdb" / "422").string(), (root / "vfdb" / "424").string(),
               "--out", (tmp / "o").string(), "--alarm-on", "0.01", "--alarm-off", "0.005"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto c = rows_by(read_bytes(tmp / "o" / "cohort.csv"),
                         {"vf_onset_s", "first_alarm_s", "minutes_before_onset"});
  ASSERT_EQ(c.size(), 2u);
  for (const auto& [rec, row] : c) {
    ASSERT_FALSE(row.at(0).empty()) << rec;
    ASSERT_FALSE(row.at(1).empty()) << rec;
    EXPECT_NEAR(std::stod(row.at(2)), (std::stod(row.at(0)) - std::stod(row.at(1))) / 60.0, 1e-4)
        << rec;
  }
}

}  // namespace
}  // namespace scapredict::clitest

namespace scapredict::clitest {
namespace {

TEST(AlarmsCli, JudgesAPredictBatchAndItsRiskAnnotationsAlike) {
  SKIP_WITHOUT_PHYSIONET(root);
  TempDir tmp;
  const auto batch = tmp / "batch";
  ASSERT_EQ(run_cli({"predict", (root / "vfdb").string(), "--out", batch.string()}).exit_code, 0);
  const auto a = run_cli({"alarms", batch.string(), "--out", (tmp / "a").string(), "--sop", "25"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  // VFDB holds 8 records with VF (418 419 422 424 426 429 430 609).
  EXPECT_EQ(a.out.rfind("Of 8 arrests, ", 0), 0u) << a.out;
  const auto md = read_bytes(tmp / "a" / "ALARMS.md");
  EXPECT_EQ(md.rfind("P(resembles the SDDB cohort", 0), 0u) << md.substr(0, 200);
  const auto j = nlohmann::json::parse(read_bytes(tmp / "a" / "alarms.json"));
  EXPECT_EQ(j["events"], 8);
  EXPECT_EQ(j["settings"]["sop_min"], 25.0);
  // The same risks as WFDB annotations beside copies of the records give the same numbers.
  fs::create_directories(tmp / "recs");
  for (const auto& e : fs::directory_iterator(root / "vfdb")) {
    if (e.path().extension() != ".hea") continue;
    const auto stem = e.path().stem().string();
    for (const char* ext : {".hea", ".atr"})
      fs::copy_file(root / "vfdb" / (stem + ext), tmp / "recs" / (stem + ext));
    fs::copy_file(batch / (stem + ".risk"), tmp / "recs" / (stem + ".risk"));
  }
  const auto b =
      run_cli({"alarms", (tmp / "recs").string(), "--out", (tmp / "b").string(), "--sop", "25"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const auto k = nlohmann::json::parse(read_bytes(tmp / "b" / "alarms.json"));
  for (const char* key : {"events", "events_warned", "false_alarms", "hours_monitored"})
    EXPECT_EQ(j[key], k[key]) << key;
}

TEST(AlarmsCli, BadInputIsOneLineExitTwoAndNothingWritten) {
  TempDir tmp;
  put(tmp / "r.csv", "minute,start_s,risk\n0,0,0.1\n1,60,0.2\n");
  put(tmp / "x.csv", "minute,start_s\n0,0\n");
  put(tmp / "ev.csv", "record,onset_s\nnope,10\n");
  const std::vector<std::pair<Args, std::string>> cases = {
      {{"alarms", (tmp / "x.csv").string(), "--out", (tmp / "o").string()}, "no column 'risk'"},
      {{"alarms", (tmp / "r.csv").string(), "--out", (tmp / "o").string(), "--sph", "0"}, "--sph"},
      {{"alarms", (tmp / "r.csv").string(), "--out", (tmp / "o").string(), "--sop", "nan"},
       "--sop"},
      {{"alarms", (tmp / "r.csv").string(), "--out", (tmp / "o").string()},
       "longer than the longest"},
      {{"alarms", (tmp / "r.csv").string(), "--out", (tmp / "o").string(), "--events",
        (tmp / "ev.csv").string(), "--sph", "0.1", "--sop", "0.5"},
       "has no risk series"},
      {{"alarms", (tmp / "r.csv").string(), (tmp / "r.csv").string(), "--out",
        (tmp / "o").string()},
       "named twice"},
  };
  for (const auto& [args, want] : cases) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << want;
    EXPECT_EQ(r.err.rfind("scapredict: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(want), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(tmp / "o")) << want;
  }
}

}  // namespace
}  // namespace scapredict::clitest

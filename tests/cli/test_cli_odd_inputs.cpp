// Valid but odd inputs that must keep working (exit code 0): WFDB header variants that real
// databases use, names with odd bytes, and outputs in unusual places.
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_harness.hpp"

namespace scapredict::clitest {
namespace {

// Record r with header `header` and r.dat holding `dat`; runs inspect with `flags`.
Setup inspect_with(const std::string& header, const std::string& dat, const Args& flags = {}) {
  return [=](const Env& e) {
    put(e / "r.hea", header);
    put(e / "r.dat", dat);
    Args a{"inspect", e.arg("r")};
    a.insert(a.end(), flags.begin(), flags.end());
    return a;
  };
}

// Checks that stdout holds every one of `parts`.
std::function<void(const CliResult&, const Env&)> out_has(std::vector<std::string> parts) {
  return [=](const CliResult& r, const Env&) {
    for (const auto& p : parts) EXPECT_NE(r.out.find(p), std::string::npos) << "missing: " << p;
  };
}

// Checks that stdout is one JSON document (which nlohmann refuses for invalid UTF-8) and runs
// `more` on it.
std::function<void(const CliResult&, const Env&)> json_out(
    std::function<void(const nlohmann::json&)> more = nullptr) {
  return [=](const CliResult& r, const Env&) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(r.out);
    } catch (const nlohmann::json::exception& ex) {
      ADD_FAILURE() << "stdout is not valid JSON text: " << ex.what();
      return;
    }
    if (more) more(j);
  };
}

// Ten samples 1..10 in format 16; their checksum is 55.
std::string ten() {
  std::string b;
  for (int i = 1; i <= 10; ++i) b += std::string{static_cast<char>(i), '\0'};
  return b;
}

std::vector<OddCase> odd_cases() {
  return {
      {"crlf_line_ends", kNothing,
       inspect_with("r 1 250 10\r\nr.dat 16 200 16 0 1 55 0 ECG\r\n# a comment\r\n", ten()),
       out_has({"Record r: 1 signals", "10 samples", "checksum ok"})},
      {"gain_zero_means_200", kNothing,
       inspect_with("r 1 250 10\nr.dat 16 0 16 0 1 55 0 ECG\n", ten()),
       out_has({"gain 200", "uncalibrated", "checksum ok"})},
      {"no_gain_at_all", kNothing, inspect_with("r 1 250 10\nr.dat 16\n", ten()),
       out_has({"gain 200"})},
      {"comments_before_the_record_line", kNothing,
       inspect_with("# first\n#second\n\n r 1 250 10\nr.dat 16 200 16 0 1 55 0 ECG\n", ten()),
       out_has({"Record r: 1 signals", "# first", "checksum ok"})},
      {"blank_lines_between_signal_lines", kNothing,
       inspect_with(
           "r 2 250 5\n\nr.dat 16 200 16 0 1 25 0 A\n\n  \n\t\nr.dat 16 200 16 0 2 30 0 B\n",
           ten()),
       out_has({"2 signals", "5 samples", "Signal 1 'B'"})},
      {"no_sample_count_derived_from_file_size", kNothing,
       inspect_with("r 1 250\nr.dat 16 200\n", ten()), out_has({"10 samples"})},
      {"no_sampling_frequency_means_250", kNothing, inspect_with("r 1\nr.dat 16 200\n", ten()),
       out_has({"250 Hz", "10 samples"})},
      {"tabs_between_fields", kNothing, inspect_with("r\t1\t250\t10\nr.dat\t16\t200\n", ten()),
       out_has({"Record r: 1 signals"})},
      {"no_final_newline", kNothing,
       inspect_with("r 1 250 10\nr.dat 16 200 16 0 1 55 0 ECG", ten()), out_has({"checksum ok"})},
      {"trailing_blanks", kNothing,
       inspect_with("r 1 250 10   \nr.dat 16 200 16 0 1 55 0 ECG  \t\n", ten()),
       out_has({"Signal 0 'ECG'"})},
      {"resolution_0_means_default", kNothing, inspect_with("r 1 250 10\nr.dat 16 200 0\n", ten()),
       out_has({"10 samples"})},
      {"resolution_32", kNothing, inspect_with("r 1 250 10\nr.dat 16 200 32\n", ten()),
       out_has({"10 samples"})},
      {"baseline_and_units", kNothing, inspect_with("r 1 250 10\nr.dat 16 200(3)/uV 16 0\n", ten()),
       out_has({"adu/uV"})},
      {"counter_frequency_and_base", kNothing,
       inspect_with("r 1 250/1000(5) 10 10:00:00 01/02/2003\nr.dat 16 200\n", ten()),
       out_has({"starts 10:00:00 01/02/2003"})},
      {"description_with_spaces", kNothing,
       inspect_with("r 1 250 10\nr.dat 16 200 16 0 1 55 0 lead II, chest\n", ten()),
       out_has({"'lead II, chest'"})},
      {"format_212_odd_sample_count", kNothing,
       inspect_with("r 1 250 3\nr.dat 212 200\n", std::string("\x01\x00\x02\x03\x00", 5)),
       out_has({"3 samples"})},
      {"samples_per_frame_2", kNothing, inspect_with("r 1 250 5\nr.dat 16x2 200\n", ten()),
       out_has({"5 samples"})},
      {"skew_shorter_than_record", kNothing, inspect_with("r 1 250 8\nr.dat 16:2 200\n", ten()),
       out_has({"8 samples"})},
      {"record_given_as_hea_path", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 250 10\nr.dat 16 200\n");
         put(e / "r.dat", ten());
         return Args{"inspect", e.arg("r.hea")};
       },
       out_has({"10 samples"})},
      {"record_given_as_dat_path", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 250 10\nr.dat 16 200\n");
         put(e / "r.dat", ten());
         return Args{"inspect", e.arg("r.dat")};
       },
       out_has({"10 samples"})},
      {"directory_with_spaces_quotes_and_shell_syntax", kNothing,
       [](const Env& e) {
         const std::string d = "a b'c\"$(touch pwned)`touch pwned2`";
         put(e / d / "r.hea", "r 1 250 10\nr.dat 16 200\n");
         put(e / d / "r.dat", ten());
         return Args{"inspect", e.arg(d + "/r")};
       },
       [](const CliResult& r, const Env& e) {
         EXPECT_NE(r.out.find("10 samples"), std::string::npos);
         EXPECT_FALSE(fs::exists(e / "pwned") || fs::exists("pwned") || fs::exists("pwned2"))
             << "an argument was run by a shell";
       }},
      {"annotations_without_end_word", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 250 10\nr.dat 16 200\n");
         put(e / "r.dat", ten());
         put(e / "r.atr", std::string("\x02\x04\x03\x04", 4));  // N at 2, N at 5
         return Args{"inspect", e.arg("r"), "--annotator", "atr"};
       },
       out_has({"Annotations (atr): 2", "N=2"})},
      {"json_with_invalid_utf8_in_name_units_description", kNothing,
       inspect_with("r\xff\xfe 1 250 10\nr.dat 16 200/m\xc0V 16 0 1 55 0 lead \xed\xa0\x80 I\n"
                    "# comment \xfe\n",
                    ten(), {"--json"}),
       json_out([](const nlohmann::json& j) {
         EXPECT_EQ(j.at("n_samples"), 10);
         EXPECT_EQ(j.at("signals").size(), 1u);
       })},
      {"json_with_cr_and_tab_in_description", kNothing,
       inspect_with("r 1 250 10\nr.dat 16 200 16 0 1 55 0 a\rb\tc\n", ten(), {"--json"}),
       json_out([](const nlohmann::json& j) {
         EXPECT_EQ(j.at("signals").at(0).at("description"), "a\rb\tc");
       })},
      {"spectrum_to_stdout", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 128 15360\nr.dat 16 200\n");
         put(e / "r.dat", wave16(15360));
         return Args{"spectrum", e.arg("r"), "--minute", "1", "--bins", "128"};
       },
       [](const CliResult& r, const Env&) { EXPECT_EQ(csv_rows(r.out), 129); }},
      {"spectrum_before_onset_from_vfon_comment", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 128 15360\nr.dat 16 200\n#vfon: 00:01:30\n");
         put(e / "r.dat", wave16(15360));
         return Args{"spectrum", e.arg("r"), "--before-onset", "1", "--bins", "256"};
       },
       [](const CliResult& r, const Env&) {
         EXPECT_EQ(csv_rows(r.out), 257);
         EXPECT_NE(r.out.find("start_s=30"), std::string::npos);
       }},
      {"spectrum_out_into_new_nested_directory", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 128 7680\nr.dat 16 200\n");
         put(e / "r.dat", wave16(7680));
         return Args{"spectrum", e.arg("r"), "--minute", "0", "--out", e.arg("new/deeper/s.csv")};
       },
       [](const CliResult& r, const Env& e) {
         EXPECT_TRUE(r.out.empty());
         EXPECT_EQ(csv_rows(read_bytes(e / "new/deeper/s.csv")), 1025);
       }},
      {"spectrum_out_replaces_existing_file", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 128 7680\nr.dat 16 200\n");
         put(e / "r.dat", wave16(7680));
         put(e / "s.csv", "old\n");
         return Args{"spectrum", e.arg("r"), "--minute", "0",
                     "--bins",   "128",      "--out",    e.arg("s.csv")};
       },
       [](const CliResult&, const Env& e) { EXPECT_EQ(csv_rows(read_bytes(e / "s.csv")), 129); }},
      {"simulate_into_existing_empty_directory", kNothing,
       [](const Env& e) {
         fs::create_directories(e / "db");
         // --threads 0: the machine's cores, as in predict.
         return Args{"simulate", "--out",         e.arg("db"), "--hours-before-onset",
                     "0.05",     "--nsrdb-hours", "0.05",      "--threads",
                     "0"};
       },
       [](const CliResult& r, const Env& e) {
         EXPECT_NE(r.out.find("SIMULATED"), std::string::npos);
         EXPECT_TRUE(fs::exists(e / "db" / "truth.json"));
       }},
      // real records
      {"real_mitdb100_crlf_blank_lines_comment_first", kPhysionet,
       [](const Env& e) {
         copy_real_record(e, "mitdb", "100");
         return Args{"inspect", e.arg("100")};
       },
       out_has({"Annotations (atr): 2274", "N=2239", "checksum ok"})},
      {"real_mitdb100_header_rewritten_lf_only_with_blank_lines", kPhysionet,
       [](const Env& e) {
         copy_real_record(e, "mitdb", "100");
         std::string h = read_bytes(e / "100.hea"), lf;
         for (char c : h)
           if (c != '\r') lf += c;
         put(e / "100.hea", "\n\n# moved\n" + replace_once(lf, "\n100.dat", "\n\n\t\n100.dat"));
         return Args{"inspect", e.arg("100"), "--json"};
       },
       json_out([](const nlohmann::json& j) {
         EXPECT_EQ(j.at("n_samples"), 650000);
         EXPECT_EQ(j.at("signals").at(1).at("checksum"), "ok");
       })},
      {"real_spectrum_of_mitdb100_minute", kPhysionet,
       [](const Env& e) {
         return Args{"spectrum", (e.physionet / "mitdb" / "100").string(),
                     "--minute", "1",
                     "--bins",   "256",
                     "--out",    e.arg("s.csv")};
       },
       [](const CliResult&, const Env& e) { EXPECT_EQ(csv_rows(read_bytes(e / "s.csv")), 257); }},
      {"real_spectrum_of_nsrdb_minute_byte_offset", kPhysionet,
       [](const Env& e) {
         return Args{"spectrum", (e.physionet / "nsrdb-1min" / "16265m").string(),
                     "--minute", "0",
                     "--bins",   "512"};
       },
       [](const CliResult& r, const Env&) { EXPECT_EQ(csv_rows(r.out), 513); }},
      {"real_cudb_json_with_vf_rhythm", kPhysionet,
       [](const Env& e) {
         return Args{"inspect", "--json", (e.physionet / "cudb" / "cu01m").string()};
       },
       json_out([](const nlohmann::json& j) {
         EXPECT_TRUE(j.at("signals").at(0).at("invalid_samples").is_number());
         EXPECT_EQ(j.at("annotations").at("rhythms").at(0).at("rhythm"), "VF");
       })},
      {"real_record_in_directory_with_odd_bytes_json", kPhysionet,
       [](const Env& e) {
         Env sub = e;
         sub.dir = e.dir / "dir \xff\x01\n";
         copy_real_record(sub, "nsrdb-1min", "16265m");
         std::string h = read_bytes(sub / "16265m.hea");
         put(sub / "16265m.hea",
             replace_once(h, "16265m 1 128", "16265m\xc3\x28 1 128") + "# \xff\xfe odd\r\n");
         return Args{"inspect", "--json", sub.arg("16265m")};
       },
       json_out([](const nlohmann::json& j) { EXPECT_EQ(j.at("n_samples"), 7680); })},
  };
}

class OddInput : public ::testing::TestWithParam<OddCase> {};
TEST_P(OddInput, KeepsWorking) {
  run_odd_case(GetParam());
}
INSTANTIATE_TEST_SUITE_P(Valid, OddInput, ::testing::ValuesIn(odd_cases()), case_name<OddCase>);

}  // namespace
}  // namespace scapredict::clitest

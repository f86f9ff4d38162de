// Hostile WFDB records: broken headers, signal files and annotation files, given to `inspect` and
// `spectrum`. Each case writes its record into a fresh temporary directory.
#include <string>
#include <vector>

#include "cli_harness.hpp"

namespace scapredict::clitest {
namespace {

// Record r: header `header` and signal file r.dat holding `dat`; runs `inspect r`.
Setup inspect_with(const std::string& header, const std::string& dat = wave16(10)) {
  return [=](const Env& e) {
    put(e / "r.hea", header);
    put(e / "r.dat", dat);
    return Args{"inspect", e.arg("r")};
  };
}

// Record r: one signal line `signal_line` under "r 1 250 10"; runs `inspect r`.
Setup signal_line(const std::string& line) {
  return inspect_with("r 1 250 10\n" + line + "\n");
}

// Record r: record line `line` over one valid format-16 signal; runs `inspect r`.
Setup record_line(const std::string& line) {
  return inspect_with(line + "\nr.dat 16 200\n");
}

// Two minutes at 128 Hz in format 16 (record r), with `extra` header lines; runs spectrum with
// `flags`.
Setup spectrum_with(const Args& flags, const std::string& extra = "") {
  return [=](const Env& e) {
    put(e / "r.hea", "r 1 128 15360\nr.dat 16 200 16 0 0 0 0 ECG\n" + extra);
    put(e / "r.dat", wave16(15360));
    Args a{"spectrum", e.arg("r")};
    a.insert(a.end(), flags.begin(), flags.end());
    return a;
  };
}

// A record r of 10 samples with annotation file r.atr holding `atr`; runs inspect --annotator atr.
Setup annotations(const std::string& atr) {
  return [=](const Env& e) {
    put(e / "r.hea", "r 1 250 10\nr.dat 16 200\n");
    put(e / "r.dat", wave16(10));
    put(e / "r.atr", atr);
    return Args{"inspect", e.arg("r"), "--annotator", "atr"};
  };
}

// One MIT annotation word: code `a` (6 bits), value `v` (10 bits), little-endian.
std::string word(int a, int v) {
  const unsigned w = (static_cast<unsigned>(a) << 10) | (static_cast<unsigned>(v) & 0x3ff);
  return std::string{static_cast<char>(w & 0xff), static_cast<char>(w >> 8)};
}

// Real record mitdb/100 copied, its header changed by `edit`; runs `args(env)`.
Setup real100(std::function<std::string(std::string)> edit, std::function<void(const Env&)> more,
              std::function<Args(const Env&)> args) {
  return [=](const Env& e) {
    copy_real_record(e, "mitdb", "100");
    put(e / "100.hea", edit(read_bytes(e / "100.hea")));
    if (more) more(e);
    return args(e);
  };
}

Args inspect100(const Env& e) {
  return {"inspect", e.arg("100")};
}
std::string same(std::string s) {
  return s;
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<BadCase> header_cases() {
  std::vector<BadCase> v = {
      {"header_missing", kNothing,
       [](const Env& e) {
         return Args{"inspect", e.arg("r")};
       },
       "r.hea", "header file not found"},
      {"header_empty", kNothing, inspect_with(""), "r.hea", "empty header file"},
      {"header_binary_elf", kNothing,
       inspect_with(std::string("\x7f"
                                "ELF\0\1\2\xff",
                                8)),
       "r.hea", "binary"},
      {"header_nul_inside_record_line", kNothing,
       inspect_with(std::string("r 1 250 10\0\nr.dat 16 200\n", 25)), "r.hea", "binary"},
      {"header_escape_sequence", kNothing, inspect_with("r 1 250 10\nr.dat 16 200 \x1b[2J\n"),
       "r.hea", "binary"},
      {"header_only_comments", kNothing, inspect_with("# a comment\n#another\n"), "r.hea",
       "no record line"},
      {"header_only_blank_lines", kNothing, inspect_with("\n   \n\t\n\r\n"), "r.hea",
       "no record line"},
      {"header_is_a_directory", kNothing,
       [](const Env& e) {
         fs::create_directories(e / "r.hea");
         return Args{"inspect", e.arg("r")};
       },
       "r.hea", "header file not found"},
      {"header_larger_than_1MiB", kNothing,
       inspect_with("r 1 250 10\nr.dat 16 200\n" + repeat("# padding comment line\n", 50000)),
       "r.hea", "implausibly large"},
      // record line
      {"record_line_name_only", kNothing, record_line("r"), "r.hea:1", "signal count"},
      {"signals_not_a_number", kNothing, record_line("r x 250 10"), "r.hea:1", "number of signals"},
      {"signals_negative", kNothing, record_line("r -1 250 10"), "r.hea:1", "number of signals"},
      {"signals_5000", kNothing, record_line("r 5000 250 10"), "r.hea:1", "number of signals"},
      {"signals_overflow", kNothing, record_line("r 99999999999999999999 250 10"), "r.hea:1",
       "number of signals"},
      {"fs_zero", kNothing, record_line("r 1 0 10"), "r.hea:1", "sampling frequency"},
      {"fs_minus_one", kNothing, record_line("r 1 -1 10"), "r.hea:1", "sampling frequency"},
      {"fs_nan", kNothing, record_line("r 1 nan 10"), "r.hea:1", "sampling frequency"},
      {"fs_inf", kNothing, record_line("r 1 inf 10"), "r.hea:1", "sampling frequency"},
      {"fs_1e_minus_300", kNothing, record_line("r 1 1e-300 10"), "r.hea:1", "sampling frequency"},
      {"fs_1e308", kNothing, record_line("r 1 1e308 10"), "r.hea:1", "sampling frequency"},
      {"fs_fast", kNothing, record_line("r 1 fast 10"), "r.hea:1", "sampling frequency"},
      {"fs_hex", kNothing, record_line("r 1 0x1p-30 10"), "r.hea:1", "sampling frequency"},
      {"counter_frequency_empty", kNothing, record_line("r 1 250/ 10"), "r.hea:1",
       "counter frequency"},
      {"counter_frequency_zero", kNothing, record_line("r 1 250/0 10"), "r.hea:1",
       "counter frequency"},
      {"base_counter_unclosed", kNothing, record_line("r 1 250/360(5 10"), "r.hea:1",
       "base counter"},
      {"samples_negative", kNothing, record_line("r 1 250 -5"), "r.hea:1", "number of samples"},
      {"samples_not_a_number", kNothing, record_line("r 1 250 12x"), "r.hea:1",
       "number of samples"},
      {"samples_overflow", kNothing, record_line("r 1 250 99999999999999999999"), "r.hea:1",
       "number of samples"},
      {"record_line_too_many_fields", kNothing, record_line("r 1 250 10 10:00:00 01/01/2000 extra"),
       "r.hea:1", "too many fields"},
      {"multi_segment_record", kNothing, record_line("r/3 1 250 10"), "r.hea:1", "multi-segment"},
      // signal lines
      {"format_999", kNothing, signal_line("r.dat 999 200"), "r.hea:2", "signal format 999"},
      {"format_minus_16", kNothing, signal_line("r.dat -16 200"), "r.hea:2", "signal format -16"},
      {"format_text", kNothing, signal_line("r.dat abc 200"), "r.hea:2", "format"},
      {"format_missing", kNothing, signal_line("r.dat"), "r.hea:2", "format"},
      {"skew_negative", kNothing, signal_line("r.dat 16:-3 200"), "r.hea:2", "skew"},
      {"skew_text", kNothing, signal_line("r.dat 16:abc 200"), "r.hea:2", "skew"},
      {"offset_negative", kNothing, signal_line("r.dat 16+-5 200"), "r.hea:2", "byte offset"},
      {"offset_overflow", kNothing, signal_line("r.dat 16+99999999999999999999 200"), "r.hea:2",
       "byte offset"},
      {"samples_per_frame_zero", kNothing, signal_line("r.dat 16x0 200"), "r.hea:2",
       "samples per frame"},
      {"samples_per_frame_negative", kNothing, signal_line("r.dat 16x-1 200"), "r.hea:2",
       "samples per frame"},
      {"samples_per_frame_2000000",
       kNothing,
       signal_line("r.dat 16x2000000 200"),
       "r.hea:2",
       "samples per frame",
       {"2000000"}},
      {"samples_per_frame_overflow", kNothing, signal_line("r.dat 16x99999999999 200"), "r.hea:2",
       "samples per frame"},
      {"samples_per_frame_sum_overflows_frame", kNothing,
       inspect_with("r 2 250 10\nr.dat 16x1000000 200\nr.dat 16x1000000 200\n"), "r.hea",
       "samples per frame"},
      {"gain_1e_minus_320", kNothing, signal_line("r.dat 16 1e-320"), "r.hea:2", "ADC gain"},
      {"gain_minus_one", kNothing, signal_line("r.dat 16 -1"), "r.hea:2", "ADC gain"},
      {"gain_nan", kNothing, signal_line("r.dat 16 nan"), "r.hea:2", "ADC gain"},
      {"gain_inf", kNothing, signal_line("r.dat 16 inf"), "r.hea:2", "ADC gain"},
      {"gain_1e300", kNothing, signal_line("r.dat 16 1e300"), "r.hea:2", "ADC gain"},
      {"gain_text", kNothing, signal_line("r.dat 16 abc"), "r.hea:2", "ADC gain"},
      {"units_empty", kNothing, signal_line("r.dat 16 200/"), "r.hea:2", "units"},
      {"baseline_unclosed", kNothing, signal_line("r.dat 16 200(5"), "r.hea:2", "baseline"},
      {"baseline_text", kNothing, signal_line("r.dat 16 200(x)"), "r.hea:2", "baseline"},
      {"resolution_33", kNothing, signal_line("r.dat 16 200 33"), "r.hea:2", "ADC resolution"},
      {"resolution_minus_one", kNothing, signal_line("r.dat 16 200 -1"), "r.hea:2",
       "ADC resolution"},
      {"resolution_overflow", kNothing, signal_line("r.dat 16 200 99999999999"), "r.hea:2",
       "ADC resolution"},
      {"adc_zero_text", kNothing, signal_line("r.dat 16 200 16 zero"), "r.hea:2", "ADC zero"},
      {"initial_value_text", kNothing, signal_line("r.dat 16 200 16 0 first"), "r.hea:2",
       "initial value"},
      {"checksum_text", kNothing, signal_line("r.dat 16 200 16 0 0 sum"), "r.hea:2", "checksum"},
      {"checksum_overflow", kNothing, signal_line("r.dat 16 200 16 0 0 99999999999"), "r.hea:2",
       "checksum"},
      {"block_size_text", kNothing, signal_line("r.dat 16 200 16 0 0 0 block"), "r.hea:2",
       "block size"},
      {"huge_sample_count", kNothing, inspect_with("r 1 250 9223372036854775807\nr.dat 16 200\n"),
       "r.dat", "truncated"},
      {"too_many_signal_lines", kNothing, inspect_with("r 1 250 10\nr.dat 16 200\nr.dat 16 200\n"),
       "r.hea:3", "unexpected line"},
      {"too_few_signal_lines", kNothing, inspect_with("r 2 250 10\nr.dat 16 200\n"), "r.hea",
       "announces 2 signals"},
      {"zero_signals_then_a_signal_line", kNothing, inspect_with("r 0 250 10\nr.dat 16 200\n"),
       "r.hea:2", "unexpected line"},
      {"shared_file_with_two_formats", kNothing,
       inspect_with("r 2 250 10\nr.dat 16 200\nr.dat 212 200\n"), "r.hea", "different formats"},
      {"vfon_comment_malformed", kNothing,
       inspect_with("r 1 250 10\nr.dat 16 200\n#vfon: 25:99:00\n"), "r.hea", "VF onset"},
      {"vfon_comment_overflowing_hours", kNothing,
       inspect_with("r 1 250 10\nr.dat 16 200\n#vfon: 99999999999999:00:00\n"), "r.hea",
       "VF onset"},
      // carriage returns, long fields, invalid UTF-8
      {"cr_inside_sampling_frequency",
       kNothing,
       record_line("r 1 25\r0 10"),
       "r.hea:1",
       "sampling frequency",
       {"\\x0d"}},
      {"cr_inside_record_name_900KB", kNothing, record_line(repeat("n\r", 450000) + " 1 fast 10"),
       "r.hea:1", "sampling frequency"},
      {"description_900KB_with_cr_in_checksum_error",
       kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 250 2\nr.dat 16 200 16 0 1 42 0 " + repeat("ab\r", 300000) + "\n");
         put(e / "r.dat", std::string("\1\0\2\0", 4));
         return Args{"inspect", e.arg("r")};
       },
       "r.hea",
       "checksum mismatch",
       {"more bytes)"}},
      {"vfon_comment_900KB_with_cr",
       kNothing,
       inspect_with("r 1 250 10\nr.dat 16 200\n#vfon: " + repeat("1\r", 450000) + "\n"),
       "r.hea",
       "VF onset",
       {"more bytes)"}},
      {"sampling_frequency_field_100KB",
       kNothing,
       record_line("r 1 " + repeat("9", 100000)),
       "r.hea:1",
       "sampling frequency",
       {"more bytes)"}},
      {"record_argument_100KB",
       kNothing,
       [](const Env& e) {
         return Args{"inspect", e.arg(repeat("a", 100000))};
       },
       "aaaa",
       "header file not found",
       {"more bytes)"}},
      {"record_argument_invalid_utf8", kNothing,
       [](const Env& e) {
         return Args{"inspect", e.arg("r\xff\xfe")};
       },
       "r\\xff\\xfe.hea", "header file not found"},
      {"record_argument_overlong_utf8", kNothing,
       [](const Env& e) {
         return Args{"inspect", e.arg("r\xc0\xaf")};
       },
       "r\\xc0\\xaf.hea", "header file not found"},
      {"record_argument_utf16_surrogate", kNothing,
       [](const Env& e) {
         return Args{"inspect", e.arg("r\xed\xa0\x80")};
       },
       "r\\xed\\xa0\\x80.hea", "header file not found"},
      {"record_argument_newline", kNothing,
       [](const Env& e) {
         return Args{"inspect", e.arg("r\nscapredict: fake second line")};
       },
       "r\\x0ascapredict: fake second line.hea", "header file not found"},
      {"record_argument_shell_command", kNothing,
       [](const Env& e) {
         return Args{"inspect", e.arg("$(touch pwned)`touch pwned2`'\"")};
       },
       "$(touch pwned)`touch pwned2`'\".hea", "header file not found"},
      // A missing signal file is a beat-only record to inspect; commands that read samples fail.
      {"signal_file_name_invalid_utf8", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 250 10\nr\xff\xfe.dat 16 200\n");
         return Args{"spectrum", e.arg("r"), "--minute", "0"};
       },
       "r\\xff\\xfe.dat", "signal file not found"},
      {"signal_file_name_with_escape", kNothing, signal_line("r\x1b[31m.dat 16 200"), "r.hea",
       "binary"},
  };
  return v;
}

std::vector<BadCase> signal_cases() {
  return {
      {"signal_file_missing", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 250 10\nr.dat 16 200\n");
         return Args{"spectrum", e.arg("r"), "--minute", "0"};
       },
       "r.dat", "signal file not found"},
      {"signal_file_is_a_directory", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 250 10\nr.dat 16 200\n");
         fs::create_directories(e / "r.dat");
         return Args{"spectrum", e.arg("r"), "--minute", "0"};
       },
       "r.dat", "signal file not found"},
      {"signal_file_empty_without_sample_count", kNothing,
       inspect_with("r 1 250\nr.dat 16 200\n", ""), "r.dat", "no samples"},
      {"signal_file_empty_with_sample_count", kNothing,
       inspect_with("r 1 250 10\nr.dat 16 200\n", ""), "r.dat", "truncated"},
      {"signal_file_one_byte_format_16", kNothing, inspect_with("r 1 250\nr.dat 16 200\n", "x"),
       "r.dat", "no samples"},
      {"offset_past_eof_with_sample_count", kNothing,
       inspect_with("r 1 250 10\nr.dat 16+1000 200\n", wave16(50)), "r.dat", "truncated"},
      {"offset_past_eof_without_sample_count", kNothing,
       inspect_with("r 1 250\nr.dat 16+1000 200\n", wave16(50)), "r.dat", "no samples"},
      {"truncated_format_16", kNothing, inspect_with("r 1 250 100\nr.dat 16 200\n", wave16(50)),
       "r.dat", "truncated"},
      {"truncated_format_212", kNothing,
       inspect_with("r 2 250 100\nr.dat 212 200\nr.dat 212 200\n", pattern_bytes(150)), "r.dat",
       "truncated"},
      {"truncated_format_24", kNothing,
       inspect_with("r 1 250 10\nr.dat 24 200\n", pattern_bytes(29)), "r.dat", "truncated"},
      {"truncated_format_8", kNothing, inspect_with("r 1 250 10\nr.dat 8 200\n", pattern_bytes(9)),
       "r.dat", "truncated"},
      {"skew_longer_than_record", kNothing, inspect_with("r 1 250 10\nr.dat 16:20 200\n"), "r.hea",
       "skew"},
      {"skew_equal_to_record", kNothing, inspect_with("r 1 250 10\nr.dat 16:10 200\n"), "r.hea",
       "skew"},
      {"checksum_mismatch", kNothing,
       inspect_with("r 1 250 2\nr.dat 16 200 16 0 1 42 0 ECG\n", std::string("\1\0\2\0", 4)),
       "r.hea", "checksum mismatch"},
      {"checksum_mismatch_second_signal", kNothing,
       inspect_with("r 2 250 1\nr.dat 16 200 16 0 1 1 0 A\nr.dat 16 200 16 0 2 7 0 B\n",
                    std::string("\1\0\2\0", 4)),
       "r.hea", "checksum mismatch in signal 1"},
      // real records, changed in a temporary copy
      {"real_mitdb100_checksum_changed", kPhysionet,
       real100([](std::string h) { return replace_once(h, "-22131", "-22130"); }, nullptr,
               inspect100),
       "100.hea", "checksum mismatch"},
      {"real_mitdb100_dat_truncated_to_half", kPhysionet,
       real100(
           same,
           [](const Env& e) { put(e / "100.dat", read_bytes(e / "100.dat").substr(0, 975000)); },
           inspect100),
       "100.dat", "truncated"},
      {"real_mitdb100_sample_count_plus_one", kPhysionet,
       real100([](std::string h) { return replace_once(h, "650000", "650001"); }, nullptr,
               inspect100),
       "100.dat", "truncated"},
      {"real_mitdb100_format_999", kPhysionet,
       real100([](std::string h) { return replace_once(h, "100.dat 212", "100.dat 999"); }, nullptr,
               inspect100),
       "100.hea", "signal format 999"},
      {"real_mitdb100_three_signals_announced", kPhysionet,
       real100([](std::string h) { return replace_once(h, "100 2 360", "100 3 360"); }, nullptr,
               inspect100),
       "100.hea", "announces 3 signals"},
      {"real_mitdb100_skew_beyond_end", kPhysionet,
       real100([](std::string h) { return replace_once(h, "100.dat 212", "100.dat 212:700000"); },
               nullptr, inspect100),
       "100.hea", "skew"},
      {"real_nsrdb_offset_past_eof", kPhysionet,
       [](const Env& e) {
         copy_real_record(e, "nsrdb-1min", "16265m");
         put(e / "16265m.hea", replace_once(read_bytes(e / "16265m.hea"), "16+192", "16+99999999"));
         return Args{"inspect", e.arg("16265m")};
       },
       "16265m.mat", "truncated"},
      {"real_cudb_format_999", kPhysionet,
       [](const Env& e) {
         copy_real_record(e, "cudb", "cu01m");
         put(e / "cu01m.hea", replace_once(read_bytes(e / "cu01m.hea"), " 16+", " 999+"));
         return Args{"inspect", e.arg("cu01m")};
       },
       "cu01m.hea", "signal format 999"},
  };
}

std::vector<BadCase> annotation_cases() {
  const std::string beat = word(1, 5);  // N, 5 samples after the previous annotation
  return {
      {"atr_missing", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 250 10\nr.dat 16 200\n");
         put(e / "r.dat", wave16(10));
         return Args{"inspect", e.arg("r"), "--annotator", "atr"};
       },
       "r.atr", "annotation file not found"},
      {"atr_is_a_directory", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 250 10\nr.dat 16 200\n");
         put(e / "r.dat", wave16(10));
         fs::create_directories(e / "r.atr");
         return Args{"inspect", e.arg("r"), "--annotator", "atr"};
       },
       "r.atr", "annotation file not found"},
      {"atr_garbage_0xff", kNothing, annotations(std::string(64, '\xff')), "r.atr",
       "AUX before any annotation"},
      {"atr_odd_length", kNothing, annotations(beat + "\x01"), "r.atr", "truncated"},
      {"atr_truncated_skip", kNothing, annotations(word(59, 0) + "\x01\x00"), "r.atr",
       "truncated SKIP"},
      {"atr_truncated_aux", kNothing, annotations(beat + word(63, 50) + "(VF"), "r.atr",
       "truncated AUX"},
      {"atr_reserved_code", kNothing, annotations(word(55, 3)), "r.atr",
       "reserved annotation code"},
      {"atr_code_zero_with_interval", kNothing, annotations(word(0, 5)), "r.atr",
       "annotation code 0"},
      {"atr_negative_time", kNothing,
       annotations(word(59, 0) + std::string("\xff\xff\x00\xf0", 4) + beat), "r.atr",
       "negative annotation time"},
      {"atr_num_before_any_annotation", kNothing, annotations(word(60, 1)), "r.atr",
       "NUM before any annotation"},
      {"atr_beyond_record_end", kNothing, annotations(word(1, 1000) + word(0, 0)), "r.atr",
       "outside the record"},
      {"annotator_name_with_newline", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 250 10\nr.dat 16 200\n");
         put(e / "r.dat", wave16(10));
         return Args{"inspect", e.arg("r"), "--annotator", "a\ntr"};
       },
       "r.a\\x0atr", "annotation file not found"},
      {"real_mitdb100_atr_truncated_odd", kPhysionet,
       real100(
           same,
           [](const Env& e) { put(e / "100.atr", read_bytes(e / "100.atr").substr(0, 2001)); },
           [](const Env& e) {
             return Args{"inspect", e.arg("100"), "--annotator", "atr"};
           }),
       "100.atr", "truncated"},
      {"real_mitdb100_atr_replaced_by_dat_bytes", kPhysionet,
       real100(
           same,
           [](const Env& e) { put(e / "100.atr", read_bytes(e / "100.dat").substr(0, 4096)); },
           [](const Env& e) {
             return Args{"inspect", e.arg("100"), "--annotator", "atr"};
           }),
       "100.atr", "annotation"},
  };
}

std::vector<BadCase> spectrum_cases() {
  return {
      {"spectrum_bins_3", kNothing, spectrum_with({"--minute", "0", "--bins", "3"}), "--bins",
       "not in"},
      {"spectrum_bins_100000", kNothing, spectrum_with({"--minute", "0", "--bins", "100000"}),
       "--bins", "not in"},
      {"spectrum_bins_text", kNothing, spectrum_with({"--minute", "0", "--bins", "abc"}), "--bins",
       "not"},
      {"spectrum_bins_missing_value", kNothing, spectrum_with({"--minute", "0", "--bins"}),
       "--bins", "missing"},
      {"spectrum_bins_escape_sequence", kNothing,
       spectrum_with({"--minute", "0", "--bins", "\x1b[31m\r"}), "--bins", "not"},
      {"spectrum_minute_minus_one", kNothing, spectrum_with({"--minute", "-1"}), "--minute",
       "not in range"},
      {"spectrum_minute_99999999999", kNothing, spectrum_with({"--minute", "99999999999"}),
       "--minute", "not in range"},
      {"spectrum_minute_fraction", kNothing, spectrum_with({"--minute", "1.5"}), "--minute",
       "not a whole number"},
      {"spectrum_minute_empty", kNothing, spectrum_with({"--minute", ""}), "--minute", "not"},
      {"spectrum_minute_100KB",
       kNothing,
       spectrum_with({"--minute", repeat("7", 100000)}),
       "--minute",
       "not in range",
       {"more bytes)"}},
      {"spectrum_minute_past_the_end", kNothing, spectrum_with({"--minute", "2"}), "r.hea",
       "outside the record"},
      {"spectrum_minute_largest_allowed", kNothing, spectrum_with({"--minute", "1073741824"}),
       "r.hea", "outside the record"},
      {"spectrum_before_onset_0", kNothing, spectrum_with({"--before-onset", "0"}),
       "--before-onset", "not in range"},
      {"spectrum_before_onset_negative", kNothing, spectrum_with({"--before-onset", "-3"}),
       "--before-onset", "not in range"},
      {"spectrum_minute_and_before_onset", kNothing,
       spectrum_with({"--minute", "0", "--before-onset", "1"}), "--minute", "cannot be combined"},
      {"spectrum_neither_minute_nor_before_onset", kNothing, spectrum_with({}), "--minute",
       "required"},
      {"spectrum_signal_99", kNothing, spectrum_with({"--minute", "0", "--signal", "99"}), "r.hea",
       "no signal 99"},
      {"spectrum_signal_negative", kNothing, spectrum_with({"--minute", "0", "--signal", "-1"}),
       "--signal", "not in range"},
      {"spectrum_before_onset_without_onset", kNothing, spectrum_with({"--before-onset", "1"}),
       "r.hea", "no VF onset"},
      {"spectrum_before_onset_before_record_start", kNothing,
       spectrum_with({"--before-onset", "5"}, "#vfon: 00:01:30\n"), "r.hea", "outside the record"},
      {"spectrum_annotator_missing", kNothing,
       spectrum_with({"--before-onset", "1", "--annotator", "qrs"}), "r.qrs",
       "annotation file not found"},
      {"spectrum_minute_all_invalid_samples", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 128 7680\nr.dat 16 200\n");
         put(e / "r.dat", repeat(std::string("\x00\x80", 2), 7680));
         return Args{"spectrum", e.arg("r"), "--minute", "0"};
       },
       "r.hea", "invalid samples"},
      {"spectrum_record_missing_argument", kNothing,
       [](const Env&) {
         return Args{"spectrum", "--minute", "0"};
       },
       "record", "required"},
      {"spectrum_out_onto_existing_directory", kNothing,
       [](const Env& e) {
         put(e / "outdir" / "keep.txt", "keep\n");
         return spectrum_with({"--minute", "0", "--out", e.arg("outdir")})(e);
       },
       "outdir", "cannot"},
      {"spectrum_out_under_a_file", kNothing,
       [](const Env& e) {
         put(e / "afile", "a file\n");
         return spectrum_with({"--minute", "0", "--out", e.arg("afile/s.csv")})(e);
       },
       "afile/s.csv", "cannot"},
      {"spectrum_bad_record_and_out", kNothing,
       [](const Env& e) {
         return Args{"spectrum", e.arg("nosuch"), "--minute", "0", "--out", e.arg("s.csv")};
       },
       "nosuch.hea", "header file not found"},
      {"real_mitdb100_minute_30_incomplete", kPhysionet,
       real100(same, nullptr,
               [](const Env& e) {
                 return Args{"spectrum", e.arg("100"), "--minute", "30", "--out", e.arg("s.csv")};
               }),
       "100.hea", "outside the record"},
      {"real_mitdb100_minute_99999999", kPhysionet,
       real100(same, nullptr,
               [](const Env& e) {
                 return Args{"spectrum", e.arg("100"), "--minute", "99999999"};
               }),
       "100.hea", "outside the record"},
  };
}

class HostileRecord : public ::testing::TestWithParam<BadCase> {};
TEST_P(HostileRecord, OneLineExitTwoNothingLeft) {
  run_bad_case(GetParam());
}
INSTANTIATE_TEST_SUITE_P(Header, HostileRecord, ::testing::ValuesIn(header_cases()),
                         case_name<BadCase>);
INSTANTIATE_TEST_SUITE_P(Signal, HostileRecord, ::testing::ValuesIn(signal_cases()),
                         case_name<BadCase>);
INSTANTIATE_TEST_SUITE_P(Annotation, HostileRecord, ::testing::ValuesIn(annotation_cases()),
                         case_name<BadCase>);
INSTANTIATE_TEST_SUITE_P(Spectrum, HostileRecord, ::testing::ValuesIn(spectrum_cases()),
                         case_name<BadCase>);

}  // namespace
}  // namespace scapredict::clitest

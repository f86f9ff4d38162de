// Hostile flags for every command, hostile model files, unknown commands and flags. Cases that
// need a trained model or a cohort share one simulated cohort and one tiny model (cli_harness).
#include <string>
#include <vector>

#include "cli_harness.hpp"

namespace scapredict::clitest {
namespace {

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// `command` with `flags`, and --out DIR/out (an output that must not appear).
Setup with_out(const std::string& command, const Args& flags) {
  return [=](const Env& e) {
    Args a{command, "--out", e.arg("out")};
    a.insert(a.end(), flags.begin(), flags.end());
    return a;
  };
}

// `command` with `flags` only.
Setup plain(const Args& args) {
  return [=](const Env&) { return args; };
}

// A data-driven command (train, evaluate, reproduce, audit) on the shared cohort, its cache in
// the case's directory, with `flags`.
Setup on_cohort(const std::string& command, const Args& flags) {
  return [=](const Env& e) {
    Args a{command, "--data", e.cohort.string(), "--cache", e.arg(".cache")};
    a.insert(a.end(), flags.begin(), flags.end());
    return a;
  };
}

std::vector<BadCase> simulate_cases() {
  const auto sim = [](const Args& flags) { return with_out("simulate", flags); };
  return {
      {"seed_minus_one", kNothing, sim({"--seed", "-1"}), "--seed", "not a whole number"},
      {"seed_too_large", kNothing, sim({"--seed", "99999999999999999999999"}), "--seed",
       "not a whole number"},
      {"seed_2_pow_64", kNothing, sim({"--seed", "18446744073709551616"}), "--seed",
       "not a whole number"},
      {"seed_plus_sign", kNothing, sim({"--seed", "+5"}), "--seed", "not a whole number"},
      {"seed_exponent", kNothing, sim({"--seed", "1e3"}), "--seed", "not a whole number"},
      {"seed_leading_space", kNothing, sim({"--seed", " 5"}), "--seed", "not a whole number"},
      {"seed_empty", kNothing, sim({"--seed", ""}), "--seed", "not a whole number"},
      {"seed_100KB",
       kNothing,
       sim({"--seed", repeat("9", 100000)}),
       "--seed",
       "not a whole number",
       {"more bytes)"}},
      {"risk_effect_nan", kNothing, sim({"--risk-effect", "nan"}), "--risk-effect",
       "not a finite number"},
      {"risk_effect_inf", kNothing, sim({"--risk-effect", "inf"}), "--risk-effect",
       "not a finite number"},
      {"risk_effect_minus_one", kNothing, sim({"--risk-effect", "-1"}), "--risk-effect",
       "not a finite number"},
      {"risk_effect_11", kNothing, sim({"--risk-effect", "11"}), "--risk-effect",
       "not a finite number"},
      {"risk_effect_trailing_space", kNothing, sim({"--risk-effect", "1 "}), "--risk-effect",
       "not a finite number"},
      {"risk_effect_newline",
       kNothing,
       sim({"--risk-effect", "1\n2"}),
       "--risk-effect",
       "not a finite number",
       {"1\\x0a2"}},
      {"device_gap_11", kNothing, sim({"--device-gap", "11"}), "--device-gap",
       "not a finite number"},
      {"device_gap_nan", kNothing, sim({"--device-gap", "-nan"}), "--device-gap",
       "not a finite number"},
      {"hours_before_onset_nan", kNothing, sim({"--hours-before-onset", "nan"}),
       "--hours-before-onset", "not a finite number"},
      {"hours_before_onset_zero", kNothing, sim({"--hours-before-onset", "0"}),
       "--hours-before-onset", "not a finite number"},
      {"hours_before_onset_1e9", kNothing, sim({"--hours-before-onset", "1e9"}),
       "--hours-before-onset", "not a finite number"},
      {"hours_after_negative", kNothing, sim({"--hours-after", "-1"}), "--hours-after",
       "not a finite number"},
      {"nsrdb_hours_inf", kNothing, sim({"--nsrdb-hours", "inf"}), "--nsrdb-hours",
       "not a finite number"},
      {"nsrdb_hours_0_01", kNothing, sim({"--nsrdb-hours", "0.01"}), "--nsrdb-hours",
       "not a finite number"},
      {"threads_negative", kNothing, sim({"--threads", "-1"}), "--threads", "not in range"},
      {"threads_257", kNothing, sim({"--threads", "257"}), "--threads", "not in range"},
      {"threads_text", kNothing, sim({"--threads", "two"}), "--threads", "not"},
      {"out_missing", kNothing, plain({"simulate", "--threads", "2"}), "--out", "required"},
      {"out_empty", kNothing, plain({"simulate", "--out", ""}), "--out", "required"},
      {"out_onto_existing_file", kNothing,
       [](const Env& e) {
         put(e / "afile", "precious\n");
         return Args{"simulate",      "--out",     e.arg("afile"),
                     "--nsrdb-hours", "0.05",      "--hours-before-onset",
                     "0.05",          "--threads", "2"};
       },
       "afile", "already exists"},
      {"out_under_a_file", kNothing,
       [](const Env& e) {
         put(e / "afile", "precious\n");
         return Args{"simulate",      "--out",     e.arg("afile/b"),
                     "--nsrdb-hours", "0.05",      "--hours-before-onset",
                     "0.05",          "--threads", "2"};
       },
       "afile/b", "parent directory"},
      {"out_existing_non_empty_directory", kNothing,
       [](const Env& e) {
         put(e / "db" / "keep.txt", "keep\n");
         return Args{"simulate",      "--out",     e.arg("db"),
                     "--nsrdb-hours", "0.05",      "--hours-before-onset",
                     "0.05",          "--threads", "2"};
       },
       "db", "already exists"},
      {"compare_real_missing_directory", kNothing,
       [](const Env& e) {
         return Args{"simulate", "--compare-real", e.arg("nosuch")};
       },
       "nosuch", "cannot list directory"},
      {"compare_real_a_file", kNothing,
       [](const Env& e) {
         put(e / "afile", "x\n");
         return Args{"simulate", "--compare-real", e.arg("afile")};
       },
       "afile", "cannot list directory"},
      {"unexpected_positional", kNothing, with_out("simulate", {"extra"}), "extra",
       "unexpected argument"},
  };
}

std::vector<BadCase> train_cases() {
  const auto train = [](const Args& flags) { return with_out("train", flags); };
  return {
      {"epochs_zero", kNothing, train({"--epochs", "0"}), "--epochs", "not in range"},
      {"epochs_minus_three", kNothing, train({"--epochs", "-3"}), "--epochs", "not in range"},
      {"epochs_too_many", kNothing, train({"--epochs", "100001"}), "--epochs", "not in range"},
      {"epochs_text", kNothing, train({"--epochs", "ten"}), "--epochs", "not"},
      {"arch_nosuch", kNothing, train({"--arch", "nosuch"}), "--arch", "nosuch"},
      {"arch_empty", kNothing, train({"--arch", ""}), "--arch", "architecture"},
      {"input_nosuch", kNothing, train({"--input", "nosuch"}), "--input", "nosuch"},
      {"bins_3", kNothing, train({"--bins", "3"}), "--bins", "not in"},
      {"threads_minus_one", kNothing, train({"--threads", "-1"}), "--threads", "not in range"},
      {"threads_1025", kNothing, train({"--threads", "1025"}), "--threads", "not in range"},
      {"seed_minus_one", kNothing, train({"--seed", "-1"}), "--seed", "not a whole number"},
      {"repetitions_is_not_a_train_flag",
       kNothing,
       train({"--repetitions", "3"}),
       "--repetitions",
       "unexpected argument",
       {"scapredict: --repetitions: "}},
      {"out_missing", kNothing, plain({"train", "--epochs", "1"}), "--out", "required"},
      {"data_missing_directory", kNothing,
       [](const Env& e) {
         return Args{"train", "--data", e.arg("nosuch"), "--out", e.arg("m.spm")};
       },
       "nosuch", "not found"},
      {"data_empty_directory", kNothing,
       [](const Env& e) {
         fs::create_directories(e / "empty");
         return Args{"train", "--data", e.arg("empty"), "--out", e.arg("m.spm")};
       },
       "empty", "not found"},
      {"data_empty_databases", kNothing,
       [](const Env& e) {
         fs::create_directories(e / "nodata" / "sddb");
         fs::create_directories(e / "nodata" / "nsrdb");
         return Args{"train", "--data", e.arg("nodata"), "--out", e.arg("m.spm")};
       },
       "nodata", "SDDB"},
      {"onsets_file_missing", kCohort,
       [](const Env& e) {
         return on_cohort("train", {"--onsets", e.arg("nosuch.csv"), "--out", e.arg("m.spm"),
                                    "--epochs", "1", "--bins", "128"})(e);
       },
       "nosuch.csv", "cannot open"},
      {"onsets_file_garbage", kCohort,
       [](const Env& e) {
         put(e / "on.csv", "record,onset\n30,25:99:99\n");
         return on_cohort("train", {"--onsets", e.arg("on.csv"), "--out", e.arg("m.spm"),
                                    "--epochs", "1", "--bins", "128"})(e);
       },
       "on.csv", "onset"},
      {"out_onto_existing_directory", kCohort,
       [](const Env& e) {
         put(e / "outdir" / "keep.txt", "keep\n");
         return on_cohort("train", {"--out", e.arg("outdir"), "--epochs", "1", "--bins", "128"})(e);
       },
       "outdir", "directory"},
      {"out_under_a_file", kCohort,
       [](const Env& e) {
         put(e / "afile", "precious\n");
         return on_cohort("train",
                          {"--out", e.arg("afile/m.spm"), "--epochs", "1", "--bins", "128"})(e);
       },
       "afile/m.spm", "directory"},
  };
}

// --- model files ---

// A copy of the shared model in DIR/m.spm, changed by `edit`.
using ModelEdit = std::function<std::string(const std::string&)>;

// Runs `evaluate --model m.spm` (on the shared cohort) after `edit`.
Setup evaluate_model(ModelEdit edit) {
  return [=](const Env& e) {
    put(e / "m.spm", edit(read_bytes(e.model)));
    return on_cohort("evaluate", {"--model", e.arg("m.spm"), "--out", e.arg("eval.json")})(e);
  };
}

// Runs `predict REC --model m.spm --out risk.csv` on a simulated NSRDB record after `edit`.
Setup predict_model(ModelEdit edit) {
  return [=](const Env& e) {
    put(e / "m.spm", edit(read_bytes(e.model)));
    copy_cohort_record(e, "nsrdb/16265");
    return Args{"predict", e.arg("16265"), "--model", e.arg("m.spm"), "--out", e.arg("risk.csv")};
  };
}

// The model with its JSON header changed by replacing `from` with `to` (lengths rewritten).
ModelEdit header_edit(const std::string& from, const std::string& to) {
  return [=](const std::string& bytes) {
    ModelParts m = split_model(bytes);
    m.header = replace_once(m.header, from, to);
    return join_model(m);
  };
}

ModelEdit flip_byte_at_fraction(double fraction) {
  return [=](const std::string& bytes) {
    std::string b = bytes;
    const auto i = static_cast<std::size_t>(static_cast<double>(b.size()) * fraction);
    b[i] = static_cast<char>(b[i] ^ 0x5a);
    return b;
  };
}

ModelEdit truncate_to(std::size_t n) {
  return [=](const std::string& bytes) { return bytes.substr(0, n); };
}

std::vector<BadCase> model_cases() {
  return {
      {"evaluate_model_missing", kCohort,
       [](const Env& e) {
         return on_cohort("evaluate", {"--model", e.arg("nosuch.spm")})(e);
       },
       "nosuch.spm", "cannot open model file"},
      {"evaluate_model_is_a_header", kCohort,
       [](const Env& e) {
         put(e / "r.hea", "r 1 250 10\nr.dat 16 200\n");
         return on_cohort("evaluate", {"--model", e.arg("r.hea")})(e);
       },
       "r.hea", "not a scapredict model file"},
      {"evaluate_model_is_a_directory", kCohort,
       [](const Env& e) {
         fs::create_directories(e / "m.spm");
         return on_cohort("evaluate", {"--model", e.arg("m.spm")})(e);
       },
       "m.spm", "model file"},
      {"evaluate_model_empty", kModel, evaluate_model([](const std::string&) { return ""; }),
       "m.spm", "not a scapredict model file"},
      {"evaluate_model_magic_only", kModel, evaluate_model(truncate_to(17)), "m.spm",
       "header length"},
      {"evaluate_model_bad_magic", kModel,
       evaluate_model([](const std::string& b) { return "s" + b.substr(1); }), "m.spm",
       "not a scapredict model file"},
      {"evaluate_model_truncated_in_header", kModel, evaluate_model(truncate_to(200)), "m.spm",
       "truncated header"},
      {"evaluate_model_truncated_to_half", kModel,
       evaluate_model([](const std::string& b) { return b.substr(0, b.size() / 2); }), "m.spm",
       "truncated"},
      {"evaluate_model_last_byte_missing", kModel,
       evaluate_model([](const std::string& b) { return b.substr(0, b.size() - 1); }), "m.spm",
       "truncated"},
      {"evaluate_model_padded", kModel,
       evaluate_model([](const std::string& b) { return b + "x"; }), "m.spm", "padded"},
      {"evaluate_model_weight_byte_flipped", kModel, evaluate_model(flip_byte_at_fraction(0.9)),
       "m.spm", "checksum"},
      {"evaluate_model_format_version_1", kModel,
       evaluate_model(header_edit("\"format_version\":2", "\"format_version\":1")), "m.spm",
       "format version 1"},
      {"predict_model_format_version_999", kModel,
       predict_model(header_edit("\"format_version\":2", "\"format_version\":999")), "m.spm",
       "format version 999"},
      {"predict_model_format_version_text", kModel,
       predict_model(header_edit("\"format_version\":2", "\"format_version\":\"2\"")), "m.spm",
       "format version"},
      {"predict_model_format_version_2_5", kModel,
       predict_model(header_edit("\"format_version\":2", "\"format_version\":2.5")), "m.spm",
       "format version"},
      {"predict_model_format_other", kModel,
       predict_model(header_edit("\"format\":\"scapredict-model\"", "\"format\":\"other\"")),
       "m.spm", "not a scapredict model file"},
      {"predict_model_header_not_json", kModel, predict_model([](const std::string& b) {
         ModelParts m = split_model(b);
         m.header = "{{{{ not json";
         return join_model(m);
       }),
       "m.spm", "not JSON"},
      {"predict_model_header_is_an_array", kModel, predict_model([](const std::string& b) {
         ModelParts m = split_model(b);
         m.header = "[1,2,3]";
         return join_model(m);
       }),
       "m.spm", "not a scapredict model file"},
      {"predict_model_header_length_overflow", kModel, predict_model([](const std::string& b) {
         ModelParts m = split_model(b);
         return m.magic + "99999999999999999999\n" + m.header + "\n";
       }),
       "m.spm", "header length"},
      {"predict_model_header_length_negative", kModel, predict_model([](const std::string& b) {
         ModelParts m = split_model(b);
         return m.magic + "-5\n" + m.header + "\n";
       }),
       "m.spm", "header length"},
      {"predict_model_weights_length_text", kModel, predict_model([](const std::string& b) {
         ModelParts m = split_model(b);
         return m.magic + std::to_string(m.header.size()) + "\n" + m.header + "\nlots\n" +
                m.weights;
       }),
       "m.spm", "weights length"},
      {"predict_model_crlf_length_lines", kModel, predict_model([](const std::string& b) {
         ModelParts m = split_model(b);
         return "SCAPREDICT-MODEL\r\n" + std::to_string(m.header.size()) + "\r\n" + m.header +
                "\r\n" + std::to_string(m.weights.size()) + "\r\n" + m.weights;
       }),
       "m.spm", "not a scapredict model file"},
      {"predict_model_arch_nosuch", kModel,
       predict_model(header_edit("\"arch\":\"cnn1d\"", "\"arch\":\"nosuch\"")), "m.spm",
       "architecture"},
      {"predict_model_arch_lstm_with_cnn_weights", kModel,
       predict_model(header_edit("\"arch\":\"cnn1d\"", "\"arch\":\"lstm\"")), "m.spm",
       "weights do not load"},
      {"predict_model_input_length_999", kModel,
       predict_model(header_edit("\"input_length\":128", "\"input_length\":999")), "m.spm",
       "input length"},
      {"predict_model_input_length_negative", kModel,
       predict_model(header_edit("\"input_length\":128", "\"input_length\":-1")), "m.spm",
       "input length"},
      {"predict_model_no_train_section", kModel,
       predict_model(header_edit("\"train\":", "\"trian\":")), "m.spm", "corrupt model file"},
      {"predict_model_distance_is_text", kModel,
       predict_model(
           header_edit("\"training_distance_q99\":", "\"training_distance_q99\":\"x\",\"y\":")),
       "m.spm", "corrupt model file"},
      {"predict_model_checksum_not_text", kModel,
       predict_model(header_edit("\"checksum_fnv1a64\":\"", "\"checksum_fnv1a64\":5,\"z\":\"")),
       "m.spm", "corrupt model file"},
      {"predict_model_normalisation_digit_changed", kModel,
       predict_model(header_edit("\"mean\":[0.", "\"mean\":[1.")), "m.spm", "checksum"},
      {"predict_model_weights_removed", kModel, predict_model([](const std::string& b) {
         ModelParts m = split_model(b);
         m.weights.clear();
         return join_model(m);
       }),
       "m.spm", "checksum"},
      {"predict_model_random_bytes", kModel,
       predict_model([](const std::string&) { return pattern_bytes(4096); }), "m.spm",
       "not a scapredict model file"},
      // predict's other inputs
      {"predict_model_missing", kNothing,
       [](const Env& e) {
         put(e / "r.hea", "r 1 128 15360\nr.dat 16 200\n");
         put(e / "r.dat", wave16(15360));
         return Args{"predict", e.arg("r"), "--model", e.arg("nosuch.spm")};
       },
       "nosuch.spm", "cannot open model file"},
      // Without --model the default model scores: the record is what is missing here.
      {"predict_default_model_record_missing", kNothing,
       [](const Env& e) {
         return Args{"predict", e.arg("r")};
       },
       "r.hea", "header file not found"},
      {"predict_record_argument_missing", kModel,
       [](const Env& e) {
         return Args{"predict", "--model", e.model.string()};
       },
       "record", "required"},
      {"predict_record_missing", kModel,
       [](const Env& e) {
         return Args{"predict",        e.arg("nosuch"), "--model",
                     e.model.string(), "--out",         e.arg("risk.csv")};
       },
       "nosuch.hea", "header file not found"},
      {"predict_channel_99", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         return Args{"predict",   e.arg("16265"), "--model", e.model.string(),
                     "--channel", "99",           "--out",   e.arg("risk.csv")};
       },
       "16265.hea", "no channel 99"},
      {"predict_channel_negative", kModel,
       [](const Env& e) {
         return Args{"predict", e.arg("r"), "--model", e.model.string(), "--channel", "-1"};
       },
       "--channel", "not in range"},
      {"predict_record_shorter_than_a_minute", kModel,
       [](const Env& e) {
         put(e / "r.hea", "r 1 128 3840\nr.dat 16 200\n");
         put(e / "r.dat", wave16(3840));
         return Args{"predict",        e.arg("r"), "--model",
                     e.model.string(), "--out",    e.arg("risk.csv")};
       },
       "r.hea", "less than one minute"},
      {"predict_annotator_missing", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         return Args{"predict",     e.arg("16265"), "--model", e.model.string(),
                     "--annotator", "qrs",          "--out",   e.arg("risk.csv")};
       },
       "16265.qrs", "annotation file not found"},
      {"predict_out_onto_existing_directory", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         put(e / "outdir" / "keep.txt", "keep\n");
         return Args{"predict",        e.arg("16265"), "--model",
                     e.model.string(), "--out",        e.arg("outdir")};
       },
       "outdir", "cannot"},
      {"predict_out_under_a_file", kModel,
       [](const Env& e) {
         copy_cohort_record(e, "nsrdb/16265");
         put(e / "afile", "precious\n");
         return Args{"predict",        e.arg("16265"), "--model",
                     e.model.string(), "--out",        e.arg("afile/risk.csv")};
       },
       "afile/risk.csv", "cannot"},
      // evaluate's other inputs
      {"evaluate_model_flag_missing", kNothing, plain({"evaluate"}), "--model",
       "required (a model file: `scapredict train --out MODEL.spm` trains one)"},
      {"evaluate_data_missing_directory", kModel,
       [](const Env& e) {
         return Args{"evaluate", "--model", e.model.string(), "--data", e.arg("nosuch")};
       },
       "nosuch", "not found"},
      {"evaluate_out_onto_existing_directory", kModel,
       [](const Env& e) {
         put(e / "outdir" / "keep.txt", "keep\n");
         return on_cohort("evaluate", {"--model", e.model.string(), "--out", e.arg("outdir")})(e);
       },
       "outdir", "cannot"},
  };
}

std::vector<BadCase> reproduce_audit_cases() {
  return {
      {"reproduce_repetitions_zero", kNothing, with_out("reproduce", {"--repetitions", "0"}),
       "--repetitions", "not in range"},
      {"reproduce_repetitions_1001", kNothing, with_out("reproduce", {"--repetitions", "1001"}),
       "--repetitions", "not in range"},
      {"reproduce_epochs_zero", kNothing, with_out("reproduce", {"--epochs", "0"}), "--epochs",
       "not in range"},
      {"reproduce_seed_fraction", kNothing, with_out("reproduce", {"--seed", "1.5"}), "--seed",
       "not a whole number"},
      {"reproduce_threads_2000", kNothing, with_out("reproduce", {"--threads", "2000"}),
       "--threads", "not in range"},
      {"reproduce_bins_is_not_a_flag",
       kNothing,
       with_out("reproduce", {"--bins", "128"}),
       "--bins",
       "unexpected argument",
       {"scapredict: --bins: "}},
      {"reproduce_data_missing_directory", kNothing,
       [](const Env& e) {
         return Args{"reproduce", "--data", e.arg("nosuch"), "--out", e.arg("out")};
       },
       "nosuch", "not found"},
      {"reproduce_out_onto_existing_file", kCohort,
       [](const Env& e) {
         put(e / "afile", "precious\n");
         return on_cohort("reproduce",
                          {"--out", e.arg("afile"), "--repetitions", "1", "--epochs", "1"})(e);
       },
       "afile", "not a directory"},
      {"search_data_missing_directory", kNothing,
       [](const Env& e) {
         return Args{"search", "--data", e.arg("nosuch"), "--out", e.arg("out")};
       },
       "nosuch", "not found"},
      {"search_method_twice", kCohort,
       [](const Env& e) {
         return on_cohort("search", {"--out", e.arg("out"), "--method", "bo", "--method", "bo",
                                     "--trials", "2", "--epochs", "1"})(e);
       },
       "--method", "bo given twice"},
      {"search_journal_of_another_kind", kCohort,
       [](const Env& e) {
         put(e / "notes.txt", "my precious data");  // no newline: not a cut journal either
         return on_cohort("search", {"--out", e.arg("out"), "--journal", e.arg("notes.txt"),
                                     "--trials", "2", "--epochs", "1"})(e);
       },
       "notes.txt", "not a journal of this search"},
      {"search_journal_rank_file_is_a_directory", kCohort,
       [](const Env& e) {
         fs::create_directories(e / "j.jsonl.rank1");
         return on_cohort("search", {"--out", e.arg("out"), "--journal", e.arg("j.jsonl"),
                                     "--trials", "2", "--epochs", "1"})(e);
       },
       "j.jsonl.rank1", "not a regular file"},
      {"audit_repetitions_zero", kNothing, with_out("audit", {"--repetitions", "0"}),
       "--repetitions", "not in range"},
      {"audit_epochs_zero", kNothing, with_out("audit", {"--epochs", "0"}), "--epochs",
       "not in range"},
      {"audit_bootstrap_5", kNothing, with_out("audit", {"--bootstrap", "5"}), "--bootstrap",
       "not in range"},
      {"audit_bootstrap_100001", kNothing, with_out("audit", {"--bootstrap", "100001"}),
       "--bootstrap", "not in range"},
      {"audit_band_one_value", kNothing, with_out("audit", {"--band", "1"}), "--band", "required"},
      {"audit_band_text", kNothing, with_out("audit", {"--band", "low", "high"}), "--band", "not"},
      {"audit_band_nan", kCohort,
       [](const Env& e) {
         return on_cohort("audit", {"--out", e.arg("out"), "--band", "nan", "40", "--repetitions",
                                    "1", "--epochs", "1", "--physionet", e.arg("none")})(e);
       },
       "--band", "nan"},
      {"audit_band_inf", kCohort,
       [](const Env& e) {
         return on_cohort("audit", {"--out", e.arg("out"), "--band", "0.5", "inf", "--repetitions",
                                    "1", "--epochs", "1", "--physionet", e.arg("none")})(e);
       },
       "--band", "inf"},
      {"audit_band_reversed", kCohort,
       [](const Env& e) {
         return on_cohort("audit", {"--out", e.arg("out"), "--band", "40", "0.5", "--repetitions",
                                    "1", "--epochs", "1", "--physionet", e.arg("none")})(e);
       },
       "--band", "40"},
      {"audit_band_negative", kCohort,
       [](const Env& e) {
         return on_cohort("audit", {"--out", e.arg("out"), "--band", "-1", "40", "--repetitions",
                                    "1", "--epochs", "1", "--physionet", e.arg("none")})(e);
       },
       "--band", "-1"},
      {"audit_out_onto_existing_file", kCohort,
       [](const Env& e) {
         put(e / "afile", "precious\n");
         return on_cohort("audit", {"--out", e.arg("afile"), "--repetitions", "1", "--epochs", "1",
                                    "--bootstrap", "100", "--physionet", e.arg("none")})(e);
       },
       "afile", "not a directory"},
  };
}

std::vector<BadCase> command_cases() {
  return {
      {"unknown_command_with_help", kNothing, plain({"nosuch", "--help"}), "nosuch",
       "no such command"},
      {"unknown_command", kNothing, plain({"nosuch"}), "nosuch", "no such command"},
      {"command_in_capitals", kNothing, plain({"INSPECT", "r"}), "INSPECT", "no such command"},
      {"command_empty", kNothing, plain({""}), "", "no such command"},
      {"command_with_newline", kNothing, plain({"in\nspect"}), "in\\x0aspect", "no such command"},
      {"command_escape_sequence", kNothing, plain({"\x1b[2J\x1b[H"}), "\\x1b[2J",
       "no such command"},
      {"command_invalid_utf8", kNothing, plain({"\xff\xfe"}), "\\xff\\xfe", "no such command"},
      {"command_100KB",
       kNothing,
       plain({repeat("x", 100000)}),
       "xxxx",
       "no such command",
       {"more bytes)"}},
      {"no_arguments", kNothing, plain({}), "command", "missing"},
      {"unknown_top_level_flag", kNothing, plain({"--nosuch"}), "--nosuch", "unexpected"},
      {"unknown_flag_of_inspect", kNothing, plain({"inspect", "--nosuch", "r"}), "--nosuch",
       "unexpected argument"},
      {"unknown_short_flag", kNothing, plain({"inspect", "-z", "r"}), "-z", "unexpected argument"},
      // A misspelt flag gets the nearest one and a pointer to the command's --help.
      {"misspelt_flag_gets_did_you_mean", kNothing, plain({"predict", "--modle", "m", "r"}),
       "--modle", "unexpected argument (did you mean --model? scapredict predict --help"},
      {"misspelt_out_of_simulate", kNothing, plain({"simulate", "--outt", "x"}), "--outt",
       "did you mean --out? scapredict simulate --help"},
      {"far_flag_gets_the_help_pointer_only", kNothing, plain({"inspect", "--zzzzzzzz", "r"}),
       "--zzzzzzzz", "unexpected argument (scapredict inspect --help lists the flags)"},
      // A directory named as a record says so, with an example of a record in it.
      {"inspect_a_directory", kNothing,
       [](const Env& e) {
         fs::create_directories(e / "recs");
         put(e / "recs" / "r1.hea", "r1 1 250 1000\nr1.dat 16 200 16 0 0 0 0 ECG\n");
         return Args{"inspect", e.arg("recs")};
       },
       "recs", "is a directory, not a record (a record is DIR/NAME, e.g. "},
      {"inspect_record_missing", kNothing, plain({"inspect"}), "record", "required"},
      {"inspect_two_records", kNothing, plain({"inspect", "a", "b"}), "b", "unexpected argument"},
      {"inspect_annotator_missing_value", kNothing, plain({"inspect", "r", "--annotator"}),
       "--annotator", "missing"},
      {"json_flag_with_value", kNothing, plain({"inspect", "r", "--json=maybe"}), "--json",
       "maybe"},
      {"flag_after_double_dash", kNothing,
       [](const Env& e) {
         return Args{"inspect", "--", e.arg("r"), "--json"};
       },
       "--json", "unexpected argument"},
  };
}

class HostileFlags : public ::testing::TestWithParam<BadCase> {
 protected:
  // The cohort and model are built (or found in the on-disk cache) once per process.
  static void SetUpTestSuite() { shared_fixture(); }
};
TEST_P(HostileFlags, OneLineExitTwoNothingLeft) {
  run_bad_case(GetParam());
}
INSTANTIATE_TEST_SUITE_P(Simulate, HostileFlags, ::testing::ValuesIn(simulate_cases()),
                         case_name<BadCase>);
INSTANTIATE_TEST_SUITE_P(Train, HostileFlags, ::testing::ValuesIn(train_cases()),
                         case_name<BadCase>);
INSTANTIATE_TEST_SUITE_P(Model, HostileFlags, ::testing::ValuesIn(model_cases()),
                         case_name<BadCase>);
INSTANTIATE_TEST_SUITE_P(ReproduceAudit, HostileFlags, ::testing::ValuesIn(reproduce_audit_cases()),
                         case_name<BadCase>);
INSTANTIATE_TEST_SUITE_P(Command, HostileFlags, ::testing::ValuesIn(command_cases()),
                         case_name<BadCase>);

}  // namespace
}  // namespace scapredict::clitest

#pragma once
// A batch of records scored into one folder (`scapredict predict DIR --out OUT`): a per-minute
// table (<record>.csv) and WFDB risk annotations (<record>.risk) for each record, cohort.csv
// for all, built in a folder beside OUT and renamed into place. The records are spread over
// the run's processes (common/workers.hpp); the first process writes every file, in record order.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "common/progress.hpp"
#include "engine/scorer.hpp"
#include "infer/alarm.hpp"
#include "infer/outputs.hpp"
#include "infer/predict.hpp"
#include "infer/record_scorer.hpp"

namespace scapredict::infer {

/// The files a run on `record` reads (so that no output overwrites one): the model, the
/// record's header and signal files and its reference annotations (atr, ari, `annotator`); an
/// EDF or ISHNE file itself.
std::vector<std::filesystem::path> record_inputs(const std::filesystem::path& record,
                                                 const std::filesystem::path& model,
                                                 const std::string& annotator);

/// The records named: a directory stands for its records (io::list_records), in name order; a
/// record named twice (directly and through a directory, say) is kept once.
std::vector<std::filesystem::path> expand_records(const std::vector<std::string>& args);

/// A file stem for a record's outputs: letters, digits, '-', '_', '.'; not starting with '.';
/// unique among `used` (which it joins).
std::string output_stem(const std::string& record, std::set<std::string>& used);

/// The alarm rule in words.
std::string alarm_comment(const AlarmConfig& a);

struct BatchOptions {
  PredictOptions predict;
  AlarmConfig alarm;
};

/// What the library cannot print itself.
struct BatchEvents {
  /// A record's warning (rate, gain or spectra unlike the training data, ...).
  std::function<void(const std::filesystem::path& record, const std::string& warning)> warning;
  /// A record that failed: one error line; the batch goes on.
  std::function<void(const std::string& line)> failed;
  ProgressFn progress;  ///< one event per record
};

struct BatchResult {
  std::size_t records = 0, failed = 0;
  std::filesystem::path summary;  ///< OUT/cohort.csv
  /// Every record in order: its per-minute table (OUT/<record>.csv), or why it failed.
  struct Entry {
    std::filesystem::path record, table;
    std::string error;
  };
  std::vector<Entry> entries;
};

/// Scores `records` into the new folder `out` (absent or empty). A record that fails is a row of
/// cohort.csv that says why; the folder is committed all the same. Throws Error for an `out`
/// that cannot be made, or a write that fails.
BatchResult predict_batch(const RecordScorer& model, const BatchOptions& options,
                          const std::vector<std::filesystem::path>& records,
                          const std::filesystem::path& out, const BatchEvents& events);

}  // namespace scapredict::infer

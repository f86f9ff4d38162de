#pragma once
// One self-contained HTML page of risk results: an overview row per record, each record's risk
// timeline with its alarm periods, quality band and VF onset, and, for the minutes the page
// holds, that minute's ECG at 128 Hz with the detected beats and its spectrum. No network: the
// script, styles and data are inside the file (docs/html.md).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/alarms/alarms.hpp"
#include "infer/alarm.hpp"
#include "infer/batch.hpp"
#include "infer/predict.hpp"

namespace scapredict::report {

/// One minute of ECG the page holds.
struct HeldMinute {
  std::size_t row = 0;            ///< index into the record's minutes
  std::string why;                ///< "alarm onset", "highest risk", "before onset", "hourly"
  std::vector<int> microvolts;    ///< 7680 samples at 128 Hz; invalid samples as null
  std::vector<bool> valid;        ///< false where the record marks the sample invalid
  std::vector<std::int64_t> qrs;  ///< detected beats, sample indices into microvolts
  std::vector<double> spectrum;   ///< |DFT| / 7680, 0 to 40 Hz in 1/16 Hz steps
};

/// One record's part of the page.
struct PageRecord {
  std::filesystem::path path;  ///< the record as named (read again for the held minutes)
  std::string error;           ///< the record could not be scored (a batch's failed row)
  eval::RiskSeries series;     ///< minutes, risk, quality, onset, '#' lines
  std::vector<std::string> warnings;
  std::vector<HeldMinute> held;
  std::string held_note;  ///< why no ECG is held, when none is
};

struct PageOptions {
  infer::AlarmConfig alarm;
  std::string channel = "0";  ///< the scored channel (io::open_channel)
  int highest = 5;            ///< highest-risk minutes held per record
  int alarm_onsets = 5;       ///< alarm onsets held per record
  int before_onset = 5;       ///< scored minutes held just before the VF onset
  bool hourly = true;         ///< one minute per hour too (single records; off for batches)
};

/// `r` as a page record: minutes, risk, quality flags, onset; the meaning lines and the model's
/// provenance as its '#' lines.
PageRecord page_record(const infer::RecordRisk& r, const std::filesystem::path& record);

/// A batch's records (infer::predict_batch) as page records: each scored record's table read
/// back as `alarms` reads it, with its minutes held; a failed record keeps why.
std::vector<PageRecord> batch_page_records(const infer::BatchResult& batch,
                                           const PageOptions& options);

/// Chooses the minutes the page holds (PageOptions) and reads them from the record: the channel
/// brought to 128 Hz, beats by dsp::detect_qrs, the magnitude spectrum. A record that cannot be
/// read again gets no minutes and a held_note saying why.
void hold_minutes(PageRecord& r, const PageOptions& options);

/// The page. `lines` open it (what the numbers mean, data source, version, configuration);
/// `provenance` is stored in it as JSON.
std::string html_page(const std::string& title, const std::vector<std::string>& lines,
                      const std::vector<PageRecord>& records, const PageOptions& options,
                      const nlohmann::json& provenance);

/// The page's script and styles (html_assets.cpp).
const char* html_style();
const char* html_script();

}  // namespace scapredict::report

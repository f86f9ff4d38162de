#include "infer/hrv_predict.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "dsp/prepare.hpp"
#include "dsp/qrs.hpp"
#include "dsp/stream.hpp"
#include "features/hrv.hpp"
#include "features/nn.hpp"
#include "infer/minute_rows.hpp"
#include "infer/record_minutes.hpp"
#include "io/annotation.hpp"
#include "io/header.hpp"
#include "io/source.hpp"
#include "scapredict/version.hpp"

namespace scapredict::infer {

namespace fs = std::filesystem;

namespace {

// Beat annotations only (no signal file): every minute up to the header's end, scored from the
// annotated beats; the only flags are the onset's and HRV's.
RecordRisk predict_from_beats_only(const engine::HrvModel& model, const fs::path& record,
                                   const HrvPredictOptions& o, const io::Header& h) {
  io::ChannelInfo info;
  info.record = h.record_name;
  info.source = record.string();
  info.format = "WFDB";
  info.label = h.signals.empty() ? "" : h.signals[0].description;
  info.fs_hz = h.fs_hz;
  info.n_samples = h.n_samples.value_or(0);
  info.base_time = h.base_time;
  info.wfdb_header = h;
  const auto beats = features::read_beats(record, o.beats_annotator);
  if (info.n_samples == 0) info.n_samples = static_cast<std::int64_t>(beats.end_s * h.fs_hz);
  RecordRisk out = record_shell(info);
  out.channel = "beat annotations ." + o.beats_annotator + " (signal file absent)";
  out.model = hrv_provenance(model, o);
  require_a_minute(info);
  find_onset(record, info, o.predict.annotator, out);
  const auto minutes = static_cast<int>(static_cast<double>(info.n_samples) / h.fs_hz / 60.0);
  int unlike = 0;
  for (int m = 0; m < minutes; ++m) {
    MinuteRisk row;
    row.minute = m;
    row.start_s = 60.0 * m;
    row.clock_time = clock_time(info.base_time, row.start_s);
    if (out.onset_s) {
      row.minutes_before_onset = (*out.onset_s - row.start_s) / 60.0;
      if (row.start_s + 60.0 > *out.onset_s) {
        row.flags.push_back("after_onset");
        out.minutes.push_back(std::move(row));
        continue;
      }
    }
    score_hrv_window(model, beats, row, unlike);
    out.minutes.push_back(std::move(row));
  }
  check_training_range(out, unlike, out.warnings);
  return out;
}

bool signal_file_absent(const fs::path& record) {
  if (io::detect_format(record) != io::RecordFormat::kWfdb) return false;
  const auto h = io::read_header(record);
  if (h.signals.empty()) return true;
  const auto dir = record.has_parent_path() ? record.parent_path() : fs::path(".");
  std::error_code ec;
  return !fs::exists(dir / h.signals[0].file_name, ec);
}

}  // namespace

nlohmann::json hrv_provenance(const engine::HrvModel& model, const HrvPredictOptions& o) {
  const auto& p = model.provenance();
  const auto lopo = p.value("leave_one_patient_out", nlohmann::json::object());
  nlohmann::json j = {
      {"arch", "hrv-svm"},
      {"meaning", model.meaning()},
      {"window_s", model.window_s()},
      {"data_source", p.value("data", std::string("unknown data"))},
      {"simulated", p.value("simulated", false)},
      {"leave_one_patient_out", lopo},
      {"scored_by", "HRV SVM (no LibTorch)"},
      {"checksum_fnv1a64", model.checksum()},
      {"model_version", p.value("scapredict_version", std::string("?"))},
      {"beats", o.beats_annotator.empty()
                    ? "detected on the channel at 128 Hz (dsp::detect_qrs, docs/qrs.md)"
                    : "annotations ." + o.beats_annotator}};
  j["file"] = o.model_file.empty() ? std::string("built-in default model") : o.model_file;
  return j;
}

RecordRisk predict_hrv_record(const engine::HrvModel& model, const fs::path& record,
                              const HrvPredictOptions& o, const ProgressFn& progress) {
  if (!o.beats_annotator.empty() && signal_file_absent(record))
    return predict_from_beats_only(model, record, o, io::read_header(record));
  const auto reader = io::open_channel(record, o.predict.channel);
  const auto& info = reader->info();
  RecordRisk out = record_shell(info);
  out.model = hrv_provenance(model, o);
  require_a_minute(info);
  find_onset(record, info, o.predict.annotator, out);
  std::optional<features::Beats> annotated;
  if (!o.beats_annotator.empty()) {
    annotated = features::read_beats(record, o.beats_annotator);
    if (annotated->t_s.empty())
      throw PredictError(io::annotation_path(record, o.beats_annotator).string() +
                         ": no beat annotations in it (rhythm labels only?); leave out "
                         "--annotator to detect the beats");
  }
  auto limits = o.predict.quality;
  limits.adc_limits_mv = info.range_mv;
  auto rows = hrv_rows(model, {info.base_time, out.onset_s, limits}, std::move(annotated));
  const auto total = dsp::whole_minutes(info.n_samples, info.fs_hz);
  const ProgressTracker tracker(progress, "predict", "minute", static_cast<std::size_t>(total));
  auto keep = [&](std::vector<MinuteRisk>&& done) {
    for (auto& r : done) out.minutes.push_back(std::move(r));
    tracker.report(out.minutes.size());
  };
  dsp::stream_minutes(
      *reader, [&](dsp::StreamMinute&& m) { keep(rows->add(std::move(m))); }, {},
      o.predict.chunk_samples);
  keep(rows->finish());
  if (out.scored() == 0 && !o.predict.allow_nothing_scored)
    throw PredictError(info.source + ": nothing to score: no minute with a usable " +
                       std::to_string(static_cast<int>(model.window_s() / 60)) +
                       "-minute HRV window (" + std::to_string(out.minutes.size()) + " minutes)");
  check_training_range(out, rows->unlike_training(), out.warnings);
  return out;
}

}  // namespace scapredict::infer

#include "infer/predict.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "common/text.hpp"
#include "dsp/prepare.hpp"
#include "dsp/vf_like.hpp"
#include "features/features.hpp"
#include "infer/alarm.hpp"
#include "infer/record_minutes.hpp"
#include "infer/record_scorer.hpp"
#include "io/annotation.hpp"
#include "io/source.hpp"
#include "scapredict/version.hpp"

namespace scapredict::infer {

std::string MinuteRisk::quality() const {
  if (flags.empty()) return "ok";
  std::string s;
  for (const auto& f : flags) s += (s.empty() ? "" : ";") + f;
  return s;
}

bool RecordRisk::model_trained_on_simulated_data() const {
  return model.value("simulated", false);
}

int RecordRisk::scored() const {
  return static_cast<int>(
      std::count_if(minutes.begin(), minutes.end(), [](const MinuteRisk& m) { return m.risk; }));
}

namespace {

[[noreturn]] void nothing_to_score(const RecordRisk& r, const std::string& source) {
  std::map<std::string, int> by_flag;
  for (const auto& m : r.minutes)
    for (const auto& f : m.flags) ++by_flag[f.substr(0, f.find('='))];
  std::ostringstream o;
  o << source << ": nothing to score: none of " << r.minutes.size() << " minutes is usable (";
  bool first = true;
  for (const auto& [f, n] : by_flag) {
    o << (first ? "" : ", ") << f << " " << n;
    first = false;
  }
  o << ")";
  throw PredictError(o.str());
}

// Batches of minutes from the reading thread to the rating one.
struct Cancelled {};
class BatchQueue {
 public:
  explicit BatchQueue(std::size_t capacity) : capacity_(capacity) {}
  /// False when the consumer gave up.
  bool put(std::vector<dsp::StreamMinute>&& b) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return cancelled_ || q_.size() < capacity_; });
    if (cancelled_) return false;
    q_.push_back(std::move(b));
    changed_.notify_all();
    return true;
  }
  /// False once the producer closed the queue and it is empty.
  bool take(std::vector<dsp::StreamMinute>& b) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return closed_ || !q_.empty(); });
    if (q_.empty()) return false;
    b = std::move(q_.front());
    q_.pop_front();
    changed_.notify_all();
    return true;
  }
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }
  void cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    changed_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::vector<dsp::StreamMinute>> q_;
  bool closed_ = false, cancelled_ = false;
};

}  // namespace

nlohmann::json provenance(const engine::Scorer& m) {
  const auto& md = m.metadata();
  const std::string source = md.value("data_source", std::string("unknown data"));
  const bool simulated = md.value("simulated", source.find("SIMULATED") != std::string::npos);
  nlohmann::json j = {{"arch", m.arch()},
                      {"features", m.features().to_json()},
                      {"data_source", source},
                      {"simulated", simulated},
                      {"training_data", md.value("training_data", nlohmann::json::object())},
                      {"scored_by", m.backend()}};
  if (!m.checksum().empty()) j["checksum_fnv1a64"] = m.checksum();
  return j;
}

MinuteRater::MinuteRater(const engine::Scorer& model, std::string base_time,
                         std::optional<double> onset_s, dsp::QualityLimits limits, int threads)
    : model_(model),
      base_time_(std::move(base_time)),
      onset_s_(onset_s),
      limits_(std::move(limits)),
      threads_(std::max(1, threads)) {}

std::vector<MinuteRisk> MinuteRater::rate(const std::vector<dsp::StreamMinute>& minutes) {
  const std::size_t n = minutes.size();
  std::vector<MinuteRisk> rows(n);
  std::vector<std::vector<float>> x(n);
  std::vector<char> usable(n, 0), unlike(n, 0);
  // Everything but the model's forward pass, minute by minute: independent, so on threads.
  auto work = [&](std::size_t first, std::size_t step) {
    for (std::size_t i = first; i < n; i += step) {
      const auto& m = minutes[i];
      MinuteRisk& r = rows[i];
      r.minute = static_cast<int>(m.index);
      r.start_s = 60.0 * static_cast<double>(m.index);
      r.clock_time = clock_time(base_time_, r.start_s);
      if (onset_s_) r.minutes_before_onset = (*onset_s_ - r.start_s) / 60.0;
      dsp::Segment seg;
      seg.samples = m.samples;
      seg.quality = dsp::assess_quality(m.samples, dsp::kAnalysisFsHz, limits_, m.bridged);
      if (!assess_minute(seg, r.start_s, onset_s_, r)) continue;
      x[i] = features::extract_features(model_.features(), seg.samples);
      if (model_.distance(x[i]) > model_.training_distance_q99()) {
        r.flags.push_back("unlike_training");
        unlike[i] = 1;
      }
      usable[i] = 1;
    }
  };
  const auto t = static_cast<std::size_t>(std::min<int>(threads_, static_cast<int>(n)));
  if (t <= 1) {
    work(0, 1);
  } else {
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(t);
    for (std::size_t k = 0; k < t; ++k)
      pool.emplace_back([&, k] {
        try {
          work(k, t);
        } catch (...) {
          errors[k] = std::current_exception();
        }
      });
    for (auto& th : pool) th.join();
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
  }
  std::vector<std::vector<float>> batch;
  for (std::size_t i = 0; i < n; ++i)
    if (usable[i]) batch.push_back(std::move(x[i]));
  if (batch.empty()) return rows;
  const auto p = model_.score(batch);
  std::size_t j = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!usable[i]) continue;
    rows[i].risk = p[j++];
    unlike_ += unlike[i];
  }
  return rows;
}

void check_training_range(const RecordRisk& r, int unlike_minutes, std::vector<std::string>& out) {
  const auto training = r.model.value("training_data", nlohmann::json::object());
  const double fs = r.fs_hz, gain = r.gain_adu_per_mv;
  const int scored = r.scored();
  auto seen = [&](const char* key, double v) {
    if (!training.contains(key)) return true;
    for (const auto& t : training[key])
      if (std::abs(t.get<double>() - v) <= 1e-6 * std::abs(v)) return true;
    return false;
  };
  auto list = [&](const char* key) {
    std::ostringstream o;
    for (std::size_t i = 0; i < training[key].size(); ++i)
      o << (i ? ", " : "") << training[key][i].get<double>();
    return o.str();
  };
  std::ostringstream w;
  if (r.model_trained_on_simulated_data() && !r.simulated_record)
    w << "the model was trained on SIMULATED data and scores a record the simulator did not "
         "write (real or user data): its risk means nothing clinically; ";
  if (!seen("fs_hz", fs))
    w << "sampling rate " << fs << " Hz (training: " << list("fs_hz") << "); ";
  if (!seen("gain_adu_per_mv", gain))
    w << "gain " << gain << " adu/mV (training: " << list("gain_adu_per_mv") << "); ";
  if (training.contains("recorders") && !r.recorder.empty()) {
    const auto& known = training["recorders"];
    if (std::find(known.begin(), known.end(), r.recorder) == known.end()) {
      w << "recorder " << r.recorder << " (training:";
      for (const auto& k : known) w << " [" << k.get<std::string>() << "]";
      w << "); ";
    }
  }
  if (scored > 0 && 2 * unlike_minutes > scored)
    w << unlike_minutes << " of " << scored << " scored minutes have "
      << (r.model.contains("window_s") ? "HRV unlike the training windows; "
                                       : "spectra unlike the training minutes; ");
  std::string text = w.str();
  if (text.empty()) return;
  text.resize(text.size() - 2);
  out.push_back("record unlike the model's training data: " + text);
}

RecordRisk predict_record(const engine::Scorer& model, const std::filesystem::path& record,
                          const PredictOptions& options, const ProgressFn& progress) {
  const auto reader = io::open_channel(record, options.channel);
  const auto& info = reader->info();
  RecordRisk out = record_shell(info);
  out.model = provenance(model);
  require_a_minute(info);
  find_onset(record, info, options.annotator, out);
  auto limits = options.quality;
  limits.adc_limits_mv = info.range_mv;
  const int threads = options.threads > 0
                          ? options.threads
                          : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8);
  MinuteRater rater(model, info.base_time, out.onset_s, limits, threads);
  const auto total = dsp::whole_minutes(info.n_samples, info.fs_hz);
  const ProgressTracker tracker(progress, "predict", "minute", static_cast<std::size_t>(total));
  // Batches small enough that the minutes in flight (a batch being read, one waiting, one being
  // rated: 30 kB of samples each) weigh little beside the program, so peak memory is the same
  // for an hour as for a day; large enough to keep every thread busy.
  const std::size_t batch_size = 8 * static_cast<std::size_t>(threads);
  auto rate_batch = [&](std::vector<dsp::StreamMinute>& batch) {
    for (auto& r : rater.rate(batch)) out.minutes.push_back(std::move(r));
    batch.clear();
    tracker.report(out.minutes.size());
  };
  if (threads == 1) {
    std::vector<dsp::StreamMinute> batch;
    dsp::stream_minutes(
        *reader,
        [&](dsp::StreamMinute&& m) {
          batch.push_back(std::move(m));
          if (batch.size() >= batch_size) rate_batch(batch);
        },
        {}, options.chunk_samples);
    if (!batch.empty()) rate_batch(batch);
  } else {
    // A pipeline: one thread reads and resamples while this one rates the batches it hands over
    // (at most one batch waits, so memory stays bounded).
    BatchQueue queue(1);
    std::exception_ptr producer_error;
    std::thread producer([&] {
      try {
        std::vector<dsp::StreamMinute> batch;
        dsp::stream_minutes(
            *reader,
            [&](dsp::StreamMinute&& m) {
              batch.push_back(std::move(m));
              if (batch.size() < batch_size) return;
              if (!queue.put(std::move(batch))) throw Cancelled{};
              batch.clear();  // moved from: empty it for the next batch
            },
            {}, options.chunk_samples);
        if (!batch.empty()) queue.put(std::move(batch));
      } catch (const Cancelled&) {
      } catch (...) {
        producer_error = std::current_exception();
      }
      queue.close();
    });
    try {
      std::vector<dsp::StreamMinute> batch;
      while (queue.take(batch)) rate_batch(batch);
    } catch (...) {
      queue.cancel();
      producer.join();
      throw;
    }
    producer.join();
    if (producer_error) std::rethrow_exception(producer_error);
  }
  if (out.scored() == 0 && !options.allow_nothing_scored) nothing_to_score(out, info.source);
  check_training_range(out, rater.unlike_training(), out.warnings);
  return out;
}

namespace {

std::string model_line(const RecordRisk& r) {
  const auto& m = r.model;
  std::ostringstream o;
  o << "model " << m.value("arch", std::string("?")) << " on ";
  if (m.contains("features") && m["features"].is_object())
    o << m["features"].value("input", std::string("?")) << " (" << m["features"].value("bins", 0)
      << " bins)";
  else
    o << "HRV of " << m.value("window_s", 0.0) / 60 << "-minute windows, beats "
      << m.value("beats", std::string("?"));
  o << ", trained on " << (r.model_trained_on_simulated_data() ? "SIMULATED data: " : "")
    << m.value("data_source", std::string("unknown data")) << "; scored by "
    << m.value("scored_by", std::string("?"));
  if (m.contains("file")) o << "; model file " << m.value("file", std::string());
  if (m.contains("checksum_fnv1a64"))
    o << " (checksum " << m.value("checksum_fnv1a64", std::string()) << ")";
  return o.str();
}

}  // namespace

std::string to_csv(const RecordRisk& r, const AlarmConfig* alarm) {
  std::ostringstream o;
  o.precision(10);
  for (const auto& line : meaning_lines(r)) o << "# " << line << "\r\n";
  for (const auto& w : r.warnings) o << "# warning: " << printable(w, 2000) << "\r\n";
  o << "# scapredict predict: record " << printable(r.record, 200)
    << "; risk per minute, uncalibrated\r\n";
  o << "# " << printable(model_line(r), 2000) << "\r\n";
  o << "# scapredict " << kVersion << "; " << r.format << " channel " << printable(r.channel, 80)
    << " at " << r.fs_hz << " Hz\r\n";
  std::optional<Alarm> state;
  if (alarm) {
    state.emplace(*alarm);
    o << "# alarm: on after " << alarm->consecutive
      << " consecutive scored minutes with P >= " << alarm->on
      << ", off at a scored minute with P < " << alarm->off << "\r\n";
  }
  o << "minute,start_s,clock_time,minutes_before_onset,quality,risk" << (alarm ? ",alarm" : "")
    << "\r\n";
  for (const auto& m : r.minutes) {
    o << m.minute << "," << m.start_s << "," << m.clock_time << ",";
    if (m.minutes_before_onset) o << *m.minutes_before_onset;
    o << "," << csv_field(m.quality()) << ",";
    if (m.risk) o << *m.risk;
    if (state) {
      state->update(m.risk);
      o << "," << (state->on() ? "on" : "off");
    }
    o << "\r\n";
  }
  return o.str();
}

nlohmann::json to_json(const RecordRisk& r, const AlarmConfig* alarm) {
  nlohmann::json j = {{"scapredict_version", kVersion},
                      {"record", r.record},
                      {"format", r.format},
                      {"channel", r.channel},
                      {"fs_hz", r.fs_hz},
                      {"gain_adu_per_mv", r.gain_adu_per_mv},
                      {"model", r.model},
                      {"warnings", r.warnings},
                      {"risk_is", meaning_lines(r)}};
  j["vf_onset_s"] = r.onset_s ? nlohmann::json(*r.onset_s) : nlohmann::json(nullptr);
  if (r.onset_s) j["vf_onset_source"] = r.onset_source;
  std::optional<Alarm> state;
  if (alarm) {
    state.emplace(*alarm);
    j["alarm_config"] = alarm->to_json();
  }
  j["minutes"] = nlohmann::json::array();
  for (const auto& m : r.minutes) {
    nlohmann::json row = {
        {"minute", m.minute},
        {"start_s", m.start_s},
        {"clock_time", m.clock_time},
        {"minutes_before_onset",
         m.minutes_before_onset ? nlohmann::json(*m.minutes_before_onset) : nlohmann::json()},
        {"flags", m.flags},
        {"risk", m.risk ? nlohmann::json(*m.risk) : nlohmann::json(nullptr)}};
    if (state) {
      state->update(m.risk);
      row["alarm"] = state->on();
    }
    j["minutes"].push_back(std::move(row));
  }
  return j;
}

std::string summary_line(const RecordRisk& r) {
  return "record " + r.record + ": " + std::to_string(r.scored()) + " of " +
         std::to_string(r.minutes.size()) + " minutes scored; " + model_line(r);
}

}  // namespace scapredict::infer

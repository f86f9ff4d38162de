#include "sim/record_writer.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

#include "common/atomic_file.hpp"

namespace scapredict::sim {

std::string elapsed_hms(double seconds) {
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

io::Header holter_header(const std::string& db, const std::string& name, const Recorder& recorder,
                         double gain) {
  const bool nsr = db == "nsrdb";
  io::Header h;
  h.record_name = name;
  h.n_signals = 2;
  h.fs_hz = recorder.fs_hz;
  h.base_time = nsr ? "08:00:00" : "12:00:00";
  for (int c = 0; c < 2; ++c) {
    io::SignalSpec s;
    s.file_name = name + ".dat";
    s.format = 212;
    s.adc_gain = gain;
    s.gain_uncalibrated = nsr && recorder.write_gain_as_zero;
    s.adc_resolution = 12;
    s.description = nsr ? (c == 0 ? "ECG1" : "ECG2") : "ECG";
    h.signals.push_back(s);
  }
  return h;
}

std::vector<nlohmann::json> write_records(const std::filesystem::path& out,
                                          const std::vector<RecordId>& ids, int threads,
                                          const ProgressTracker& progress,
                                          const std::function<nlohmann::json(std::size_t)>& write) {
  std::vector<nlohmann::json> results(ids.size());
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex mu;
  std::exception_ptr failure;
  auto worker = [&] {
    for (std::size_t i = next++; i < ids.size(); i = next++) {
      // A progress callback that throws stops the work like a failed record (not the process).
      try {
        results[i] = write(i);
        const std::lock_guard<std::mutex> lock(mu);
        progress.report(++done, ids[i].db + "/" + ids[i].name);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mu);
        if (!failure) failure = std::current_exception();
        return;
      }
    }
  };
  const int n_threads = std::max(1, std::min<int>(threads, static_cast<int>(ids.size())));
  std::vector<std::thread> pool;
  for (int k = 1; k < n_threads; ++k) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);

  std::string sddb, nsrdb;
  for (const auto& r : ids) (r.db == "sddb" ? sddb : nsrdb) += r.name + "\n";
  write_file_atomic(out / "sddb" / "RECORDS", sddb);
  write_file_atomic(out / "nsrdb" / "RECORDS", nsrdb);
  return results;
}

}  // namespace scapredict::sim

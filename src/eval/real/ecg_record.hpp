#pragma once
// A real ECG record opened for the experiments of docs/real-ecg-method.md: its signal, its
// rhythm annotations, the beats scapredict's QRS detector finds, its arrhythmia event, and the
// rule that decides which of its minutes may be used. Internal to eval.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "features/nn.hpp"
#include "io/annotation.hpp"
#include "io/signal.hpp"

namespace scapredict::eval {

/// A usable minute: its 7680 samples at 128 Hz and, when asked for, its HRV features.
struct EcgMinute {
  int k = 0;  ///< minutes before the event (or the minute index, for minutes counted forwards)
  std::vector<double> samples;
  std::vector<float> dft, hrv;
};

/// A record's event: its first VF, else its first sustained VT, else its first VT.
struct EcgEvent {
  std::string type;  ///< "VF", "sustained VT" or "VT"
  double seconds = 0;
};

class EcgRecord {
 public:
  /// Opens `path` (header, signal, `.atr` rhythm annotations). Unusable minutes are counted in
  /// `left_out` by reason.
  EcgRecord(const std::filesystem::path& path, std::map<std::string, int>& left_out);
  double duration_s() const;
  const std::vector<io::Annotation>& annotations() const { return anns_; }
  std::optional<EcgEvent> event() const;

  /// The minute [start_s, start_s + 60) when it lies in the record, overlaps no VT, VF,
  /// flutter, asystole or noise episode and passes dsp::assess_quality; with `hrv`, its beats
  /// must also give a usable HRV window. `k` is stored in the result as given.
  std::optional<EcgMinute> minute_at(double start_s, int k, bool hrv);
  /// Minute k before `event_s` (minute_at(event_s - 60 k)).
  std::optional<EcgMinute> minute(double event_s, int k, bool hrv = true) {
    return minute_at(event_s - 60.0 * k, k, hrv);
  }
  /// True when [start_s, start_s + 60) lies inside one rhythm episode named `rhythm` ("N").
  bool inside_rhythm(double start_s, const std::string& rhythm) const;

 private:
  std::nullopt_t reject(const std::string& why);
  const features::Beats& beats();
  io::Record rec_;
  std::map<std::string, int>& left_out_;
  std::vector<io::Annotation> anns_;
  std::vector<io::RhythmEpisode> episodes_;
  std::vector<std::pair<double, double>> bad_;
  std::optional<features::Beats> beats_;
};

}  // namespace scapredict::eval

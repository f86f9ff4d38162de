// One WFDB signal as a ChannelReader (channel.hpp).
#include <algorithm>
#include <cmath>

#include "io/channel.hpp"
#include "io/signal.hpp"

namespace scapredict::io {

namespace fs = std::filesystem;

namespace {

// One WFDB signal as a channel: samples of a multi-sample-per-frame signal are read frame-aligned
// and sliced; the header checksum is summed as the channel is read in order.
class WfdbChannel final : public ChannelReader {
 public:
  WfdbChannel(Record record, int signal) : rec_(std::move(record)), signal_(signal) {
    const auto& h = rec_.header();
    const auto& spec = h.signals[static_cast<std::size_t>(signal)];
    spf_ = spec.samples_per_frame;
    const auto per_unit = millivolts_per_unit(spec.units);
    if (!per_unit)
      throw IoError(h.source + ": signal " + std::to_string(signal) + " is in '" + spec.units +
                    "', not a voltage");
    mv_per_unit_ = *per_unit;
    info_.record = h.record_name;
    info_.source = h.source;
    info_.format = "WFDB";
    info_.channel = signal;
    info_.label = spec.description;
    info_.fs_hz = h.fs_hz * spf_;
    info_.n_samples = rec_.n_frames() * spf_;
    info_.gain_adu_per_mv = spec.adc_gain / mv_per_unit_;
    const auto [lo, hi] = adc_range(spec);
    info_.range_mv = std::make_pair(lo * mv_per_unit_, hi * mv_per_unit_);
    info_.base_time = h.base_time;
    info_.wfdb_header = h;
    checked_ = spec.checksum.has_value() && spec.skew == 0;
  }

  std::vector<double> read_mv(std::int64_t start, std::int64_t count) const override {
    check_window(start, count);
    const std::int64_t f0 = start / spf_, f1 = (start + count + spf_ - 1) / spf_;
    const auto adu = rec_.read_adu_unchecked(signal_, f0, f1 - f0);  // summed here instead
    const auto& spec = rec_.header().signals[static_cast<std::size_t>(signal_)];
    if (checked_ && start == next_) {
      // Frames already summed are skipped when a window starts inside a frame.
      const std::size_t skip = static_cast<std::size_t>(summed_frames_ - f0) * spf_;
      const std::span<const std::int32_t> fresh(adu.data() + std::min(skip, adu.size()),
                                                adu.size() - std::min(skip, adu.size()));
      sum_ +=
          static_cast<std::uint32_t>(static_cast<std::uint16_t>(checksum16(fresh, spec.format)));
      summed_frames_ = std::max(summed_frames_, f1);
      next_ = start + count;
    } else if (start != next_) {
      checked_ = false;  // read out of order: the checksum cannot be summed
    }
    std::vector<double> out(static_cast<std::size_t>(count));
    const std::size_t offset = static_cast<std::size_t>(start - f0 * spf_);
    for (std::size_t i = 0; i < out.size(); ++i) {
      const std::int32_t v = adu[offset + i];
      out[i] = v == kInvalidAdu ? std::nan("") : to_physical(spec, v) * mv_per_unit_;
    }
    return out;
  }

  void finish() const override {
    if (!checked_ || summed_frames_ != rec_.n_frames()) return;
    const auto& spec = rec_.header().signals[static_cast<std::size_t>(signal_)];
    const int sum = static_cast<std::int16_t>(static_cast<std::uint16_t>(sum_ & 0xffffu));
    if (sum != *spec.checksum)
      throw IoError(info_.source + ": checksum mismatch in signal " + std::to_string(signal_) +
                    " (" + spec.description + "): header says " + std::to_string(*spec.checksum) +
                    ", data sum to " + std::to_string(sum));
  }

 private:
  Record rec_;
  int signal_ = 0;
  int spf_ = 1;
  double mv_per_unit_ = 1;
  mutable bool checked_ = false;
  mutable std::int64_t next_ = 0;           // next sample of an in-order read
  mutable std::int64_t summed_frames_ = 0;  // frames already in sum_
  mutable std::uint32_t sum_ = 0;
};

}  // namespace

std::unique_ptr<ChannelReader> open_wfdb_channel(const fs::path& path, const std::string& channel) {
  Record rec(path);
  std::vector<std::string> labels;
  for (const auto& s : rec.header().signals) labels.push_back(s.description);
  const int signal = select_channel(labels, channel, rec.header().source);
  return std::make_unique<WfdbChannel>(std::move(rec), signal);
}

}  // namespace scapredict::io

#include "dsp/stream.hpp"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace scapredict::dsp {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kFeedBlock = 1 << 15;  // samples handed to soxr at a time
}  // namespace

struct MinuteAssembler::Impl {
  double fs_in, fs_out, ratio;
  GapPolicy policy;
  std::int64_t length;  // samples per minute
  bool resampling;
  soxr_t soxr = nullptr;

  std::int64_t n = 0;  // samples pushed
  bool in_gap = false;
  std::int64_t gap_a = 0;
  double last_valid = 0;
  bool finished = false;

  std::vector<double> feed_buf, soxr_out;
  std::vector<double> out;  // produced output not yet handed out; out[0] is output out_base
  std::int64_t out_base = 0;
  double last_out = 0;  // the last value soxr produced (the one-shot path pads with it)
  bool any_out = false;
  std::int64_t next_minute = 0;
  struct Mask {
    std::int64_t lo, hi;
    bool invalid;  // long gap: NaN; short gap: bridged
  };
  std::vector<Mask> masks;                              // in order of the gaps
  std::int64_t n_out_resampled = -1, n_out_total = -1;  // known once finished
  const MinuteSink* current_sink = nullptr;             // during push and finish

  std::int64_t produced() const { return out_base + static_cast<std::int64_t>(out.size()); }

  void take(const double* p, std::size_t count) {
    if (count == 0) return;
    out.insert(out.end(), p, p + count);
    last_out = p[count - 1];
    any_out = true;
  }

  void run_soxr(const double* p, std::size_t len) {
    for (;;) {
      const auto room = static_cast<std::size_t>(static_cast<double>(len) * ratio) + 4096;
      if (soxr_out.size() < room) soxr_out.resize(room);
      std::size_t idone = 0, odone = 0;
      const soxr_error_t err = soxr_process(soxr, p, len, p ? &idone : nullptr, soxr_out.data(),
                                            soxr_out.size(), &odone);
      if (err) throw DspError(std::string("resample: soxr failed: ") + err);
      take(soxr_out.data(), odone);
      if (!p) {  // flushing: until soxr has nothing more
        if (odone == 0) return;
        continue;
      }
      p += idone;
      len -= idone;
      if (len == 0) return;
    }
  }

  void feed(double v) {
    feed_buf.push_back(v);
    if (feed_buf.size() >= kFeedBlock) flush_feed();
  }
  // Hands what waits to soxr, then out every minute that became final: memory stays bounded
  // however long a stretch of filled gap is.
  void flush_feed() {
    if (!feed_buf.empty()) run_soxr(feed_buf.data(), feed_buf.size());
    feed_buf.clear();
    if (current_sink) emit(*current_sink);
  }

  // The gap [a, b) ended (b == n at the end of the channel, right unused there): its samples are
  // filled as resample_with_gaps fills them and its output range is masked or marked bridged.
  // The mask comes first and the gap is closed before its samples are fed, so minutes before
  // the gap's end can be handed out while a long gap's filled samples go through soxr.
  void close_gap(std::int64_t a, std::int64_t b, double right, bool at_end) {
    const double guard = policy.guard_s * fs_out;
    const auto lo = std::max<std::int64_t>(
        0, static_cast<std::int64_t>(std::floor(static_cast<double>(a) * ratio - guard)));
    const auto hi = static_cast<std::int64_t>(std::ceil(static_cast<double>(b) * ratio + guard));
    const double length_s = static_cast<double>(b - a) / fs_in;
    masks.push_back({lo, hi, length_s > policy.max_bridge_s});
    in_gap = false;
    const double left = a > 0 ? last_valid : right;
    const double rhs = at_end ? left : right;
    for (std::int64_t i = a; i < b; ++i) {
      const double t = static_cast<double>(i - a + 1) / static_cast<double>(b - a + 1);
      feed((a > 0 && !at_end) ? left + t * (rhs - left) : (a > 0 ? left : rhs));
    }
  }

  // Output below this index can no longer change.
  std::int64_t final_limit() const {
    if (finished) return n_out_total;
    if (!resampling) return produced();
    const std::int64_t p = in_gap ? gap_a : n;
    const auto limit = static_cast<std::int64_t>(
        std::floor(static_cast<double>(p) * ratio - policy.guard_s * fs_out));
    return std::min(produced(), limit);
  }

  void emit(const MinuteSink& sink) {
    const std::int64_t limit = final_limit();
    while ((next_minute + 1) * length <= limit) {
      const std::int64_t first = next_minute * length, end = first + length;
      StreamMinute m;
      m.index = next_minute;
      m.samples.assign(static_cast<std::size_t>(length), kNaN);
      const std::int64_t valid_end = finished && resampling ? n_out_resampled : end;
      for (std::int64_t i = first; i < std::min(end, valid_end); ++i) {
        const std::int64_t j = i - out_base;
        if (j < static_cast<std::int64_t>(out.size()))
          m.samples[static_cast<std::size_t>(i - first)] = out[static_cast<std::size_t>(j)];
        else if (finished)  // soxr gave fewer samples than the one-shot length: padded
          m.samples[static_cast<std::size_t>(i - first)] = any_out ? last_out : 0.0;
      }
      for (const auto& k : masks) {
        const std::int64_t hi = n_out_resampled >= 0 ? std::min(k.hi, n_out_resampled) : k.hi;
        if (hi <= first || k.lo >= end) continue;
        if (k.invalid) {
          for (std::int64_t i = std::max(k.lo, first); i < std::min(hi, end); ++i)
            m.samples[static_cast<std::size_t>(i - first)] = kNaN;
        } else {
          m.bridged.emplace_back(k.lo - first, hi - first);
        }
      }
      const auto drop =
          std::clamp<std::int64_t>(end - out_base, 0, static_cast<std::int64_t>(out.size()));
      out.erase(out.begin(), out.begin() + drop);
      out_base += drop;
      std::erase_if(masks, [&](const Mask& k) { return k.hi <= end; });
      ++next_minute;
      sink(std::move(m));
    }
  }
};

MinuteAssembler::MinuteAssembler(double fs_in, double fs_out, const GapPolicy& policy,
                                 std::size_t minute_samples)
    : impl_(std::make_unique<Impl>()) {
  if (!(fs_in > 0) || !(fs_out > 0) || !std::isfinite(fs_in) || !std::isfinite(fs_out))
    throw DspError("resample: sampling rates must be finite and positive");
  if (minute_samples == 0) throw DspError("segment length must be positive");
  auto& m = *impl_;
  m.fs_in = fs_in;
  m.fs_out = fs_out;
  m.ratio = fs_out / fs_in;
  m.policy = policy;
  m.length = static_cast<std::int64_t>(minute_samples);
  m.resampling = fs_in != fs_out;
  if (m.resampling) {
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT64_I, SOXR_FLOAT64_I);
    const soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    const soxr_runtime_spec_t rt = soxr_runtime_spec(1);
    soxr_error_t err = nullptr;
    m.soxr = soxr_create(fs_in, fs_out, 1, &err, &io, &q, &rt);
    if (err) throw DspError(std::string("resample: soxr failed: ") + err);
  }
}

MinuteAssembler::~MinuteAssembler() {
  if (impl_ && impl_->soxr) soxr_delete(impl_->soxr);
}

std::int64_t MinuteAssembler::pushed() const {
  return impl_->n;
}

void MinuteAssembler::push(std::span<const double> x, const MinuteSink& sink) {
  auto& m = *impl_;
  if (m.finished) throw DspError("MinuteAssembler: push after finish");
  m.current_sink = &sink;
  struct Reset {
    const MinuteSink*& s;
    ~Reset() { s = nullptr; }
  } reset{m.current_sink};
  if (!m.resampling) {
    m.take(x.data(), x.size());
    m.n += static_cast<std::int64_t>(x.size());
    m.emit(sink);
    return;
  }
  // Runs of valid samples go to the resampler as they are; a gap is filled once its end is seen.
  for (std::size_t i = 0; i < x.size();) {
    std::size_t j = i;
    while (j < x.size() && std::isfinite(x[j])) ++j;
    if (j > i) {
      if (m.in_gap) m.close_gap(m.gap_a, m.n, x[i], false);
      m.flush_feed();
      m.run_soxr(x.data() + i, j - i);
      m.last_valid = x[j - 1];
      m.n += static_cast<std::int64_t>(j - i);
    }
    for (i = j; j < x.size() && !std::isfinite(x[j]);) ++j;
    if (j > i && !m.in_gap) {
      m.in_gap = true;
      m.gap_a = m.n;
    }
    m.n += static_cast<std::int64_t>(j - i);
    i = j;
  }
  m.flush_feed();
  m.emit(sink);
}

void MinuteAssembler::finish(const MinuteSink& sink) {
  auto& m = *impl_;
  if (m.finished) return;
  m.current_sink = &sink;
  struct Reset {
    const MinuteSink*& s;
    ~Reset() { s = nullptr; }
  } reset{m.current_sink};
  const double n = static_cast<double>(m.n);
  // The lengths load_channel gives: the resampler's round(n * ratio) and the stretch's
  // round(duration * fs_out).
  m.n_out_resampled = std::llround(n * m.fs_out / m.fs_in);
  m.n_out_total = std::llround(n / m.fs_in * m.fs_out);
  if (m.resampling) {
    if (m.in_gap && m.gap_a == 0) {  // nothing valid at all: every output sample is invalid
      m.masks.push_back({0, m.n_out_resampled, true});
    } else {
      if (m.in_gap) m.close_gap(m.gap_a, m.n, 0.0, true);
      m.flush_feed();
      m.run_soxr(nullptr, 0);
    }
    m.in_gap = false;
    // soxr may give more than the one-shot length; the rest is dropped as resample() drops it.
    const std::int64_t extra = m.produced() - m.n_out_resampled;
    if (extra > 0)
      m.out.resize(m.out.size() -
                   static_cast<std::size_t>(std::min<std::int64_t>(extra, m.out.size())));
  } else {
    // Without resampling load_channel keeps the samples as read and pads with zeros.
    m.n_out_resampled = m.n_out_total;
    while (m.produced() < m.n_out_total) m.out.push_back(0.0);
  }
  m.finished = true;
  m.emit(sink);
}

std::int64_t whole_minutes(std::int64_t n_samples, double fs_in, double fs_out,
                           std::size_t minute_samples) {
  const auto n_out = std::llround(static_cast<double>(n_samples) / fs_in * fs_out);
  return n_out / static_cast<std::int64_t>(minute_samples);
}

void stream_minutes(const io::ChannelReader& reader, const MinuteSink& sink,
                    const GapPolicy& policy, std::int64_t chunk,
                    const std::function<void(std::int64_t)>& progress) {
  if (chunk <= 0) throw DspError("stream_minutes: the chunk must be positive");
  MinuteAssembler a(reader.info().fs_hz, kAnalysisFsHz, policy);
  const std::int64_t n = reader.info().n_samples;
  for (std::int64_t pos = 0; pos < n; pos += chunk) {
    const auto x = reader.read_mv(pos, std::min(chunk, n - pos));
    a.push(x, sink);
    if (progress) progress(pos + static_cast<std::int64_t>(x.size()));
  }
  a.finish(sink);
  reader.finish();
}

}  // namespace scapredict::dsp

#include "io/signal.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>

#include "common/atomic_file.hpp"

namespace scapredict::io {
namespace fs = std::filesystem;

FormatLayout format_layout(int format) {
  switch (format) {
    case 8:
    case 80:
      return {1, 1};
    case 16:
    case 61:
    case 160:
      return {1, 2};
    case 24:
      return {1, 3};
    case 32:
      return {1, 4};
    case 212:
      return {2, 3};
    case 310:
    case 311:
      return {3, 4};
    default:
      throw IoError("unknown signal format " + std::to_string(format));
  }
}

std::int32_t invalid_marker(int format) {
  switch (format) {
    case 212:
      return -2048;
    case 16:
    case 61:
    case 160:
      return -32768;
    case 80:
      return -128;
    case 310:
    case 311:
      return -512;
    case 24:
      return -(1 << 23);
    case 32:
      return std::numeric_limits<std::int32_t>::min();
    default:
      return kInvalidAdu;
  }
}

namespace {

inline std::int32_t sign_extend(std::uint32_t v, int bits) {
  const std::uint32_t m = 1u << (bits - 1);
  v &= (bits == 32) ? 0xffffffffu : ((1u << bits) - 1u);
  return static_cast<std::int32_t>((v ^ m) - m);
}

// Decodes one packing group at `p` into `g` (group_samples values).
inline void decode_group(int format, const std::uint8_t* p, std::int32_t* g) {
  switch (format) {
    case 8:
      g[0] = static_cast<std::int8_t>(p[0]);
      break;
    case 80:
      g[0] = static_cast<std::int32_t>(p[0]) - 128;
      break;
    case 16:
      g[0] = static_cast<std::int16_t>(p[0] | (p[1] << 8));
      break;
    case 61:
      g[0] = static_cast<std::int16_t>((p[0] << 8) | p[1]);
      break;
    case 160:
      g[0] = static_cast<std::int32_t>(p[0] | (p[1] << 8)) - 32768;
      break;
    case 24:
      g[0] = sign_extend(p[0] | (p[1] << 8) | (std::uint32_t(p[2]) << 16), 24);
      break;
    case 32:
      g[0] = static_cast<std::int32_t>(p[0] | (p[1] << 8) | (std::uint32_t(p[2]) << 16) |
                                       (std::uint32_t(p[3]) << 24));
      break;
    case 212:
      g[0] = sign_extend(p[0] | ((p[1] & 0x0fu) << 8), 12);
      g[1] = sign_extend(p[2] | ((p[1] & 0xf0u) << 4), 12);
      break;
    case 310:
      g[0] = sign_extend((p[0] >> 1) | ((p[1] & 0x07u) << 7), 10);
      g[1] = sign_extend((p[2] >> 1) | ((p[3] & 0x07u) << 7), 10);
      g[2] = sign_extend(((p[1] & 0xf8u) >> 3) | ((p[3] & 0xf8u) << 2), 10);
      break;
    case 311: {
      std::uint32_t w =
          p[0] | (p[1] << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
      g[0] = sign_extend(w, 10);
      g[1] = sign_extend(w >> 10, 10);
      g[2] = sign_extend(w >> 20, 10);
      break;
    }
    default:
      throw IoError("unknown signal format " + std::to_string(format));
  }
}

// Bytes a trailing partial group needs to yield k samples (k < group_samples).
int partial_bytes_for(int format, int k) {
  if (format == 212) return k == 1 ? 2 : 3;
  if (format == 310) return k == 1 ? 2 : 4;  // the second sample sits in bytes 2-3
  if (format == 311) return k == 1 ? 2 : 3;
  return format_layout(format).group_bytes;
}

}  // namespace

std::int64_t samples_in_bytes(int format, std::int64_t n_bytes) {
  auto L = format_layout(format);
  std::int64_t full = n_bytes / L.group_bytes;
  std::int64_t rest = n_bytes % L.group_bytes;
  std::int64_t n = full * L.group_samples;
  for (int k = L.group_samples - 1; k >= 1; --k) {
    if (rest >= partial_bytes_for(format, k)) {
      n += k;
      break;
    }
  }
  return n;
}

std::int64_t decode_samples(int format, std::span<const std::uint8_t> bytes, int skip,
                            std::int64_t count, std::int32_t* out) {
  const auto L = format_layout(format);
  if (skip < 0 || skip >= L.group_samples) throw IoError("decode: bad skip within group");
  std::int64_t available = samples_in_bytes(format, static_cast<std::int64_t>(bytes.size())) - skip;
  std::int64_t n = std::clamp<std::int64_t>(std::min(count, available), 0, count);
  if (n == 0) return 0;
  const std::uint8_t* p = bytes.data();
  std::int64_t produced = 0;
  if (L.group_samples == 1) {
    // Fast paths for the common formats.
    if (format == 16) {
      for (std::int64_t i = 0; i < n; ++i, p += 2)
        out[i] = static_cast<std::int16_t>(p[0] | (p[1] << 8));
      return n;
    }
    for (std::int64_t i = 0; i < n; ++i, p += L.group_bytes) decode_group(format, p, out + i);
    return n;
  }
  std::int32_t g[3];
  std::int64_t gi = 0;  // group index
  int k = skip;
  const std::int64_t n_full_groups = static_cast<std::int64_t>(bytes.size()) / L.group_bytes;
  while (produced < n) {
    if (gi < n_full_groups) {
      if (format == 212 && k == 0 && n - produced >= 2) {
        // Whole 212 group: two samples in three bytes.
        const std::uint8_t* q = p + gi * 3;
        out[produced++] = sign_extend(q[0] | ((q[1] & 0x0fu) << 8), 12);
        out[produced++] = sign_extend(q[2] | ((q[1] & 0xf0u) << 4), 12);
        ++gi;
        continue;
      }
      decode_group(format, p + gi * L.group_bytes, g);
    } else {
      // Trailing partial group: copy what is there into a zeroed group.
      std::uint8_t tmp[4] = {0, 0, 0, 0};
      std::int64_t rest = static_cast<std::int64_t>(bytes.size()) - gi * L.group_bytes;
      std::copy(p + gi * L.group_bytes, p + gi * L.group_bytes + rest, tmp);
      decode_group(format, tmp, g);
    }
    for (; k < L.group_samples && produced < n; ++k) out[produced++] = g[k];
    k = 0;
    ++gi;
  }
  return produced;
}

std::vector<std::uint8_t> encode_samples(int format, std::span<const std::int32_t> s) {
  std::vector<std::uint8_t> b;
  auto check = [&](std::int32_t v, int lo, int hi) {
    if (v < lo || v > hi) {
      throw IoError("value " + std::to_string(v) + " does not fit format " +
                    std::to_string(format));
    }
  };
  if (format == 16) {
    b.resize(s.size() * 2);
    for (size_t i = 0; i < s.size(); ++i) {
      std::int32_t v = s[i] == kInvalidAdu ? -32768 : s[i];
      check(v, -32768, 32767);
      b[2 * i] = static_cast<std::uint8_t>(v & 0xff);
      b[2 * i + 1] = static_cast<std::uint8_t>((v >> 8) & 0xff);
    }
  } else if (format == 212) {
    b.reserve(s.size() / 2 * 3 + 3);
    for (size_t i = 0; i < s.size(); i += 2) {
      std::int32_t a = s[i] == kInvalidAdu ? -2048 : s[i];
      check(a, -2048, 2047);
      std::uint32_t ua = static_cast<std::uint32_t>(a) & 0xfffu;
      if (i + 1 < s.size()) {
        std::int32_t c = s[i + 1] == kInvalidAdu ? -2048 : s[i + 1];
        check(c, -2048, 2047);
        std::uint32_t uc = static_cast<std::uint32_t>(c) & 0xfffu;
        b.push_back(static_cast<std::uint8_t>(ua & 0xff));
        b.push_back(static_cast<std::uint8_t>(((ua >> 8) & 0x0f) | ((uc >> 4) & 0xf0)));
        b.push_back(static_cast<std::uint8_t>(uc & 0xff));
      } else {
        b.push_back(static_cast<std::uint8_t>(ua & 0xff));
        b.push_back(static_cast<std::uint8_t>((ua >> 8) & 0x0f));
      }
    }
  } else {
    throw IoError("the writer supports formats 212 and 16, not " + std::to_string(format));
  }
  return b;
}

std::pair<double, double> adc_range(const SignalSpec& spec) {
  // An ADC of b bits centred on adc_zero stores adc_zero - 2^(b-1) .. adc_zero + 2^(b-1) - 1.
  const double half = std::ldexp(1.0, spec.adc_resolution - 1);
  const double zero = static_cast<double>(spec.adc_zero);
  return {to_physical(spec, zero - half), to_physical(spec, zero + half - 1)};
}

int checksum16(std::span<const std::int32_t> adu, int format) {
  std::uint32_t sum = 0;
  const std::int32_t marker = invalid_marker(format);
  for (std::int32_t v : adu) sum += static_cast<std::uint32_t>(v == kInvalidAdu ? marker : v);
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(sum & 0xffffu));
}

namespace {

struct FileGroup {
  std::vector<int> signals;  // header order
  int frame_samples = 0;     // samples of all signals in one frame (bounded by kMaxFrameSamples)
  int max_skew = 0;
  std::int64_t byte_offset = 0;
  int format = 0;
};

// More samples in one frame of one file than any recorder writes: a corrupt header.
constexpr std::int64_t kMaxFrameSamples = 1 << 20;

FileGroup group_of(const Header& h, int signal) {
  FileGroup g;
  const auto& name = h.signals[signal].file_name;
  std::int64_t frame_samples = 0;
  for (int i = 0; i < h.n_signals; ++i) {
    const auto& s = h.signals[i];
    if (s.file_name != name) continue;
    g.signals.push_back(i);
    frame_samples += s.samples_per_frame;
    if (frame_samples > kMaxFrameSamples)
      throw IoError(h.source + ": signal file " + name + " has more than " +
                    std::to_string(kMaxFrameSamples) + " samples per frame");
    g.frame_samples = static_cast<int>(frame_samples);
    g.max_skew = std::max(g.max_skew, s.skew);
    if (g.signals.size() == 1) {
      g.byte_offset = s.byte_offset;
      g.format = s.format;
    }
  }
  return g;
}

std::int64_t frames_in_file(const Header& h, int signal, const fs::path& path) {
  FileGroup g = group_of(h, signal);
  std::error_code ec;
  auto size = static_cast<std::int64_t>(fs::file_size(path, ec));
  if (ec) throw IoError(path.string() + ": cannot read signal file size");
  if (size < g.byte_offset) return 0;
  return samples_in_bytes(g.format, size - g.byte_offset) / g.frame_samples;
}

}  // namespace

Record::Record(const fs::path& record) : header_(read_header(record)) {
  if (header_.n_signals == 0) {
    n_frames_ = header_.n_samples.value_or(0);
    return;
  }
  std::int64_t min_frames = std::numeric_limits<std::int64_t>::max();
  for (int i = 0; i < header_.n_signals; ++i) {
    auto p = signal_path(i);
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) throw IoError(p.string() + ": signal file not found");
    // Every frame the header claims must be in the file (a skewed signal's last samples may
    // run past its end and read as invalid, as in WFDB).
    const std::int64_t frames = frames_in_file(header_, i, p);
    if (frames <= 0 || (header_.n_samples && frames < *header_.n_samples))
      throw IoError(p.string() +
                    (header_.n_samples
                         ? ": truncated signal file: holds " + std::to_string(frames) +
                               " frames, the header says " + std::to_string(*header_.n_samples)
                         : std::string(": signal file holds no samples")));
    min_frames = std::min(min_frames, frames);
  }
  n_frames_ = header_.n_samples.value_or(min_frames);
  for (const auto& s : header_.signals) {
    if (s.skew >= n_frames_)
      throw IoError(header_.source + ": skew of " + std::to_string(s.skew) +
                    " samples is not shorter than the record (" + std::to_string(n_frames_) +
                    " samples)");
  }
}

fs::path Record::signal_path(int signal) const {
  return header_.directory / header_.signals.at(signal).file_name;
}

std::vector<std::int32_t> Record::read_adu(int signal, std::int64_t start,
                                           std::int64_t count) const {
  return read_window(signal, start, count, true);
}

std::vector<std::int32_t> Record::read_adu_unchecked(int signal, std::int64_t start,
                                                     std::int64_t count) const {
  return read_window(signal, start, count, false);
}

namespace {

// Bytes [begin, min(end, the file's size)) of `path` into a buffer allocated without zeroing (it
// is overwritten before it is read); their count into `n`.
std::unique_ptr<std::uint8_t[]> read_file_bytes(const fs::path& path, std::int64_t begin,
                                                std::int64_t end, std::size_t& n) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open signal file");
  const std::int64_t file_size = static_cast<std::int64_t>(fs::file_size(path));
  n = static_cast<size_t>(std::max<std::int64_t>(0, std::min(file_size, end) - begin));
  auto bytes = std::make_unique_for_overwrite<std::uint8_t[]>(n);
  in.seekg(begin);
  if (n > 0 && !in.read(reinterpret_cast<char*>(bytes.get()), static_cast<std::streamsize>(n)))
    throw IoError(path.string() + ": read error");
  return bytes;
}

// The header's checksum against the whole signal's samples.
void verify_checksum(const std::string& source, int signal, const SignalSpec& spec, int format,
                     const std::vector<std::int32_t>& samples) {
  const int sum = checksum16(samples, format);
  if (sum != *spec.checksum)
    throw IoError(source + ": checksum mismatch in signal " + std::to_string(signal) + " (" +
                  spec.description + "): header says " + std::to_string(*spec.checksum) +
                  ", data sum to " + std::to_string(sum));
}

}  // namespace

std::vector<std::int32_t> Record::read_window(int signal, std::int64_t start, std::int64_t count,
                                              bool verify) const {
  if (signal < 0 || signal >= header_.n_signals) {
    throw IoError(header_.source + ": no signal " + std::to_string(signal) + " (record has " +
                  std::to_string(header_.n_signals) + ")");
  }
  if (count < 0) count = n_frames_ - start;
  if (start < 0 || count < 0 || start + count > n_frames_) {
    throw IoError(header_.source + ": window [" + std::to_string(start) + ", " +
                  std::to_string(start + count) + ") is beyond the end of the record (" +
                  std::to_string(n_frames_) + " samples)");
  }
  const SignalSpec& spec = header_.signals[signal];
  const FileGroup g = group_of(header_, signal);
  const auto path = signal_path(signal);
  const auto L = format_layout(g.format);
  // Position of this signal inside a frame.
  int pos_in_frame = 0;
  for (int s : g.signals) {
    if (s == signal) break;
    pos_in_frame += header_.signals[s].samples_per_frame;
  }
  const int spf = spec.samples_per_frame;
  const bool differences = g.format == 8;
  const std::int64_t first_frame = differences ? 0 : start + spec.skew;
  const std::int64_t end_frame = start + count + spec.skew;  // exclusive, in file frames
  const std::int64_t first_sample = first_frame * g.frame_samples;
  const std::int64_t end_sample = end_frame * g.frame_samples;
  const std::int64_t first_group = first_sample / L.group_samples;
  const std::int64_t end_group = (end_sample + L.group_samples - 1) / L.group_samples;

  std::size_t n_bytes = 0;
  const auto bytes = read_file_bytes(path, g.byte_offset + first_group * L.group_bytes,
                                     g.byte_offset + end_group * L.group_bytes, n_bytes);
  const std::int64_t want = end_sample - first_sample;
  const auto stream = std::make_unique_for_overwrite<std::int32_t[]>(static_cast<size_t>(want));
  const std::int64_t got = decode_samples(
      g.format, std::span<const std::uint8_t>(bytes.get(), n_bytes),
      static_cast<int>(first_sample - first_group * L.group_samples), want, stream.get());
  // A record must hold every frame it claims; only skewed samples may run past the file's end
  // (they read as invalid, as in WFDB).
  if (got < want) {
    const std::int64_t got_frames = (first_sample + got) / g.frame_samples;
    if (got_frames < start + count) {
      throw IoError(path.string() + ": truncated signal file: holds " + std::to_string(got_frames) +
                    " frames, header needs " + std::to_string(start + count));
    }
  }
  std::vector<std::int32_t> out(static_cast<size_t>(count * spf));
  const std::int32_t marker = invalid_marker(g.format);
  std::int64_t acc = spec.initial_value;
  if (differences) {
    // Integrate the differences of this signal from the start of the file up to the window.
    for (std::int64_t f = 0; f < end_frame && (f + 1) * g.frame_samples <= got; ++f) {
      for (int k = 0; k < spf; ++k) {
        acc += stream[static_cast<size_t>(f * g.frame_samples + pos_in_frame + k)];
        const std::int64_t t = f - spec.skew;
        if (t >= start && t < start + count)
          out[static_cast<size_t>((t - start) * spf + k)] = static_cast<std::int32_t>(acc);
      }
    }
    return out;
  }
  for (std::int64_t t = 0; t < count; ++t) {
    const std::int64_t base =
        (t + start + spec.skew) * g.frame_samples + pos_in_frame - first_sample;
    for (int k = 0; k < spf; ++k) {
      const std::int64_t idx = base + k;
      std::int32_t v = idx < got ? stream[static_cast<size_t>(idx)] : kInvalidAdu;
      out[static_cast<size_t>(t * spf + k)] = (v == marker) ? kInvalidAdu : v;
    }
  }
  if (verify && start == 0 && count == n_frames_ && spec.checksum && spec.skew == 0)
    verify_checksum(header_.source, signal, spec, g.format, out);
  return out;
}

std::vector<double> to_physical(const SignalSpec& spec, std::span<const std::int32_t> adu) {
  std::vector<double> out(adu.size());
  for (size_t i = 0; i < adu.size(); ++i) {
    out[i] = adu[i] == kInvalidAdu ? std::nan("") : to_physical(spec, adu[i]);
  }
  return out;
}

std::vector<double> Record::read_physical(int signal, std::int64_t start,
                                          std::int64_t count) const {
  auto adu = read_adu(signal, start, count);
  return to_physical(header_.signals[signal], adu);
}

Header write_record(const fs::path& directory, Header h,
                    const std::vector<std::vector<std::int32_t>>& adu) {
  if (static_cast<int>(adu.size()) != h.n_signals || h.signals.size() != adu.size()) {
    throw IoError(h.record_name + ": writer got " + std::to_string(adu.size()) +
                  " sample vectors for " + std::to_string(h.n_signals) + " signals");
  }
  const std::int64_t n = adu.empty() ? 0 : static_cast<std::int64_t>(adu[0].size());
  for (const auto& v : adu) {
    if (static_cast<std::int64_t>(v.size()) != n)
      throw IoError(h.record_name + ": signals differ in length");
  }
  h.n_samples = n;
  // Group signals by file, in order of first appearance.
  std::map<std::string, std::vector<int>> files;
  std::vector<std::string> order;
  for (int i = 0; i < h.n_signals; ++i) {
    auto& s = h.signals[i];
    if (s.samples_per_frame != 1 || s.skew != 0)
      throw IoError(h.record_name + ": writer needs 1 sample per frame, no skew");
    if (s.format != 212 && s.format != 16) {
      throw IoError(h.record_name + ": the writer supports formats 212 and 16, not " +
                    std::to_string(s.format));
    }
    if (!files.count(s.file_name)) order.push_back(s.file_name);
    files[s.file_name].push_back(i);
    s.byte_offset = 0;
    s.initial_value = n > 0 && adu[i][0] != kInvalidAdu ? adu[i][0] : s.adc_zero;
    s.checksum = checksum16(adu[i], s.format);
    if (s.adc_resolution == 0) s.adc_resolution = default_adc_resolution(s.format);
  }
  for (const auto& name : order) {
    const auto& sigs = files[name];
    std::vector<std::int32_t> stream(static_cast<size_t>(n) * sigs.size());
    for (std::int64_t t = 0; t < n; ++t) {
      for (size_t k = 0; k < sigs.size(); ++k)
        stream[static_cast<size_t>(t) * sigs.size() + k] = adu[sigs[k]][static_cast<size_t>(t)];
    }
    auto bytes = encode_samples(h.signals[sigs[0]].format, stream);
    write_file_atomic(directory / name, bytes);
  }
  write_file_atomic(directory / (h.record_name + ".hea"), format_header(h));
  h.directory = directory;
  return h;
}

}  // namespace scapredict::io

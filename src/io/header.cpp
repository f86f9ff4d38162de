#include "io/header.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/text.hpp"

namespace scapredict::io {
namespace {

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

struct LineContext {
  const std::string& source;
  int line_no;
  [[noreturn]] void fail(const std::string& what) const {
    throw IoError(source + ":" + std::to_string(line_no) + ": " + what);
  }
};

template <typename T>
T to_int(std::string_view s, const LineContext& ctx, const char* field) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
    ctx.fail(std::string("bad ") + field + " " + quote_field(s));
  }
  return v;
}

double to_double(std::string_view s, const LineContext& ctx, const char* field) {
  std::string tmp(s);
  char* end = nullptr;
  double v = std::strtod(tmp.c_str(), &end);
  if (tmp.empty() || end != tmp.c_str() + tmp.size() || !std::isfinite(v)) {
    ctx.fail(std::string("bad ") + field + " " + quote_field(tmp));
  }
  return v;
}

// record line: name[/segments] n_signals [fs[/counter[(base)]] [n_samples [time [date]]]]
void parse_record_line(std::string_view line, Header& h, const LineContext& ctx) {
  auto f = split_fields(line);
  if (f.size() < 2) ctx.fail("record line needs a name and a signal count");
  std::string_view name = f[0];
  if (name.find('/') != std::string_view::npos) {
    ctx.fail("multi-segment records are not supported");
  }
  h.record_name = std::string(name);
  h.n_signals = to_int<int>(f[1], ctx, "number of signals");
  if (h.n_signals < 0 || h.n_signals > 4096) ctx.fail("implausible number of signals");
  if (f.size() > 2) {
    std::string_view fs = f[2];
    size_t slash = fs.find('/');
    h.fs_hz = to_double(fs.substr(0, slash), ctx, "sampling frequency");
    if (!(h.fs_hz >= kMinFsHz && h.fs_hz <= kMaxFsHz))
      ctx.fail("sampling frequency " + quote_field(fs.substr(0, slash)) +
               " Hz is out of range (0.001 to 1000000)");
    if (slash != std::string_view::npos) {
      std::string_view counter = fs.substr(slash + 1);
      size_t paren = counter.find('(');
      h.counter_freq_hz = to_double(counter.substr(0, paren), ctx, "counter frequency");
      if (!(*h.counter_freq_hz > 0)) ctx.fail("counter frequency must be positive");
      if (paren != std::string_view::npos) {
        if (counter.back() != ')') ctx.fail("unclosed base counter value");
        h.base_counter =
            to_double(counter.substr(paren + 1, counter.size() - paren - 2), ctx, "base counter");
      }
    }
  }
  if (f.size() > 3) {
    h.n_samples = to_int<std::int64_t>(f[3], ctx, "number of samples");
    if (*h.n_samples < 0) ctx.fail("negative number of samples");
  }
  if (f.size() > 4) h.base_time = std::string(f[4]);
  if (f.size() > 5) h.base_date = std::string(f[5]);
  if (f.size() > 6) ctx.fail("too many fields on the record line");
}

// signal line: file format[xspf][:skew][+offset] [gain[(baseline)][/units] [res [zero [init
// [checksum [block [description...]]]]]]]
SignalSpec parse_signal_line(std::string_view line, const LineContext& ctx) {
  SignalSpec s;
  auto f = split_fields(line);
  if (f.size() < 2) ctx.fail("signal line needs a file name and a format");
  s.file_name = std::string(f[0]);
  {
    std::string_view fmt = f[1];
    size_t end_num = fmt.find_first_of("x:+");
    s.format = to_int<int>(fmt.substr(0, end_num), ctx, "format");
    while (end_num != std::string_view::npos) {
      char tag = fmt[end_num];
      size_t next = fmt.find_first_of("x:+", end_num + 1);
      std::string_view val =
          fmt.substr(end_num + 1,
                     next == std::string_view::npos ? std::string_view::npos : next - end_num - 1);
      if (tag == 'x') {
        s.samples_per_frame = to_int<int>(val, ctx, "samples per frame");
        if (s.samples_per_frame < 1 || s.samples_per_frame > 1000000) {
          ctx.fail("samples per frame " + quote_field(val) + " is out of range (1 to 1000000)");
        }
      } else if (tag == ':') {
        s.skew = to_int<int>(val, ctx, "skew");
        if (s.skew < 0) ctx.fail("negative skew");
      } else {
        s.byte_offset = to_int<std::int64_t>(val, ctx, "byte offset");
        if (s.byte_offset < 0) ctx.fail("negative byte offset");
      }
      end_num = next;
    }
    if (!is_supported_format(s.format)) {
      ctx.fail("unknown or unsupported signal format " + std::to_string(s.format));
    }
  }
  bool have_baseline = false;
  if (f.size() > 2) {
    std::string_view g = f[2];
    size_t slash = g.find('/');
    if (slash != std::string_view::npos) {
      s.units = std::string(g.substr(slash + 1));
      if (s.units.empty()) ctx.fail("empty units after '/'");
      g = g.substr(0, slash);
    }
    size_t paren = g.find('(');
    if (paren != std::string_view::npos) {
      if (g.back() != ')') ctx.fail("unclosed baseline value");
      s.baseline = to_int<std::int64_t>(g.substr(paren + 1, g.size() - paren - 2), ctx, "baseline");
      have_baseline = true;
      g = g.substr(0, paren);
    }
    s.adc_gain = to_double(g, ctx, "ADC gain");
    if (s.adc_gain < 0) ctx.fail("negative ADC gain");
    if (s.adc_gain != 0 && !(s.adc_gain >= 1e-6 && s.adc_gain <= 1e12))
      ctx.fail("ADC gain " + quote_field(g) + " is out of range (0, or 1e-6 to 1e12 adu per unit)");
  }
  if (s.adc_gain == 0.0) {
    s.adc_gain = kDefaultGain;
    s.gain_uncalibrated = true;
  }
  if (f.size() > 3) s.adc_resolution = to_int<int>(f[3], ctx, "ADC resolution");
  if (s.adc_resolution == 0) s.adc_resolution = default_adc_resolution(s.format);
  if (s.adc_resolution < 1 || s.adc_resolution > 32) ctx.fail("ADC resolution out of range");
  if (f.size() > 4) s.adc_zero = to_int<int>(f[4], ctx, "ADC zero");
  s.initial_value = s.adc_zero;
  if (f.size() > 5) s.initial_value = to_int<std::int64_t>(f[5], ctx, "initial value");
  if (f.size() > 6) s.checksum = to_int<int>(f[6], ctx, "checksum");
  if (f.size() > 7) s.block_size = to_int<int>(f[7], ctx, "block size");
  if (f.size() > 8) {
    // The description is the rest of the line, spaces included.
    size_t pos = static_cast<size_t>(f[8].data() - line.data());
    std::string_view rest = line.substr(pos);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r'))
      rest.remove_suffix(1);
    s.description = std::string(rest);
  }
  if (!have_baseline) s.baseline = s.adc_zero;
  return s;
}

}  // namespace

bool is_supported_format(int format) {
  switch (format) {
    case 8:
    case 16:
    case 24:
    case 32:
    case 61:
    case 80:
    case 160:
    case 212:
    case 310:
    case 311:
      return true;
    default:
      return false;
  }
}

int default_adc_resolution(int format) {
  switch (format) {
    case 8:
    case 80:
      return 8;
    case 212:
      return 12;
    case 310:
    case 311:
      return 10;
    case 24:
      return 24;
    case 32:
      return 32;
    default:
      return 16;
  }
}

Header parse_header(std::string_view text, const std::string& source) {
  if (text.empty()) throw IoError(source + ": empty header file");
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u == 0 || (u < 32 && c != '\n' && c != '\r' && c != '\t')) {
      throw IoError(source + ": not a WFDB header (binary content)");
    }
  }
  Header h;
  h.source = source;
  bool have_record_line = false;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = (nl == std::string_view::npos) ? text.size() + 1 : nl + 1;
    ++line_no;
    // Trailing blanks and CRs are line-end noise (CRLF, editors); a field never ends in them.
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;  // blank line
    line = line.substr(first);
    LineContext ctx{source, line_no};
    if (line[0] == '#') {
      std::string_view c = line.substr(1);
      size_t b = c.find_first_not_of(" \t");
      c = b == std::string_view::npos ? std::string_view{} : c.substr(b);
      // Trailing blanks and CRs are line-end noise: keeping them would not survive a round trip.
      while (!c.empty() && (c.back() == ' ' || c.back() == '\t' || c.back() == '\r'))
        c.remove_suffix(1);
      h.comments.emplace_back(c);
      continue;
    }
    if (!have_record_line) {
      parse_record_line(line, h, ctx);
      have_record_line = true;
    } else if (static_cast<int>(h.signals.size()) < h.n_signals) {
      h.signals.push_back(parse_signal_line(line, ctx));
    } else {
      ctx.fail("unexpected line after the " + std::to_string(h.n_signals) + " signal lines");
    }
  }
  if (!have_record_line) throw IoError(source + ": no record line");
  if (static_cast<int>(h.signals.size()) != h.n_signals) {
    throw IoError(source + ": record line announces " + std::to_string(h.n_signals) +
                  " signals but " + std::to_string(h.signals.size()) + " signal lines follow");
  }
  // Signals sharing a file must agree on its format (WFDB's rule for interleaved files).
  for (size_t i = 0; i < h.signals.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (h.signals[i].file_name == h.signals[j].file_name &&
          h.signals[i].format != h.signals[j].format) {
        throw IoError(source + ": signals " + std::to_string(j) + " and " + std::to_string(i) +
                      " share file " + h.signals[i].file_name + " with different formats");
      }
    }
  }
  return h;
}

std::filesystem::path header_path(const std::filesystem::path& record) {
  std::filesystem::path p = record;
  auto ext = p.extension().string();
  if (ext == ".hea") return p;
  if (ext == ".dat" || ext == ".mat" || ext == ".atr" || ext == ".ari") p.replace_extension();
  p += ".hea";
  return p;
}

std::vector<std::filesystem::path> list_headers(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().extension() == ".hea") out.push_back(it->path());
  }
  if (ec) throw IoError(directory.string() + ": cannot list directory (" + ec.message() + ")");
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// "DIR: is a directory, not a record (a record is DIR/NAME, e.g. DIR/16265)".
std::string directory_not_record(const std::filesystem::path& dir) {
  std::string example;
  try {
    const auto headers = list_headers(dir);
    if (!headers.empty())
      example = ", e.g. " + (dir / headers.front().stem()).string() + "; it holds " +
                std::to_string(headers.size()) + " header" + (headers.size() == 1 ? "" : "s");
  } catch (const IoError&) {
    // unreadable: no example
  }
  return dir.string() + ": is a directory, not a record (a record is DIR/NAME" + example + ")";
}

}  // namespace

Header read_header(const std::filesystem::path& record) {
  auto path = header_path(record);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    if (std::filesystem::is_directory(record, ec)) throw IoError(directory_not_record(record));
    throw IoError(path.string() + ": header file not found");
  }
  std::string text = read_file(path);
  if (text.size() > (1u << 20)) throw IoError(path.string() + ": header file implausibly large");
  Header h = parse_header(text, path.string());
  h.directory = path.parent_path();
  return h;
}

std::string format_header(const Header& h) {
  std::ostringstream o;
  o.precision(12);
  o << h.record_name << ' ' << h.n_signals << ' ' << h.fs_hz;
  if (h.counter_freq_hz) {
    o << '/' << *h.counter_freq_hz;
    if (h.base_counter != 0) o << '(' << h.base_counter << ')';
  }
  if (h.n_samples) {
    o << ' ' << *h.n_samples;
    if (!h.base_time.empty()) {
      o << ' ' << h.base_time;
      if (!h.base_date.empty()) o << ' ' << h.base_date;
    }
  }
  o << '\n';
  for (const auto& s : h.signals) {
    o << s.file_name << ' ' << s.format;
    if (s.samples_per_frame != 1) o << 'x' << s.samples_per_frame;
    if (s.skew != 0) o << ':' << s.skew;
    if (s.byte_offset != 0) o << '+' << s.byte_offset;
    o << ' ' << (s.gain_uncalibrated ? 0.0 : s.adc_gain);
    if (s.baseline != s.adc_zero) o << '(' << s.baseline << ')';
    if (s.units != "mV") o << '/' << s.units;
    o << ' ' << s.adc_resolution << ' ' << s.adc_zero << ' ' << s.initial_value << ' '
      << s.checksum.value_or(0) << ' ' << s.block_size;
    if (!s.description.empty()) o << ' ' << s.description;
    o << '\n';
  }
  for (const auto& c : h.comments) o << "# " << c << '\n';
  return o.str();
}

std::string recorder_signature(const Header& h, std::size_t channel) {
  const auto& sg = h.signals.at(channel);
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.6g Hz, format %d, %.6g adu/mV, %d bit, zero %lld", h.fs_hz,
                sg.format, sg.adc_gain > 0 ? sg.adc_gain : 200.0, sg.adc_resolution,
                static_cast<long long>(sg.adc_zero));
  return buf;
}

bool written_by_simulator(const Header& h) {
  for (const auto& c : h.comments)
    if (c.rfind("scapredict simulated ", 0) == 0 ||
        (c.rfind("scapredict: REAL beat times", 0) == 0 &&
         c.find("SIMULATED recorder") != std::string::npos))
      return true;
  return false;
}

}  // namespace scapredict::io

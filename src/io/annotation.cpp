#include "io/annotation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

#include "common/atomic_file.hpp"

namespace scapredict::io {
namespace {

// Standard WFDB codes 0..41 (ecgcodes.h); empty where the code is unassigned.
constexpr std::array<const char*, 42> kMnemonics = {
    " ", "N", "L", "R", "a", "V", "F", "J", "A",  "S", "E", "j", "/", "Q",
    "~", "",  "|", "",  "s", "T", "*", "D", "\"", "=", "p", "B", "^", "t",
    "+", "u", "?", "!", "[", "]", "e", "n", "@",  "x", "f", "(", ")", "r"};

constexpr int kSkip = 59, kNum = 60, kSub = 61, kChn = 62, kAux = 63;

}  // namespace

std::string mnemonic(int c) {
  if (c >= 0 && c < static_cast<int>(kMnemonics.size()) && kMnemonics[c][0] != '\0') {
    return kMnemonics[c];
  }
  std::string unknown(1, '?');  // appended, not "?" + ...: GCC 12 -O3 warns falsely on the latter
  unknown += std::to_string(c);
  return unknown;
}

std::optional<int> code_from_mnemonic(const std::string& m) {
  for (size_t i = 0; i < kMnemonics.size(); ++i) {
    if (kMnemonics[i][0] != '\0' && m == kMnemonics[i]) return static_cast<int>(i);
  }
  return std::nullopt;
}

bool is_beat(int c) {
  switch (c) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
    case 10:
    case 11:
    case 12:
    case 13:
    case 25:
    case 30:
    case 31:
    case 34:
    case 35:
    case 38:
    case 41:
      return true;
    default:
      return false;
  }
}

std::vector<Annotation> parse_annotations(std::span<const std::uint8_t> b,
                                          const std::string& source) {
  std::vector<Annotation> out;
  std::int64_t t = 0;
  int num = 0, chan = 0;
  size_t i = 0;
  auto fail = [&](const std::string& what) {
    throw IoError(source + ": " + what + " at byte " + std::to_string(i));
  };
  while (true) {
    if (i + 2 > b.size()) {
      if (i == b.size()) break;  // a file without the end word still parses
      fail("truncated annotation file");
    }
    const unsigned word = b[i] | (b[i + 1] << 8);
    i += 2;
    const int a = static_cast<int>(word >> 10);
    const int v = static_cast<int>(word & 0x3ff);
    if (a == 0 && v == 0) break;  // end of file
    switch (a) {
      case kSkip: {
        if (i + 4 > b.size()) fail("truncated SKIP");
        // 32-bit interval, high 16-bit word first, each word little-endian (PDP-11 order).
        const std::uint32_t hi = b[i] | (b[i + 1] << 8);
        const std::uint32_t lo = b[i + 2] | (b[i + 3] << 8);
        t += static_cast<std::int32_t>((hi << 16) | lo);
        i += 4;
        break;
      }
      case kNum:
        if (out.empty()) fail("NUM before any annotation");
        num = static_cast<std::int16_t>(v << 6) >> 6;  // 10-bit signed field
        out.back().num = num;
        break;
      case kSub:
        if (out.empty()) fail("SUB before any annotation");
        out.back().subtype = static_cast<std::int16_t>(v << 6) >> 6;
        break;
      case kChn:
        if (out.empty()) fail("CHN before any annotation");
        chan = v;
        out.back().chan = chan;
        break;
      case kAux: {
        if (out.empty()) fail("AUX before any annotation");
        if (i + static_cast<size_t>(v) > b.size()) fail("truncated AUX string");
        std::string aux(reinterpret_cast<const char*>(b.data() + i), static_cast<size_t>(v));
        while (!aux.empty() && aux.back() == '\0') aux.pop_back();
        out.back().aux = aux;
        i += static_cast<size_t>(v + (v & 1));
        break;
      }
      default: {
        if (a > 49 || a == 0) {
          // Codes 42-49 are user-defined annotation types; 50-58 are reserved.
          if (a == 0) fail("annotation code 0 with a non-zero interval");
          if (a > 49) fail("reserved annotation code " + std::to_string(a));
        }
        t += v;
        Annotation an;
        an.sample = t;
        an.code = a;
        an.num = num;
        an.chan = chan;
        out.push_back(std::move(an));
      }
    }
    if (t < 0) fail("negative annotation time");
  }
  return out;
}

std::vector<std::uint8_t> encode_annotations(const std::vector<Annotation>& anns) {
  std::vector<std::uint8_t> b;
  auto word = [&](int a, int v) {
    const unsigned w = (static_cast<unsigned>(a) << 10) | (static_cast<unsigned>(v) & 0x3ffu);
    b.push_back(static_cast<std::uint8_t>(w & 0xff));
    b.push_back(static_cast<std::uint8_t>(w >> 8));
  };
  std::int64_t t = 0;
  int num = 0, chan = 0;
  for (const auto& an : anns) {
    if (an.code < 1 || an.code > 49)
      throw IoError("cannot encode annotation code " + std::to_string(an.code));
    // 2^40 samples is 35 years at 1000 Hz; beyond it a time would take millions of SKIP words.
    if (an.sample > (std::int64_t{1} << 40))
      throw IoError("annotation time " + std::to_string(an.sample) + " beyond 2^40 samples");
    if (an.subtype < -128 || an.subtype > 127 || an.num < -128 || an.num > 127)
      throw IoError("annotation subtype and num must be -128 to 127");
    if (an.chan < 0 || an.chan > 255) throw IoError("annotation chan must be 0 to 255");
    std::int64_t d = an.sample - t;
    if (d < 0) throw IoError("annotations must be sorted by time");
    // Intervals beyond the 10-bit field go into SKIP words, several when they exceed 32 bits.
    while (d > 1023) {
      const std::int64_t chunk = std::min<std::int64_t>(d, 0x7fffffff);
      word(kSkip, 0);
      const auto u = static_cast<std::uint32_t>(chunk);
      b.push_back(static_cast<std::uint8_t>((u >> 16) & 0xff));
      b.push_back(static_cast<std::uint8_t>((u >> 24) & 0xff));
      b.push_back(static_cast<std::uint8_t>(u & 0xff));
      b.push_back(static_cast<std::uint8_t>((u >> 8) & 0xff));
      d -= chunk;
    }
    word(an.code, static_cast<int>(d));
    t = an.sample;
    if (an.subtype != 0) word(kSub, an.subtype);
    if (an.chan != chan) {
      word(kChn, an.chan);
      chan = an.chan;
    }
    if (an.num != num) {
      word(kNum, an.num);
      num = an.num;
    }
    if (!an.aux.empty()) {
      if (an.aux.size() > 255) throw IoError("aux string longer than 255 bytes");
      word(kAux, static_cast<int>(an.aux.size()));
      b.insert(b.end(), an.aux.begin(), an.aux.end());
      if (an.aux.size() & 1) b.push_back(0);
    }
  }
  word(0, 0);
  return b;
}

std::filesystem::path annotation_path(const std::filesystem::path& record,
                                      const std::string& annotator) {
  auto p = header_path(record);
  p.replace_extension("." + annotator);
  return p;
}

std::optional<std::string> default_annotator(const std::filesystem::path& record) {
  for (const char* cand : {"atr", "ari"}) {
    if (std::filesystem::exists(annotation_path(record, cand))) return std::string(cand);
  }
  return std::nullopt;
}

std::vector<Annotation> read_annotations(const std::filesystem::path& record,
                                         const std::string& annotator) {
  auto p = annotation_path(record, annotator);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec))
    throw IoError(p.string() + ": annotation file not found");
  std::string data = read_file(p);
  return parse_annotations(std::span<const std::uint8_t>(
                               reinterpret_cast<const std::uint8_t*>(data.data()), data.size()),
                           p.string());
}

void write_annotations(const std::filesystem::path& record, const std::string& annotator,
                       const std::vector<Annotation>& annotations) {
  write_file_atomic(annotation_path(record, annotator), encode_annotations(annotations));
}

std::vector<RhythmEpisode> rhythm_episodes(const std::vector<Annotation>& anns,
                                           std::int64_t n_samples) {
  std::vector<RhythmEpisode> eps;
  for (const auto& a : anns) {
    if (a.code != code::kRhythm || a.aux.empty() || a.aux[0] != '(') continue;
    if (!eps.empty()) eps.back().end = a.sample;
    eps.push_back({a.aux.substr(1), a.sample, n_samples});
  }
  return eps;
}

std::string to_string(VfOnset::Source s) {
  switch (s) {
    case VfOnset::Source::kHeaderComment:
      return "header comment vfon";
    case VfOnset::Source::kRhythmAnnotation:
      return "rhythm annotation";
    case VfOnset::Source::kVfMarker:
      return "VF onset marker '['";
  }
  return "?";
}

std::optional<double> parse_elapsed_time(const std::string& text) {
  int h = 0, m = 0;
  double s = 0;
  char c1 = 0, c2 = 0;
  std::istringstream in(text);
  if (!(in >> h >> c1 >> m >> c2 >> s) || c1 != ':' || c2 != ':') return std::nullopt;
  std::string rest;
  if (in >> rest) return std::nullopt;
  if (h < 0 || m < 0 || m > 59 || s < 0 || s >= 60) return std::nullopt;
  return h * 3600.0 + m * 60.0 + s;
}

void check_annotations_fit(const std::vector<Annotation>& anns, std::int64_t n_samples,
                           const std::string& source) {
  for (const auto& a : anns) {
    if (a.sample < 0 || a.sample > n_samples)
      throw IoError(source + ": annotation at sample " + std::to_string(a.sample) +
                    " lies outside the record (" + std::to_string(n_samples) + " samples)");
  }
}

std::optional<VfOnset> vf_onset(const Header& header, const std::vector<Annotation>* anns) {
  for (const auto& c : header.comments) {
    if (c.rfind("vfon:", 0) != 0) continue;
    std::string v = c.substr(5);
    v.erase(0, v.find_first_not_of(" \t"));
    v.erase(v.find_last_not_of(" \t") + 1);
    auto secs = parse_elapsed_time(v);
    if (!secs) throw IoError(header.source + ": malformed VF onset comment '" + c + "'");
    VfOnset o;
    o.seconds = *secs;
    o.sample = static_cast<std::int64_t>(std::llround(*secs * header.fs_hz));
    o.source = VfOnset::Source::kHeaderComment;
    return o;
  }
  if (anns) {
    for (const auto& a : *anns) {
      const bool rhythm_vf = a.code == code::kRhythm && (a.aux.rfind("(VF", 0) == 0);
      if (rhythm_vf || a.code == code::kVfOn) {
        VfOnset o;
        o.sample = a.sample;
        o.seconds = static_cast<double>(a.sample) / header.fs_hz;
        o.source = rhythm_vf ? VfOnset::Source::kRhythmAnnotation : VfOnset::Source::kVfMarker;
        return o;
      }
    }
  }
  return std::nullopt;
}

}  // namespace scapredict::io

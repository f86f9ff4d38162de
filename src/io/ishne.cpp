// ISHNE Holter ECG files, read by our own code after the specification: F. Badilini for the ISHNE
// Standard Output Working Group, "The ISHNE Holter Standard Output File Format", Annals of
// Noninvasive Electrocardiology (A.N.E.) 3(3):263-266, 1998. (libbiosig's ISHNE reader, tried on
// files written to the specification, put the data at the wrong offset, misread the sample count,
// the start date and lead III, and does not check the CRC; it also pulls DCMTK in.)
//
// Layout (all numbers little-endian, "long" 4 bytes, "short" 2 bytes, signed):
//   0   magic "ISHNE1.0"                      8   CRC-16 of bytes 10 .. 522+VarLen (unsigned)
//   10  Var_length_block_size (long)          14  Sample_Size_ECG: samples per lead (long)
//   18  Offset_var_length_block (long, 522)   22  Offset_ECG_block (long)
//   26  File_Version (short)                  28  First_Name, Last_Name (char[40] each), ID [20]
//   128 Sex, Race (short)                     132 Birth_Date, Record_Date, File_Date (short[3])
//   150 Start_Time: hour, minute, second      156 nLeads (short, 1..12)
//   158 Lead_Spec (short[12])                 182 Lead_Qual (short[12])
//   206 Resolution (short[12], nV per unit)   230 Pacemaker (short)
//   232 Recorder (char[40])                   272 Sampling_Rate (short, Hz)
//   274 Proprietary, Copyright (char[80] each), Reserved (char[88])
//   522 the variable-length block, then at Offset_ECG_block the samples: short, interleaved by
//   lead.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>

#include "io/channel.hpp"

namespace scapredict::io {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kFixedEnd = 522;  // magic (8) + CRC (2) + fixed header (512)
constexpr int kMaxLeads = 12;
// The value this reader takes for "no sample" (lead off, gap): the 1998 specification defines no
// invalid value; -32768, the one 16-bit value without a positive counterpart, is what WFDB's format
// 16 and Holter exports use for it, so it reads as NaN and the stored range is +-32767.
constexpr std::int16_t kInvalid = -32768;

std::int32_t le32(const unsigned char* p) {
  return static_cast<std::int32_t>(
      static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
      static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24);
}
std::int16_t le16(const unsigned char* p) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(p[0] | p[1] << 8));
}

// CRC-16/CCITT as the specification computes it: polynomial 0x1021, initial value 0xFFFF, bits
// most significant first, no final XOR.
std::uint16_t crc16_ccitt(const unsigned char* data, std::size_t n, std::uint16_t crc = 0xffff) {
  for (std::size_t i = 0; i < n; ++i) {
    crc = static_cast<std::uint16_t>(crc ^ (data[i] << 8));
    for (int b = 0; b < 8; ++b)
      crc = static_cast<std::uint16_t>(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return crc;
}

// The specification's lead codes (its table of lead specifications) as lead names.
std::string lead_name(int code) {
  static const char* const names[] = {"unknown", "bipolar", "X",   "Y",   "Z",  "I",  "II",
                                      "III",     "aVR",     "aVL", "aVF", "V1", "V2", "V3",
                                      "V4",      "V5",      "V6",  "ES",  "AS", "AI"};
  if (code == -9) return "absent";
  if (code >= 0 && code < static_cast<int>(std::size(names))) return names[code];
  return "code " + std::to_string(code);
}

std::string two_digits(int v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

class IshneChannel final : public ChannelReader {
 public:
  IshneChannel(ChannelInfo info, std::int64_t ecg_offset, int n_leads, double mv_per_adu)
      : ecg_offset_(ecg_offset), n_leads_(n_leads), mv_per_adu_(mv_per_adu) {
    info_ = std::move(info);
  }

  std::vector<double> read_mv(std::int64_t start, std::int64_t count) const override {
    check_window(start, count);
    std::vector<double> out(static_cast<std::size_t>(count));
    if (count == 0) return out;
    std::ifstream in(info_.source, std::ios::binary);
    const std::int64_t frame = 2 * n_leads_;
    in.seekg(ecg_offset_ + start * frame);
    if (!in) throw IoError(info_.source + ": cannot open or seek in the file");
    constexpr std::int64_t kChunk = 1 << 15;  // frames per read
    std::vector<unsigned char> buf(static_cast<std::size_t>(std::min(count, kChunk) * frame));
    for (std::int64_t done = 0; done < count;) {
      const std::int64_t n = std::min(count - done, kChunk);
      if (!in.read(reinterpret_cast<char*>(buf.data()), n * frame))
        throw IoError(info_.source + ": the file ends or cannot be read before sample " +
                      std::to_string(start + done + in.gcount() / frame) + " of " +
                      std::to_string(info_.n_samples));
      for (std::int64_t i = 0; i < n; ++i) {
        const std::int16_t v = le16(buf.data() + i * frame + 2 * info_.channel);
        out[static_cast<std::size_t>(done + i)] = v == kInvalid ? std::nan("") : v * mv_per_adu_;
      }
      done += n;
    }
    return out;
  }

 private:
  std::int64_t ecg_offset_ = 0;
  int n_leads_ = 1;
  double mv_per_adu_ = 0;
};

// The CRC, over the fixed header and the variable-length block (read in pieces from `in`, which
// stands just after the fixed header).
template <typename Fail>
void check_header_crc(const std::array<unsigned char, kFixedEnd>& h, std::int32_t var_len,
                      std::ifstream& in, const Fail& fail) {
  std::uint16_t crc = crc16_ccitt(h.data() + 10, kFixedEnd - 10);
  std::array<unsigned char, 4096> piece{};
  for (std::int64_t left = var_len; left > 0;) {
    const auto n = std::min<std::int64_t>(left, piece.size());
    if (!in.read(reinterpret_cast<char*>(piece.data()), n))
      fail("cannot read the variable-length block");
    crc = crc16_ccitt(piece.data(), static_cast<std::size_t>(n), crc);
    left -= n;
  }
  const std::uint16_t stored = static_cast<std::uint16_t>(h[8] | h[9] << 8);
  if (crc != stored)
    fail("header CRC mismatch (file says " + std::to_string(stored) + ", header sums to " +
         std::to_string(crc) + ")");
}

}  // namespace

// ISHNE 1.0 (own reader, see above). The header CRC covers the fixed header and the variable-length
// block: bytes 10 up to 522 + Var_length_block_size. Channels are the nLeads leads, labelled by
// their Lead_Spec code ("I", "II", "V1", ...; "absent", "unknown", "code N" otherwise). Refused
// with IoError "<path>: <problem>": a wrong magic number, a header shorter than 522 bytes, a CRC
// mismatch, a variable block or ECG offset outside the file, a negative sample count, nLeads
// outside 1..12, a sampling rate or the chosen lead's resolution not positive, a lead marked
// absent, a file shorter than nLeads x samples x 2 bytes after the ECG offset.
std::unique_ptr<ChannelReader> open_ishne_channel(const fs::path& path,
                                                  const std::string& channel) {
  const std::string source = path.string();
  const auto fail = [&](const std::string& problem) { throw IoError(source + ": " + problem); };
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open the file");
  in.seekg(0, std::ios::end);
  const std::int64_t file_size = in.tellg();
  in.seekg(0);
  if (file_size < 0) fail("cannot read the file's size");

  std::array<unsigned char, kFixedEnd> h{};
  const auto got = in.read(reinterpret_cast<char*>(h.data()), kFixedEnd).gcount();
  if (got < 8 || std::memcmp(h.data(), "ISHNE1.0", 8) != 0)
    fail("not an ISHNE file (no \"ISHNE1.0\" magic number)");
  if (got < kFixedEnd) fail("truncated ISHNE header (" + std::to_string(got) + " of 522 bytes)");

  const std::int32_t var_len = le32(&h[10]);
  const std::int32_t n_samples = le32(&h[14]);
  const std::int32_t var_offset = le32(&h[18]);
  const std::int32_t ecg_offset = le32(&h[22]);
  if (var_len < 0 || var_len > file_size - kFixedEnd)
    fail("variable-length block size " + std::to_string(var_len) + " does not fit in the file (" +
         std::to_string(file_size) + " bytes)");
  if (var_offset != kFixedEnd)
    fail("variable-length block offset " + std::to_string(var_offset) + " is not 522");

  check_header_crc(h, var_len, in, fail);

  if (ecg_offset < kFixedEnd + var_len || ecg_offset > file_size)
    fail("ECG block offset " + std::to_string(ecg_offset) + " lies outside [" +
         std::to_string(kFixedEnd + var_len) + ", " + std::to_string(file_size) + "]");
  if (n_samples < 0) fail("sample count " + std::to_string(n_samples) + " is negative");
  const int n_leads = le16(&h[156]);
  if (n_leads < 1 || n_leads > kMaxLeads)
    fail("number of leads " + std::to_string(n_leads) + " is not within 1..12");
  const int fs_hz = le16(&h[272]);
  if (fs_hz <= 0) fail("sampling rate " + std::to_string(fs_hz) + " Hz is not positive");
  const std::int64_t needed = std::int64_t{n_samples} * n_leads * 2;
  if (needed > file_size - ecg_offset)
    fail("truncated: " + std::to_string(n_leads) + " leads of " + std::to_string(n_samples) +
         " samples need " + std::to_string(needed) + " bytes after offset " +
         std::to_string(ecg_offset) + ", the file has " + std::to_string(file_size - ecg_offset));

  std::vector<std::string> labels;
  for (int i = 0; i < n_leads; ++i) labels.push_back(lead_name(le16(&h[158 + 2 * i])));
  const int lead = select_channel(labels, channel, source);
  const std::string which = "lead " + std::to_string(lead) + " ('" + labels[lead] + "')";
  if (le16(&h[158 + 2 * lead]) == -9 || le16(&h[182 + 2 * lead]) == -9)
    fail(which + " is marked absent");
  const int resolution_nv = le16(&h[206 + 2 * lead]);
  if (resolution_nv <= 0)
    fail(which + ": resolution " + std::to_string(resolution_nv) + " nV is not positive");
  const double mv_per_adu = resolution_nv * 1e-6;

  ChannelInfo info;
  info.record = path.stem().string();
  info.source = source;
  info.format = "ISHNE";
  info.channel = lead;
  info.label = labels[lead];
  info.fs_hz = fs_hz;
  info.n_samples = n_samples;
  info.gain_adu_per_mv = 1.0 / mv_per_adu;
  info.range_mv = std::make_pair(-32767 * mv_per_adu, 32767 * mv_per_adu);
  const int hour = le16(&h[150]), minute = le16(&h[152]), second = le16(&h[154]);
  if (hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59)
    info.base_time = two_digits(hour) + ":" + two_digits(minute) + ":" + two_digits(second);
  return std::make_unique<IshneChannel>(std::move(info), ecg_offset, n_leads, mv_per_adu);
}

}  // namespace scapredict::io

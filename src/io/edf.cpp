// EDF and EDF+ channels through EDFlib (Debian's libedf-dev, edflib.h).
//
// EDFlib and threads: EDFlib keeps every open file in one process-wide table without a lock, so
// edfopen_file_readonly and edfclose_file race with each other, and any two calls on the same file
// race (each signal's read position lives in that table). Every call into EDFlib below holds one
// mutex: readers may be opened, read and destroyed from several threads, and reads of EDF files are
// serialised. EDFlib's limits: at most 64 files open at once in a process (EDFLIB_MAXFILES in
// edflib.c; error EDFLIB_MAXFILES_REACHED), and a path only once at a time (it compares the path
// strings: EDFLIB_FILE_ALREADY_OPENED), so readers of the same path share one EDFlib handle (each
// signal has its own read position there, and every read seeks first); the handle is closed when
// the last of them is destroyed. 640 signals per file at most (EDFLIB_MAXSIGNALS), a data record of
// 10 MB at most.
#include <edflib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>

#include "io/channel.hpp"

namespace scapredict::io {

namespace fs = std::filesystem;

namespace {

std::mutex& edflib_mutex() {
  static std::mutex m;
  return m;
}

std::string trim(const char* text) {
  std::string s(text);
  const auto b = s.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

std::string two_digits(int v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

// EDFlib's error codes (edfopen_file_readonly puts them in `filetype`) as the problem's words.
std::string open_error(int code) {
  switch (code) {
    case EDFLIB_MALLOC_ERROR:
      return "EDFlib ran out of memory opening the file";
    case EDFLIB_NO_SUCH_FILE_OR_DIRECTORY:
      return "cannot open the file";
    case EDFLIB_FILE_CONTAINS_FORMAT_ERRORS:
      return "not a valid EDF/EDF+ file (EDFlib finds format errors in the header, or a file "
             "size that does not match it)";
    case EDFLIB_MAXFILES_REACHED:
      return "too many EDF files open at once (EDFlib allows 64 per process)";
    case EDFLIB_FILE_READ_ERROR:
      return "read error in the EDF header";
    case EDFLIB_FILE_ALREADY_OPENED:
      return "the file is already open in this process (EDFlib opens a file once at a time)";
    case EDFLIB_FILE_IS_DISCONTINUOUS:
      return "EDF+D (discontinuous) is not supported; only EDF and continuous EDF+ (EDF+C)";
    default:
      return "EDFlib cannot open the file (error " + std::to_string(code) + ")";
  }
}

// Conversion of one signal's digital values to mV, from the header's four numbers.
struct Scaling {
  int dig_min = 0;
  double phys_min_mv = 0;
  double mv_per_adu = 0;  // negative for a signal stored with inverted polarity
};

// One file open in EDFlib, shared by the readers of its path; created, copied and destroyed only
// while edflib_mutex is held.
struct EdfFile {
  int handle = -1;
  std::unique_ptr<edf_hdr_struct> hdr = std::make_unique<edf_hdr_struct>();
  EdfFile() = default;
  EdfFile(const EdfFile&) = delete;
  EdfFile& operator=(const EdfFile&) = delete;
  ~EdfFile() {
    if (handle >= 0) edfclose_file(handle);
  }
};

// The files open now, by the path string EDFlib compares.
std::map<std::string, std::weak_ptr<EdfFile>>& open_files() {
  static std::map<std::string, std::weak_ptr<EdfFile>> files;
  return files;
}

class EdfChannel final : public ChannelReader {
 public:
  EdfChannel(std::shared_ptr<EdfFile> file, int signal, ChannelInfo info, Scaling scaling)
      : file_(std::move(file)), handle_(file_->handle), signal_(signal), scaling_(scaling) {
    info_ = std::move(info);
  }
  EdfChannel(const EdfChannel&) = delete;
  EdfChannel& operator=(const EdfChannel&) = delete;
  ~EdfChannel() override {
    const std::lock_guard lock(edflib_mutex());
    file_.reset();
    const auto it = open_files().find(info_.source);
    if (it != open_files().end() && it->second.expired()) open_files().erase(it);
  }

  std::vector<double> read_mv(std::int64_t start, std::int64_t count) const override {
    check_window(start, count);
    std::vector<double> out(static_cast<std::size_t>(count));
    if (count == 0) return out;
    constexpr std::int64_t kChunk = 1 << 16;
    std::vector<int> adu(static_cast<std::size_t>(std::min(count, kChunk)));
    const std::lock_guard lock(edflib_mutex());
    if (edfseek(handle_, signal_, start, EDFSEEK_SET) != start)
      throw IoError(info_.source + ": cannot seek to sample " + std::to_string(start));
    for (std::int64_t done = 0; done < count;) {
      const int n = static_cast<int>(std::min(count - done, kChunk));
      const int got = edfread_digital_samples(handle_, signal_, n, adu.data());
      if (got != n)
        throw IoError(info_.source + ": the file ends or cannot be read before sample " +
                      std::to_string(start + done + std::max(got, 0)) + " of " +
                      std::to_string(info_.n_samples));
      for (int i = 0; i < n; ++i)
        out[static_cast<std::size_t>(done + i)] =
            scaling_.phys_min_mv +
            static_cast<double>(adu[static_cast<std::size_t>(i)] - scaling_.dig_min) *
                scaling_.mv_per_adu;
      done += n;
    }
    return out;
  }

 private:
  std::shared_ptr<EdfFile> file_;
  int handle_ = -1;
  int signal_ = 0;
  Scaling scaling_;
};

// The open file of `path`, shared with the other readers of it, or opened now.
std::shared_ptr<EdfFile> open_file(const std::string& path) {
  auto& files = open_files();
  if (const auto it = files.find(path); it != files.end())
    if (auto file = it->second.lock()) return file;
  auto file = std::make_shared<EdfFile>();
  if (edfopen_file_readonly(path.c_str(), file->hdr.get(), EDFLIB_DO_NOT_READ_ANNOTATIONS) != 0)
    throw IoError(path + ": " + open_error(file->hdr->filetype));
  file->handle = file->hdr->handle;
  files[path] = file;
  return file;
}

// BDF starts with byte 0xFF ("\xffBIOSEMI"); EDFlib would read it, this tool does not.
void check_first_byte(const fs::path& path) {
  const std::string source = path.string();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw IoError(source + ": cannot open the file");
  const int first = std::fgetc(f);
  std::fclose(f);
  if (first == 0xff) throw IoError(source + ": BDF (24-bit) files are not supported");
  if (first != '0') throw IoError(source + ": not an EDF file (version field is not \"0\")");
}

// The file-level fields EDFlib leaves to its caller: type, signal count, data records.
template <typename Fail>
void check_file_header(const edf_hdr_struct& h, const Fail& fail) {
  if (h.filetype == EDFLIB_FILETYPE_BDF || h.filetype == EDFLIB_FILETYPE_BDFPLUS)
    fail("BDF (24-bit) files are not supported");
  if (h.filetype != EDFLIB_FILETYPE_EDF && h.filetype != EDFLIB_FILETYPE_EDFPLUS)
    fail("unknown EDF file type " + std::to_string(h.filetype));
  if (h.edfsignals < 1 || h.edfsignals > EDFLIB_MAXSIGNALS)
    fail("the file has " + std::to_string(h.edfsignals) + " signals besides annotations");
  if (h.datarecord_duration <= 0)
    fail("data record duration " + std::to_string(h.datarecord_duration / 1e7) +
         " s is not positive");
  if (h.datarecords_in_file < 0)
    fail("number of data records " + std::to_string(h.datarecords_in_file) + " is negative");
}

}  // namespace

// EDF/EDF+ through EDFlib: EDFlib hides EDF+ "EDF Annotations" signals, so channel indexes and
// labels count the ECG/physiological signals only (the first non-annotation signal is channel 0).
// Refused with IoError "<path>: <problem>": BDF/BDF+, EDF+D, a header EDFlib or the checks below
// reject (data record duration not positive, samples per record not positive, a sample count that
// overflows or disagrees with records x samples per record, digital range empty or outside 16 bits,
// physical extremes not finite or equal, a rate that is not finite and positive), a channel not in
// a voltage unit.
std::unique_ptr<ChannelReader> open_edf_channel(const fs::path& path, const std::string& channel) {
  const std::string source = path.string();
  check_first_byte(path);

  const std::lock_guard lock(edflib_mutex());
  // A refused channel drops `file` here, under the lock: the last owner closes the handle.
  std::shared_ptr<EdfFile> file = open_file(source);
  const edf_hdr_struct* hdr = file->hdr.get();
  const auto fail = [&](const std::string& problem) { throw IoError(source + ": " + problem); };

  check_file_header(*hdr, fail);

  std::vector<std::string> labels;
  for (int i = 0; i < hdr->edfsignals; ++i) labels.push_back(trim(hdr->signalparam[i].label));
  const int signal = select_channel(labels, channel, source);
  const edf_param_struct& p = hdr->signalparam[signal];
  const std::string which = "signal " + std::to_string(signal) + " ('" + labels[signal] + "')";

  if (p.smp_in_datarecord <= 0)
    fail(which + ": samples per data record " + std::to_string(p.smp_in_datarecord) +
         " is not positive");
  long long n_samples = 0;
  if (__builtin_mul_overflow(static_cast<long long>(p.smp_in_datarecord), hdr->datarecords_in_file,
                             &n_samples) ||
      n_samples != p.smp_in_file)
    fail(which + ": " + std::to_string(hdr->datarecords_in_file) + " data records of " +
         std::to_string(p.smp_in_datarecord) + " samples do not give a usable sample count");
  if (p.dig_min >= p.dig_max || p.dig_min < -32768 || p.dig_max > 32767)
    fail(which + ": digital range [" + std::to_string(p.dig_min) + ", " +
         std::to_string(p.dig_max) + "] is empty or not 16-bit");
  if (!std::isfinite(p.phys_min) || !std::isfinite(p.phys_max) || p.phys_min == p.phys_max)
    fail(which + ": physical minimum " + std::to_string(p.phys_min) + " and maximum " +
         std::to_string(p.phys_max) + " are not finite and distinct");
  const std::string units = trim(p.physdimension);
  const auto per_unit = millivolts_per_unit(units);
  if (!per_unit) fail(which + " is in '" + units + "', not a voltage");

  const double fs_hz = static_cast<double>(p.smp_in_datarecord) *
                       static_cast<double>(EDFLIB_TIME_DIMENSION) /
                       static_cast<double>(hdr->datarecord_duration);
  if (!std::isfinite(fs_hz) || !(fs_hz > 0))
    fail(which + ": sampling rate " + std::to_string(fs_hz) + " Hz is not finite and positive");

  Scaling scaling;
  scaling.dig_min = p.dig_min;
  scaling.phys_min_mv = p.phys_min * *per_unit;
  scaling.mv_per_adu = (p.phys_max - p.phys_min) * *per_unit / (p.dig_max - p.dig_min);
  if (!std::isfinite(scaling.phys_min_mv) || !std::isfinite(scaling.mv_per_adu) ||
      scaling.mv_per_adu == 0 || !std::isfinite(p.phys_max * *per_unit))
    fail(which + ": physical range in mV is not finite");

  ChannelInfo info;
  info.record = path.stem().string();
  info.source = source;
  info.format = hdr->filetype == EDFLIB_FILETYPE_EDFPLUS ? "EDF+" : "EDF";
  info.channel = signal;
  info.label = labels[signal];
  info.fs_hz = fs_hz;
  info.n_samples = n_samples;
  info.gain_adu_per_mv = 1.0 / scaling.mv_per_adu;
  const double a = p.phys_min * *per_unit, b = p.phys_max * *per_unit;
  info.range_mv = std::make_pair(std::min(a, b), std::max(a, b));
  if (hdr->starttime_hour >= 0 && hdr->starttime_hour <= 23 && hdr->starttime_minute >= 0 &&
      hdr->starttime_minute <= 59 && hdr->starttime_second >= 0 && hdr->starttime_second <= 59)
    info.base_time = two_digits(hdr->starttime_hour) + ":" + two_digits(hdr->starttime_minute) +
                     ":" + two_digits(hdr->starttime_second);

  return std::make_unique<EdfChannel>(std::move(file), signal, std::move(info), scaling);
}

}  // namespace scapredict::io

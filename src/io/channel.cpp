#include "io/channel.hpp"

#include <algorithm>
#include <cctype>

namespace scapredict::io {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

void ChannelReader::check_window(std::int64_t start, std::int64_t count) const {
  if (start < 0 || count < 0 || start > info_.n_samples - count)
    throw IoError(info_.source + ": samples [" + std::to_string(start) + ", " +
                  std::to_string(start + count) + ") lie outside the signal (" +
                  std::to_string(info_.n_samples) + " samples)");
}

std::optional<double> millivolts_per_unit(const std::string& units) {
  if (units == "mV" || units == "mv" || units.empty()) return 1.0;  // WFDB's default is mV
  if (units == "uV" || units == "uv" || units == "UV" || units == "\xc2\xb5V" ||
      units == "\xce\xbcV")
    return 1e-3;
  if (units == "nV") return 1e-6;
  if (units == "V" || units == "v") return 1e3;
  return std::nullopt;
}

int select_channel(const std::vector<std::string>& labels, const std::string& channel,
                   const std::string& source) {
  if (channel.empty()) throw IoError(source + ": no channel given (an index or a label)");
  if (!channel.empty() && channel.size() <= 9 &&
      std::all_of(channel.begin(), channel.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    const long i = std::stol(channel);
    if (i < static_cast<long>(labels.size())) return static_cast<int>(i);
    throw IoError(source + ": no channel " + channel + " (the record has " +
                  std::to_string(labels.size()) + ")");
  }
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] == channel) return static_cast<int>(i);
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (lower(labels[i]) == lower(channel)) return static_cast<int>(i);
  std::string known;
  for (std::size_t i = 0; i < labels.size() && i < 16; ++i)
    known += (i ? ", " : "") + std::string("'") + labels[i] + "'";
  throw IoError(source + ": no channel labelled '" + channel + "' (channels: " + known + ")");
}

}  // namespace scapredict::io

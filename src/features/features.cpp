#include "features/features.hpp"

#include "common/json_number.hpp"
#include "dsp/dwt.hpp"
#include "dsp/prepare.hpp"
#include "dsp/spectrum.hpp"

namespace scapredict::features {

InputKind parse_input_kind(const std::string& s) {
  if (s == "dft") return InputKind::kDft;
  if (s == "raw") return InputKind::kRaw;
  if (s == "dwt") return InputKind::kDwt;
  if (s == "spectrogram") return InputKind::kSpectrogram;
  throw FeatureError("unknown input '" + s + "' (dft, raw, dwt, spectrogram)");
}

std::string to_string(InputKind k) {
  switch (k) {
    case InputKind::kDft:
      return "dft";
    case InputKind::kRaw:
      return "raw";
    case InputKind::kDwt:
      return "dwt";
    case InputKind::kSpectrogram:
      return "spectrogram";
  }
  return "?";
}

nlohmann::json FeatureConfig::to_json() const {
  nlohmann::json j = {{"input", to_string(input)}, {"bins", bins}, {"dwt_levels", dwt_levels}};
  j["band_hz"] =
      band_hz ? nlohmann::json({band_hz->first, band_hz->second}) : nlohmann::json(nullptr);
  return j;
}

FeatureConfig FeatureConfig::from_json(const nlohmann::json& j) {
  FeatureConfig f;
  try {
    f.input = parse_input_kind(j.at("input").get<std::string>());
    f.bins = json_integer<std::size_t>(j, "bins");
    f.dwt_levels = json_integer<int>(j, "dwt_levels");
    if (!j.at("band_hz").is_null())
      f.band_hz =
          std::make_pair(j["band_hz"].at(0).get<double>(), j["band_hz"].at(1).get<double>());
  } catch (const nlohmann::json::exception& e) {
    throw FeatureError(std::string("bad feature configuration: ") + e.what());
  }
  return f;
}

namespace {

std::vector<double> dft_features(const FeatureConfig& cfg, const std::vector<double>& x) {
  auto s = dsp::SpectrumReducer(dsp::kMinuteSamples, cfg.bins)(x);
  if (!cfg.band_hz) return s;
  std::vector<double> v;
  const double width = dsp::kAnalysisFsHz / 2.0 / static_cast<double>(cfg.bins);
  for (std::size_t b = 0; b < s.size(); ++b) {
    const double f = static_cast<double>(b) * width;
    if (f >= cfg.band_hz->first && f < cfg.band_hz->second) v.push_back(s[b]);
  }
  return v;
}

}  // namespace

std::size_t input_length(const FeatureConfig& cfg) {
  return extract_features(cfg, std::vector<double>(dsp::kMinuteSamples, 0.0)).size();
}

std::vector<float> extract_features(const FeatureConfig& cfg, const std::vector<double>& x) {
  std::vector<double> v;
  switch (cfg.input) {
    case InputKind::kDft:
      v = dft_features(cfg, x);
      break;
    case InputKind::kRaw:
      v = x;
      break;
    case InputKind::kDwt:
      v = dsp::dwt_db4_flat(x, cfg.dwt_levels);
      break;
    case InputKind::kSpectrogram:
      v = dsp::spectrogram(x, 256, 128).values;
      break;
  }
  return {v.begin(), v.end()};
}

}  // namespace scapredict::features

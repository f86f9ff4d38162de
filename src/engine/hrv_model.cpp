#include "engine/hrv_model.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/text.hpp"

namespace scapredict::engine {

namespace {

constexpr std::size_t kMaxFileBytes = 16u << 20;
constexpr std::size_t kMaxSupportVectors = 100000;

double finite_number(const nlohmann::json& v, const std::string& source, const char* what) {
  if (!v.is_number()) throw ModelError(source + ": " + what + " is not a number");
  const double x = v.get<double>();
  if (!std::isfinite(x)) throw ModelError(source + ": " + what + " is not finite");
  return x;
}

std::vector<double> finite_vector(const nlohmann::json& v, std::size_t n, const std::string& source,
                                  const char* what) {
  if (!v.is_array() || v.size() != n)
    throw ModelError(source + ": " + what + " must hold " + std::to_string(n) + " numbers");
  std::vector<double> out;
  out.reserve(n);
  for (const auto& x : v) out.push_back(finite_number(x, source, what));
  return out;
}

}  // namespace

std::string fnv1a64_hex(std::string_view bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

HrvModel HrvModel::parse(std::string_view text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    throw ModelError(source + ": not an HRV model file (not JSON)");
  }
  HrvModel m;
  try {
    if (!j.is_object() || j.value("format", "") != kHrvModelFormat)
      throw ModelError(source + ": not an HRV model file (format is not " +
                       std::string(kHrvModelFormat) + ")");
    if (j.at("format_version") != 1)
      throw ModelError(source + ": HRV model format version " + j.at("format_version").dump() +
                       " (this scapredict reads 1)");
    const auto& names = j.at("features");
    if (!names.is_array() || names.empty() || names.size() > 1000)
      throw ModelError(source + ": features must name 1 to 1000 features");
    for (const auto& n : names) m.names_.push_back(n.get<std::string>());
    const std::size_t p = m.names_.size();
    m.window_s_ = finite_number(j.at("window_s"), source, "window_s");
    if (!(m.window_s_ >= 10 && m.window_s_ <= 3600))
      throw ModelError(source + ": window_s must be 10 to 3600 s");
    const auto& st = j.at("standardisation");
    m.mean_ = finite_vector(st.at("mean"), p, source, "standardisation mean");
    m.sd_ = finite_vector(st.at("sd"), p, source, "standardisation sd");
    for (double s : m.sd_)
      if (!(s > 0)) throw ModelError(source + ": standardisation sd must be above 0");
    const auto& svm = j.at("svm");
    m.gamma_ = finite_number(svm.at("gamma"), source, "svm gamma");
    if (!(m.gamma_ > 0 && m.gamma_ <= 1e6))
      throw ModelError(source + ": svm gamma must be in (0, 1e6]");
    m.b_ = finite_number(svm.at("b"), source, "svm b");
    m.platt_alpha_ = finite_number(svm.at("platt_alpha"), source, "svm platt_alpha");
    m.platt_beta_ = finite_number(svm.at("platt_beta"), source, "svm platt_beta");
    if (std::abs(m.platt_alpha_) > 1e6 || std::abs(m.platt_beta_) > 1e6 || std::abs(m.b_) > 1e12)
      throw ModelError(source + ": svm b or Platt scaling out of range");
    const auto& alpha = svm.at("alpha");
    const auto& basis = svm.at("basis");
    if (!alpha.is_array() || alpha.empty() || alpha.size() > kMaxSupportVectors)
      throw ModelError(source + ": svm alpha must hold 1 to 100000 numbers");
    m.alpha_ = finite_vector(alpha, alpha.size(), source, "svm alpha");
    if (!basis.is_array() || basis.size() != alpha.size())
      throw ModelError(source + ": svm basis must hold one vector per alpha");
    for (const auto& v : basis) {
      const auto row = finite_vector(v, p, source, "svm basis vector");
      m.basis_.insert(m.basis_.end(), row.begin(), row.end());
    }
    m.q99_ = finite_number(j.at("training_distance_q99"), source, "training_distance_q99");
    if (!(m.q99_ > 0)) throw ModelError(source + ": training_distance_q99 must be above 0");
    m.meaning_ = j.at("meaning").get<std::string>();
    if (m.meaning_.empty() || m.meaning_.size() > 400)
      throw ModelError(source + ": meaning must say in 1 to 400 characters what the number is");
    m.provenance_ = j.at("provenance");
    if (!m.provenance_.is_object()) throw ModelError(source + ": provenance is not an object");
    const auto lopo = m.provenance_.value("leave_one_patient_out", nlohmann::json::object());
    if (lopo.is_object() && lopo.contains("auroc")) {
      for (const auto& v :
           {lopo["auroc"].value("mean", 0.5), lopo["auroc"]["ci95"].at(0).get<double>(),
            lopo["auroc"]["ci95"].at(1).get<double>()})
        if (!(v >= 0 && v <= 1))
          throw ModelError(source + ": the leave-one-patient-out AUROC lies outside [0, 1]");
    }
  } catch (const nlohmann::json::exception&) {
    throw ModelError(source +
                     ": malformed HRV model file (a field is missing or of the wrong type)");
  }
  m.checksum_ = fnv1a64_hex(text);
  return m;
}

HrvModel HrvModel::load(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw ModelError(path + ": not a regular file");
  const auto size = fs::file_size(path, ec);
  if (ec || size > kMaxFileBytes) throw ModelError(path + ": larger than 16 MiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw ModelError(path + ": cannot read");
  return parse(text.str(), path);
}

std::vector<float> HrvModel::standardised(const std::vector<double>& x) const {
  if (x.size() != mean_.size())
    throw ModelError("HRV model: " + std::to_string(x.size()) + " features, expected " +
                     std::to_string(mean_.size()));
  std::vector<float> z;
  z.reserve(x.size());
  for (double v : x)
    if (!std::isfinite(v)) throw ModelError("HRV model: a feature is not finite");
  for (std::size_t j = 0; j < x.size(); ++j) z.push_back(static_cast<float>(x[j]));
  return z;
}

double HrvModel::probability(const std::vector<double>& features) const {
  const auto xf = standardised(features);
  const std::size_t p = mean_.size();
  // As the training did: the float feature, then (x - mean) / sd in double.
  std::vector<double> z(p);
  for (std::size_t j = 0; j < p; ++j) z[j] = (static_cast<double>(xf[j]) - mean_[j]) / sd_[j];
  double f = 0;
  for (std::size_t i = 0; i < alpha_.size(); ++i) {
    const double* sv = &basis_[i * p];
    double d = 0;
    for (std::size_t j = 0; j < p; ++j) d += (z[j] - sv[j]) * (z[j] - sv[j]);
    f += alpha_[i] * std::exp(-gamma_ * d);
  }
  f -= b_;
  const double prob = 1 / (1 + std::exp(platt_alpha_ * f + platt_beta_));
  if (!std::isfinite(prob)) throw ModelError("HRV model: non-finite probability");
  return std::min(1.0, std::max(0.0, prob));
}

double HrvModel::distance(const std::vector<double>& features) const {
  const auto xf = standardised(features);
  double d = 0;
  for (std::size_t j = 0; j < xf.size(); ++j) {
    const double z = (static_cast<double>(xf[j]) - mean_[j]) / sd_[j];
    d += z * z;
  }
  return d / static_cast<double>(xf.size());
}

const HrvModel& default_hrv_model() {
  static const HrvModel m = HrvModel::parse(default_hrv_model_text(), "default HRV model");
  return m;
}

}  // namespace scapredict::engine

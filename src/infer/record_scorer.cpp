#include "infer/record_scorer.hpp"

#include <cstdio>
#include <fstream>
#include <utility>

#include "common/text.hpp"
#include "features/hrv.hpp"
#include "infer/hrv_predict.hpp"

namespace scapredict::infer {

std::string model_comment(const engine::Scorer& m, const std::string& file) {
  const auto j = provenance(m);
  std::string line = "model " + j.value("arch", std::string("?")) + " trained on " +
                     (j.value("simulated", false) ? "SIMULATED data: " : "") +
                     j.value("data_source", std::string("unknown data")) + "; scored by " +
                     j.value("scored_by", std::string("?")) + "; model file " + file;
  if (!m.checksum().empty()) line += " (checksum " + m.checksum() + ")";
  return printable(line, 2000);
}

namespace {

class SpectrumScorer final : public RecordScorer {
 public:
  SpectrumScorer(std::shared_ptr<const engine::Scorer> m, std::string file)
      : m_(std::move(m)), file_(std::move(file)) {}
  RecordRisk score(const std::filesystem::path& record, const PredictOptions& o,
                   const ProgressFn& progress) const override {
    auto r = predict_record(*m_, record, o, progress);
    r.model["file"] = file_;
    return r;
  }
  std::string comment() const override { return model_comment(*m_, file_); }
  const std::string& file() const override { return file_; }
  std::unique_ptr<MinuteRows> live_rows(MinuteContext c) const override {
    return spectrum_rows(*m_, std::move(c));
  }
  nlohmann::json provenance() const override {
    auto j = infer::provenance(*m_);
    j["file"] = file_;
    return j;
  }
  const engine::Scorer* spectrum() const override { return m_.get(); }

 private:
  std::shared_ptr<const engine::Scorer> m_;
  std::string file_;
};

class HrvScorer final : public RecordScorer {
 public:
  HrvScorer(engine::HrvModel m, std::string file) : m_(std::move(m)) {
    file_ = file.empty() ? std::string("built-in default model") : std::move(file);
    named_ = file_ != "built-in default model";
  }
  RecordRisk score(const std::filesystem::path& record, const PredictOptions& o,
                   const ProgressFn& progress) const override {
    HrvPredictOptions h;
    h.predict = o;
    h.beats_annotator = o.annotator;  // --annotator names where the beats (and onset) are
    h.model_file = named_ ? file_ : "";
    return predict_hrv_record(m_, record, h, progress);
  }
  std::string comment() const override {
    const auto& p = m_.provenance();
    return printable("model hrv-svm (" + std::to_string(static_cast<int>(m_.window_s() / 60)) +
                         "-minute HRV windows) trained on " +
                         p.value("data", std::string("unknown data")) +
                         "; scored by HRV SVM (no LibTorch); model file " + file_ + " (checksum " +
                         m_.checksum() + ")",
                     2000);
  }
  const std::string& file() const override { return file_; }
  std::unique_ptr<MinuteRows> live_rows(MinuteContext c) const override {
    return hrv_rows(m_, std::move(c));
  }
  nlohmann::json provenance() const override {
    HrvPredictOptions h;
    h.model_file = named_ ? file_ : "";
    return hrv_provenance(m_, h);
  }

 private:
  engine::HrvModel m_;
  std::string file_;
  bool named_ = false;
};

std::string ci_text(const nlohmann::json& auroc) {
  if (!auroc.is_object() || !auroc.contains("mean") || !auroc["mean"].is_number()) return "n/a";
  char buf[96];
  const auto& ci = auroc.value("ci95", nlohmann::json::array());
  if (ci.is_array() && ci.size() == 2 && ci[0].is_number() && ci[1].is_number())
    std::snprintf(buf, sizeof buf, "%.2f [95%% CI %.2f, %.2f]", auroc["mean"].get<double>(),
                  ci[0].get<double>(), ci[1].get<double>());
  else
    std::snprintf(buf, sizeof buf, "%.2f", auroc["mean"].get<double>());
  return buf;
}

}  // namespace

std::unique_ptr<RecordScorer> spectrum_record_scorer(std::shared_ptr<const engine::Scorer> model,
                                                     std::string file) {
  return std::make_unique<SpectrumScorer>(std::move(model), std::move(file));
}

std::unique_ptr<RecordScorer> hrv_record_scorer(engine::HrvModel model, std::string file) {
  // The features are computed by features::hrv_window, in its order: a file naming others (or
  // the same in another order) would be scored on the wrong numbers.
  if (model.feature_names() != features::hrv_feature_names())
    throw engine::ModelError((file.empty() ? std::string("default model") : file) +
                             ": its features are not this scapredict's HRV features, in order "
                             "(docs/hrv.md)");
  return std::make_unique<HrvScorer>(std::move(model), std::move(file));
}

bool is_hrv_model_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char c = 0;
  while (in.get(c))
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return c == '{';
  return false;
}

std::unique_ptr<RecordScorer> open_record_scorer(const std::filesystem::path& path,
                                                 const SpectrumOpener& open_spectrum) {
  if (path.empty()) return hrv_record_scorer(engine::default_hrv_model(), "");
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && is_hrv_model_file(path))
    return hrv_record_scorer(engine::HrvModel::load(path.string()), path.string());
  return spectrum_record_scorer(open_spectrum ? open_spectrum(path) : engine::open_scorer(path),
                                path.string());
}

std::vector<std::string> meaning_lines(const RecordRisk& r) {
  return meaning_lines(r.model);
}

std::vector<std::string> meaning_lines(const nlohmann::json& m) {
  std::vector<std::string> out;
  if (m.contains("meaning")) {
    out.push_back(printable(m.value("meaning", std::string()), 400));
    const auto lopo = m.value("leave_one_patient_out", nlohmann::json::object());
    out.push_back("leave-one-patient-out AUROC " + ci_text(lopo.value("auroc", nlohmann::json())) +
                  " (" + std::to_string(lopo.value("scd_patients", 0)) + " SDDB patients vs " +
                  std::to_string(lopo.value("normal_patients", 0)) + " NSRDB subjects; " +
                  printable(m.value("data_source", std::string("?")), 200) + ")");
  } else if (m.value("simulated", false)) {  // as RecordRisk::model_trained_on_simulated_data
    out.push_back(
        "P(SCD) of a model trained on SIMULATED data: it tests the software and means "
        "nothing clinically");
  } else {
    out.push_back(
        "P(SCD) of a 1-minute DFT-CNN model, uncalibrated; on real data such a model "
        "separates databases and patients, not imminent VF (REAL_REPORT.md)");
  }
  return out;
}

}  // namespace scapredict::infer

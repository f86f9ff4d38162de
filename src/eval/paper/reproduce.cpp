#include "eval/paper/reproduce.hpp"

#include <torch/torch.h>

#include <chrono>

#include "data/minutes.hpp"
#include "scapredict/version.hpp"

namespace scapredict::eval {

std::vector<train::ExperimentConfig> paper_experiments(const RunConfig& run) {
  using train::ExperimentConfig;
  std::vector<ExperimentConfig> configs;
  configs.push_back(ExperimentConfig::paper_cnn("cnn1d-dft1024", run));
  for (const char* in : {"spectrogram", "raw", "dwt"}) {
    auto e = ExperimentConfig::paper_cnn(std::string("cnn1d-") + in, run);
    e.features.input = features::parse_input_kind(in);
    configs.push_back(e);
  }
  for (std::size_t bins : {128u, 256u, 512u, 2048u, 4096u}) {
    auto e = ExperimentConfig::paper_cnn("cnn1d-dft" + std::to_string(bins), run);
    e.features.bins = bins;
    configs.push_back(e);
  }
  for (const char* a : {"mlp", "lstm", "gru", "rnn"}) {
    auto e = ExperimentConfig::paper_cnn(std::string(a) + "-dft1024", run);
    e.arch = model::parse_arch(a);
    configs.push_back(e);
  }
  return configs;
}

nlohmann::json ReproduceResult::to_json() const {
  auto protocol_json = protocol.to_json();
  protocol_json["repetitions"] = run.repetitions;
  protocol_json["seed"] = run.seed;
  nlohmann::json j = {
      {"data_source", source.description},
      {"simulated", source.simulated},
      {"simulator", source.knobs},
      {"scapredict_version", kVersion},
      {"torch_version", TORCH_VERSION},
      {"protocol", protocol_json},
      {"run", run.to_json()},
      {"rejected_minutes", rejected_minutes},
      {"excluded_records", excluded_records},
      {"seconds", seconds},
      {"paper",
       {{"tab2_60min", {{"accuracy", 94.5}, {"sensitivity", 95.5}, {"specificity", 93.5}}},
        {"tab1_60min", {{"dft", 94.5}, {"spectrogram", 90}, {"raw", 54}, {"dwt", 52.5}}},
        {"fig3", "accuracy >= 94% at every horizon"}}}};
  for (const auto& [name, r] : experiments) j["experiments"][name] = r.to_json();
  j["compression"] = compression.to_json();
  return j;
}

ReproduceResult run_reproduce(const data::Cohort& cohort, const data::ProtocolConfig& protocol,
                              const RunConfig& run, const ProgressFn& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  ReproduceResult r;
  r.source = cohort.source;
  r.excluded_records = cohort.excluded;
  r.run = run;
  r.protocol = protocol;
  const auto prepared = data::prepare_protocol(cohort, r.protocol, run, progress);
  r.rejected_minutes = prepared.rejected;
  const auto configs = paper_experiments(run);
  const ProgressTracker tracker(progress, "reproduce", "experiment", configs.size());
  for (std::size_t i = 0; i < configs.size(); ++i) {
    tracker.stage("experiment " + std::to_string(i + 1) + "/" + std::to_string(configs.size()) +
                  " (" + configs[i].name + ")");
    r.experiments.emplace(configs[i].name,
                          train::run_experiment(cohort, prepared, configs[i], progress));
    tracker.report(i + 1, configs[i].name);
  }
  tracker.stage("compression: the CNN pruned (with and without fine-tuning) and in int8");
  r.compression = run_compression(prepared, run, {}, progress);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace scapredict::eval

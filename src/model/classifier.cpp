#include "model/classifier.hpp"

#include <torch/torch.h>

#include <cmath>
#include <random>
#include <sstream>

#include "common/atomic_file.hpp"
#include "model/networks.hpp"
#include "scapredict/version.hpp"

namespace scapredict::model {

Arch parse_arch(const std::string& s) {
  if (s == "cnn1d") return Arch::kCnn1d;
  if (s == "mlp") return Arch::kMlp;
  if (s == "lstm") return Arch::kLstm;
  if (s == "gru") return Arch::kGru;
  if (s == "rnn") return Arch::kRnn;
  throw ModelError("unknown architecture '" + s + "' (cnn1d, mlp, lstm, gru, rnn)");
}

std::string to_string(Arch a) {
  switch (a) {
    case Arch::kCnn1d:
      return "cnn1d";
    case Arch::kMlp:
      return "mlp";
    case Arch::kLstm:
      return "lstm";
    case Arch::kGru:
      return "gru";
    case Arch::kRnn:
      return "rnn";
  }
  return "?";
}

int set_threads(int n) {
  if (n >= 1) torch::set_num_threads(n);
  return torch::get_num_threads();
}

nlohmann::json TrainConfig::to_json() const {
  return {{"epochs", epochs},
          {"batch_size", batch_size},
          {"learning_rate", learning_rate},
          {"weight_decay", weight_decay},
          {"seed", seed},
          {"optimiser", "Adam"},
          {"loss", "cross-entropy"}};
}

namespace {

torch::Tensor to_tensor(const std::vector<std::vector<float>>& x, std::size_t length) {
  auto t = torch::empty({static_cast<int64_t>(x.size()), static_cast<int64_t>(length)});
  float* p = t.data_ptr<float>();
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::copy(x[i].begin(), x[i].end(), p + i * length);
  }
  return t;
}

}  // namespace

struct Classifier::Impl {
  Arch arch = Arch::kCnn1d;
  features::FeatureConfig features;
  TrainConfig train;
  std::size_t length = 0;
  std::vector<float> mean, sd;
  torch::nn::AnyModule net;  ///< empty until trained or loaded
  nlohmann::json metadata = nlohmann::json::object();
  nlohmann::json header() const {
    return {{"format", "scapredict-model"},
            {"format_version", kModelFormatVersion},
            {"scapredict_version", kVersion},
            {"arch", to_string(arch)},
            {"features", features.to_json()},
            {"train", train.to_json()},
            {"input_length", length},
            {"normalisation", {{"mean", mean}, {"sd", sd}}},
            {"metadata", metadata}};
  }
  torch::Tensor normalise(const std::vector<std::vector<float>>& x) const {
    for (const auto& v : x) {
      if (v.size() != length) {
        throw ModelError("feature vector of length " + std::to_string(v.size()) +
                         ", model expects " + std::to_string(length));
      }
    }
    auto t = to_tensor(x, length);
    auto m = torch::from_blob(const_cast<float*>(mean.data()), {static_cast<int64_t>(length)});
    auto s = torch::from_blob(const_cast<float*>(sd.data()), {static_cast<int64_t>(length)});
    return (t - m) / s;
  }
};

Classifier::Classifier() : impl_(std::make_unique<Impl>()) {}
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;
Classifier::~Classifier() = default;

Arch Classifier::arch() const {
  return impl_->arch;
}
const features::FeatureConfig& Classifier::features() const {
  return impl_->features;
}
std::size_t Classifier::input_length() const {
  return impl_->length;
}
void Classifier::set_metadata(const nlohmann::json& m) {
  impl_->metadata = m;
}
const nlohmann::json& Classifier::metadata() const {
  return impl_->metadata;
}
nlohmann::json Classifier::describe() const {
  auto h = impl_->header();
  h.erase("normalisation");
  return h;
}

Classifier Classifier::train(const Dataset& data, Arch arch,
                             const features::FeatureConfig& features, const TrainConfig& cfg,
                             const std::function<void(int, double)>& progress) {
  if (data.x.empty() || data.x.size() != data.y.size())
    throw ModelError("training set is empty or mislabelled");
  Classifier c;
  auto& im = *c.impl_;
  im.arch = arch;
  im.features = features;
  im.train = cfg;
  im.length = data.x[0].size();
  if (arch == Arch::kCnn1d && im.length < 16)
    throw ModelError("cnn1d needs at least 16 input values");
  // Per-feature standardisation fitted on the training set.
  im.mean.assign(im.length, 0.f);
  im.sd.assign(im.length, 0.f);
  std::vector<double> m(im.length, 0.0), v(im.length, 0.0);
  for (const auto& x : data.x) {
    if (x.size() != im.length) throw ModelError("feature vectors differ in length");
    for (std::size_t i = 0; i < im.length; ++i) m[i] += x[i];
  }
  for (auto& e : m) e /= static_cast<double>(data.x.size());
  for (const auto& x : data.x)
    for (std::size_t i = 0; i < im.length; ++i) v[i] += (x[i] - m[i]) * (x[i] - m[i]);
  for (std::size_t i = 0; i < im.length; ++i) {
    im.mean[i] = static_cast<float>(m[i]);
    im.sd[i] = static_cast<float>(std::sqrt(v[i] / static_cast<double>(data.x.size())) + 1e-6);
  }
  torch::manual_seed(cfg.seed);
  im.net = make_network(arch, static_cast<int64_t>(im.length));
  auto module = im.net.ptr();
  module->train();
  torch::optim::Adam opt(
      module->parameters(),
      torch::optim::AdamOptions(cfg.learning_rate).weight_decay(cfg.weight_decay));
  const auto X = im.normalise(data.x);
  auto Y = torch::empty({static_cast<int64_t>(data.y.size())}, torch::kLong);
  for (std::size_t i = 0; i < data.y.size(); ++i) Y[static_cast<int64_t>(i)] = data.y[i];
  std::mt19937_64 rng(cfg.seed);
  std::vector<int64_t> order(data.x.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  for (int epoch = 0; epoch < cfg.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    double total = 0;
    int batches = 0;
    for (std::size_t b = 0; b < order.size(); b += static_cast<std::size_t>(cfg.batch_size)) {
      const std::size_t e = std::min(order.size(), b + static_cast<std::size_t>(cfg.batch_size));
      if (e - b < 2 && arch == Arch::kCnn1d) continue;  // BatchNorm needs two samples
      auto idx =
          torch::from_blob(order.data() + b, {static_cast<int64_t>(e - b)}, torch::kLong).clone();
      opt.zero_grad();
      auto loss = torch::nn::functional::cross_entropy(im.net.forward(X.index_select(0, idx)),
                                                       Y.index_select(0, idx));
      loss.backward();
      opt.step();
      total += loss.item<double>();
      ++batches;
    }
    if (progress) progress(epoch + 1, batches ? total / batches : 0.0);
  }
  module->eval();
  return c;
}

std::vector<double> Classifier::predict_proba(const std::vector<std::vector<float>>& x) const {
  if (impl_->net.is_empty()) throw ModelError("model has not been trained or loaded");
  if (x.empty()) return {};
  torch::NoGradGuard no_grad;
  auto p = torch::softmax(impl_->net.forward(impl_->normalise(x)), 1).select(1, 1).contiguous();
  return {p.data_ptr<float>(), p.data_ptr<float>() + p.numel()};
}

void Classifier::save(const std::filesystem::path& path) const {
  if (impl_->net.is_empty()) throw ModelError("model has not been trained or loaded");
  std::ostringstream weights;
  torch::serialize::OutputArchive ar;
  impl_->net.ptr()->save(ar);
  ar.save_to(weights);
  const std::string head = impl_->header().dump();
  const std::string w = weights.str();
  std::string file = "SCAPREDICT-MODEL\n" + std::to_string(head.size()) + "\n" + head + "\n" +
                     std::to_string(w.size()) + "\n" + w;
  write_file_atomic(path, file);
}

Classifier Classifier::load(const std::filesystem::path& path) {
  std::string data;
  try {
    data = read_file(path);
  } catch (const Error&) {
    throw ModelError(path.string() + ": cannot open model file");
  }
  auto bad = [&](const std::string& why) { return ModelError(path.string() + ": " + why); };
  std::istringstream in(data);
  std::string magic, len_line;
  if (!std::getline(in, magic) || magic != "SCAPREDICT-MODEL")
    throw bad("not a scapredict model file");
  std::size_t hlen = 0, wlen = 0;
  try {
    std::getline(in, len_line);
    hlen = std::stoul(len_line);
  } catch (...) {
    throw bad("corrupt model file (header length)");
  }
  if (hlen > data.size()) throw bad("corrupt model file (truncated header)");
  std::string head(hlen, '\0');
  in.read(head.data(), static_cast<std::streamsize>(hlen));
  nlohmann::json h;
  try {
    h = nlohmann::json::parse(head);
  } catch (...) {
    throw bad("corrupt model file (header is not JSON)");
  }
  if (h.value("format", "") != "scapredict-model") throw bad("not a scapredict model file");
  if (h.value("format_version", -1) != kModelFormatVersion) {
    throw bad("model file format version " + std::to_string(h.value("format_version", -1)) +
              ", this scapredict reads version " + std::to_string(kModelFormatVersion));
  }
  Classifier c;
  auto& im = *c.impl_;
  try {
    in.ignore(1);
    std::getline(in, len_line);
    wlen = std::stoul(len_line);
    im.arch = parse_arch(h.at("arch"));
    im.features = features::FeatureConfig::from_json(h.at("features"));
    im.length = h.at("input_length").get<std::size_t>();
    im.mean = h.at("normalisation").at("mean").get<std::vector<float>>();
    im.sd = h.at("normalisation").at("sd").get<std::vector<float>>();
    auto& t = h.at("train");
    im.train.epochs = t.at("epochs");
    im.train.batch_size = t.at("batch_size");
    im.train.learning_rate = t.at("learning_rate");
    im.train.weight_decay = t.at("weight_decay");
    im.train.seed = t.at("seed");
    im.metadata = h.value("metadata", nlohmann::json::object());
  } catch (const std::exception& e) {
    throw bad(std::string("corrupt model file (") + e.what() + ")");
  }
  if (im.mean.size() != im.length || im.sd.size() != im.length)
    throw bad("corrupt model file (normalisation)");
  const auto pos = static_cast<std::size_t>(in.tellg());
  if (pos + wlen != data.size()) throw bad("corrupt model file (weights truncated or padded)");
  im.net = make_network(im.arch, static_cast<int64_t>(im.length));
  try {
    std::istringstream w(data.substr(pos, wlen));
    torch::serialize::InputArchive ar;
    ar.load_from(w);
    im.net.ptr()->load(ar);
  } catch (const std::exception&) {
    throw bad("corrupt model file (weights do not load)");
  }
  im.net.ptr()->eval();
  return c;
}

}  // namespace scapredict::model

#include "model/classifier.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/json_number.hpp"
#include "common/text.hpp"
#include "model/networks.hpp"
#include "scapredict/version.hpp"

namespace scapredict::model {

Arch parse_arch(const std::string& s) {
  if (s == "cnn1d") return Arch::kCnn1d;
  if (s == "mlp") return Arch::kMlp;
  if (s == "lstm") return Arch::kLstm;
  if (s == "gru") return Arch::kGru;
  if (s == "rnn") return Arch::kRnn;
  throw engine::ModelError("unknown architecture '" + s + "' (cnn1d, mlp, lstm, gru, rnn)");
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

bool CnnSpec::is_paper() const {
  return *this == CnnSpec{};
}

nlohmann::json CnnSpec::to_json() const {
  return {{"filters", filters}, {"kernel", kernel}, {"stride", stride},
          {"pool", pool},       {"dense", dense},   {"dropout", dropout}};
}

void CnnSpec::validate(std::size_t length) const {
  const bool ok = filters >= 1 && filters <= 256 && kernel >= 1 && kernel <= 256 && stride >= 1 &&
                  stride <= 256 && pool >= 1 && pool <= 16 && dense >= 1 && dense <= 4096 &&
                  std::isfinite(dropout) && dropout >= 0 && dropout < 1;
  if (!ok) throw engine::ModelError("cnn shape out of range: " + to_json().dump());
  const auto len = static_cast<long long>(length);
  if (len < kernel || ((len - kernel) / stride + 1) / pool < 1)
    throw engine::ModelError("cnn shape " + to_json().dump() + " leaves nothing of " +
                             std::to_string(length) + " input values");
}

CnnSpec CnnSpec::from_json(const nlohmann::json& j) {
  CnnSpec c;
  try {
    c.filters = json_integer<int>(j, "filters");
    c.kernel = json_integer<int>(j, "kernel");
    c.stride = json_integer<int>(j, "stride");
    c.pool = json_integer<int>(j, "pool");
    c.dense = json_integer<int>(j, "dense");
    c.dropout = j.at("dropout").get<double>();
  } catch (const nlohmann::json::exception&) {
    throw engine::ModelError("cnn shape is not an object of numbers");
  }
  return c;
}

nlohmann::json TrainConfig::to_json() const {
  nlohmann::json j = {{"epochs", epochs},
                      {"batch_size", batch_size},
                      {"learning_rate", learning_rate},
                      {"weight_decay", weight_decay},
                      {"seed", seed},
                      {"optimiser", "Adam"},
                      {"loss", "cross-entropy"}};
  if (!cnn.is_paper()) j["cnn"] = cnn.to_json();
  return j;
}

namespace {

bool all_finite(const std::vector<float>& v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

torch::Tensor to_tensor(const std::vector<std::vector<float>>& x, std::size_t length) {
  auto t = torch::empty({static_cast<int64_t>(x.size()), static_cast<int64_t>(length)});
  float* p = t.data_ptr<float>();
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::copy(x[i].begin(), x[i].end(), p + i * length);
  }
  return t;
}

// Every float parameter and buffer of the network by name, for the LibTorch-free engine.
nlohmann::json engine_tensors(const torch::nn::Module& net) {
  std::vector<engine::EngineTensor> out;
  auto add = [&](const std::string& name, const torch::Tensor& t) {
    if (!t.is_floating_point()) return;  // BatchNorm's num_batches_tracked
    const auto c = t.detach().to(torch::kFloat).contiguous();
    engine::EngineTensor e;
    e.name = name;
    e.shape.assign(c.sizes().begin(), c.sizes().end());
    e.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    out.push_back(std::move(e));
  };
  for (const auto& p : net.named_parameters()) add(p.key(), p.value());
  for (const auto& b : net.named_buffers()) add(b.key(), b.value());
  return engine::encode_engine_tensors(out);
}

// Labels as a LibTorch tensor.
torch::Tensor labels(const Dataset& data) {
  auto Y = torch::empty({static_cast<int64_t>(data.y.size())}, torch::kLong);
  for (std::size_t i = 0; i < data.y.size(); ++i) Y[static_cast<int64_t>(i)] = data.y[i];
  return Y;
}

// `epochs` epochs of Adam over (X, Y) in shuffled batches (`seed`); `after_step` runs after every
// optimiser step (pruning masks), `progress(epoch, mean loss)` after every epoch.
void run_epochs(torch::nn::AnyModule& net, Arch arch, const torch::Tensor& X,
                const torch::Tensor& Y, const TrainConfig& cfg, int epochs, std::uint64_t seed,
                const std::function<void()>& after_step,
                const std::function<void(int, double)>& progress) {
  auto module = net.ptr();
  module->train();
  torch::optim::Adam opt(
      module->parameters(),
      torch::optim::AdamOptions(cfg.learning_rate).weight_decay(cfg.weight_decay));
  std::mt19937_64 rng(seed);
  std::vector<int64_t> order(static_cast<std::size_t>(X.size(0)));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    double total = 0;
    int batches = 0;
    for (std::size_t b = 0; b < order.size(); b += static_cast<std::size_t>(cfg.batch_size)) {
      const std::size_t e = std::min(order.size(), b + static_cast<std::size_t>(cfg.batch_size));
      if (e - b < 2 && arch == Arch::kCnn1d) continue;  // BatchNorm needs two samples
      auto idx =
          torch::from_blob(order.data() + b, {static_cast<int64_t>(e - b)}, torch::kLong).clone();
      opt.zero_grad();
      auto loss = torch::nn::functional::cross_entropy(net.forward(X.index_select(0, idx)),
                                                       Y.index_select(0, idx));
      loss.backward();
      opt.step();
      if (after_step) after_step();
      total += loss.item<double>();
      ++batches;
    }
    if (progress) progress(epoch + 1, batches ? total / batches : 0.0);
  }
  module->eval();
}

}  // namespace

struct Classifier::Impl {
  Arch arch = Arch::kCnn1d;
  features::FeatureConfig features;
  TrainConfig train;
  std::size_t length = 0;
  std::vector<float> mean, sd;
  double distance_q99 = 0;   ///< 99th percentile of distance() over the training minutes
  torch::nn::AnyModule net;  ///< empty until trained or loaded
  nlohmann::json metadata = nlohmann::json::object();
  nlohmann::json header() const {
    return {{"scapredict_version", kVersion},
            {"arch", to_string(arch)},
            {"features", features.to_json()},
            {"train", train.to_json()},
            {"input_length", length},
            {"normalisation", {{"mean", mean}, {"sd", sd}}},
            {"training_distance_q99", distance_q99},
            {"metadata", metadata}};
  }
  // The engine runs the paper's CNN (and the MLP); a searched CNN shape has no engine section.
  bool has_engine() const {
    return arch == Arch::kMlp || (arch == Arch::kCnn1d && train.cnn.is_paper());
  }
  void from_header(const nlohmann::json& h,
                   const std::function<engine::ModelError(const std::string&)>& bad);
  torch::Tensor normalise(const std::vector<std::vector<float>>& x) const {
    for (const auto& v : x) {
      if (v.size() != length) {
        throw engine::ModelError("feature vector of length " + std::to_string(v.size()) +
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
    throw engine::ModelError("training set is empty or mislabelled");
  for (const auto& x : data.x) {
    if (!all_finite(x)) throw engine::ModelError("training set holds NaN or infinite features");
  }
  if (!(cfg.learning_rate > 0 && cfg.learning_rate < 1e3) || !(cfg.weight_decay >= 0) ||
      !std::isfinite(cfg.weight_decay) || cfg.epochs < 1 || cfg.batch_size < 1)
    throw engine::ModelError(
        "training configuration out of range (learning rate, weight decay, epochs "
        "or batch size)");
  Classifier c;
  auto& im = *c.impl_;
  im.arch = arch;
  im.features = features;
  im.train = cfg;
  im.length = data.x[0].size();
  if (arch == Arch::kCnn1d && im.length < 16)
    throw engine::ModelError("cnn1d needs at least 16 input values");
  // Per-feature standardisation fitted on the training set.
  im.mean.assign(im.length, 0.f);
  im.sd.assign(im.length, 0.f);
  std::vector<double> m(im.length, 0.0), v(im.length, 0.0);
  for (const auto& x : data.x) {
    if (x.size() != im.length) throw engine::ModelError("feature vectors differ in length");
    for (std::size_t i = 0; i < im.length; ++i) m[i] += x[i];
  }
  for (auto& e : m) e /= static_cast<double>(data.x.size());
  for (const auto& x : data.x)
    for (std::size_t i = 0; i < im.length; ++i) v[i] += (x[i] - m[i]) * (x[i] - m[i]);
  for (std::size_t i = 0; i < im.length; ++i) {
    im.mean[i] = static_cast<float>(m[i]);
    im.sd[i] = static_cast<float>(std::sqrt(v[i] / static_cast<double>(data.x.size())) + 1e-6);
  }
  std::vector<double> d;
  for (const auto& x : data.x) d.push_back(c.distance(x));
  std::sort(d.begin(), d.end());
  im.distance_q99 = d[std::min(d.size() - 1, static_cast<std::size_t>(0.99 * double(d.size())))];
  if (arch == Arch::kCnn1d) cfg.cnn.validate(im.length);
  torch::manual_seed(cfg.seed);
  im.net = make_network(arch, static_cast<int64_t>(im.length), cfg.cnn);
  auto module = im.net.ptr();
  module->train();
  const auto X = im.normalise(data.x);
  run_epochs(im.net, arch, X, labels(data), cfg, cfg.epochs, cfg.seed, {}, progress);
  module->eval();
  return c;
}

Classifier Classifier::pruned(const Dataset& data, double fraction, int epochs,
                              std::uint64_t seed) const {
  const auto& src = *impl_;
  if (src.net.is_empty()) throw engine::ModelError("model has not been trained or loaded");
  if (src.arch != Arch::kCnn1d && src.arch != Arch::kMlp)
    throw engine::ModelError("pruning applies to cnn1d and mlp models, not " + to_string(src.arch));
  if (!(fraction >= 0 && fraction < 1))
    throw engine::ModelError("pruning fraction must be in [0, 1)");
  if (epochs < 0 || epochs > 10000)
    throw engine::ModelError("fine-tuning epochs must be 0 to 10000");
  if (data.x.empty() || data.x.size() != data.y.size())
    throw engine::ModelError("training set is empty or mislabelled");
  for (const auto& x : data.x)
    if (x.size() != src.length || !all_finite(x))
      throw engine::ModelError(
          "training set holds vectors of the wrong length or non-finite features");
  Classifier c;
  auto& im = *c.impl_;
  im.arch = src.arch;
  im.features = src.features;
  im.train = src.train;
  im.length = src.length;
  im.mean = src.mean;
  im.sd = src.sd;
  im.distance_q99 = src.distance_q99;
  im.metadata = src.metadata;
  im.net = make_network(im.arch, static_cast<int64_t>(im.length), im.train.cnn);
  std::vector<std::pair<torch::Tensor, torch::Tensor>> masks;  // weight, keep-mask
  {
    torch::NoGradGuard no_grad;
    const auto from = src.net.ptr()->named_parameters();
    for (auto& p : im.net.ptr()->named_parameters()) p.value().copy_(from[p.key()]);
    const auto from_b = src.net.ptr()->named_buffers();
    for (auto& b : im.net.ptr()->named_buffers()) b.value().copy_(from_b[b.key()]);
    // Every convolution and dense weight (2-D or more; BatchNorm's scale is 1-D), per layer.
    for (auto& p : im.net.ptr()->named_parameters()) {
      auto w = p.value();
      if (w.dim() < 2) continue;
      const auto k = static_cast<int64_t>(fraction * static_cast<double>(w.numel()));
      auto keep = torch::ones_like(w);
      if (k > 0) {
        const auto order = w.abs().flatten().argsort();
        keep.view(-1).index_fill_(0, order.slice(0, 0, k), 0.0);
      }
      w.mul_(keep);
      masks.emplace_back(w, keep);
    }
  }
  auto apply = [&masks] {
    torch::NoGradGuard no_grad;
    for (auto& [w, keep] : masks) w.mul_(keep);
  };
  if (epochs > 0) {
    run_epochs(im.net, im.arch, im.normalise(data.x), labels(data), im.train, epochs, seed, apply,
               {});
  }
  im.net.ptr()->eval();
  return c;
}

nlohmann::json Classifier::file_header() const {
  if (impl_->net.is_empty()) throw engine::ModelError("model has not been trained or loaded");
  auto header = impl_->header();
  if (impl_->has_engine()) header["engine"] = engine_tensors(*impl_->net.ptr());
  return header;
}

std::vector<double> Classifier::predict_proba(const std::vector<std::vector<float>>& x) const {
  if (impl_->net.is_empty()) throw engine::ModelError("model has not been trained or loaded");
  if (x.empty()) return {};
  torch::NoGradGuard no_grad;
  auto p = torch::softmax(impl_->net.forward(impl_->normalise(x)), 1).select(1, 1).contiguous();
  return {p.data_ptr<float>(), p.data_ptr<float>() + p.numel()};
}

void Classifier::save(const std::filesystem::path& path) const {
  if (impl_->net.is_empty()) throw engine::ModelError("model has not been trained or loaded");
  std::ostringstream weights;
  torch::serialize::OutputArchive ar;
  impl_->net.ptr()->save(ar);
  ar.save_to(weights);
  auto header = impl_->header();
  if (impl_->has_engine()) header["engine"] = engine_tensors(*impl_->net.ptr());
  write_file_atomic(path, engine::encode_model_file(header, weights.str()));
}

// Fills everything but the network from a decoded header; ModelError via `bad` when it is
// inconsistent.
void Classifier::Impl::from_header(
    const nlohmann::json& h, const std::function<engine::ModelError(const std::string&)>& bad) {
  try {
    arch = parse_arch(h.at("arch"));
    features = features::FeatureConfig::from_json(h.at("features"));
    length = json_integer<std::size_t>(h, "input_length");
    for (const char* k : {"mean", "sd"}) {
      for (const auto& v : h.at("normalisation").at(k))
        if (!v.is_number()) throw bad("corrupt model file (normalisation holds NaN or text)");
    }
    mean = h.at("normalisation").at("mean").get<std::vector<float>>();
    sd = h.at("normalisation").at("sd").get<std::vector<float>>();
    distance_q99 = h.at("training_distance_q99").get<double>();
    const auto& t = h.at("train");
    train.epochs = t.at("epochs");
    train.batch_size = t.at("batch_size");
    train.learning_rate = t.at("learning_rate");
    train.weight_decay = t.at("weight_decay");
    train.seed = t.at("seed");
    if (t.contains("cnn")) {
      train.cnn = CnnSpec::from_json(t.at("cnn"));
      train.cnn.validate(length);
    }
    metadata = h.value("metadata", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    throw bad(std::string("corrupt model file (") + printable(e.what(), 120) + ")");
  } catch (const Error& e) {  // an unknown architecture or input kind
    throw bad(std::string("corrupt model file (") + printable(e.what(), 120) + ")");
  }
  const auto expected = features::input_length(features);
  if (expected != length)
    throw bad("the model's input length " + std::to_string(length) + " does not match its " +
              features::to_string(features.input) + " features (" + std::to_string(expected) +
              " values)");
  if (mean.size() != length || sd.size() != length || !all_finite(mean) || !all_finite(sd) ||
      std::any_of(sd.begin(), sd.end(), [](float v) { return !(v > 0); }) ||
      !std::isfinite(distance_q99))
    throw bad("corrupt model file (normalisation is not finite and positive)");
}

Classifier Classifier::load(const std::filesystem::path& path) {
  std::string data;
  try {
    data = read_file(path);
  } catch (const Error&) {
    throw engine::ModelError(path.string() + ": cannot open model file");
  }
  auto bad = [&](const std::string& why) { return engine::ModelError(path.string() + ": " + why); };
  const engine::ModelFile file = engine::decode_model_file(data, path.string());
  Classifier c;
  auto& im = *c.impl_;
  im.from_header(file.header, bad);
  im.net = make_network(im.arch, static_cast<int64_t>(im.length), im.train.cnn);
  try {
    std::istringstream w(file.weights);
    torch::serialize::InputArchive ar;
    ar.load_from(w);
    im.net.ptr()->load(ar);
  } catch (const std::exception&) {
    throw bad("corrupt model file (weights do not load)");
  }
  for (const auto& p : im.net.ptr()->parameters()) {
    if (!torch::isfinite(p).all().item<bool>()) throw bad("weights hold NaN or infinite values");
  }
  for (const auto& b : im.net.ptr()->buffers()) {
    if (b.is_floating_point() && !torch::isfinite(b).all().item<bool>())
      throw bad("weights hold NaN or infinite values");
  }
  im.net.ptr()->eval();
  return c;
}

double Classifier::distance(const std::vector<float>& x) const {
  const auto& im = *impl_;
  if (x.size() != im.length) throw engine::ModelError("feature vector of the wrong length");
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double z = (x[i] - im.mean[i]) / im.sd[i];
    s += z * z;
  }
  return s / static_cast<double>(x.size());
}

double Classifier::training_distance_q99() const {
  return impl_->distance_q99;
}

}  // namespace scapredict::model

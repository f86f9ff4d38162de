#include "model/networks.hpp"

namespace scapredict::model {

Cnn1dImpl::Cnn1dImpl(int64_t length, const CnnSpec& s)
    : spec(s),
      conv(register_module(
          "conv",
          torch::nn::Conv1d(torch::nn::Conv1dOptions(1, s.filters, s.kernel).stride(s.stride)))),
      bn(register_module("bn", torch::nn::BatchNorm1d(s.filters))),
      fc1(register_module(
          "fc1",
          torch::nn::Linear(s.filters * (((length - s.kernel) / s.stride + 1) / s.pool), s.dense))),
      fc2(register_module("fc2", torch::nn::Linear(s.dense, 2))) {}

torch::Tensor Cnn1dImpl::forward(torch::Tensor x) {
  x = torch::relu(bn(conv(x.unsqueeze(1))));
  if (spec.pool > 1) x = torch::max_pool1d(x, spec.pool);
  x = torch::relu(fc1(x.flatten(1)));
  if (spec.dropout > 0) x = torch::dropout(x, spec.dropout, is_training());
  return fc2(x);
}

MlpImpl::MlpImpl(int64_t length)
    : fc1(register_module("fc1", torch::nn::Linear(length, 64))),
      fc2(register_module("fc2", torch::nn::Linear(64, 40))),
      fc3(register_module("fc3", torch::nn::Linear(40, 2))) {}

torch::Tensor MlpImpl::forward(torch::Tensor x) {
  return fc3(torch::relu(fc2(torch::relu(fc1(x)))));
}

torch::nn::AnyModule make_network(Arch arch, int64_t length, const CnnSpec& cnn) {
  switch (arch) {
    case Arch::kCnn1d:
      return torch::nn::AnyModule(Cnn1d(length, cnn));
    case Arch::kMlp:
      return torch::nn::AnyModule(Mlp(length));
    case Arch::kLstm:
      return torch::nn::AnyModule(std::make_shared<LstmImpl>("lstm"));
    case Arch::kGru:
      return torch::nn::AnyModule(std::make_shared<GruImpl>("gru"));
    case Arch::kRnn:
      return torch::nn::AnyModule(std::make_shared<RnnImpl>("rnn"));
  }
  throw engine::ModelError("unknown architecture");
}

}  // namespace scapredict::model

#include "model/networks.hpp"

namespace scapredict::model {

Cnn1dImpl::Cnn1dImpl(int64_t length)
    : conv(
          register_module("conv", torch::nn::Conv1d(torch::nn::Conv1dOptions(1, 16, 8).stride(8)))),
      bn(register_module("bn", torch::nn::BatchNorm1d(16))),
      fc1(register_module("fc1", torch::nn::Linear(16 * (((length - 8) / 8 + 1) / 2), 40))),
      fc2(register_module("fc2", torch::nn::Linear(40, 2))) {}

torch::Tensor Cnn1dImpl::forward(torch::Tensor x) {
  x = torch::max_pool1d(torch::relu(bn(conv(x.unsqueeze(1)))), 2);
  return fc2(torch::relu(fc1(x.flatten(1))));
}

MlpImpl::MlpImpl(int64_t length)
    : fc1(register_module("fc1", torch::nn::Linear(length, 64))),
      fc2(register_module("fc2", torch::nn::Linear(64, 40))),
      fc3(register_module("fc3", torch::nn::Linear(40, 2))) {}

torch::Tensor MlpImpl::forward(torch::Tensor x) {
  return fc3(torch::relu(fc2(torch::relu(fc1(x)))));
}

torch::nn::AnyModule make_network(Arch arch, int64_t length) {
  switch (arch) {
    case Arch::kCnn1d:
      return torch::nn::AnyModule(Cnn1d(length));
    case Arch::kMlp:
      return torch::nn::AnyModule(Mlp(length));
    case Arch::kLstm:
      return torch::nn::AnyModule(std::make_shared<LstmImpl>("lstm"));
    case Arch::kGru:
      return torch::nn::AnyModule(std::make_shared<GruImpl>("gru"));
    case Arch::kRnn:
      return torch::nn::AnyModule(std::make_shared<RnnImpl>("rnn"));
  }
  throw ModelError("unknown architecture");
}

}  // namespace scapredict::model

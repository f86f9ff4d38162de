#pragma once
// The networks, one LibTorch module each, as the paper and docs/method.md describe them.
#include <torch/torch.h>

#include <cstdint>

#include "model/classifier.hpp"

namespace scapredict::model {

/// Values per recurrent time step: a spectrum is read as a sequence of 16-value steps.
inline constexpr int64_t kRecurrentStep = 16;

/// The paper's network: Conv1d(16, k8, s8) + BatchNorm + ReLU + MaxPool(2), Dense 40, Dense 2;
/// other shapes through `spec` (dropout after Dense's ReLU, in training only).
struct Cnn1dImpl : torch::nn::Module {
  explicit Cnn1dImpl(int64_t length, const CnnSpec& spec = {});
  torch::Tensor forward(torch::Tensor x);
  CnnSpec spec;
  torch::nn::Conv1d conv;
  torch::nn::BatchNorm1d bn;
  torch::nn::Linear fc1, fc2;
};
TORCH_MODULE(Cnn1d);

/// Dense 64, Dense 40, Dense 2.
struct MlpImpl : torch::nn::Module {
  explicit MlpImpl(int64_t length);
  torch::Tensor forward(torch::Tensor x);
  torch::nn::Linear fc1, fc2, fc3;
};
TORCH_MODULE(Mlp);

/// One recurrent layer of 32 units (LSTM, GRU or Elman RNN) over 16-value steps, low
/// frequencies first, and Dense 2 on the last state.
template <typename Layer, typename Options>
struct RecurrentImpl : torch::nn::Module {
  explicit RecurrentImpl(const char* name)
      : layer(register_module(name, Layer(Options(kRecurrentStep, 32).batch_first(true)))),
        fc(register_module("fc", torch::nn::Linear(32, 2))) {}
  torch::Tensor forward(torch::Tensor x) {
    const int64_t pad = (kRecurrentStep - x.size(1) % kRecurrentStep) % kRecurrentStep;
    if (pad) x = torch::constant_pad_nd(x, {0, pad});
    x = x.view({x.size(0), -1, kRecurrentStep});
    auto out = std::get<0>(layer(x));
    return fc(out.select(1, out.size(1) - 1));
  }
  Layer layer;
  torch::nn::Linear fc;
};
using LstmImpl = RecurrentImpl<torch::nn::LSTM, torch::nn::LSTMOptions>;
using GruImpl = RecurrentImpl<torch::nn::GRU, torch::nn::GRUOptions>;
using RnnImpl = RecurrentImpl<torch::nn::RNN, torch::nn::RNNOptions>;

/// A fresh network of `arch` for inputs of `length` values (parameters drawn from LibTorch's
/// generator: seed it first).
torch::nn::AnyModule make_network(Arch arch, int64_t length, const CnnSpec& cnn = {});

}  // namespace scapredict::model

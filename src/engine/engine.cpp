#include "engine/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "engine/model_file.hpp"

namespace scapredict::engine {

namespace {

// Input values at most: 127 * 127 * 131072 < 2^31, so an int8 dot product fits its int32 sum.
constexpr std::size_t kMaxInput = 1u << 17;
constexpr int kConvChannels = 16;
constexpr float kBatchNormEps = 1e-5f;  // LibTorch's BatchNorm1d default

// The hot loops get an AVX2/FMA clone beside the baseline one, chosen once at load time
// (GCC's target_clones on x86-64; elsewhere one portable version). The reductions are
// vectorised through `omp simd` (compiled with -fopenmp-simd: no OpenMP run time).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define SCAPREDICT_HOT __attribute__((target_clones("arch=haswell", "default")))
#else
#define SCAPREDICT_HOT
#endif

SCAPREDICT_HOT float dot(const float* w, const float* x, int n) {
  float r = 0;
#pragma omp simd reduction(+ : r)
  for (int i = 0; i < n; ++i) r += w[i] * x[i];
  return r;
}

// int8 weights times int16 inputs (quantised to [-127, 127]); exact in int32, so every order of
// summation gives the same result.
SCAPREDICT_HOT std::int32_t dot8(const std::int8_t* w, const std::int16_t* x, int n) {
  std::int32_t s = 0;
#pragma omp simd reduction(+ : s)
  for (int i = 0; i < n; ++i)
    s += static_cast<std::int32_t>(w[i]) * static_cast<std::int32_t>(x[i]);
  return s;
}

// Eight rows of a weight matrix (row stride `stride`) times x at once: eight independent sums, so
// the vector units are not held up by one sum's chain of additions (a single dot product per
// row waited on the add latency and took 7.6 us per minute).
SCAPREDICT_HOT void dot_rows8(const float* w, std::size_t stride, const float* x, int n, float* r) {
  const float *w0 = w, *w1 = w + stride, *w2 = w + 2 * stride, *w3 = w + 3 * stride,
              *w4 = w + 4 * stride, *w5 = w + 5 * stride, *w6 = w + 6 * stride,
              *w7 = w + 7 * stride;
  float r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0, r6 = 0, r7 = 0;
#pragma omp simd reduction(+ : r0, r1, r2, r3, r4, r5, r6, r7)
  for (int i = 0; i < n; ++i) {
    const float xi = x[i];
    r0 += w0[i] * xi;
    r1 += w1[i] * xi;
    r2 += w2[i] * xi;
    r3 += w3[i] * xi;
    r4 += w4[i] * xi;
    r5 += w5[i] * xi;
    r6 += w6[i] * xi;
    r7 += w7[i] * xi;
  }
  r[0] = r0, r[1] = r1, r[2] = r2, r[3] = r3, r[4] = r4, r[5] = r5, r[6] = r6, r[7] = r7;
}

void dot8_rows8_portable(const std::int8_t* w, std::size_t stride, const std::int16_t* x, int n,
                         std::int32_t* r) {
  for (int k = 0; k < 8; ++k) r[k] = dot8(w + static_cast<std::size_t>(k) * stride, x, n);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// AVX2: sixteen weights widened to int16 times sixteen inputs, adjacent products summed into
// int32 lanes (vpmaddwd: 16 multiply-adds per instruction where an fp32 FMA does 8, and a
// quarter of fp32's bytes to load). Every product is exact and the sums stay far inside int32,
// so the result equals the portable loop's bit for bit.
__attribute__((target("avx2"))) void dot8_rows8_avx2(const std::int8_t* w, std::size_t stride,
                                                     const std::int16_t* x, int n,
                                                     std::int32_t* r) {
  __m256i acc[8];
  for (auto& a : acc) a = _mm256_setzero_si256();
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i));
    for (int k = 0; k < 8; ++k) {
      const auto* wk = w + static_cast<std::size_t>(k) * stride + static_cast<std::size_t>(i);
      const __m256i wv =
          _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wk)));
      acc[k] = _mm256_add_epi32(acc[k], _mm256_madd_epi16(wv, xv));
    }
  }
  for (int k = 0; k < 8; ++k) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc[k]), _mm256_extracti128_si256(acc[k], 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    const auto* wk = w + static_cast<std::size_t>(k) * stride;
    r[k] = _mm_cvtsi128_si32(s) + dot8(wk + i, x + i, n - i);
  }
}

#endif

// The AVX2 kernel where the CPU has it, else the plain loop: the same sums either way.
void dot8_rows8(const std::int8_t* w, std::size_t stride, const std::int16_t* x, int n,
                std::int32_t* r) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) return dot8_rows8_avx2(w, stride, x, n, r);
#endif
  dot8_rows8_portable(w, stride, x, n, r);
}

// Round half away from zero, clamped to [-127, 127].
std::int8_t quantise(float v, float scale) {
  float t = v / scale;
  t = t >= -127.f ? std::min(t, 127.f) : -127.f;  // NaN -> -127: never an undefined cast
  return static_cast<std::int8_t>(t + (t >= 0 ? 0.5f : -0.5f));
}

// The layer's input in int8's range [-127, 127], held as int16 for the multiply-adds.
SCAPREDICT_HOT void quantise_all(const float* x, int n, float scale, std::int16_t* q) {
  const float inv = 1.f / scale;
#pragma omp simd
  for (int i = 0; i < n; ++i) {
    float t = x[i] * inv;
    // Clamped to [-127, 127], NaN -> -127 (max(-127, NaN) is -127): never an undefined cast.
    t = std::min(std::max(-127.f, t), 127.f);
    // Half away from zero, as quantise() (copysign keeps the loop vectorised; -0 gives 0 both
    // ways), truncated through int32, which the vector units convert to directly.
    q[i] = static_cast<std::int16_t>(static_cast<std::int32_t>(t + std::copysign(0.5f, t)));
  }
}

// Whether every value is finite, without a branch per value (NaN fails the comparison too).
SCAPREDICT_HOT bool all_finite(const float* x, std::size_t n) {
  int bad = 0;
#pragma omp simd reduction(| : bad)
  for (std::size_t i = 0; i < n; ++i) bad |= !(std::abs(x[i]) <= std::numeric_limits<float>::max());
  return bad == 0;
}

// The convolution (stride = kernel, BatchNorm folded), ReLU and max-pool(2), vectorised over the
// channels: wt holds the weights as [kernel][channel], pooled gets [channel][Q].
SCAPREDICT_HOT void conv_relu_pool(const float* wt, const float* b, int C, int K, int Q,
                                   const float* z, float* pooled) {
  float acc0[kConvChannels], acc1[kConvChannels];
  for (int q = 0; q < Q; ++q) {
    const float* z0 = z + 2 * q * K;
    const float* z1 = z0 + K;
    for (int c = 0; c < C; ++c) acc0[c] = acc1[c] = b[c];
    for (int k = 0; k < K; ++k) {
      const float a0 = z0[k], a1 = z1[k];
      const float* w = wt + k * C;
#pragma omp simd
      for (int c = 0; c < C; ++c) {
        acc0[c] += w[c] * a0;
        acc1[c] += w[c] * a1;
      }
    }
    for (int c = 0; c < C; ++c) pooled[c * Q + q] = std::max({acc0[c], acc1[c], 0.f});
  }
}

// y[j] = layer(x) for one dense layer in the layer's precision, ReLU when asked.
void dense(const EngineLayer& l, bool int8, const float* x, float* y, bool relu,
           std::vector<std::int16_t>& qbuf) {
  if (int8 && !l.q.empty()) {
    qbuf.resize(static_cast<std::size_t>(l.in));
    quantise_all(x, l.in, l.in_scale, qbuf.data());
    const auto stride = static_cast<std::size_t>(l.in);
    std::int32_t block[8];
    for (int j = 0; j < l.out; ++j) {
      if (j % 8 == 0 && j + 8 <= l.out)
        dot8_rows8(l.q.data() + static_cast<std::size_t>(j) * stride, stride, qbuf.data(), l.in,
                   block);
      const auto acc =
          j - j % 8 + 8 <= l.out
              ? block[j % 8]
              : dot8(l.q.data() + static_cast<std::size_t>(j) * stride, qbuf.data(), l.in);
      const float v =
          static_cast<float>(acc) * l.w_scale[static_cast<std::size_t>(j)] * l.in_scale +
          l.b[static_cast<std::size_t>(j)];
      y[j] = relu ? std::max(v, 0.f) : v;
    }
    return;
  }
  const auto stride = static_cast<std::size_t>(l.in);
  float block[8];
  for (int j = 0; j < l.out; ++j) {
    if (j % 8 == 0 && j + 8 <= l.out)
      dot_rows8(l.w.data() + static_cast<std::size_t>(j) * stride, stride, x, l.in, block);
    const float d = j - j % 8 + 8 <= l.out
                        ? block[j % 8]
                        : dot(l.w.data() + static_cast<std::size_t>(j) * stride, x, l.in);
    const float v = d + l.b[static_cast<std::size_t>(j)];
    y[j] = relu ? std::max(v, 0.f) : v;
  }
}

struct Tensors {
  std::map<std::string, engine::EngineTensor> by_name;
  std::string source;
  const engine::EngineTensor& get(const std::string& name,
                                  const std::vector<std::int64_t>& shape) const {
    auto it = by_name.find(name);
    if (it == by_name.end()) throw EngineError(source + ": engine tensor " + name + " missing");
    if (it->second.shape != shape)
      throw EngineError(source + ": engine tensor " + name + " has the wrong shape");
    return it->second;
  }
};

EngineLayer layer_of(const Tensors& t, const std::string& name, int out, int in) {
  EngineLayer l;
  l.out = out;
  l.in = in;
  l.w = t.get(name + ".weight", {out, in}).values;
  l.b = t.get(name + ".bias", {out}).values;
  return l;
}

// The convolution with its BatchNorm folded in: w' = w g / sqrt(var + eps),
// b' = (b - mean) g / sqrt(var + eps) + beta, per output channel.
EngineLayer folded_conv(const Tensors& t, int C, int K) {
  const std::string& source = t.source;
  EngineLayer conv;
  conv.out = C;
  conv.in = K;
  const auto& w = t.get("conv.weight", {C, 1, K}).values;
  const auto& b = t.get("conv.bias", {C}).values;
  const auto& g = t.get("bn.weight", {C}).values;
  const auto& beta = t.get("bn.bias", {C}).values;
  const auto& rm = t.get("bn.running_mean", {C}).values;
  const auto& rv = t.get("bn.running_var", {C}).values;
  for (int c = 0; c < C; ++c) {
    if (!(rv[static_cast<std::size_t>(c)] >= 0))
      throw EngineError(source + ": BatchNorm variance below zero");
    const float f =
        g[static_cast<std::size_t>(c)] / std::sqrt(rv[static_cast<std::size_t>(c)] + kBatchNormEps);
    for (int k = 0; k < K; ++k) conv.w.push_back(w[static_cast<std::size_t>(c * K + k)] * f);
    conv.b.push_back((b[static_cast<std::size_t>(c)] - rm[static_cast<std::size_t>(c)]) * f +
                     beta[static_cast<std::size_t>(c)]);
  }
  for (float v : conv.w)
    if (!std::isfinite(v)) throw EngineError(source + ": folded BatchNorm is not finite");
  for (float v : conv.b)
    if (!std::isfinite(v)) throw EngineError(source + ": folded BatchNorm is not finite");
  return conv;
}

}  // namespace

void int8_dot_rows8(const std::int8_t* w, std::size_t stride, const std::int16_t* x, int n,
                    std::int32_t* r) {
  dot8_rows8(w, stride, x, n, r);
}

Engine Engine::from_header(const nlohmann::json& h, const std::string& source) {
  Engine e;
  std::string arch;
  try {
    arch = h.at("arch").get<std::string>();
    // The engine computes the paper's CNN; a searched shape (train.cnn, docs/search.md) is
    // LibTorch's to score, even where its tensors happen to have the paper's shapes.
    if (h.contains("train") && h["train"].is_object() && h["train"].contains("cnn")) {
      const auto& c = h["train"]["cnn"];
      const nlohmann::json paper = {{"filters", 16}, {"kernel", 8}, {"stride", 8},
                                    {"pool", 2},     {"dense", 40}, {"dropout", 0.0}};
      for (const auto& [k, v] : paper.items())
        if (!c.is_object() || !c.contains(k) || c[k] != v)
          throw EngineError(source + ": a cnn1d of another shape than the paper's (" +
                            printable(c.dump(), 200) + "): no engine for it");
    }
    const auto& len = h.at("input_length");
    if (!len.is_number_unsigned() || len.get<std::uint64_t>() < 16 ||
        len.get<std::uint64_t>() > kMaxInput)
      throw EngineError(source + ": input length must be a whole number, 16 to " +
                        std::to_string(kMaxInput));
    e.length_ = len.get<std::size_t>();
    const auto& mean = h.at("normalisation").at("mean");
    const auto& sd = h.at("normalisation").at("sd");
    if (!mean.is_array() || !sd.is_array() || mean.size() != e.length_ || sd.size() != e.length_)
      throw EngineError(source + ": input length and normalisation disagree");
    for (std::size_t i = 0; i < e.length_; ++i) {
      if (!mean[i].is_number() || !sd[i].is_number())
        throw EngineError(source + ": normalisation holds text");
      const double m = mean[i].get<double>(), d = sd[i].get<double>();
      const double scale = 1.0 / d, shift = -m / d;
      if (!std::isfinite(m) || !(d > 0) || !std::isfinite(scale) || !std::isfinite(shift) ||
          std::abs(scale) > 1e30 || std::abs(shift) > 1e30)
        throw EngineError(source + ": normalisation is not finite and positive");
      e.scale_.push_back(static_cast<float>(scale));
      e.shift_.push_back(static_cast<float>(shift));
    }
  } catch (const nlohmann::json::exception&) {
    throw EngineError(source + ": corrupt model header for the engine");
  }
  if (arch != "cnn1d" && arch != "mlp")
    throw EngineError(source + ": no engine for architecture " + printable(arch, 40) +
                      " (cnn1d and mlp have one)");
  if (!h.contains("engine"))
    throw EngineError(source +
                      ": the model file has no engine section (saved by scapredict "
                      "before 0.3; train it again)");
  Tensors t;
  t.source = source;
  try {
    for (auto& x : engine::decode_engine_tensors(h.at("engine"), source))
      t.by_name[x.name] = std::move(x);
  } catch (const engine::ModelError& err) {
    throw EngineError(err.what());
  }
  const int L = static_cast<int>(e.length_);
  if (arch == "mlp") {
    e.arch_ = Arch::kMlp;
    e.layers_ = {layer_of(t, "fc1", 64, L), layer_of(t, "fc2", 40, 64), layer_of(t, "fc3", 2, 40)};
    return e;
  }
  e.arch_ = Arch::kCnn1d;
  const int C = kConvChannels, K = 8;
  e.kernel_ = K;
  e.pooled_ = ((L - K) / K + 1) / 2;  // convolution positions, halved by the max-pool
  const EngineLayer conv = folded_conv(t, C, K);
  e.layers_ = {conv, layer_of(t, "fc1", 40, C * e.pooled_), layer_of(t, "fc2", 2, 40)};
  e.transpose_conv();
  return e;
}

void Engine::transpose_conv() {
  conv_t_.clear();
  if (arch_ != Arch::kCnn1d) return;
  const auto& conv = layers_[0];
  conv_t_.resize(conv.w.size());
  for (int c = 0; c < conv.out; ++c)
    for (int k = 0; k < conv.in; ++k)
      conv_t_[static_cast<std::size_t>(k * conv.out + c)] =
          conv.w[static_cast<std::size_t>(c * conv.in + k)];
}

Engine Engine::load(const std::filesystem::path& path) {
  const auto file = read_model_file(path);
  return from_header(file.header, path.string());
}

void Engine::check(std::span<const float> x) const {
  if (x.size() != length_)
    throw EngineError("feature vector of length " + std::to_string(x.size()) + ", model expects " +
                      std::to_string(length_));
  if (!all_finite(x.data(), x.size()))
    throw EngineError("feature vector holds NaN or infinite values");
}

void Engine::forward(std::span<const float> x, bool q8, float logits[2],
                     std::vector<float>* peak) const {
  check(x);
  auto track = [&](std::size_t k, const float* v, std::size_t n) {
    if (!peak) return;
    for (std::size_t i = 0; i < n; ++i) (*peak)[k] = std::max((*peak)[k], std::abs(v[i]));
  };
  std::vector<float> zs(length_), pooled;
  std::vector<std::int16_t> q;
  for (std::size_t i = 0; i < length_; ++i) zs[i] = x[i] * scale_[i] + shift_[i];
  const float* z = zs.data();
  track(0, z, length_);
  if (arch_ == Arch::kMlp) {
    float h1[64], h2[40];
    dense(layers_[0], q8, z, h1, true, q);
    track(1, h1, 64);
    dense(layers_[1], q8, h1, h2, true, q);
    track(2, h2, 40);
    dense(layers_[2], q8, h2, logits, false, q);
    return;
  }
  const auto& conv = layers_[0];
  pooled.resize(static_cast<std::size_t>(conv.out * pooled_));
  conv_relu_pool(conv_t_.data(), conv.b.data(), conv.out, kernel_, pooled_, z, pooled.data());
  track(1, pooled.data(), pooled.size());
  float h[40];
  dense(layers_[1], q8, pooled.data(), h, true, q);
  track(2, h, 40);
  dense(layers_[2], q8, h, logits, false, q);
}

double Engine::score(std::span<const float> x) const {
  float logits[2];
  forward(x, precision_ == Precision::kInt8, logits, nullptr);
  return 1.0 / (1.0 + std::exp(static_cast<double>(logits[0]) - static_cast<double>(logits[1])));
}

Engine Engine::quantised(const std::vector<std::vector<float>>& calibration) const {
  if (precision_ == Precision::kInt8) return *this;
  if (calibration.empty()) throw EngineError("int8 calibration needs at least one feature vector");
  // The largest magnitude at each layer's input, from the fp32 forward pass.
  std::vector<float> peak(layers_.size(), 0.f);
  float logits[2];
  for (const auto& v : calibration) forward(v, false, logits, &peak);
  Engine e = *this;
  e.precision_ = Precision::kInt8;
  // The CNN's convolution (128 weights, 0.3 % of the network) stays fp32.
  for (std::size_t k = e.arch_ == Arch::kCnn1d ? 1 : 0; k < e.layers_.size(); ++k) {
    auto& l = e.layers_[k];
    l.in_scale = peak[k] > 0 ? peak[k] / 127.f : 1.f;
    l.q.assign(l.w.size(), 0);
    l.w_scale.assign(static_cast<std::size_t>(l.out), 1.f);
    for (int j = 0; j < l.out; ++j) {
      float m = 0;
      for (int i = 0; i < l.in; ++i)
        m = std::max(m, std::abs(l.w[static_cast<std::size_t>(j * l.in + i)]));
      const float s = m > 0 ? m / 127.f : 1.f;
      l.w_scale[static_cast<std::size_t>(j)] = s;
      for (int i = 0; i < l.in; ++i)
        l.q[static_cast<std::size_t>(j * l.in + i)] =
            quantise(l.w[static_cast<std::size_t>(j * l.in + i)], s);
    }
    l.w.clear();
  }
  return e;
}

Engine Engine::pruned(double fraction) const {
  if (!(fraction >= 0 && fraction < 1)) throw EngineError("pruning fraction must be in [0, 1)");
  if (precision_ == Precision::kInt8) throw EngineError("prune before quantising");
  Engine e = *this;
  e.sparse_ = fraction > 0;
  for (auto& l : e.layers_) {
    std::vector<float> mag;
    for (float w : l.w) mag.push_back(std::abs(w));
    const auto k = static_cast<std::size_t>(fraction * double(mag.size()));
    if (k == 0) continue;
    std::nth_element(mag.begin(), mag.begin() + static_cast<long>(k - 1), mag.end());
    const float cut = mag[k - 1];
    std::size_t zeroed = 0;
    for (auto& w : l.w)
      if (std::abs(w) <= cut && zeroed < k) w = 0, ++zeroed;
  }
  e.transpose_conv();
  return e;
}

std::size_t Engine::weight_bytes() const {
  std::size_t n = (scale_.size() + shift_.size()) * sizeof(float);
  for (const auto& l : layers_) {
    n += l.b.size() * sizeof(float);
    if (!l.q.empty()) {
      n += l.q.size() + l.w_scale.size() * sizeof(float) + sizeof(float);
    } else {
      const auto nz = static_cast<std::size_t>(
          std::count_if(l.w.begin(), l.w.end(), [](float w) { return w != 0; }));
      n += sparse_ ? nz * (sizeof(float) + 2) : l.w.size() * sizeof(float);
    }
  }
  return n;
}

std::size_t Engine::macs() const {
  std::size_t n = length_;  // the normalisation
  for (std::size_t k = 0; k < layers_.size(); ++k) {
    const auto& l = layers_[k];
    const std::size_t uses =
        arch_ == Arch::kCnn1d && k == 0 ? static_cast<std::size_t>(2 * pooled_) : 1;
    n += static_cast<std::size_t>(l.out) * static_cast<std::size_t>(l.in) * uses;
  }
  return n;
}

double Engine::sparsity() const {
  std::size_t zero = 0, all = 0;
  for (const auto& l : layers_) {
    all += !l.q.empty() ? l.q.size() : l.w.size();
    zero += !l.q.empty()
                ? static_cast<std::size_t>(std::count(l.q.begin(), l.q.end(), std::int8_t{0}))
                : static_cast<std::size_t>(std::count(l.w.begin(), l.w.end(), 0.f));
  }
  return all ? double(zero) / double(all) : 0.0;
}

}  // namespace scapredict::engine

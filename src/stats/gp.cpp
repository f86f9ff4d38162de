#include "stats/gp.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <random>

#include "common/error.hpp"

namespace scapredict::stats {

namespace {

double matern52(double r, double l) {
  const double a = std::sqrt(5.0) * r / l;
  return (1 + a + a * a / 3) * std::exp(-a);
}

double distance(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

}  // namespace

struct GaussianProcess::Impl {
  std::vector<std::vector<double>> x;
  double y_mean = 0, y_sd = 1, best = 0;
  double length = 0.3, noise = 1e-3;
  Eigen::LLT<Eigen::MatrixXd> chol;
  Eigen::VectorXd alpha;  // K^-1 (y - mean) / sd

  Eigen::MatrixXd kernel(double l, double n) const {
    const auto m = static_cast<Eigen::Index>(x.size());
    Eigen::MatrixXd k(m, m);
    for (Eigen::Index i = 0; i < m; ++i)
      for (Eigen::Index j = 0; j < m; ++j)
        k(i, j) =
            matern52(distance(x[static_cast<std::size_t>(i)], x[static_cast<std::size_t>(j)]), l) +
            (i == j ? n : 0.0);
    return k;
  }
};

GaussianProcess::GaussianProcess(std::vector<std::vector<double>> x, std::vector<double> y)
    : impl_(new Impl) {
  std::unique_ptr<Impl> guard(impl_);
  if (x.size() < 2 || x.size() != y.size())
    throw Error("Gaussian process: needs at least two points with one value each");
  for (const auto& p : x) {
    if (p.size() != x[0].size() || p.empty())
      throw Error("Gaussian process: points of different dimensions");
    for (double v : p)
      if (!(v >= 0 && v <= 1)) throw Error("Gaussian process: a coordinate outside [0, 1]");
  }
  for (double v : y)
    if (!std::isfinite(v)) throw Error("Gaussian process: a value is not finite");
  auto& m = *impl_;
  m.x = std::move(x);
  const auto n = static_cast<Eigen::Index>(y.size());
  double mean = 0;
  for (double v : y) mean += v / static_cast<double>(y.size());
  double var = 0;
  for (double v : y) var += (v - mean) * (v - mean) / static_cast<double>(y.size());
  m.y_mean = mean;
  m.y_sd = var > 1e-12 ? std::sqrt(var) : 1.0;
  m.best = *std::max_element(y.begin(), y.end());
  Eigen::VectorXd z(n);
  for (Eigen::Index i = 0; i < n; ++i) z(i) = (y[static_cast<std::size_t>(i)] - mean) / m.y_sd;
  // Length scale and noise by the largest log marginal likelihood on a grid.
  double best_ll = -INFINITY;
  for (double l : {0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 2.0}) {
    for (double nz : {1e-4, 1e-3, 1e-2, 0.1, 0.3}) {
      Eigen::LLT<Eigen::MatrixXd> c(m.kernel(l, nz));
      if (c.info() != Eigen::Success) continue;
      const Eigen::VectorXd a = c.solve(z);
      const double logdet = 2 * c.matrixL().toDenseMatrix().diagonal().array().log().sum();
      const double ll = -0.5 * z.dot(a) - 0.5 * logdet;
      if (ll > best_ll) {
        best_ll = ll;
        m.length = l;
        m.noise = nz;
      }
    }
  }
  m.chol.compute(m.kernel(m.length, m.noise));
  if (m.chol.info() != Eigen::Success) throw Error("Gaussian process: the kernel is singular");
  m.alpha = m.chol.solve(z);
  guard.release();
}

GaussianProcess::~GaussianProcess() {
  delete impl_;
}
GaussianProcess::GaussianProcess(GaussianProcess&& o) noexcept : impl_(o.impl_) {
  o.impl_ = nullptr;
}
GaussianProcess& GaussianProcess::operator=(GaussianProcess&& o) noexcept {
  std::swap(impl_, o.impl_);
  return *this;
}

GaussianProcess::Prediction GaussianProcess::predict(const std::vector<double>& p) const {
  const auto& m = *impl_;
  const auto n = static_cast<Eigen::Index>(m.x.size());
  Eigen::VectorXd k(n);
  for (Eigen::Index i = 0; i < n; ++i)
    k(i) = matern52(distance(m.x[static_cast<std::size_t>(i)], p), m.length);
  const double mu = k.dot(m.alpha);
  const Eigen::VectorXd v = m.chol.matrixL().solve(k);
  const double var = std::max(1e-12, 1.0 - v.squaredNorm());
  return {m.y_mean + m.y_sd * mu, m.y_sd * std::sqrt(var)};
}

double GaussianProcess::expected_improvement(const std::vector<double>& p, double xi) const {
  const auto [mu, sd] = predict(p);
  if (sd <= 0) return 0;
  const double d = mu - impl_->best - xi, z = d / sd;
  const double cdf = 0.5 * std::erfc(-z / std::numbers::sqrt2);
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi);
  return d * cdf + sd * pdf;
}

double GaussianProcess::length_scale() const {
  return impl_->length;
}
double GaussianProcess::noise() const {
  return impl_->noise;
}

std::vector<double> maximise_expected_improvement(const GaussianProcess& gp,
                                                  const std::vector<std::vector<double>>& x,
                                                  const std::vector<double>& y, std::uint64_t seed,
                                                  int n_random, int n_local, int top) {
  if (x.empty()) throw Error("expected improvement: no points observed");
  const std::size_t d = x[0].size();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> step(0, 0.05);
  std::vector<double> best_p(d, 0.5);
  double best = -1;
  auto consider = [&](const std::vector<double>& p) {
    const double ei = gp.expected_improvement(p);
    if (ei > best) {
      best = ei;
      best_p = p;
    }
  };
  std::vector<double> p(d);
  for (int i = 0; i < n_random; ++i) {
    for (auto& v : p) v = u(rng);
    consider(p);
  }
  std::vector<std::size_t> order(y.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return y[a] > y[b]; });
  const auto k = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, top)), order.size());
  for (int i = 0; i < n_local; ++i) {
    const auto& base = x[order[static_cast<std::size_t>(i) % k]];
    for (std::size_t j = 0; j < d; ++j) p[j] = std::clamp(base[j] + step(rng), 0.0, 1.0);
    consider(p);
  }
  return best_p;
}

}  // namespace scapredict::stats

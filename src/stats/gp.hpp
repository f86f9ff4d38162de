#pragma once
// A Gaussian-process surrogate with expected improvement, for Bayesian optimisation over the unit
// cube (docs/search.md). Eigen does the algebra.
#include <cstdint>
#include <vector>

namespace scapredict::stats {

/// A GP regression of y on points x in [0, 1]^d: constant mean (the data's), Matern 5/2 kernel
/// with one length scale for every dimension, Gaussian noise. The length scale and the noise are
/// chosen on a fixed grid by the largest log marginal likelihood of the standardised y.
class GaussianProcess {
 public:
  /// Throws Error for fewer than two points, points of different dimensions, a coordinate
  /// outside [0, 1] or a non-finite value.
  GaussianProcess(std::vector<std::vector<double>> x, std::vector<double> y);
  ~GaussianProcess();
  GaussianProcess(GaussianProcess&&) noexcept;
  GaussianProcess& operator=(GaussianProcess&&) noexcept;

  struct Prediction {
    double mean = 0, sd = 0;
  };
  Prediction predict(const std::vector<double>& x) const;
  /// Expected improvement over the best y so far (maximisation), with exploration margin xi.
  double expected_improvement(const std::vector<double>& x, double xi = 0.01) const;
  double length_scale() const;
  double noise() const;

 private:
  struct Impl;
  Impl* impl_;
};

/// The point of the unit cube that maximises `gp`'s expected improvement among `n_random`
/// uniform points and `n_local` perturbations (sd 0.05, clipped) of the `top` best points
/// observed; deterministic in `seed`.
std::vector<double> maximise_expected_improvement(const GaussianProcess& gp,
                                                  const std::vector<std::vector<double>>& x,
                                                  const std::vector<double>& y, std::uint64_t seed,
                                                  int n_random = 2000, int n_local = 500,
                                                  int top = 5);

}  // namespace scapredict::stats

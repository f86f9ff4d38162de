#include "dsp/dwt.hpp"

#include <string>

namespace scapredict::dsp {

const std::vector<double>& db4_filter() {
  // Daubechies' orthonormal 8-tap scaling filter (four vanishing moments); sum = sqrt(2).
  static const std::vector<double> h = {
      0.23037781330885523,  0.7148465705525415,   0.6308807679295904,   -0.02798376941698385,
      -0.18703481171888114, 0.030841381835986965, 0.032883011666982945, -0.010597401784997278};
  return h;
}

namespace {

void analysis_step(const std::vector<double>& x, std::vector<double>& a, std::vector<double>& d) {
  const auto& h = db4_filter();
  const std::size_t n = x.size(), half = n / 2, L = h.size();
  a.assign(half, 0.0);
  d.assign(half, 0.0);
  for (std::size_t k = 0; k < half; ++k) {
    double sa = 0, sd = 0;
    for (std::size_t m = 0; m < L; ++m) {
      const double v = x[(2 * k + m) % n];
      const double g = (m % 2 == 0 ? 1.0 : -1.0) * h[L - 1 - m];
      sa += h[m] * v;
      sd += g * v;
    }
    a[k] = sa;
    d[k] = sd;
  }
}

std::vector<double> synthesis_step(const std::vector<double>& a, const std::vector<double>& d) {
  const auto& h = db4_filter();
  const std::size_t half = a.size(), n = 2 * half, L = h.size();
  std::vector<double> x(n, 0.0);
  for (std::size_t k = 0; k < half; ++k) {
    for (std::size_t m = 0; m < L; ++m) {
      const double g = (m % 2 == 0 ? 1.0 : -1.0) * h[L - 1 - m];
      x[(2 * k + m) % n] += h[m] * a[k] + g * d[k];
    }
  }
  return x;
}

}  // namespace

std::vector<std::vector<double>> dwt_db4(std::span<const double> x, int levels) {
  if (levels < 1) throw DspError("DWT needs at least one level");
  if (x.size() % (std::size_t{1} << levels) != 0 || x.empty()) {
    throw DspError("DWT of " + std::to_string(x.size()) +
                   " samples: length must be divisible by 2^" + std::to_string(levels));
  }
  std::vector<std::vector<double>> details;
  std::vector<double> cur(x.begin(), x.end()), a, d;
  for (int l = 0; l < levels; ++l) {
    analysis_step(cur, a, d);
    details.push_back(d);
    cur = a;
  }
  std::vector<std::vector<double>> out;
  out.push_back(cur);
  for (auto it = details.rbegin(); it != details.rend(); ++it) out.push_back(*it);
  return out;
}

std::vector<double> idwt_db4(const std::vector<std::vector<double>>& c) {
  if (c.size() < 2) throw DspError("inverse DWT needs approximation and detail coefficients");
  std::vector<double> a = c[0];
  for (std::size_t l = 1; l < c.size(); ++l) {
    if (c[l].size() != a.size()) throw DspError("inverse DWT: coefficient lengths do not match");
    a = synthesis_step(a, c[l]);
  }
  return a;
}

std::vector<double> dwt_db4_flat(std::span<const double> x, int levels) {
  std::vector<double> flat;
  flat.reserve(x.size());
  for (const auto& v : dwt_db4(x, levels)) flat.insert(flat.end(), v.begin(), v.end());
  return flat;
}

}  // namespace scapredict::dsp

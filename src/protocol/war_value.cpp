#include "parley/protocol/war_value.hpp"

#include <algorithm>
#include <cmath>

namespace parley::protocol {

namespace {

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

}  // namespace

void WarValue::prepare(const model::Preferences& prefs, model::Index agent, model::Index issue,
                       double drift, double volatility, double discount) {
  const auto shape = static_cast<model::Shape>(prefs.shape(agent, issue));
  const double ideal = prefs.ideal(agent, issue);
  const model::PiecewiseLinear* pw =
      shape == model::Shape::piecewise
          ? &prefs.piecewise[static_cast<std::size_t>(prefs.piecewise_index(agent, issue))]
          : nullptr;
  const bool same = ready_ && shape == shape_ && ideal == ideal_ && drift == drift_ &&
                    volatility == volatility_ && discount == discount_ &&
                    (!pw || (pw->x == piecewise_.x && pw->v == piecewise_.v));
  if (same) return;
  shape_ = shape;
  ideal_ = ideal;
  if (pw) piecewise_ = *pw;
  drift_ = drift;
  volatility_ = volatility;
  discount_ = discount;
  ready_ = true;
  if (volatility_ <= 0.0 || discount_ <= 0.0 || discount_ >= 1.0) return;  // term by term
  std::vector<double> coarse, fine;
  solve_lattice(kCoarseNodes, coarse);
  solve_lattice(kFineNodes, fine);
  // K(s) = E[H(s_1) | s_0 = s] is smooth (a Gaussian average) where H has v's kinks, so it
  // is K that is tabulated, at a spacing of at most σ/4 (and the fine lattice's), each entry
  // one exact step from s onto each lattice, combined by Richardson: the lattice's error is
  // c h² + O(h³), so (4 K_{h/2} − K_h)/3 cancels c h².
  const int intervals = std::min(
      kMaxTable - 1, std::max(kFineNodes - 1, static_cast<int>(std::ceil(4.0 / volatility_))));
  table_.resize(static_cast<std::size_t>(intervals + 1));
  for (int q = 0; q <= intervals; ++q) {
    const double at = static_cast<double>(q) / intervals;
    table_[static_cast<std::size_t>(q)] =
        (4.0 * one_step(at, kFineNodes, fine) - one_step(at, kCoarseNodes, coarse)) / 3.0;
  }
}

// E[H_G(lattice node of s_1) | s_0 = s]: the lattice's transition from s (the mass of each
// node's cell, the tails on the bound nodes) applied to its solution.
double WarValue::one_step(double s, int nodes, const std::vector<double>& h_nodes) const {
  const double h = 1.0 / (nodes - 1);
  const double reach = std::abs(drift_) + 9.0 * volatility_;
  const int first = std::max(0, static_cast<int>(std::floor((s - reach) / h)));
  const int last = std::min(nodes - 1, static_cast<int>(std::ceil((s + reach) / h)));
  double total = 0.0;
  double below = first == 0 ? 0.0 : normal_cdf(((first - 0.5) * h - s - drift_) / volatility_);
  for (int j = first; j <= last; ++j) {
    const double upper =
        j == nodes - 1 ? 1.0 : normal_cdf(((j + 0.5) * h - s - drift_) / volatility_);
    total += (upper - below) * h_nodes[static_cast<std::size_t>(j)];
    below = upper;
  }
  return total;
}

double WarValue::value(double x) const {
  switch (shape_) {
    case model::Shape::linear:
      return model::linear_value(x, ideal_);
    case model::Shape::quadratic:
      return model::quadratic_value(x, ideal_);
    case model::Shape::piecewise:
      return piecewise_.value(x);
  }
  return 0.0;
}

// σ = 0: s_n = clamp(s + n μ, 0, 1), summed until the weights left are below 1e-17, or in
// closed form once the path rests on a bound: Σ_{n≥m} (1 − δ) δ^n v(b) = δ^m v(b).
double WarValue::deterministic(double s) const {
  if (drift_ == 0.0 || discount_ <= 0.0 || discount_ >= 1.0) return value(s);
  double total = 0.0, weight = 1.0 - discount_, position = s;
  for (int n = 0; weight > 1e-17; ++n) {
    position = std::clamp(s + n * drift_, 0.0, 1.0);
    if ((position == 0.0 && drift_ < 0.0) || (position == 1.0 && drift_ > 0.0)) {
      return total + weight / (1.0 - discount_) * value(position);
    }
    total += weight * value(position);
    weight *= discount_;
  }
  return total;
}

// (I − δ P) H = (1 − δ) v on nodes x_j = j h, h = 1/(G − 1). With c(k) = Φ(((k + ½) h − μ)/σ),
// the chance that a step from x_i ends below the upper edge of node i + k:
//   P_ij = c(j − i) − c(j − i − 1) inside, P_i0 = c(−i), P_i,G−1 = 1 − c(G − 2 − i).
// c is 0 or 1 to double precision beyond |k| > b = (|μ| + 9σ)/h + 1, so I − δP is banded; it
// is strictly diagonally dominant (δ < 1), so Gaussian elimination needs no pivoting.
void WarValue::solve_lattice(int nodes, std::vector<double>& out) {
  const int g = nodes;
  const double h = 1.0 / (g - 1);
  const int b =
      std::min(g - 1, static_cast<int>(std::ceil((std::abs(drift_) + 9.0 * volatility_) / h)) + 1);
  cdf_.resize(static_cast<std::size_t>(2 * b + 2));  // c(k) for k = −b−1 .. b
  for (int k = -b - 1; k <= b; ++k) {
    cdf_[static_cast<std::size_t>(k + b + 1)] = normal_cdf(((k + 0.5) * h - drift_) / volatility_);
  }
  auto c = [&](int k) {
    if (k < -b - 1) return 0.0;
    if (k > b) return 1.0;
    return cdf_[static_cast<std::size_t>(k + b + 1)];
  };
  const int width = 2 * b + 1;
  band_.assign(static_cast<std::size_t>(g * width), 0.0);
  auto at = [&](int i, int j) -> double& {
    return band_[static_cast<std::size_t>(i * width + (j - i + b))];
  };
  rhs_.resize(static_cast<std::size_t>(g));
  for (int i = 0; i < g; ++i) {
    for (int j = std::max(0, i - b); j <= std::min(g - 1, i + b); ++j) {
      double p;
      if (j == 0) {
        p = c(-i);
      } else if (j == g - 1) {
        p = 1.0 - c(g - 2 - i);
      } else {
        p = c(j - i) - c(j - i - 1);
      }
      at(i, j) = (i == j ? 1.0 : 0.0) - discount_ * p;
    }
    rhs_[static_cast<std::size_t>(i)] = (1.0 - discount_) * value(i * h);
  }
  for (int k = 0; k < g; ++k) {
    const double pivot = at(k, k);
    for (int i = k + 1; i <= std::min(g - 1, k + b); ++i) {
      const double f = at(i, k) / pivot;
      if (f == 0.0) continue;
      for (int j = k; j <= std::min(g - 1, k + b); ++j) at(i, j) -= f * at(k, j);
      rhs_[static_cast<std::size_t>(i)] -= f * rhs_[static_cast<std::size_t>(k)];
    }
  }
  out.assign(static_cast<std::size_t>(g), 0.0);
  for (int i = g - 1; i >= 0; --i) {
    double sum = rhs_[static_cast<std::size_t>(i)];
    for (int j = i + 1; j <= std::min(g - 1, i + b); ++j)
      sum -= at(i, j) * out[static_cast<std::size_t>(j)];
    out[static_cast<std::size_t>(i)] = sum / at(i, i);
  }
}

double WarValue::operator()(double s) const {
  if (volatility_ <= 0.0 || discount_ <= 0.0 || discount_ >= 1.0) return deterministic(s);
  // H = (1 − δ) v + δ K, K by Catmull–Rom between table entries, the ends extended linearly.
  const int g = static_cast<int>(table_.size());
  const double x = std::clamp(s, 0.0, 1.0);
  const double where = x * (g - 1);
  const int i = std::min(static_cast<int>(where), g - 2);
  const double t = where - i;
  auto entry = [&](int j) {
    if (j < 0) return 2.0 * table_[0] - table_[1];
    if (j >= g)
      return 2.0 * table_[static_cast<std::size_t>(g - 1)] -
             table_[static_cast<std::size_t>(g - 2)];
    return table_[static_cast<std::size_t>(j)];
  };
  const double p0 = entry(i - 1), p1 = entry(i), p2 = entry(i + 1), p3 = entry(i + 2);
  const double smooth =
      p1 +
      0.5 * t *
          (p2 - p0 + t * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3 + t * (3.0 * (p1 - p2) + p3 - p0)));
  return (1.0 - discount_) * value(x) + discount_ * smooth;
}

}  // namespace parley::protocol

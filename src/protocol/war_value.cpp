#include "parley/protocol/war_value.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace parley::protocol {

namespace {

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

// I − δP on a lattice of `nodes` nodes, factorised once (banded Gaussian elimination; the
// matrix is strictly diagonally dominant for δ < 1, so no pivoting is needed), then solved for
// any number of right-hand sides. P_ij = c(j − i) − c(j − i − 1) inside, P_i0 = c(−i),
// P_i,G−1 = 1 − c(G − 2 − i), with c(k) = Φ(((k + ½) h − μ)/σ), the chance that a step from
// node i ends below the upper edge of node i + k; c is 0 or 1 to double precision beyond
// |k| > b = (|μ| + 9σ)/h + 1.
class Lattice {
 public:
  Lattice(int nodes, double drift, double volatility, double discount)
      : g_(nodes), h_(1.0 / (nodes - 1)), drift_(drift), volatility_(volatility) {
    b_ = std::min(g_ - 1,
                  static_cast<int>(std::ceil((std::abs(drift) + 9.0 * volatility) / h_)) + 1);
    width_ = 2 * b_ + 1;
    band_.assign(static_cast<std::size_t>(g_ * width_), 0.0);
    for (int i = 0; i < g_; ++i) {
      for (int j = std::max(0, i - b_); j <= std::min(g_ - 1, i + b_); ++j) {
        double p;
        if (j == 0) {
          p = c(-i);
        } else if (j == g_ - 1) {
          p = 1.0 - c(g_ - 2 - i);
        } else {
          p = c(j - i) - c(j - i - 1);
        }
        at(i, j) = (i == j ? 1.0 : 0.0) - discount * p;
      }
    }
    for (int k = 0; k < g_; ++k) {  // L below the diagonal (multipliers), U on and above
      for (int i = k + 1; i <= std::min(g_ - 1, k + b_); ++i) {
        const double f = at(i, k) / at(k, k);
        at(i, k) = f;
        if (f == 0.0) continue;
        for (int j = k + 1; j <= std::min(g_ - 1, k + b_); ++j) at(i, j) -= f * at(k, j);
      }
    }
  }
  int nodes() const noexcept { return g_; }
  double node(int j) const noexcept { return j * h_; }
  // Solves (I − δP) f = rhs in place.
  void solve(std::vector<double>& f) const {
    for (int k = 0; k < g_; ++k) {
      for (int i = k + 1; i <= std::min(g_ - 1, k + b_); ++i)
        f[static_cast<std::size_t>(i)] -= at(i, k) * f[static_cast<std::size_t>(k)];
    }
    for (int i = g_ - 1; i >= 0; --i) {
      double sum = f[static_cast<std::size_t>(i)];
      for (int j = i + 1; j <= std::min(g_ - 1, i + b_); ++j)
        sum -= at(i, j) * f[static_cast<std::size_t>(j)];
      f[static_cast<std::size_t>(i)] = sum / at(i, i);
    }
  }
  // The chances that one step from s lands on each node: nodes [first, first + size).
  int step_from(double s, std::vector<double>& chance) const {
    const double reach = std::abs(drift_) + 9.0 * volatility_;
    const int first = std::max(0, static_cast<int>(std::floor((s - reach) / h_)));
    const int last = std::min(g_ - 1, static_cast<int>(std::ceil((s + reach) / h_)));
    chance.assign(static_cast<std::size_t>(last - first + 1), 0.0);
    double below = first == 0 ? 0.0 : normal_cdf(((first - 0.5) * h_ - s - drift_) / volatility_);
    for (int j = first; j <= last; ++j) {
      const double upper =
          j == g_ - 1 ? 1.0 : normal_cdf(((j + 0.5) * h_ - s - drift_) / volatility_);
      chance[static_cast<std::size_t>(j - first)] = upper - below;
      below = upper;
    }
    return first;
  }

 private:
  double c(int k) const {
    if (k < -b_ - 1) return 0.0;
    if (k > b_) return 1.0;
    return normal_cdf(((k + 0.5) * h_ - drift_) / volatility_);
  }
  double& at(int i, int j) { return band_[static_cast<std::size_t>(i * width_ + (j - i + b_))]; }
  double at(int i, int j) const {
    return band_[static_cast<std::size_t>(i * width_ + (j - i + b_))];
  }
  int g_;
  double h_, drift_, volatility_;
  int b_ = 0, width_ = 0;
  std::vector<double> band_;
};

// Catmull–Rom through equally spaced values y[0..n−1] at position `where` (in spacings), the
// ends extended linearly.
template <typename Get>
double catmull_rom(const Get& y, int n, double where) {
  const int i = std::clamp(static_cast<int>(where), 0, n - 2);
  const double t = where - i;
  auto at = [&](int j) {
    if (j < 0) return 2.0 * y(0) - y(1);
    if (j >= n) return 2.0 * y(n - 1) - y(n - 2);
    return y(j);
  };
  const double p0 = at(i - 1), p1 = at(i), p2 = at(i + 1), p3 = at(i + 2);
  return p1 + 0.5 * t *
                  (p2 - p0 +
                   t * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3 + t * (3.0 * (p1 - p2) + p3 - p0)));
}

}  // namespace

void WarValue::prepare(const model::Preferences& prefs, model::Index agent, model::Index issue,
                       double drift, double volatility, double discount) {
  shape_ = static_cast<model::Shape>(prefs.shape(agent, issue));
  ideal_ = prefs.ideal(agent, issue);
  if (shape_ == model::Shape::piecewise) {
    const auto& pw = prefs.piecewise[static_cast<std::size_t>(prefs.piecewise_index(agent, issue))];
    piecewise_.x.assign(pw.x.begin(), pw.x.end());  // no allocation once sized
    piecewise_.v.assign(pw.v.begin(), pw.v.end());
  }
  if (built_ && drift == drift_ && volatility == volatility_ && discount == discount_) return;
  drift_ = drift;
  volatility_ = volatility;
  discount_ = discount;
  built_ = true;
  if (lattice()) build_tables();
}

bool WarValue::lattice() const noexcept {
  return volatility_ > 0.0 && discount_ > 0.0 && discount_ < 1.0;
}

void WarValue::build_tables() {
  const Lattice coarse(kCoarseNodes, drift_, volatility_, discount_);
  const Lattice fine(kFineNodes, drift_, volatility_, discount_);
  points_ = std::clamp(static_cast<int>(std::ceil(6.0 / volatility_)) + 1, kFineNodes, kMaxTable);
  const int n = points_;
  auto grid = [n](int q) { return static_cast<double>(q) / (n - 1); };
  // f on a lattice for g = x, x² and (a − x)⁺ at every table point a.
  auto solve_all = [&](const Lattice& l, std::vector<std::vector<double>>& out) {
    out.assign(static_cast<std::size_t>(2 + n),
               std::vector<double>(static_cast<std::size_t>(l.nodes())));
    for (int j = 0; j < l.nodes(); ++j) {
      const double x = l.node(j);
      out[0][static_cast<std::size_t>(j)] = (1.0 - discount_) * x;
      out[1][static_cast<std::size_t>(j)] = (1.0 - discount_) * x * x;
      for (int p = 0; p < n; ++p)
        out[static_cast<std::size_t>(2 + p)][static_cast<std::size_t>(j)] =
            (1.0 - discount_) * std::max(grid(p) - x, 0.0);
    }
    for (auto& f : out) l.solve(f);
  };
  std::vector<std::vector<double>> on_coarse, on_fine;
  solve_all(coarse, on_coarse);
  solve_all(fine, on_fine);
  // K(s) = E[f(s_1) | s_0 = s] at each table point s, on each lattice, then (4K_fine − K_coarse)/3.
  k_mean_.assign(static_cast<std::size_t>(n), 0.0);
  k_square_.assign(static_cast<std::size_t>(n), 0.0);
  k_shortfall_.assign(static_cast<std::size_t>(n * n), 0.0);
  std::vector<double> chance;
  for (const auto& [l, on, weight] :
       {std::tuple<const Lattice*, const std::vector<std::vector<double>>*, double>{&fine, &on_fine,
                                                                                    4.0 / 3.0},
        std::tuple<const Lattice*, const std::vector<std::vector<double>>*, double>{
            &coarse, &on_coarse, -1.0 / 3.0}}) {
    for (int q = 0; q < n; ++q) {
      const int first = l->step_from(grid(q), chance);
      auto expect = [&](const std::vector<double>& f) {
        double total = 0.0;
        for (std::size_t j = 0; j < chance.size(); ++j)
          total += chance[j] * f[static_cast<std::size_t>(first) + j];
        return total;
      };
      k_mean_[static_cast<std::size_t>(q)] += weight * expect((*on)[0]);
      k_square_[static_cast<std::size_t>(q)] += weight * expect((*on)[1]);
      for (int p = 0; p < n; ++p)
        k_shortfall_[static_cast<std::size_t>(p * n + q)] +=
            weight * expect((*on)[static_cast<std::size_t>(2 + p)]);
    }
  }
}

double WarValue::mean(double s) const {
  const int n = points_;
  return (1.0 - discount_) * s +
         discount_ * catmull_rom([&](int q) { return k_mean_[static_cast<std::size_t>(q)]; }, n,
                                 s * (n - 1));
}

double WarValue::square(double s) const {
  const int n = points_;
  return (1.0 - discount_) * s * s +
         discount_ * catmull_rom([&](int q) { return k_square_[static_cast<std::size_t>(q)]; }, n,
                                 s * (n - 1));
}

double WarValue::shortfall(double s, double a) const {
  if (a <= 0.0) return 0.0;          // s_n >= 0 >= a
  if (a >= 1.0) return a - mean(s);  // s_n <= 1 <= a: (a − s_n)⁺ = a − s_n
  const int n = points_;
  const double where_s = s * (n - 1);
  // Bicubic: Catmull–Rom in s along each a-row, then in a.
  const double smooth = catmull_rom(
      [&](int p) {
        return catmull_rom([&](int q) { return k_shortfall_[static_cast<std::size_t>(p * n + q)]; },
                           n, where_s);
      },
      n, a * (n - 1));
  return (1.0 - discount_) * std::max(a - s, 0.0) + discount_ * smooth;
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
  double total = 0.0, weight = 1.0 - discount_;
  for (int n = 0; weight > 1e-17; ++n) {
    const double position = std::clamp(s + n * drift_, 0.0, 1.0);
    if ((position == 0.0 && drift_ < 0.0) || (position == 1.0 && drift_ > 0.0)) {
      return total + weight / (1.0 - discount_) * value(position);
    }
    total += weight * value(position);
    weight *= discount_;
  }
  return total;
}

double WarValue::operator()(double s) const {
  s = std::clamp(s, 0.0, 1.0);
  if (!lattice()) return deterministic(s);
  switch (shape_) {
    case model::Shape::linear:
      return 1.0 - mean(s) + ideal_ - 2.0 * shortfall(s, ideal_);
    case model::Shape::quadratic:
      return 1.0 - square(s) + 2.0 * ideal_ * mean(s) - ideal_ * ideal_;
    case model::Shape::piecewise: {
      const auto& x = piecewise_.x;
      const auto& v = piecewise_.v;
      double h = v.back();
      for (std::size_t j = 0; j + 1 < x.size(); ++j) {
        const double slope = (v[j + 1] - v[j]) / (x[j + 1] - x[j]);
        h -= slope * (shortfall(s, x[j + 1]) - shortfall(s, x[j]));
      }
      return h;
    }
  }
  return 0.0;
}

}  // namespace parley::protocol

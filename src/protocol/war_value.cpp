#include "parley/protocol/war_value.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

namespace parley::protocol {

void WarValue::pieces(const model::Preferences& prefs, model::Index agent, model::Index issue) {
  pieces_.clear();
  const auto shape = static_cast<model::Shape>(prefs.shape(agent, issue));
  if (shape == model::Shape::quadratic) {  // 1 − (x − a)² = (1 − a²) + 2a x − x²
    const double a = prefs.ideal(agent, issue);
    pieces_.push_back(Piece{0.0, 1.0, 1.0 - a * a, 2.0 * a, -1.0, 0.0, 0.0, 0.0, 0.0});
    return;
  }
  // Linear between kinks: the ideal, or the piecewise-linear points, inside (0, 1).
  auto cut = [&](double lo, double hi) {
    if (hi <= lo) return;
    const double v_lo = prefs.value(agent, issue, lo), v_hi = prefs.value(agent, issue, hi);
    const double slope = (v_hi - v_lo) / (hi - lo);
    pieces_.push_back(Piece{lo, hi, v_lo - slope * lo, slope, 0.0, 0.0, 0.0, 0.0, 0.0});
  };
  double lo = 0.0;
  auto kink = [&](double x) {
    if (x > lo && x < 1.0) {
      cut(lo, x);
      lo = x;
    }
  };
  if (shape == model::Shape::linear) {
    kink(prefs.ideal(agent, issue));
  } else {
    for (const double x :
         prefs.piecewise[static_cast<std::size_t>(prefs.piecewise_index(agent, issue))].x)
      kink(x);
  }
  cut(lo, 1.0);
}

void WarValue::prepare(const model::Preferences& prefs, model::Index agent, model::Index issue,
                       double drift, double volatility, double discount) {
  pieces(prefs, agent, issue);
  still_ = !(discount > 0.0 && discount < 1.0) || (drift == 0.0 && volatility == 0.0);
  if (still_) return;
  const double rate = -std::log(discount);
  // The particular polynomial of each piece: H_p = γx² + b1 x + b0 with
  // b1 = β + 2γμ/ρ and b0 = α + (σ²γ + μ b1)/ρ (substituted into the equation above).
  for (Piece& p : pieces_) {
    p.b1 = p.beta + 2.0 * p.gamma * drift / rate;
    p.b0 = p.alpha + (volatility * volatility * p.gamma + drift * p.b1) / rate;
    p.a = p.b = 0.0;
  }
  if (volatility > 0.0) {
    solve_diffusion(drift, volatility, rate);
  } else {
    solve_path(drift, rate);
  }
}

// (σ²/2) λ² + μ λ − ρ = 0, by the form that loses no digits for any σ: q = −(μ + sgn μ · D)/2,
// D = √(μ² + 2σ²ρ), roots q/(σ²/2) and −ρ/q. The join conditions, per interior kink c between
// pieces k and k + 1: H and H' continuous; at 0 and 1: H' = 0 (reflection). Unknowns
// (A_0, B_0, A_1, B_1, …); each derivative row is divided by max(λ₊, |λ₋|) so that the rows are
// alike in size, and the system is solved by Gaussian elimination with partial pivoting.
void WarValue::solve_diffusion(double drift, double volatility, double rate) {
  const double half = 0.5 * volatility * volatility;
  const double root = std::sqrt(drift * drift + 4.0 * half * rate);
  const double q = -0.5 * (drift + (drift >= 0.0 ? root : -root));
  const double r1 = q / half, r2 = -rate / q;
  up_ = std::max(r1, r2);
  down_ = std::min(r1, r2);
  const double scale = 1.0 / std::max(up_, -down_);
  const auto n = static_cast<int>(2 * pieces_.size());
  const int width = n + 1;
  system_.assign(static_cast<std::size_t>(n * width), 0.0);
  auto at = [&](int row, int col) -> double& {
    return system_[static_cast<std::size_t>(row * width + col)];
  };
  // e^{λ₊ (x − hi)} and e^{λ₋ (x − lo)} of piece k at x, and their derivatives.
  auto up_at = [&](std::size_t k, double x) { return std::exp(up_ * (x - pieces_[k].hi)); };
  auto down_at = [&](std::size_t k, double x) { return std::exp(down_ * (x - pieces_[k].lo)); };
  auto poly = [&](std::size_t k, double x) {
    const Piece& p = pieces_[k];
    return (p.gamma * x + p.b1) * x + p.b0;
  };
  auto poly_slope = [&](std::size_t k, double x) {
    const Piece& p = pieces_[k];
    return 2.0 * p.gamma * x + p.b1;
  };
  const std::size_t last = pieces_.size() - 1;
  int row = 0;
  // H'(0) = 0.
  at(row, 0) = scale * up_ * up_at(0, 0.0);
  at(row, 1) = scale * down_ * down_at(0, 0.0);
  at(row, n) = -scale * poly_slope(0, 0.0);
  ++row;
  for (std::size_t k = 0; k < last; ++k) {
    const double c = pieces_[k].hi;
    const int col = static_cast<int>(2 * k);
    // H continuous at c.
    at(row, col) = up_at(k, c);
    at(row, col + 1) = down_at(k, c);
    at(row, col + 2) = -up_at(k + 1, c);
    at(row, col + 3) = -down_at(k + 1, c);
    at(row, n) = poly(k + 1, c) - poly(k, c);
    ++row;
    // H' continuous at c.
    at(row, col) = scale * up_ * up_at(k, c);
    at(row, col + 1) = scale * down_ * down_at(k, c);
    at(row, col + 2) = -scale * up_ * up_at(k + 1, c);
    at(row, col + 3) = -scale * down_ * down_at(k + 1, c);
    at(row, n) = scale * (poly_slope(k + 1, c) - poly_slope(k, c));
    ++row;
  }
  // H'(1) = 0.
  at(row, n - 2) = scale * up_ * up_at(last, 1.0);
  at(row, n - 1) = scale * down_ * down_at(last, 1.0);
  at(row, n) = -scale * poly_slope(last, 1.0);
  for (int k = 0; k < n; ++k) {
    int pivot = k;
    for (int i = k + 1; i < n; ++i)
      if (std::abs(at(i, k)) > std::abs(at(pivot, k))) pivot = i;
    if (pivot != k)
      for (int j = k; j <= n; ++j) std::swap(at(k, j), at(pivot, j));
    for (int i = k + 1; i < n; ++i) {
      const double f = at(i, k) / at(k, k);
      if (f == 0.0) continue;
      for (int j = k; j <= n; ++j) at(i, j) -= f * at(k, j);
    }
  }
  for (int i = n - 1; i >= 0; --i) {
    double sum = at(i, n);
    for (int j = i + 1; j < n; ++j) sum -= at(i, j) * at(j, n);
    at(i, n) = sum / at(i, i);
  }
  for (std::size_t k = 0; k <= last; ++k) {
    pieces_[k].a = at(static_cast<int>(2 * k), n);
    pieces_[k].b = at(static_cast<int>(2 * k + 1), n);
  }
}

// σ = 0, μ ≠ 0: the path moves at μ until it reaches the bound ahead, where it stays, so H equals v
// there; on each piece H = H_p + C e^{(ρ/μ)(x − end)}, `end` the piece's end toward that bound,
// and H is continuous at the kinks (solved piece by piece from that bound back). The
// coefficient is kept in A for μ > 0 (up_ = ρ/μ, x − hi) and in B for μ < 0 (down_ = ρ/μ, x − lo).
void WarValue::solve_path(double drift, double rate) {
  const double lambda = rate / drift;
  auto poly = [&](const Piece& p, double x) { return (p.gamma * x + p.b1) * x + p.b0; };
  auto v = [](const Piece& p, double x) { return (p.gamma * x + p.beta) * x + p.alpha; };
  if (drift > 0.0) {
    up_ = lambda;
    down_ = 0.0;
    double target = v(pieces_.back(), 1.0);  // H at the piece's upper end
    for (auto k = pieces_.size(); k-- > 0;) {
      Piece& p = pieces_[k];
      p.a = target - poly(p, p.hi);
      target = poly(p, p.lo) + p.a * std::exp(lambda * (p.lo - p.hi));
    }
  } else {
    up_ = 0.0;
    down_ = lambda;
    double target = v(pieces_.front(), 0.0);
    for (Piece& p : pieces_) {
      p.b = target - poly(p, p.lo);
      target = poly(p, p.hi) + p.b * std::exp(lambda * (p.hi - p.lo));
    }
  }
}

double WarValue::operator()(double s) const {
  s = std::clamp(s, 0.0, 1.0);
  std::size_t k = 0;
  while (k + 1 < pieces_.size() && s > pieces_[k].hi) ++k;
  const Piece& p = pieces_[k];
  if (still_) return (p.gamma * s + p.beta) * s + p.alpha;
  double h = (p.gamma * s + p.b1) * s + p.b0;
  if (p.a != 0.0) h += p.a * std::exp(up_ * (s - p.hi));
  if (p.b != 0.0) h += p.b * std::exp(down_ * (s - p.lo));
  return h;
}

}  // namespace parley::protocol

#pragma once
// The value of fighting on, for one agent, as a function of the front line s (unit scale of
// the battlefield issue): the discounted expected value of its value function on that issue
// over the front-line process it believes in (docs/model.md, "The outside option and the
// war"):
//
//   H(s) = (1 − δ) Σ_{n≥0} δ^n E[v(s_n) | s_0 = s],   s_{n+1} = clamp(s_n + μ + σ ε_n, 0, 1).
//
// Every shape is a combination of three expectations that depend on (μ, σ, δ) only:
//   M1(s) = (1 − δ) Σ δ^n E[s_n],  M2(s) = (1 − δ) Σ δ^n E[s_n²],
//   Q(s, a) = (1 − δ) Σ δ^n E[(a − s_n)⁺]:
// linear v = 1 − |x − a| gives H = 1 − M1 + a − 2Q(·, a); quadratic 1 − (x − a)² gives
// H = 1 − M2 + 2a M1 − a²; a piecewise-linear v through (x_j, v_j), constant beyond its ends,
// is v_K − Σ_j s_j [(x_{j+1} − x)⁺ − (x_j − x)⁺] with s_j its slopes, so
// H = v_K − Σ_j s_j [Q(·, x_{j+1}) − Q(·, x_j)]. Sampled ideals and shapes cost nothing more.
//
// The three are computed once per (μ, σ, δ) (and kept while those stay the same): on lattices
// of 101 and 201 nodes j/(G − 1), where the front line's Gaussian step puts its mass on each
// node's cell (the tails on the bound nodes), each solves f = (1 − δ) g + δ P f (one banded
// factorisation, one right-hand side per function); the lattice's error is O(h²), so the two
// are combined by Richardson extrapolation. Off the nodes f = (1 − δ) g + δ K with
// K(s) = E[f(s_1) | s_0 = s], which is smooth where g has a kink; K is tabulated by one exact
// step from s onto each lattice, at a spacing of at most σ/4 in s and in a, and interpolated by
// Catmull–Rom splines (bicubic for Q).
//
// An agent that does not discount (δ = 1) has no horizon to average over: it values the war
// at the front where it stands, H = v, as does one with δ = 0. With σ = 0 the path is
// deterministic and the sum is taken term by term (exact).
#include <vector>

#include "parley/model/preferences.hpp"

namespace parley::protocol {

class WarValue {
 public:
  // Makes H the value of v = prefs.value(agent, issue, ·) under (drift μ, volatility σ,
  // discount δ), all per round on the unit scale.
  void prepare(const model::Preferences& prefs, model::Index agent, model::Index issue,
               double drift, double volatility, double discount);
  // H(s), s in [0, 1].
  double operator()(double s) const;

  static constexpr int kCoarseNodes = 101;
  static constexpr int kFineNodes = 2 * kCoarseNodes - 1;
  static constexpr int kMaxTable = 801;  // table points per dimension at most

 private:
  double value(double x) const;  // v(x)
  double deterministic(double s) const;
  bool lattice() const noexcept;  // whether the tables are used
  void build_tables();
  double mean(double s) const;                 // M1
  double square(double s) const;               // M2
  double shortfall(double s, double a) const;  // Q

  // The value function.
  model::Shape shape_ = model::Shape::linear;
  double ideal_ = 0.0;
  model::PiecewiseLinear piecewise_;
  // The process the tables are for.
  double drift_ = 0.0, volatility_ = 0.0, discount_ = 0.0;
  bool built_ = false;
  int points_ = 0;  // table points per dimension, at s = q/(points − 1) (and a likewise)
  std::vector<double> k_mean_, k_square_;  // K of M1 and M2 [s]
  std::vector<double> k_shortfall_;        // K of Q [a * points + s]
};

}  // namespace parley::protocol

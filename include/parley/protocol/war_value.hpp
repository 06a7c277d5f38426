#pragma once
// The value of fighting on, for one agent, as a function of the front line s (unit scale of
// the battlefield issue): the discounted expected value of its value function on that issue
// over the front-line process it believes in (docs/model.md, "The outside option and the
// war"):
//
//   H(s) = (1 − δ) Σ_{n≥0} δ^n E[v(s_n) | s_0 = s],   s_{n+1} = clamp(s_n + μ + σ ε_n, 0, 1).
//
// An agent that does not discount (δ = 1) has no horizon to average over: it values the war
// at the front where it stands, H = v, as does one with δ = 0. With σ = 0 the path is
// deterministic and the sum is taken term by term (exact). With σ > 0,
// H is the solution of H = (1 − δ) v + δ P H for the front line on a lattice of nodes j/(G−1),
// P its transition matrix (Gaussian steps, the mass beyond a bound on the bound), solved on
// G = 101 and G = 201 nodes; the two are combined by Richardson extrapolation (the lattice's
// error is O(h²)). Anywhere, H = (1 − δ) v + δ K with K = E[H(s_1) | s_0 = s], which is
// smooth; K is tabulated (one exact step onto each lattice, extrapolated the same way) at a
// spacing of at most σ/4 and interpolated by cubic Hermite (Catmull–Rom) splines.
#include <vector>

#include "parley/model/preferences.hpp"

namespace parley::protocol {

class WarValue {
 public:
  // Makes H the value of v = prefs.value(agent, issue, ·) under (drift μ, volatility σ,
  // discount δ), all per round on the unit scale. Nothing is recomputed when v, μ, σ and δ
  // are those of the previous call (a thread's runs usually share them).
  void prepare(const model::Preferences& prefs, model::Index agent, model::Index issue,
               double drift, double volatility, double discount);
  // H(s), s in [0, 1].
  double operator()(double s) const;

  // Lattice nodes of the coarse and the fine solution.
  static constexpr int kCoarseNodes = 101;
  static constexpr int kFineNodes = 2 * kCoarseNodes - 1;
  static constexpr int kMaxTable = 4001;  // entries of K at most (σ below 0.001 is coarser)

 private:
  double value(double x) const;  // v(x)
  double deterministic(double s) const;

  // What H was computed for.
  model::Shape shape_ = model::Shape::linear;
  double ideal_ = 0.0;
  model::PiecewiseLinear piecewise_;
  double drift_ = 0.0, volatility_ = 0.0, discount_ = 0.0;
  bool ready_ = false;
  std::vector<double> table_;  // K at equally spaced points of [0, 1] (σ > 0)
  std::vector<double> band_, rhs_, solution_, cdf_;  // scratch of the lattice solve

  void solve_lattice(int nodes, std::vector<double>& out);
  double one_step(double s, int nodes, const std::vector<double>& h_nodes) const;
};

}  // namespace parley::protocol

#pragma once
// The value of fighting on, for one agent, as a function of the front line s (unit scale of
// the battlefield issue): the discounted expected value of its value function on that issue
// over the front-line process it believes in (docs/model.md, "The outside option and the
// war"). The agent values the war as the diffusion that the monthly front samples: a Brownian
// motion with drift μ and volatility σ per round, held in [0, 1] by reflection, discounted at
// the rate ρ = −ln δ per round (Harrison 1985, "Brownian Motion and Stochastic Flow Systems",
// ch. 5 on the discounted value of a reflected Brownian motion):
//
//   H(s) = E_s[ ∫_0^∞ ρ e^{−ρt} v(X_t) dt ],
//
// the solution of (σ²/2) H'' + μ H' − ρ H = −ρ v on (0, 1) with H'(0) = H'(1) = 0. v is a
// polynomial of degree at most 2 between its kinks (linear, quadratic and piecewise-linear
// shapes), so on each piece H is a particular polynomial plus A e^{λ₊ x} + B e^{λ₋ x}, λ± the
// roots of (σ²/2) λ² + μ λ − ρ = 0, and the pieces join with H and H' continuous: a linear
// system of two unknowns per piece, solved exactly whenever the belief changes (a few
// microseconds), so that any drift costs the same. With σ = 0 the path s + μt stops at the
// bound it reaches: μ H' − ρ H = −ρ v with H = v at that bound.
//
// An agent that does not discount (δ = 1) has no horizon to average over: it values the war
// at the front where it stands, H = v, as does one with δ = 0.
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

 private:
  // One piece [lo, hi] of [0, 1] on which v = α + βx + γx², and H = γx² + b1 x + b0
  // + A e^{λ₊ (x − hi)} + B e^{λ₋ (x − lo)} (each exponential at most 1 on the piece).
  struct Piece {
    double lo, hi, alpha, beta, gamma, b1, b0, a, b;
  };
  void pieces(const model::Preferences& prefs, model::Index agent, model::Index issue);
  void solve_diffusion(double drift, double volatility, double rate);
  void solve_path(double drift, double rate);

  bool still_ = true;             // H = v: no discounting to average over, or nothing moves
  double up_ = 0.0, down_ = 0.0;  // λ₊, λ₋ (σ = 0: the one root ρ/μ in whichever applies)
  std::vector<Piece> pieces_;
  std::vector<double> system_;  // the joining conditions, row-major, unknowns then right side
};

}  // namespace parley::protocol

#pragma once
// Additive preferences of all agents over all issues, on the issues' unit scales.
//
// docs/model.md, "Preferences": u_i(x) = Σ_k w_ik · v_ik(x_k), v_ik in [0, 1], v_ik(a_ik) = 1, with
// Σ_k w_ik = 1; red lines are per-issue acceptable intervals. Everything is held
// as agents × issues arrays so that one call evaluates every agent at once.
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "parley/model/value_function.hpp"

namespace parley::model {

using Eigen::Index;
using Matrix = Eigen::ArrayXXd;
using Vector = Eigen::ArrayXd;
using ShapeMatrix = Eigen::Array<std::int8_t, Eigen::Dynamic, Eigen::Dynamic>;

struct Preferences {
  Matrix ideal;   // a_ik
  Matrix weight;  // w_ik, rows sum to 1
  Matrix red_lo;  // acceptable interval [red_lo, red_hi]; [0, 1] where no red line
  Matrix red_hi;
  ShapeMatrix shape;
  // Piecewise-linear value functions (unit scale); piecewise_index(i, k) indexes
  // `piecewise` where shape(i, k) is piecewise, and is -1 elsewhere.
  std::vector<PiecewiseLinear> piecewise;
  Eigen::ArrayXXi piecewise_index;
  // Aggregation "mean" (every issue a clause, in at 1): u_i is the mean of v_ik(1) over the
  // clauses in the text (0 for an empty text), the satisfaction of the CSIS simulator;
  // otherwise the weighted sum.
  bool mean = false;

  void resize(Index agents, Index issues);
  Index agents() const noexcept { return ideal.rows(); }
  Index issues() const noexcept { return ideal.cols(); }

  double value(Index agent, Index issue, double x) const noexcept;
  // The points of a piecewise shape; null for the other shapes.
  const PiecewiseLinear* points(Index agent, Index issue) const noexcept;
  double slope(Index agent, Index issue, double x) const noexcept;
};

// v_ik(x_k) for every agent and issue, into `out` (agents × issues).
void values(const Preferences& p, const Vector& x, Matrix& out);
// u_i(x) for every agent (see Preferences::mean), into `u`; `work` is scratch (agents × issues).
void utilities(const Preferences& p, const Vector& x, Matrix& work, Vector& u);
double utility(const Preferences& p, Index agent, const Vector& x);
// Σ_k distance by which x_k lies outside agent i's red-line interval; 0 when none is crossed.
double red_line_excess(const Preferences& p, Index agent, const Vector& x);
// On one issue k at position xk: how far outside the agent's red line, max(lo − xk, xk − hi, 0),
// and the utility the agent loses there against its ideal, w_k (1 − v_k(xk)).
double issue_red_line_excess(const Preferences& p, Index agent, Index k, double xk);
double issue_loss(const Preferences& p, Index agent, Index k, double xk);
// What an agent demands of a text: its BATNA, or its aspiration where that is set (not NaN)
// and higher (docs/model.md, "Concession").
inline double demand(double batna, double aspiration) {
  return aspiration > batna ? aspiration : batna;  // false for a NaN aspiration
}
// max u_i over the box [lo, hi] (issues are separable, so per issue).
double best_utility_in_box(const Preferences& p, Index agent, const Vector& lo, const Vector& hi);
// docs/model.md, "Obstacle attribution": for agent i and text x, the issue whose red line is
// crossed furthest, or else the issue with the largest loss w_ik (1 - v_ik(x_k)).
Index principal_obstacle(const Preferences& p, Index agent, const Vector& x);

}  // namespace parley::model

#pragma once
// The axiomatic solutions of solver.hpp on a pie (`[scenario] space = "pie"`; docs/model.md,
// "Axiomatic solutions and the zone of agreement"): the issues are shares summing to at most 1,
// each party owns one share and values it linearly, u_i(x) = x_own(i). With the players' red lines
// each share lies in [lo_i, hi_i]; the shares nobody among the players owns stay at their lower
// bounds. Every problem is then a water-filling with a closed form, solved exactly by walking its
// breakpoints:
//   maximin   max t s.t. x_i >= c_i + s_i t, lo <= x <= hi, Σ x <= 1:
//             x_i = max(lo_i, c_i + s_i t) with the largest t that fits the budget and the caps;
//   Nash      argmax Σ α_i log(x_i - d_i): x_i = clamp(d_i + α_i τ, lo_i, hi_i), Σ x_i = 1
//             (KKT; without red lines x_i = d_i + α_i (1 - Σ d) / Σ α);
//   best_for  the others get max(c_j, lo_j), the leader the rest (up to its cap);
//   KS        a_i = the leader's best with the others at d, then the maximin with scales
//             a_i - d_i (without red lines x_i = d_i + (1 - Σ d) / n).
#include <optional>
#include <vector>

#include "parley/protocol/realization.hpp"
#include "parley/protocol/solve/solver.hpp"

namespace parley::protocol {

class PieSolver {
 public:
  // `players` must be parties (each owns a share); `box` their red lines.
  PieSolver(const Setting& setting, const model::Preferences& p, const TextBox& box);

  Solver::Maximin maximin(const std::vector<Index>& players, const Vector& c,
                          const Vector& s) const;
  std::optional<Vector> nash(const std::vector<Index>& players, const Vector& d,
                             const Vector& alpha) const;
  std::optional<Vector> best_for(Index leader, const std::vector<Index>& players,
                                 const Vector& c) const;
  std::optional<Solver::KalaiSmorodinsky> kalai_smorodinsky(const std::vector<Index>& players,
                                                            const Vector& d) const;

  // Whether every one of `players` owns a share (else these closed forms do not apply).
  bool applies(const std::vector<Index>& players) const;

 private:
  // The budget left to the players' shares: 1 less the lower bounds of the other issues.
  double budget(const std::vector<Index>& players) const;
  Index share(Index player) const { return setting_.own_share[static_cast<std::size_t>(player)]; }
  // The red-line bounds [lo_j, hi_j] of each player's own share.
  void bounds(const std::vector<Index>& players, Vector& lo, Vector& hi) const;
  // The text with the players' shares `x` and every other issue at its lower bound.
  Vector text(const std::vector<Index>& players, const Vector& x) const;

  const Setting& setting_;
  const model::Preferences& p_;
  const TextBox& box_;
};

}  // namespace parley::protocol

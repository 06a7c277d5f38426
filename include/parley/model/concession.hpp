#pragma once
// Negotiation decision functions (Faratin, Sierra & Jennings 1998, "Negotiation decision
// functions for autonomous agents", Robotics and Autonomous Systems 24, §4): how far an agent
// has gone from its initial position toward its limit, α ∈ [0, 1], with the position
// x = initial + α (limit − initial). Each tactic family gives α; an agent's concession is a
// weighted mix of them.
#include <cstddef>
#include <vector>

namespace parley::model {

// Time-dependent tactics, t the round and T the deadline (α(0) = κ, α(T) = 1):
//   polynomial   α(t) = κ + (1 − κ) (min(t, T)/T)^{1/β}
//   exponential  α(t) = exp((1 − min(t, T)/T)^β ln κ)          (κ > 0)
// β < 1: Boulware (holds out, concedes near the deadline); β = 1: linear (polynomial);
// β > 1: Conceder (concedes early).
double polynomial_alpha(double t, double deadline, double kappa, double beta) noexcept;
double exponential_alpha(double t, double deadline, double kappa, double beta) noexcept;

// Resource-dependent: α = κ + (1 − κ) e^{−resource}, with `resource` what the agent has left
// (≥ 0): as it runs out, α rises to 1.
double resource_alpha(double resource, double kappa) noexcept;

// Behaviour-dependent (imitative) tactics: the agent's next position from its own earlier one,
// `own_before`, mirroring the opponent's move from `opponent_earlier` to `opponent_later`, all
// on the same issue scale, clamped to [lo, hi]:
//   relative tit-for-tat  x = (opponent_earlier / opponent_later) · own_before
//   absolute tit-for-tat  x = own_before + (opponent_earlier − opponent_later)
// (a seller's price cut from 100 to 90 is answered by a buyer's rise of 100/90 or of 10).
double relative_tit_for_tat(double opponent_earlier, double opponent_later, double own_before,
                            double lo, double hi) noexcept;
double absolute_tit_for_tat(double opponent_earlier, double opponent_later, double own_before,
                            double lo, double hi) noexcept;

// A weighted mix of tactics' α (weights ≥ 0, not all 0): Σ w_k α_k / Σ w_k.
double mixed_alpha(const std::vector<double>& weights, const std::vector<double>& alphas);

}  // namespace parley::model

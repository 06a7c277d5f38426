#pragma once
// Negotiation decision functions (Faratin, Sierra & Jennings 1998, "Negotiation decision
// functions for autonomous agents", Robotics and Autonomous Systems 24, §4): how far an agent
// has gone from its initial position toward its limit, α ∈ [0, 1], with the position
// x = initial + α (limit − initial). Each tactic family gives α; an agent's concession is a
// weighted mix of them.

namespace parley::model {

// Time-dependent tactics, t the round and T the deadline (α(0) = κ, α(T) = 1), the polynomial
// family: α(t) = κ + (1 − κ) (min(t, T)/T)^{1/β}. β < 1: Boulware (holds out, concedes near the
// deadline); β = 1: linear; β > 1: Conceder (concedes early).
double polynomial_alpha(double t, double deadline, double kappa, double beta) noexcept;

// Resource-dependent: α = κ + (1 − κ) e^{−resource}, with `resource` what the agent has left
// (≥ 0): as it runs out, α rises to 1.
double resource_alpha(double resource, double kappa) noexcept;

// The behaviour-dependent (tit-for-tat) tactics and the weighted mix of an agent's tactics are
// computed where the others' moves are known, in protocol::concede (run_context.cpp; docs/model.md,
// "Concession"), and validated there (tests/unit/test_mediated.cpp, the Tactics tests).

}  // namespace parley::model

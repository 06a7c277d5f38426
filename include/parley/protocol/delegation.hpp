#pragma once
// Delegations (docs/model.md, "Delegations"): parties that meet the mediator together in its
// separate sessions, as the Ukrainian–European delegation met the U.S. in December 2025. Each
// member keeps its own consent; the delegation amends the text toward one joint position, and the
// mediator weighs it in its revision by the delegation's voice (one seat or its members' sum;
// Chae & Heidhues 2004 on the bargaining power of a group that speaks as one).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "parley/protocol/realization.hpp"
#include "parley/protocol/run_context.hpp"

namespace parley::protocol {

// Steps at most of the ascent to a delegation's Nash point.
inline constexpr int kJointSteps = 200;

// The delegation agent i sits in (-1: none).
Index delegation_of(const Setting& setting, Index i);

// Each agent's weight in the mediator's revision, into `voice`: its power, except in a delegation
// whose voice is "one", where the members still at the table share the power of the most
// powerful of them in proportion to their own, v_i = max_{j∈D} p_j · p_i / Σ_{j∈D} p_j.
void voices(const Setting& setting, const Vector& power, const std::vector<bool>& left,
            Vector& voice);

// Delegation d's joint position for text x, into `z` (continuous issues; a discrete or
// bracketed issue stays as in x), formed from its members still at the table:
// "mean": z_k = Σ_i p_i w_ik a_ik / Σ_i p_i w_ik (x_k where they do not weigh issue k);
// "nash": their weighted Nash point, argmax_z Σ_i p_i φ(u_i(z) − e_i(z) − r_i + ε) over the unit
//   box, with r_i their BATNAs (w.batna) and e_i their red lines' excess: a resilient ascent
//   (Rprop: a step per issue that grows while its partial derivative keeps its sign and halves
//   when it turns) from the "mean" point, the best iterate kept.
// w.objective, w.grad, w.counted and w.joint_* are scratch, so `z` must be none of them.
void joint_position(const Setting& setting, const Realization& r, Workspace& w, std::size_t d,
                    const Vector& x, Vector& z);

// Every delegation's joint position for text x into w.joint[d], or only those whose `formed[d]`
// is set (null: every one).
void joint_positions(const Setting& setting, const Realization& r, Workspace& w, const Vector& x,
                     const std::vector<std::int8_t>* formed);

}  // namespace parley::protocol

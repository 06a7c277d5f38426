#pragma once
// Ratification at home (docs/model.md, "Ratification at home"; Putnam 1988, Iida 1993, Tarar
// 2001): a signed text goes to the constituencies of the parties whose consent it needed, each
// ratifying it with the probability its support curve gives; the negotiators anticipate the vote.
#include <vector>

#include "parley/protocol/realization.hpp"
#include "parley/protocol/run_context.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/random/stream.hpp"

namespace parley::protocol {

// P_i(x) = 1 / (1 + exp(−(a_i + Σ_k b_ik x_k))), x on unit scales: the chance that agent i's
// constituency ratifies x (1 where it has none).
double ratification_probability(const Realization& r, Index i, const Vector& x);

// The chance that x passes at home, Π_i P_i(x) over the agents with a constituency whose consent
// x needs (1 without ratification), and its logarithm with, when `grad` is not null, its gradient
// Σ_i b_i (1 − P_i(x)) added into *grad.
double passing_probability(const Setting& setting, const Realization& r, const Vector& x);
double log_passing(const Setting& setting, const Realization& r, const Vector& x, Vector* grad);

// The utility a text must give an agent with BATNA b that demands d for it to sign, when the text
// passes at home with probability P and a refusal leaves it with b (Putnam 1988: a refused deal
// reverts to no agreement): P u + (1 − P) b >= d, so b + (d − b) / P where d > b (+inf where
// P = 0), and d otherwise.
double signing_threshold(double demand, double batna, double pass);

// Each agent's demand of the text w.x once it anticipates the vote: signing_threshold(d_i, r_i,
// P(w.x)) with d_i = w.demand(i) and r_i = w.batna(i), at most 2 (no text gives more than 1, so
// such a demand is one no text meets; a finite one keeps the shortfalls finite). Nothing without
// ratification.
void anticipate_vote(const Setting& setting, const Realization& r, Workspace& w);

// The vote on the signed text x: each agent with a constituency whose consent x needs draws once
// from `stream`, in agent order, and ratifies with P_i(x). Records P_i(x) in out.ratification and
// a refusal in out.refusals; a refusal counts as the agent's rejection of x (accepts[i] = false).
// Returns the first agent that refused, or -1 when every vote passed.
Index ratify(const Setting& setting, const Realization& r, const Vector& x, random::Stream& stream,
             RunResult& out, std::vector<bool>& accepts);

// The end of a one-shot protocol (the axiomatic solutions, the expected-utility forecast) with the
// text w.x and the realization w.shocked: the answers of round 1, `outcome`, and for an agreement
// the vote at home, where a refusal ends the talks (one shot); then conclude().
void settle_one_shot(const Run& run, double front, Outcome outcome);

}  // namespace parley::protocol

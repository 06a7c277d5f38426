#pragma once
// Alternating offers with a random or rotating proposer under the closed rule:
// Rubinstein (1982) for two parties, Baron & Ferejohn (1989) for n (docs/model.md, "Alternating
// offers").
//
// Each round a proposer s is recognised (with probability ∝ power, or in the order of
// the scenario). It offers the text best for itself among those its coalition accepts:
// every veto party, plus enough other parties (the cheapest for it) to reach the quota.
// A responder i accepts a text x iff u_i(x) >= max(r_i(t), δ_i W_i), where W_i is its
// value of going on to the next round and r_i(t) its BATNA; no red line may be crossed.
// The values come from the stationary equilibrium, found by fixed-point iteration.
#include <optional>
#include <vector>

#include "parley/protocol/run_context.hpp"

namespace parley::protocol {

struct Equilibrium {
  std::vector<Index> parties;       // the states: who proposes
  std::vector<double> recognition;  // probability of each state (random proposer)
  // The proposals in each state: the proposer's equally good best offers (it picks one at
  // random), or none when it would rather wait.
  std::vector<std::vector<Vector>> offers;
  model::Matrix value;         // [state, agent]: expected u_i once state s has been played
  model::Matrix continuation;  // [state, agent]: W_i, the value of the next round seen in s
  int iterations = 0;
  bool converged = false;

  // What the round passing is worth to agent i when s proposes: δ_i W_i(s), or with a collapse
  // hazard h0 δ_i((1 − h0) W_i(s) + h0 r_i): the talks go on, or end and leave it the war
  // (docs/model.md, "When the talks end"; the escalation of the hazard is not anticipated).
  double passing(const Realization& r, const Vector& batna, std::size_t state, Index agent) const;
  // The acceptance threshold of agent i when s proposes: max(r_i, passing).
  double threshold(const Realization& r, const Vector& batna, std::size_t state, Index agent) const;
};

// Fixed-point iteration on the values V_i(s) until no value moves by 1e-13, or, with curved
// values (texts exact to the solver's tolerance), until moves below 1e-9 stop shrinking. The red
// lines are r.prefs' or, where given, `known`'s (under private information, those commonly known).
Equilibrium stationary_equilibrium(const Setting& setting, const Realization& r,
                                   const Vector& batna, const Equilibrium* warm_start = nullptr,
                                   const model::Preferences* known = nullptr);

void negotiate_alternating(const Run& run);

}  // namespace parley::protocol

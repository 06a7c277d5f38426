#pragma once
// The quantities of one run that a scenario parameter (or a shock) sets. The list is kept
// once: the scenario's parameter registry (scenario::Scenario::parameters) says which
// parameter sets which quantity, the sampler draws them from it, and
// protocol::Realization::set stores each. An agent's scalar parameter is a row of
// model/agent_parameters.hpp; the rest have a case in Realization::set and get (a quantity
// stored nowhere throws, and Registry.EveryAgentParameterReachesARun finds it).
#include <cstdint>

namespace parley::model {

enum class Field : std::uint8_t {
  // An agent's, per issue.
  ideal,
  salience,
  red_lo,
  red_hi,
  red_lo_limit,  // how far the red line's ends concede (NaN: not at all)
  red_hi_limit,
  // The value of one option of a discrete issue: its issue index is issue + option * issues
  // (the value function is piecewise through the options).
  option_value,
  // An agent's.
  power,
  discount,
  assertiveness,
  war_cost,
  reservation,
  expected_drift,   // the front line's drift the agent believes in (NaN: the battlefield's)
  drift_sd,         // the spread of its prior belief about that drift (NaN, 0: it does not learn)
  concession_beta,  // β of its time-dependent concession
  // The weights of its concession tactics (docs/model.md, "Concession").
  tactic_time,
  tactic_resource,
  tactic_relative,
  tactic_absolute,
  endurance,         // the pressure it bears before it concedes by resource (NaN: no limit)
  aspiration,        // the utility below which it rejects, as set (NaN: its BATNA alone)
  aspiration_limit,  // how far its aspiration concedes (NaN: not at all)
  // Ratification at home (docs/model.md, "Ratification at home"): the logit of the chance that
  // its constituency ratifies a text at the low end of every issue (NaN: it has none), and per
  // issue the change of that logit from the low end to its high end.
  ratification_intercept,
  ratification_slope,
  // Side payments (docs/model.md, "Side payments"): the payer's budget and its cost per unit paid
  // (utility), and per receiving agent the utility a unit gives it (agent: the payer; the issue
  // index names the receiving agent).
  payment_budget,
  payment_cost,
  payment_value,
  // Instruments (docs/model.md, "Instruments: aid, sanctions, disengagement"): the most aid a
  // player may give the contest's down side and the most sanctions it may impose on the up side
  // (the contest's units; NaN: it has no such instrument), what a unit costs it per round
  // (utility), the level in force as the talks open (NaN: the most), and the mediator's cost per
  // round of staying engaged in the talks (NaN: it never leaves).
  aid_max,
  aid_cost,
  aid_start,
  sanctions_max,
  sanctions_cost,
  sanctions_start,
  engagement_cost,
  // The expected-utility model (docs/model.md, "The expected-utility model"): the share of its
  // attention that the negotiated issues hold together, in [0, 1] (its saliences sum to it under
  // protocol.salience_scale = "attention").
  attention,
  // The negotiation's (every agent's quantity comes before first_draft: of_agent).
  first_draft,  // per issue
  mediator_stake,
  trust_region,
  batna_noise,
  step,
  collapse_hazard,      // h0, the chance per round that the talks end without a deal
  collapse_escalation,  // added to it for every round rejected so far
  battlefield_start,
  battlefield_drift,
  battlefield_volatility,
  // A contest of war efforts (docs/model.md, "A front that resources move").
  contest_up,
  contest_down,
  contest_aid,
  contest_sanctions,
  contest_decisiveness,
  contest_reach,
  // What follows a deal (docs/model.md, "Whether a deal holds").
  durability_hazard,      // λ0, the hazard of breakdown per round at every term's zero
  durability_shift,       // the shift of the front line expected after the deal, unit scale
  durability_log_hazard,  // per issue: log hazard ratio from the low end to its high
};

// Whether the quantity belongs to one agent (else to the negotiation): an agent's come first.
constexpr bool of_agent(Field f) noexcept {
  return f < Field::first_draft;
}

}  // namespace parley::model

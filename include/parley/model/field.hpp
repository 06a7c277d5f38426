#pragma once
// The quantities of one run that a scenario parameter (or a shock) sets. The list is kept
// once: the scenario's parameter registry (scenario::Scenario::parameters) says which
// parameter sets which quantity, the sampler draws them from it, and
// protocol::Realization::set stores each (a switch without a default: a quantity added here
// and not stored there fails to compile under -Werror=switch).
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
  concession_beta,  // β of its time-dependent concession
  // The weights of its concession tactics (docs/model.md, "Concession").
  tactic_time,
  tactic_resource,
  tactic_relative,
  tactic_absolute,
  endurance,         // the pressure it bears before it concedes by resource (NaN: no limit)
  aspiration,        // the utility below which it rejects, as set (NaN: its BATNA alone)
  aspiration_limit,  // how far its aspiration concedes (NaN: not at all)
  // The negotiation's.
  first_draft,  // per issue
  mediator_stake,
  trust_region,
  batna_noise,
  step,
  battlefield_start,
  battlefield_drift,
  battlefield_volatility,
  // What follows a deal (docs/model.md, "Whether a deal holds").
  durability_hazard,      // λ0, the hazard of breakdown per round at every term's zero
  durability_shift,       // the shift of the front line expected after the deal, unit scale
  durability_log_hazard,  // per issue: log hazard ratio from the low end to its high
};

// Whether the quantity belongs to one agent (else to the negotiation).
constexpr bool of_agent(Field f) noexcept {
  switch (f) {
    case Field::ideal:
    case Field::salience:
    case Field::red_lo:
    case Field::red_hi:
    case Field::red_lo_limit:
    case Field::red_hi_limit:
    case Field::concession_beta:
    case Field::tactic_time:
    case Field::tactic_resource:
    case Field::tactic_relative:
    case Field::tactic_absolute:
    case Field::endurance:
    case Field::aspiration:
    case Field::aspiration_limit:
    case Field::option_value:
    case Field::power:
    case Field::discount:
    case Field::assertiveness:
    case Field::war_cost:
    case Field::reservation:
    case Field::expected_drift:
      return true;
    case Field::first_draft:
    case Field::mediator_stake:
    case Field::trust_region:
    case Field::batna_noise:
    case Field::step:
    case Field::battlefield_start:
    case Field::battlefield_drift:
    case Field::battlefield_volatility:
    case Field::durability_hazard:
    case Field::durability_shift:
    case Field::durability_log_hazard:
      return false;
  }
  return false;
}

}  // namespace parley::model

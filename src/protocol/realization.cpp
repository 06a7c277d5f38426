#include "parley/protocol/realization.hpp"

#include <limits>

namespace parley::protocol {

void Realization::resize(Index agents, Index issues) {
  prefs.resize(agents, issues);
  power.setOnes(agents);
  discount.setOnes(agents);
  assertiveness.setZero(agents);
  war_cost.setZero(agents);
  reservation.setConstant(agents, std::numeric_limits<double>::quiet_NaN());
  first_draft.setZero(issues);
  status_quo.setZero(issues);
}

void Realization::set(Field field, Index agent, Index issue, double v) {
  switch (field) {
    case Field::ideal:
      prefs.ideal(agent, issue) = v;
      break;
    case Field::salience:
      prefs.weight(agent, issue) = v;
      break;
    case Field::red_lo:
      prefs.red_lo(agent, issue) = v;
      break;
    case Field::red_hi:
      prefs.red_hi(agent, issue) = v;
      break;
    case Field::power:
      power(agent) = v;
      break;
    case Field::discount:
      discount(agent) = v;
      break;
    case Field::assertiveness:
      assertiveness(agent) = v;
      break;
    case Field::war_cost:
      war_cost(agent) = v;
      break;
    case Field::reservation:
      reservation(agent) = v;
      break;
    case Field::first_draft:
      first_draft(issue) = v;
      break;
    case Field::mediator_stake:
      mediator_stake = v;
      break;
    case Field::trust_region:
      trust_region = v;
      break;
    case Field::batna_noise:
      batna_noise = v;
      break;
    case Field::step:
      step = v;
      break;
    case Field::battlefield_start:
      battlefield_start = v;
      break;
    case Field::battlefield_drift:
      battlefield_drift = v;
      break;
    case Field::battlefield_volatility:
      battlefield_volatility = v;
      break;
  }
}

}  // namespace parley::protocol

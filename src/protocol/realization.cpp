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

}  // namespace parley::protocol

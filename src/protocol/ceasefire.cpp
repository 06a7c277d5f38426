#include "parley/protocol/ceasefire.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace parley::protocol {

Index Setting::design_of(double term) const {
  Index best = -1;
  double distance = std::numeric_limits<double>::infinity();
  for (std::size_t d = 0; d < ceasefire_designs.size(); ++d) {
    const double gap = std::abs(term - ceasefire_designs[d].at);
    if (gap < distance) {  // strictly: a tie keeps the lower design
      distance = gap;
      best = static_cast<Index>(d);
    }
  }
  return best;
}

void start_ceasefire(const Setting& setting, Realization& r, Workspace& w, int round,
                     bool line_agreed, RunResult& out) {
  const Index d = setting.design_of(w.x(setting.ceasefire_issue));
  if (d < 0) return;
  const CeasefireDesign& c = setting.ceasefire_designs[static_cast<std::size_t>(d)];
  WarBefore& before = w.war_before;
  before.regime = w.regime;
  w.regime = 1 + static_cast<int>(d);
  before.drift = r.battlefield_drift;
  before.volatility = r.battlefield_volatility;
  before.war_cost = r.war_cost;
  before.expected_drift = r.expected_drift;
  if (!std::isnan(c.drift)) {
    r.battlefield_drift = c.drift;
    // The ceasefire is public: every agent now expects its drift.
    r.expected_drift.setConstant(std::numeric_limits<double>::quiet_NaN());
  }
  if (!std::isnan(c.volatility)) r.battlefield_volatility = c.volatility;
  r.war_cost *= c.war_cost;
  w.withdrawal_left = line_agreed ? c.withdrawal : 0;
  w.withdrawal_target = w.x(setting.battlefield_issue);
  out.ceasefire_round = round;
  out.ceasefire_design = static_cast<int>(d);
}

void swap_war(Realization& r, Workspace& w) {
  WarBefore& before = w.war_before;
  std::swap(w.regime, before.regime);
  std::swap(r.battlefield_drift, before.drift);
  std::swap(r.battlefield_volatility, before.volatility);
  r.war_cost.swap(before.war_cost);
  r.expected_drift.swap(before.expected_drift);
}

}  // namespace parley::protocol

#include "parley/protocol/realization.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace parley::protocol {

void Realization::resize(Index agents, Index issues) {
  prefs.resize(agents, issues);
  for (std::size_t j = 0; j < kAgentVectors.size(); ++j)
    (this->*kAgentVectors[j].second).setConstant(agents, model::kAgentParameters[j].run_default);
  red_lo_set.setZero(agents, issues);
  red_hi_set.setOnes(agents, issues);
  red_lo_limit.setConstant(agents, issues, std::numeric_limits<double>::quiet_NaN());
  red_hi_limit.setConstant(agents, issues, std::numeric_limits<double>::quiet_NaN());
  ratify_intercept.setConstant(agents, std::numeric_limits<double>::quiet_NaN());
  ratify_slope.setZero(agents, issues);
  payment_value.setZero(agents);
  aid_level.setZero(agents);
  sanctions_level.setZero(agents);
  first_draft.setZero(issues);
  status_quo.setZero(issues);
  log_hazard.setZero(issues);
}

bool Setting::discrete() const noexcept {
  for (int n : options) {
    if (n > 0) return true;
  }
  return false;
}

bool Setting::decides(std::size_t i) const {
  const bool any_veto = std::find(veto.begin(), veto.end(), true) != veto.end();
  return any_veto ? static_cast<bool>(veto[i]) : static_cast<bool>(is_party[i]);
}

std::vector<Index> Setting::deciders() const {
  std::vector<Index> out;
  for (std::size_t i = 0; i < veto.size(); ++i) {
    if (decides(i)) out.push_back(static_cast<Index>(i));
  }
  return out;
}

bool Setting::needs_consent(std::size_t i, const Vector& x, const Vector& status_quo) const {
  if (!decides(i)) return false;
  if (!issue_veto(i)) return true;
  for (const Index k : veto_issues[i]) {
    if (std::abs(x(k) - status_quo(k)) > 1e-9) return true;
  }
  return false;
}

bool Setting::allows(const Vector& x) const {
  for (std::size_t k = 0; k < options.size(); ++k) {
    const int n = options[k];
    if (n <= 0) continue;
    const double scaled = x(static_cast<Index>(k)) * (n - 1);
    if (scaled != std::round(scaled)) return false;
  }
  for (const TextConstraint& c : constraints) {
    if (c.broken_by(x)) return false;
  }
  return true;
}

double Shock::applied(double current) const noexcept {
  double v = value;
  if (op == ShockOp::add) {
    v = current + value;
  } else if (op == ShockOp::scale) {
    v = ((current / scale + offset) * value - offset) * scale;
  }
  return std::clamp(v, lo, hi);
}

bool Shock::fires(int t, const Eigen::ArrayXi& rejections, double front) const noexcept {
  switch (when) {
    case ShockWhen::round:
      return t == round;
    case ShockWhen::rejections:
      return by >= 0 && by < rejections.size() && rejections(by) >= count;
    case ShockWhen::front_above:
      return front >= threshold;
    case ShockWhen::front_below:
      return front <= threshold;
    case ShockWhen::no_deal_by:
      return t == round + 1;
  }
  return false;
}

bool TextConstraint::broken_by(const Vector& x) const {
  auto holds = [&](const std::pair<Index, double>& l) { return x(l.first) == l.second; };
  if (!excludes) return holds(literals[0]) && !holds(literals[1]);
  for (const auto& l : literals) {
    if (!holds(l)) return false;
  }
  return true;
}

double Realization::war_drift() const noexcept {
  return war_drift(aid_level.sum(), sanctions_level.sum());
}

double Realization::war_drift(double players_aid, double players_sanctions) const noexcept {
  if (!contest) return battlefield_drift;
  // Tullock (1980): p = E_up^m / (E_up^m + E_down^m); the front moves by reach · (2p − 1).
  double up = std::max(contest_up - contest_sanctions - players_sanctions, 0.0);
  double down = std::max(contest_down + contest_aid + players_aid, 0.0);
  // (pow(x, 1) is x: Tullock's ratio form without the call.)
  if (contest_decisiveness != 1.0) {
    up = std::pow(up, contest_decisiveness);
    down = std::pow(down, contest_decisiveness);
  }
  if (up + down <= 0.0) return 0.0;
  return contest_reach * (2.0 * up / (up + down) - 1.0);
}

void Realization::set(Field field, Index agent, Index issue, double v) {
  if (const std::size_t j = model::agent_parameter(field); j < kAgentVectors.size()) {
    (this->*kAgentVectors[j].second)(agent) = v;
    // An instrument's level in force: its start (absent: its maximum) within [0, max].
    const auto level = [&](const Vector& max, const Vector& start, Vector& in_force) {
      if (std::isnan(max(agent))) return;
      const double from = std::isnan(start(agent)) ? max(agent) : start(agent);
      in_force(agent) = std::clamp(from, 0.0, max(agent));
    };
    if (field == Field::aid_max || field == Field::aid_start) level(aid_max, aid_start, aid_level);
    if (field == Field::sanctions_max || field == Field::sanctions_start)
      level(sanctions_max, sanctions_start, sanctions_level);
    return;
  }
  switch (field) {
    case Field::option_value: {
      const Index n = prefs.issues();
      const Index k = issue % n;
      auto& pw = prefs.piecewise[static_cast<std::size_t>(prefs.piecewise_index(agent, k))];
      pw.v[static_cast<std::size_t>(issue / n)] = v;
      prefs.ideal(agent, k) = pw.argmax();
      break;
    }
    case Field::ideal:
      prefs.ideal(agent, issue) = v;
      break;
    case Field::salience:
      prefs.weight(agent, issue) = v;
      break;
    case Field::red_lo:
      prefs.red_lo(agent, issue) = v;
      red_lo_set(agent, issue) = v;
      break;
    case Field::red_hi:
      prefs.red_hi(agent, issue) = v;
      red_hi_set(agent, issue) = v;
      break;
    case Field::red_lo_limit:
      red_lo_limit(agent, issue) = v;
      break;
    case Field::red_hi_limit:
      red_hi_limit(agent, issue) = v;
      break;
    case Field::ratification_intercept:
      ratify_intercept(agent) = v;
      break;
    case Field::ratification_slope:
      ratify_slope(agent, issue) = v;
      break;
    case Field::payment_budget:
      payment_budget = v;
      break;
    case Field::payment_cost:
      payment_cost = v;
      break;
    case Field::payment_value:
      payment_value(issue) = v;  // issue: the receiving agent
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
    case Field::collapse_hazard:
      collapse_hazard = v;
      break;
    case Field::collapse_escalation:
      collapse_escalation = v;
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
    case Field::contest_up:
      contest_up = v;
      break;
    case Field::contest_down:
      contest_down = v;
      break;
    case Field::contest_aid:
      contest_aid = v;
      break;
    case Field::contest_sanctions:
      contest_sanctions = v;
      break;
    case Field::contest_decisiveness:
      contest_decisiveness = v;
      break;
    case Field::contest_reach:
      contest_reach = v;
      break;
    case Field::durability_hazard:
      durability_hazard = v;
      break;
    case Field::durability_shift:
      power_shift = v;
      break;
    case Field::durability_log_hazard:
      log_hazard(issue) = v;
      break;
    default:  // an agent's scalar parameter is stored through kAgentVectors, above
      throw std::logic_error("Realization::set: no member stores field " +
                             std::to_string(static_cast<int>(field)));
  }
}

double Realization::get(Field field, Index agent, Index issue) const {
  if (const std::size_t j = model::agent_parameter(field); j < kAgentVectors.size())
    return (this->*kAgentVectors[j].second)(agent);
  switch (field) {
    case Field::option_value: {
      const Index n = prefs.issues();
      const auto& pw =
          prefs.piecewise[static_cast<std::size_t>(prefs.piecewise_index(agent, issue % n))];
      return pw.v[static_cast<std::size_t>(issue / n)];
    }
    case Field::ideal:
      return prefs.ideal(agent, issue);
    case Field::salience:
      return prefs.weight(agent, issue);
    case Field::red_lo:
      return red_lo_set(agent, issue);
    case Field::red_hi:
      return red_hi_set(agent, issue);
    case Field::red_lo_limit:
      return red_lo_limit(agent, issue);
    case Field::red_hi_limit:
      return red_hi_limit(agent, issue);
    case Field::ratification_intercept:
      return ratify_intercept(agent);
    case Field::ratification_slope:
      return ratify_slope(agent, issue);
    case Field::payment_budget:
      return payment_budget;
    case Field::payment_cost:
      return payment_cost;
    case Field::payment_value:
      return payment_value(issue);
    case Field::first_draft:
      return first_draft(issue);
    case Field::mediator_stake:
      return mediator_stake;
    case Field::trust_region:
      return trust_region;
    case Field::batna_noise:
      return batna_noise;
    case Field::collapse_hazard:
      return collapse_hazard;
    case Field::collapse_escalation:
      return collapse_escalation;
    case Field::step:
      return step;
    case Field::battlefield_start:
      return battlefield_start;
    case Field::battlefield_drift:
      return battlefield_drift;
    case Field::battlefield_volatility:
      return battlefield_volatility;
    case Field::contest_up:
      return contest_up;
    case Field::contest_down:
      return contest_down;
    case Field::contest_aid:
      return contest_aid;
    case Field::contest_sanctions:
      return contest_sanctions;
    case Field::contest_decisiveness:
      return contest_decisiveness;
    case Field::contest_reach:
      return contest_reach;
    case Field::durability_hazard:
      return durability_hazard;
    case Field::durability_shift:
      return power_shift;
    case Field::durability_log_hazard:
      return log_hazard(issue);
    default:
      throw std::logic_error("Realization::get: no member stores field " +
                             std::to_string(static_cast<int>(field)));
  }
}

}  // namespace parley::protocol

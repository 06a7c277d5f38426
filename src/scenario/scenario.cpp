// Scenario's own members: names, constraints, the parameter registry, lookups.
#include "parley/scenario/scenario.hpp"

#include <algorithm>
#include <stdexcept>

namespace parley::scenario {

bool satisfied(const Constraint& c, const std::vector<double>& text) {
  auto holds = [&](const Literal& l) {
    return std::lround(text[l.issue]) == static_cast<long>(l.option);
  };
  if (c.kind == Constraint::Kind::only_with) return !holds(c.literals[0]) || holds(c.literals[1]);
  for (const Literal& l : c.literals) {
    if (!holds(l)) return true;
  }
  return false;
}

std::vector<ParameterRef> Scenario::parameters() const {
  using model::Field;
  std::vector<ParameterRef> out;
  const std::size_t n = issues.size();
  auto natural = [](const Param& p, Field f, std::size_t agent, std::size_t issue,
                    const std::string& unit) {
    return ParameterRef{&p, f, agent, issue, 0.0, 1.0, unit};
  };
  // A position on issue k: unit value = (natural - lo) / (hi - lo).
  auto position = [&](const Param& p, Field f, std::size_t agent, std::size_t k) {
    const Issue& issue = issues[k];
    return ParameterRef{&p, f, agent, k, issue.lo, 1.0 / (issue.hi - issue.lo), issue.unit};
  };
  // While a file is being loaded (its shocks are checked against these keys) an invalid
  // protocol or battlefield may have left the front's issue unknown or the first draft short:
  // the keys are listed all the same.
  const Issue* front = battlefield.issue < n ? &issues[battlefield.issue] : nullptr;
  const double per_span = front ? 1.0 / (front->hi - front->lo) : 1.0;
  const std::string front_unit = front ? front->unit : "";
  for (std::size_t i = 0; i < agents.size(); ++i) {
    const Agent& a = agents[i];
    // Its scalar parameters, by row of model::kAgentParameters (their units and scales).
    for (std::size_t j = 0; j < model::kAgentParameters.size(); ++j) {
      if (!a.scalars[j]) continue;
      const model::AgentParameter& row = model::kAgentParameters[j];
      if (row.unit == model::ParameterUnit::front)
        out.push_back({&*a.scalars[j], row.field, i, 0, 0.0, per_span, front_unit});
      else
        out.push_back(natural(*a.scalars[j], row.field, i, 0,
                              row.unit == model::ParameterUnit::utility ? "utility" : "1"));
    }
    for (std::size_t k = 0; k < n; ++k) {
      if (a.red_line[k]) {
        out.push_back(position(a.red_line[k]->lo, Field::red_lo, i, k));
        out.push_back(position(a.red_line[k]->hi, Field::red_hi, i, k));
      }
      if (k < a.red_line_limit.size() && a.red_line_limit[k]) {
        out.push_back(position(a.red_line_limit[k]->lo, Field::red_lo_limit, i, k));
        out.push_back(position(a.red_line_limit[k]->hi, Field::red_hi_limit, i, k));
      }
      if (a.ideal[k]) out.push_back(position(*a.ideal[k], Field::ideal, i, k));
      for (std::size_t j = 0; j < a.values[k].size(); ++j)
        out.push_back(natural(a.values[k][j], Field::option_value, i, k + j * n, "1"));
      if (a.salience[k]) out.push_back(natural(*a.salience[k], Field::salience, i, k, "1"));
    }
    // Its constituency's support curve: logits.
    if (a.ratify_intercept) {
      out.push_back(natural(*a.ratify_intercept, Field::ratification_intercept, i, 0, "logit"));
      for (std::size_t k = 0; k < std::min(n, a.ratify_slope.size()); ++k) {
        if (a.ratify_slope[k])
          out.push_back(natural(*a.ratify_slope[k], Field::ratification_slope, i, k, "logit"));
      }
    }
    // Its side payments: units, utility per unit (both are required; a scenario missing one is
    // refused, but its parameters may be listed before).
    if (a.payment_budget && a.payment_cost) {
      out.push_back(natural(*a.payment_budget, Field::payment_budget, i, 0, "1"));
      out.push_back(natural(*a.payment_cost, Field::payment_cost, i, 0, "1"));
      for (std::size_t j = 0; j < a.payment_value.size(); ++j) {
        if (a.payment_value[j])
          out.push_back(natural(*a.payment_value[j], Field::payment_value, i, j, "1"));
      }
    }
  }
  const Protocol& p = protocol;
  out.push_back(natural(p.mediator_stake, Field::mediator_stake, 0, 0, "1"));
  out.push_back(natural(p.trust_region, Field::trust_region, 0, 0, "1"));
  out.push_back(natural(p.batna_noise, Field::batna_noise, 0, 0, "utility"));
  out.push_back(natural(p.step, Field::step, 0, 0, "1"));
  out.push_back(natural(p.collapse_hazard, Field::collapse_hazard, 0, 0, "1"));
  out.push_back(natural(p.collapse_escalation, Field::collapse_escalation, 0, 0, "1"));
  for (std::size_t k = 0; k < std::min(n, p.first_draft.size()); ++k)
    out.push_back(position(p.first_draft[k], Field::first_draft, 0, k));
  // The front line: its start a position on its issue, drift and volatility distances.
  const double lo = front ? front->lo : 0.0;
  const std::string& unit = front_unit;
  out.push_back(
      {&battlefield.start, Field::battlefield_start, 0, battlefield.issue, lo, per_span, unit});
  out.push_back({&battlefield.drift, Field::battlefield_drift, 0, 0, 0.0, per_span, unit});
  out.push_back(
      {&battlefield.volatility, Field::battlefield_volatility, 0, 0, 0.0, per_span, unit});
  if (const auto& c = battlefield.contest) {
    out.push_back(natural(c->up, Field::contest_up, 0, 0, "effort"));
    out.push_back(natural(c->down, Field::contest_down, 0, 0, "effort"));
    out.push_back(natural(c->aid, Field::contest_aid, 0, 0, "effort"));
    out.push_back(natural(c->sanctions, Field::contest_sanctions, 0, 0, "effort"));
    out.push_back(natural(c->decisiveness, Field::contest_decisiveness, 0, 0, "1"));
    out.push_back({&c->reach, Field::contest_reach, 0, 0, 0.0, per_span, unit});
  }
  // What follows a deal: the hazard, the front's shift (a distance, as the drift), the terms.
  out.push_back(natural(durability.base_hazard, Field::durability_hazard, 0, 0, "1/round"));
  out.push_back({&durability.power_shift, Field::durability_shift, 0, 0, 0.0, per_span, unit});
  for (std::size_t k = 0; k < std::min(n, durability.log_hazard.size()); ++k) {
    if (durability.log_hazard[k])
      out.push_back(natural(*durability.log_hazard[k], Field::durability_log_hazard, 0, k, "1"));
  }
  return out;
}

std::optional<std::size_t> Scenario::mediator() const {
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (agents[i].role == Role::mediator) return i;
  }
  return std::nullopt;
}

std::size_t Scenario::issue_index(const std::string& id) const {
  for (std::size_t k = 0; k < issues.size(); ++k) {
    if (issues[k].id == id) return k;
  }
  throw std::out_of_range("no issue '" + id + "'");
}

}  // namespace parley::scenario

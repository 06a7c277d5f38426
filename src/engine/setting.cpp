// The scenario's fixed structure as the runs take it (see setting.hpp).
#include "parley/engine/setting.hpp"

#include <algorithm>
#include <limits>

namespace parley::engine {

using model::Index;

namespace {

// The common prior of a parameter on issue `issue`'s unit scale.
model::Prior unit_prior(const scenario::Distribution& d, const scenario::Issue& issue) {
  using K = scenario::Distribution::Kind;
  model::Prior p;
  switch (d.kind) {
    case K::fixed:
      p.lo = p.hi = issue.to_unit(d.a);
      break;
    case K::uniform:
      p.lo = issue.to_unit(d.a);
      p.hi = issue.to_unit(d.b);
      break;
    case K::normal:
      p.kind = model::Prior::Kind::normal;
      p.lo = issue.to_unit(d.lo);
      p.hi = issue.to_unit(d.hi);
      p.a = issue.to_unit(d.a);
      p.b = d.b / (issue.hi - issue.lo);
      break;
    case K::beta: {
      // Beta(κm, κ(1 − m)) on [lo, hi], as Distribution::sample draws it.
      const double m = (d.a - d.lo) / (d.hi - d.lo);
      p.kind = model::Prior::Kind::beta;
      p.lo = issue.to_unit(d.lo);
      p.hi = issue.to_unit(d.hi);
      p.a = d.b * m;
      p.b = d.b * (1.0 - m);
      break;
    }
    case K::triangular:
      p.kind = model::Prior::Kind::triangular;
      p.lo = issue.to_unit(d.a);
      p.hi = issue.to_unit(d.b);
      p.a = issue.to_unit(d.c);
      break;
  }
  return p;
}

// The deciding parties' red-line ends that only they know (docs/model.md, "Private information
// and beliefs"): drawn per run, or conceding toward a limit they may pass. An issue veto's on its
// issues only.
std::vector<protocol::PrivateEnd> private_ends(const scenario::Scenario& s,
                                               const protocol::Setting& setting) {
  std::vector<protocol::PrivateEnd> out;
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    const scenario::Agent& a = s.agents[i];
    if (!setting.is_party[i] || !setting.decides(i)) continue;
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      if (!a.red_line[k]) continue;
      if (setting.issue_veto(i) &&
          std::find(setting.veto_issues[i].begin(), setting.veto_issues[i].end(),
                    static_cast<Index>(k)) == setting.veto_issues[i].end())
        continue;
      for (const bool upper : {false, true}) {
        const scenario::Param& end = upper ? a.red_line[k]->hi : a.red_line[k]->lo;
        protocol::PrivateEnd e;
        e.agent = static_cast<Index>(i);
        e.issue = static_cast<Index>(k);
        e.upper = upper;
        e.initial = unit_prior(end.dist, s.issues[k]);
        if (a.red_line_limit[k]) {
          const scenario::Distribution& limit =
              upper ? a.red_line_limit[k]->hi.dist : a.red_line_limit[k]->lo.dist;
          // It moves only toward a limit beyond it.
          e.concedes = upper ? limit.support_max() > end.dist.support_min()
                             : limit.support_min() < end.dist.support_max();
          e.limit = unit_prior(limit, s.issues[k]);
        }
        if (e.concedes || !end.dist.is_fixed()) out.push_back(e);
      }
    }
  }
  return out;
}

}  // namespace

protocol::Setting make_setting(const scenario::Scenario& s) {
  protocol::Setting setting;
  const model::ProtocolTraits& traits = model::traits(s.protocol.kind);
  setting.veto.resize(s.agents.size());
  setting.is_party.resize(s.agents.size());
  setting.mediator = s.mediator() ? static_cast<Index>(*s.mediator()) : -1;
  setting.battlefield_issue = static_cast<Index>(s.battlefield.issue);
  setting.max_rounds = s.protocol.max_rounds;
  setting.deadline = s.protocol.deadline;
  setting.durability_horizon = s.durability.horizon;
  for (const auto& stage : s.protocol.agenda)
    setting.stages.emplace_back(stage.begin(), stage.end());
  setting.binding = s.protocol.binding;
  if (s.ceasefire.issue) {
    // Interim ceasefires, on unit scales.
    const scenario::Issue& c = s.issues[*s.ceasefire.issue];
    const scenario::Issue& b = s.issues[s.battlefield.issue];
    const double nan = std::numeric_limits<double>::quiet_NaN();
    setting.ceasefire_issue = static_cast<Index>(*s.ceasefire.issue);
    for (const scenario::CeasefireDesign& d : s.ceasefire.designs) {
      setting.ceasefire_designs.push_back(
          {(d.at - c.lo) / (c.hi - c.lo), d.drift ? *d.drift / (b.hi - b.lo) : nan,
           d.volatility ? *d.volatility / (b.hi - b.lo) : nan, d.war_cost, d.withdrawal});
    }
    if (s.ceasefire.in_force)
      setting.ceasefire_in_force = static_cast<Index>(*s.ceasefire.in_force);
  }
  setting.walkout_patience = s.protocol.walkout_patience;
  setting.revision_steps = s.protocol.revision_steps;
  setting.kind = s.protocol.kind;
  setting.recognition_by_order = s.protocol.recognition == scenario::Recognition::order;
  setting.eu_risk = s.protocol.risk;
  setting.eu_forecast = s.protocol.forecast;
  setting.eu_conflict = s.protocol.conflict;
  setting.eu_salience = s.protocol.salience_scale;
  setting.eu_on = s.protocol.challenges_on;
  setting.challenge_rounds = s.protocol.challenge_rounds;
  setting.quota = s.protocol.quota;
  setting.pie = s.space == scenario::Space::pie;
  for (std::size_t k : s.own_share) setting.own_share.push_back(static_cast<Index>(k));
  setting.revision = s.protocol.revision;

  for (const auto& issue : s.issues)
    setting.options.push_back(issue.discrete() ? static_cast<int>(issue.options.size()) : 0);
  for (const auto& c : s.constraints) {
    protocol::TextConstraint tc;
    tc.excludes = c.kind == scenario::Constraint::Kind::excludes;
    for (const auto& l : c.literals) {
      tc.literals.emplace_back(static_cast<Index>(l.issue),
                               s.issues[l.issue].to_unit(static_cast<double>(l.option)));
    }
    setting.constraints.push_back(std::move(tc));
  }
  setting.clause_changes = s.protocol.clause_changes;
  setting.bracketing = s.protocol.bracketing;
  setting.bracket_after = s.protocol.bracket_after;
  setting.max_bracketed = s.protocol.max_bracketed;
  // Concession is worked out each round only where something concedes or an aspiration stands.
  for (const auto& a : s.agents) {
    for (const auto& limit : a.red_line_limit)
      setting.concession = setting.concession || limit.has_value();
    setting.concession = setting.concession || a.scalar(model::Field::aspiration).has_value();
  }
  // Private information belongs to the kinds whose row says so; where a kind does not choose its
  // sessions, every offer and answer is made at one table: its sessions are joint.
  if (traits.private_information) {
    setting.information = s.protocol.information;
    setting.sessions = traits.chooses_sessions ? s.protocol.sessions : protocol::Sessions::joint;
  }
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    const scenario::Agent& a = s.agents[i];
    setting.veto[i] = a.veto;
    // An issue veto belongs to the kinds whose row takes it (the mediated protocol): elsewhere it
    // is a veto (docs/model.md, "Mediated single negotiating text").
    if (traits.issue_vetoes)
      setting.veto_issues.emplace_back(a.veto_issues.begin(), a.veto_issues.end());
    else
      setting.veto_issues.emplace_back();
    setting.is_party[i] = a.role == scenario::Role::party;
  }
  for (const scenario::Agent& a : s.agents)
    setting.ratification = setting.ratification || a.ratify_intercept.has_value();
  setting.refusal_ends = s.protocol.refusal_ends;
  for (const scenario::Agent& a : s.agents)
    setting.side_payments = setting.side_payments || a.payment_budget.has_value();
  for (const scenario::Agent& a : s.agents) {
    setting.instruments = setting.instruments || a.scalar(model::Field::aid_max).has_value() ||
                          a.scalar(model::Field::sanctions_max).has_value();
    setting.disengagement =
        setting.disengagement || a.scalar(model::Field::engagement_cost).has_value();
  }
  setting.disengagement_ends = s.protocol.disengagement_ends;
  for (const scenario::Delegation& d : s.delegations) {
    protocol::Delegation& to = setting.delegations.emplace_back();
    for (std::size_t i : d.members) to.members.push_back(static_cast<protocol::Index>(i));
    to.position = d.position;
    to.voice = d.voice;
  }
  if (setting.information != protocol::Information::complete)
    setting.private_ends = private_ends(s, setting);
  // The shocks that fire at a fixed round, by round (file order within one).
  for (std::size_t j = 0; j < s.shocks.size(); ++j) {
    if (s.shocks[j].when == scenario::ShockWhen::round) setting.scheduled.push_back(j);
  }
  std::stable_sort(
      setting.scheduled.begin(), setting.scheduled.end(),
      [&](std::size_t a, std::size_t b) { return s.shocks[a].round < s.shocks[b].round; });
  return setting;
}

}  // namespace parley::engine

#include "parley/scenario/describe.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace parley::scenario {
namespace {

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

std::string param_text(const Param& p) {
  return p.dist.describe();
}

// Columns as wide as their widest cell.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void print(std::ostringstream& out) const {
    std::vector<std::size_t> widths;
    for (const auto& r : rows_) {
      widths.resize(std::max(widths.size(), r.size()), 0);
      for (std::size_t j = 0; j < r.size(); ++j) widths[j] = std::max(widths[j], r[j].size());
    }
    for (const auto& r : rows_) {
      std::string line = " ";
      for (std::size_t j = 0; j < r.size(); ++j) {
        line += " " + r[j];
        if (j + 1 < r.size()) line.append(widths[j] - r[j].size() + 1, ' ');
      }
      out << line << '\n';
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

std::string describe(const Scenario& s) {
  std::ostringstream out;
  out << "Scenario " << s.name << (s.title != s.name ? " — " + s.title : "") << "\n";
  out << "  source " << s.source << "; default runs " << s.runs << ", seed " << s.seed << "\n\n";

  out << "Issues (" << s.issues.size() << ")\n";
  Table issues({"id", "label", "unit", "range", "status quo", "first draft"});
  for (std::size_t k = 0; k < s.issues.size(); ++k) {
    const Issue& i = s.issues[k];
    if (i.discrete()) {
      // Options by name; positions are option indices.
      std::string options = i.kind == IssueKind::clause ? "clause:" : "options:";
      for (const auto& o : i.options) options += " " + o;
      issues.add({i.id, i.label, "", options, i.option_at(i.status_quo),
                  i.option_at(s.protocol.first_draft[k].central())});
      continue;
    }
    issues.add({i.id, i.label, i.unit, "[" + num(i.lo) + ", " + num(i.hi) + "]", num(i.status_quo),
                param_text(s.protocol.first_draft[k])});
  }
  issues.print(out);

  out << "\nAgents (" << s.agents.size() << ")\n";
  Table agents({"id", "name", "role", "veto", "power", "discount", "BATNA"});
  for (const Agent& a : s.agents) {
    using model::Field;
    const auto& reservation = a.scalar(Field::reservation);
    const std::string batna =
        reservation ? "reservation " + param_text(*reservation)
                    : "war cost " + param_text(*a.scalar(Field::war_cost)) + " per round";
    agents.add({a.id, a.name, a.role == Role::mediator ? "mediator" : "party",
                a.veto ? "yes" : "no", param_text(*a.scalar(Field::power)),
                param_text(*a.scalar(Field::discount)), batna});
  }
  agents.print(out);

  for (const Agent& a : s.agents) {
    out << "\nPreferences of " << a.id << " (salience normalised per run"
        << (a.salience_concentration ? ", Dirichlet kappa " + num(*a.salience_concentration) : "")
        << ")\n";
    Table prefs({"issue", "ideal", "salience", "shape", "red line"});
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      std::string ideal = a.ideal[k] ? param_text(*a.ideal[k]) : "-";
      if (!a.values[k].empty()) {
        ideal = "values:";
        for (std::size_t j = 0; j < a.values[k].size(); ++j) {
          ideal += " " + s.issues[k].options[j] + " " + param_text(a.values[k][j]) +
                   (j + 1 < a.values[k].size() ? "," : "");
        }
      } else if (a.shape[k] == model::Shape::piecewise) {
        ideal = "points:";
        for (std::size_t j = 0; j < a.piecewise[k].x.size(); ++j) {
          ideal += " (" + num(a.piecewise[k].x[j]) + "," + num(a.piecewise[k].v[j]) + ")";
        }
      }
      std::string red = a.red_line[k] ? "[" + param_text(a.red_line[k]->lo) + ", " +
                                            param_text(a.red_line[k]->hi) + "]"
                                      : "-";
      // How far its ends concede (docs/model.md, "Concession").
      if (k < a.red_line_limit.size() && a.red_line_limit[k])
        red += " conceding to [" + param_text(a.red_line_limit[k]->lo) + ", " +
               param_text(a.red_line_limit[k]->hi) + "]";
      prefs.add({s.issues[k].id, ideal,
                 s.aggregation == Aggregation::mean   ? "(mean)"
                 : k < a.weight.size() && a.weight[k] ? "weight fixed at " + num(*a.weight[k])
                 : a.salience[k]                      ? param_text(*a.salience[k])
                                                      : "0",
                 a.values[k].empty() ? model::shape_name(a.shape[k]) : "options", red});
    }
    prefs.print(out);
    // Its other scalar parameters, every row of model::kAgentParameters it has that the agents'
    // table and the instruments' lines below do not show (amendments, concession and its tactics,
    // aspirations, beliefs about the war).
    {
      using model::Field;
      std::string rest;
      for (std::size_t j = 0; j < model::kAgentParameters.size(); ++j) {
        const model::AgentParameter& row = model::kAgentParameters[j];
        switch (row.field) {
          case Field::power:
          case Field::discount:
          case Field::war_cost:
          case Field::reservation:
          case Field::aid_max:
          case Field::aid_cost:
          case Field::aid_start:
          case Field::sanctions_max:
          case Field::sanctions_cost:
          case Field::sanctions_start:
          case Field::engagement_cost:
            continue;
          default:
            break;
        }
        if (!a.scalars[j]) continue;
        rest += (rest.empty() ? "" : ", ") + std::string(row.tactics ? "tactics." : "") +
                std::string(row.key) + " " + param_text(*a.scalars[j]);
      }
      if (!rest.empty()) out << "  " << rest << "\n";
    }
    // Ratification at home (docs/model.md, "Ratification at home").
    if (a.ratify_intercept) {
      out << "  ratified at home with 1 / (1 + exp(-(" << param_text(*a.ratify_intercept);
      for (std::size_t k = 0; k < s.issues.size(); ++k) {
        if (a.ratify_slope[k])
          out << " + " << param_text(*a.ratify_slope[k]) << " x_" << s.issues[k].id;
      }
      out << "))), x on unit scales\n";
    }
    // Side payments (docs/model.md, "Side payments").
    if (a.payment_budget && a.payment_cost) {
      out << "  pays up to " << param_text(*a.payment_budget)
          << " units with its text, each costing it " << param_text(*a.payment_cost)
          << " in utility, worth per unit to:";
      for (std::size_t j = 0; j < a.payment_value.size() && j < s.agents.size(); ++j) {
        if (a.payment_value[j])
          out << " " << s.agents[j].id << " " << param_text(*a.payment_value[j]);
      }
      out << "\n";
    }
    // Instruments (docs/model.md, "Instruments: aid, sanctions, disengagement").
    struct Instrument {
      model::Field max, cost, start;
      const char* what;
    };
    for (const Instrument& i :
         {Instrument{model::Field::aid_max, model::Field::aid_cost, model::Field::aid_start,
                     "aid to the contest's down side"},
          Instrument{model::Field::sanctions_max, model::Field::sanctions_cost,
                     model::Field::sanctions_start, "sanctions on the contest's up side"}}) {
      if (!a.scalar(i.max) || !a.scalar(i.cost)) continue;
      out << "  chooses each round its " << i.what << ", 0 to " << param_text(*a.scalar(i.max))
          << " in fifths, each unit costing it " << param_text(*a.scalar(i.cost))
          << " a round; at the start "
          << (a.scalar(i.start) ? param_text(*a.scalar(i.start)) : std::string("the most")) << "\n";
    }
    if (const auto& e = a.scalar(model::Field::engagement_cost)) {
      out << "  may leave the talks: staying costs it " << param_text(*e) << " a round; leaving "
          << (s.protocol.disengagement_ends ? "ends them" : "leaves a neutral chair") << "\n";
    }
  }

  const Protocol& p = s.protocol;
  // What the kind's row (model/protocol_kind.hpp) says it takes.
  const model::ProtocolTraits& kind = model::traits(p.kind);
  out << "\nProtocol: " << model::name_of(p.kind) << kind.title;
  if (kind.revision) out << ", revision " << model::name_of(p.revision);
  if (kind.proposers) out << ", recognition " << model::name_of(p.recognition);
  if (kind.private_information) out << ", information " << model::name_of(p.information);
  if (kind.chooses_sessions)
    out << ", " << (p.sessions == Sessions::separate ? "separate sessions" : "a joint table");
  if (kind.proposers) {
    out << (p.unanimity
                ? ", unanimity of the veto players"
                : ", majority of " + std::to_string(p.quota) + " parties (and every veto player)")
        << (s.space == Space::pie ? ", dividing a pie" : "");
  }
  out << "\n";
  // The expected-utility model's settings (docs/model.md, "The expected-utility model").
  if (p.kind == ProtocolKind::expected_utility) {
    out << "  challenges on "
        << (p.challenges_on == ChallengesOn::issue ? "every issue apart" : "the issue space")
        << ", risk " << model::name_of(p.risk) << ", forecast the weighted "
        << model::name_of(p.forecast) << ", conflicts "
        << (p.conflict == Conflict::larger ? "won by the larger expected utility"
                                           : "drawn by lottery")
        << ", salience "
        << (p.salience_scale == SalienceScale::largest ? "weight over the largest weight"
                                                       : "weight times attention")
        << ", challenge_rounds " << p.challenge_rounds << "\n";
  }
  if (!p.agenda.empty()) {
    out << "  agenda";
    for (std::size_t j = 0; j < p.agenda.size(); ++j) {
      out << (j ? " then [" : " [");
      for (std::size_t k = 0; k < p.agenda[j].size(); ++k)
        out << (k ? ", " : "") << s.issues[p.agenda[j][k]].id;
      out << "]";
    }
    out << (p.binding ? ", each stage binding\n" : ", nothing agreed until everything is\n");
  }
  out << "  max_rounds " << p.max_rounds << ", walkout_patience " << p.walkout_patience
      << ", revision_steps " << p.revision_steps;
  bool discrete = false;
  for (const Issue& issue : s.issues) discrete = discrete || issue.discrete();
  if (discrete) out << ", clause_changes " << p.clause_changes;
  out << "\n";
  bool constituencies = false;
  for (const Agent& a : s.agents) constituencies = constituencies || a.ratify_intercept;
  // Delegations (docs/model.md, "Delegations").
  for (const Delegation& d : s.delegations) {
    out << "  delegation";
    for (std::size_t j = 0; j < d.members.size(); ++j)
      out << (j ? " + " : " ") << s.agents[d.members[j]].id;
    out << ": amends toward "
        << (d.position == JointPosition::nash ? "its members' weighted Nash point"
                                              : "the weighted mean of its members' ideals")
        << ", weighed "
        << (d.voice == Voice::sum ? "by its members' power summed"
                                  : "as one seat (its most powerful member's power)")
        << "; each member keeps its consent\n";
  }
  if (constituencies) {
    out << "  a text refused at home "
        << (p.refusal_ends ? "ends the talks" : "goes back to the table") << "\n";
  }
  if (model::traits(p.kind).rounds) {
    // When the talks end (docs/model.md, "When the talks end").
    out << "  talks end: "
        << (p.deadline > 0 ? "at a known deadline, round " + std::to_string(p.deadline)
                           : std::string("no known deadline"))
        << "; collapse hazard " << param_text(p.collapse_hazard) << " per round, + "
        << param_text(p.collapse_escalation) << " per rejected round; runs still talking at round "
        << p.max_rounds << " are censored\n";
  }
  out << "  mediator_stake " << param_text(p.mediator_stake) << ", trust_region "
      << param_text(p.trust_region) << ", batna_noise " << param_text(p.batna_noise) << ", step "
      << param_text(p.step) << "\n";
  const Battlefield& b = s.battlefield;
  if (s.aggregation == Aggregation::mean) {
    out << "\nUtility: the mean of each agent's values of the clauses in the text\n";
  }
  if (!s.constraints.empty()) {
    out << "\nConstraints (" << s.constraints.size() << ")\n";
    for (const Constraint& c : s.constraints) {
      out << "  " << (c.kind == Constraint::Kind::excludes ? "excludes " : "requires ") << "["
          << c.text << "]\n";
    }
  }
  out << "\nBattlefield on " << s.issues[b.issue].id << ": start " << param_text(b.start)
      << ", drift " << (b.contest ? std::string("from the contest below") : param_text(b.drift))
      << ", volatility " << param_text(b.volatility) << " per round\n";
  if (const auto& c = b.contest) {
    // docs/model.md, "A front that resources move".
    out << "  contest (Tullock): drift = reach (2p - 1), p = E_up^m / (E_up^m + E_down^m); up "
        << param_text(c->up) << " less sanctions " << param_text(c->sanctions) << ", down "
        << param_text(c->down) << " plus aid " << param_text(c->aid) << ", m "
        << param_text(c->decisiveness) << ", reach " << param_text(c->reach) << " per round\n";
  }
  // docs/model.md, "Beliefs about the war".
  const std::size_t mean_row = model::agent_parameter(model::Field::expected_drift);
  const std::size_t sd_row = model::agent_parameter(model::Field::drift_sd);
  for (const Agent& a : s.agents) {
    const auto& mean = a.scalars[mean_row];
    const auto& sd = a.scalars[sd_row];
    if (!mean && !sd) continue;
    out << "  " << a.id << " believes the drift is "
        << (mean ? param_text(*mean) : std::string("the war's")) << " per round";
    if (sd) {
      out << ", prior sd " << param_text(*sd) << ", and learns it from the front's moves\n";
    } else {
      out << ", and holds to it\n";
    }
  }
  if (const Durability& d = s.durability; d.horizon > 0) {
    out << "\nAfter a deal: followed " << d.horizon << " rounds, base hazard "
        << param_text(d.base_hazard) << " per round";
    for (std::size_t k = 0; k < d.log_hazard.size(); ++k) {
      if (d.log_hazard[k])
        out << ", log hazard ratio " << param_text(*d.log_hazard[k]) << " on " << s.issues[k].id;
    }
    out << "; shift of the front after it " << param_text(d.power_shift);
    if (d.by) out << "; survival by " << s.issues[*d.by].id;
    out << "\n";
  }

  if (const Ceasefire& c = s.ceasefire; c.issue) {
    const Issue& front = s.issues[b.issue];
    bool early = false;  // a mediated stage settles the term before the last stage
    for (std::size_t st = 0; st + 1 < s.protocol.agenda.size(); ++st) {
      for (const std::size_t k : s.protocol.agenda[st]) early = early || k == *c.issue;
    }
    early = early && kind.mediator;
    out << "\nCeasefire designs: a term of " << s.issues[*c.issue].id << " takes the nearest; ";
    if (c.in_force) {
      out << "in force before the talks: " << c.designs[*c.in_force].label << "\n";
    } else {
      out << (early ? "agreed in a stage before the rest, it changes the war while the talks go on"
                    : "no mediated stage settles it before the rest, so the designs only name a "
                      "deal's")
          << "\n";
    }
    Table designs({"design", "at", "drift", "volatility", "war cost x", "withdrawal rounds"});
    for (const CeasefireDesign& d : c.designs) {
      const Issue& issue = s.issues[*c.issue];
      const std::string at =
          issue.discrete() ? issue.options[static_cast<std::size_t>(d.at)] : num(d.at);
      designs.add({d.label, at, d.drift ? num(*d.drift) : "the war's",
                   d.volatility ? num(*d.volatility) : "the war's", num(d.war_cost),
                   std::to_string(d.withdrawal)});
    }
    designs.print(out);
    out << "  (drift and volatility in " << front.unit << " of " << front.id << " per round)\n";
  }

  std::vector<const Param*> sampled;
  for (const ParameterRef& ref : s.parameters()) {
    if (!ref.param->dist.is_fixed()) sampled.push_back(ref.param);
  }
  for (const Shock& shock : s.shocks) {
    if (!shock.value.dist.is_fixed()) sampled.push_back(&shock.value);
  }
  if (!s.shocks.empty()) {
    out << "\nShocks (" << s.shocks.size() << ")\n";
    Table shocks({"when", "parameter", "change"});
    for (const Shock& shock : s.shocks) {
      const char* op = shock.op == ShockOp::set ? "= " : shock.op == ShockOp::add ? "+= " : "*= ";
      shocks.add({shock.trigger, shock.key, op + param_text(shock.value)});
    }
    shocks.print(out);
  }
  out << "\nSampled parameters (" << sampled.size() << ", drawn once per run)\n";
  Table draws({"key", "distribution"});
  for (const Param* prm : sampled) draws.add({prm->key, param_text(*prm)});
  for (const Agent& a : s.agents) {
    if (a.salience_concentration) {
      draws.add({"agents." + a.id + ".weight.*",
                 "Dirichlet(" + num(*a.salience_concentration) + " * w)"});
    }
  }
  draws.print(out);
  return out.str();
}

std::vector<std::string> warnings(const Scenario& s) {
  std::vector<std::string> out;
  for (std::size_t k = 0; k < s.issues.size(); ++k) {
    double lo = s.issues[k].lo;
    double hi = s.issues[k].hi;
    for (const Agent& a : s.agents) {
      if (!a.veto || !a.red_line[k]) continue;
      // The most lenient draws of each end.
      lo = std::max(lo, a.red_line[k]->lo.dist.support_min());
      hi = std::min(hi, a.red_line[k]->hi.dist.support_max());
    }
    if (lo > hi) {
      out.push_back("issue " + s.issues[k].id +
                    ": the veto players' red lines leave no acceptable position, so no deal is "
                    "possible");
    }
  }
  return out;
}

}  // namespace parley::scenario

// What a scenario file must satisfy across its tables (see loader.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>

#include "loader.hpp"

namespace parley::scenario::detail {
namespace {

// The most sampled parameters a scenario may have (see check_cross_references).
constexpr std::size_t kMaxSampled = 4000;

// protocol.<key>'s node in the file (null: not written), and where a message about the
// [protocol] table points: the table, or the file when it has none.
const toml::node* protocol_key(const toml::table& root, const char* key) {
  const toml::node* p = root.get("protocol");
  return p && p->is_table() ? p->as_table()->get(key) : nullptr;
}
toml::source_region protocol_table(const toml::table& root) {
  const toml::node* p = root.get("protocol");
  return p ? p->source() : root.source();
}

}  // namespace

void Loader::check_cross_references(const toml::table& root) {
  std::size_t mediators = 0;
  std::size_t parties = 0;
  std::size_t vetoes = 0;
  for (const Agent& a : s_.agents) {
    mediators += a.role == Role::mediator;
    parties += a.role == Role::party;
    vetoes += a.veto;
  }
  const auto region = root.source();
  const toml::node* agents = root.get("agents");
  const auto& at = agents ? agents->source() : region;
  if (s_.agents.empty() || s_.issues.empty()) return;
  if (mediators > 1) {
    ctx_.error(at, "agents", std::to_string(mediators) + " agents have role = \"mediator\"",
               "allowed: at most one mediator");
  }
  const model::ProtocolTraits& kind = model::traits(s_.protocol.kind);
  if (mediators == 0 && kind.mediator) {
    ctx_.error(at, "agents",
               "the " + std::string(model::name_of(kind.kind)) +
                   " protocol needs a mediator, none has role = \"mediator\"",
               "allowed: exactly one agent with role = \"mediator\"");
  }
  if (parties == 0) {
    ctx_.error(at, "agents", "a mediator without parties",
               "allowed: at least one agent with role = \"party\"");
  }
  // Where proposers are recognised a quota decides; elsewhere only veto players do.
  if (vetoes == 0 && !kind.proposers) {
    ctx_.error(at, "agents", "no agent has a veto, so every text would pass at once",
               "allowed: at least one agent with veto = true");
  }
  // Concession by time aims at a deadline: only one the parties know (docs/model.md, "When the
  // talks end"). An agent whose red lines or aspiration concede does so by time unless its
  // tactics table says otherwise.
  if (s_.protocol.deadline == 0 && kind.rounds) {
    for (const Agent& a : s_.agents) {
      bool concedes = static_cast<bool>(a.scalar(model::Field::aspiration_limit));
      for (const auto& limit : a.red_line_limit) concedes = concedes || limit.has_value();
      const auto& time = a.scalar(model::Field::tactic_time);
      const bool by_time = !time || !(time->dist.is_fixed() && time->central() == 0.0);
      if (!concedes || !by_time) continue;
      ctx_.diagnostics.push_back(
          {time ? time->where : a.where, "agents." + a.id + ".tactics.time",
           time ? "concession by time needs a deadline the parties know"
                : "concedes by time (no tactics table), which needs a deadline the parties know",
           "allowed: protocol.deadline = R (the round by which the talks must end, if one is "
           "known), or tactics without time (resource, relative_tit_for_tat, "
           "absolute_tit_for_tat)"});
    }
  }
  // Every sampled parameter is a dataset of its own, attached to the run coordinate, whose
  // list of attached datasets HDF5 keeps in one attribute of at most 64 KiB (about 4,500).
  {
    std::size_t sampled = 0;
    for (const ParameterRef& ref : s_.parameters()) sampled += !ref.param->dist.is_fixed();
    for (const Agent& a : s_.agents) {
      if (!a.salience_concentration) continue;
      for (const auto& w : a.salience) sampled += w.has_value();
    }
    if (sampled > kMaxSampled) {
      ctx_.error(
          region, "scenario", std::to_string(sampled) + " sampled parameters",
          "allowed: at most " + std::to_string(kMaxSampled) + " (each is a dataset of the output)");
    }
  }
  if (s_.space == Space::pie) check_pie(root);
  bool any_discrete = false;
  for (const Issue& issue : s_.issues) any_discrete = any_discrete || issue.discrete();
  if (any_discrete && s_.protocol.revision == Revision::weighted_mean && kind.revision) {
    ctx_.error(protocol_table(root), "protocol.revision",
               "the weighted-mean step moves continuous issues only",
               "allowed: revision = \"nash\" when some issue is discrete");
  }
  // The expected-utility model moves positions on continuous scales, and sums nothing: it takes
  // neither options nor the mean of clauses (docs/model.md, "The expected-utility model").
  if (s_.protocol.kind == ProtocolKind::expected_utility && any_discrete) {
    const toml::node* kn = protocol_key(root, "kind");
    ctx_.error(kn ? kn->source() : root.source(), "protocol.kind",
               "the expected-utility model moves continuous positions only",
               "allowed: kind = \"expected_utility\" when every issue is continuous");
  }
  // An agent's attention scales its saliences in the expected-utility model, and only where the
  // scenario says so; elsewhere it would change nothing.
  if (s_.protocol.salience_scale != SalienceScale::attention) {
    for (const Agent& a : s_.agents) {
      if (const std::optional<Param>& given = a.scalar(model::Field::attention)) {
        ctx_.diagnostics.push_back(
            {given->where, "agents." + a.id + ".attention", "nothing reads it",
             "allowed: attention with protocol.kind = \"expected_utility\" and salience_scale = "
             "\"attention\""});
      }
    }
  }
  const Issue& front = s_.issues[s_.battlefield.issue];
  if (front.discrete() &&
      (!s_.battlefield.drift.dist.is_fixed() || !s_.battlefield.volatility.dist.is_fixed() ||
       s_.battlefield.drift.central() != 0.0 || s_.battlefield.volatility.central() != 0.0)) {
    ctx_.error(root.get("battlefield") ? root.get("battlefield")->source() : root.source(),
               "battlefield.issue", "the front line cannot move on discrete issue " + front.id,
               "allowed: a continuous issue for a moving front line");
  }
  // The first draft must be a text the constraints allow.
  if (s_.protocol.first_draft.size() == s_.issues.size()) {
    std::vector<double> draft;
    for (const auto& p : s_.protocol.first_draft) draft.push_back(p.central());
    for (const Constraint& c : s_.constraints) {
      if (!satisfied(c, draft)) {
        ctx_.error(protocol_table(root), "protocol.first_draft",
                   "breaks the constraint [" + c.text + "]",
                   "allowed: a first draft that satisfies every [[constraints]] entry");
      }
    }
  }
}

// A constituency belongs to a party whose consent a deal needs; `protocol.refusal` says what a
// refusal does, so it needs one.
void Loader::check_ratification(const toml::table& root) {
  bool any_veto = false;
  for (const Agent& a : s_.agents) any_veto = any_veto || a.veto;
  bool any = false;
  for (const Agent& a : s_.agents) {
    if (!a.ratify_intercept) continue;
    any = true;
    const std::string key = "agents." + a.id + ".ratification";
    const Location& at = a.ratify_intercept->where;
    if (a.role != Role::party || (any_veto && !a.veto)) {
      ctx_.diagnostics.push_back(
          {at, key, "only a party whose consent a deal needs ratifies it",
           "allowed: ratification for a party with veto = true or veto_issues (or any party "
           "when none has a veto)"});
    }
  }
  const toml::node* n = protocol_key(root, "refusal");
  if (!any && n) {
    ctx_.error(n->source(), "protocol.refusal", "no agent has a constituency that could refuse",
               "allowed: refusal with some agents.<a>.ratification");
  }
}

// Side payments: the mediator of the mediated protocol pays parties (docs/model.md, "Side
// payments").
void Loader::check_side_payments() {
  const model::ProtocolTraits& kind = model::traits(s_.protocol.kind);
  for (const Agent& a : s_.agents) {
    if (!a.payment_budget) continue;
    const std::string key = "agents." + a.id + ".side_payment";
    const Location& at = a.payment_budget->where;
    if (!kind.side_payments) {
      ctx_.diagnostics.push_back({at, key,
                                  "kind = \"" + std::string(model::name_of(s_.protocol.kind)) +
                                      "\" has no mediator to pay",
                                  "allowed: side_payment with kind = " +
                                      model::kinds_with(&model::ProtocolTraits::side_payments)});
      continue;
    }
    if (a.role != Role::mediator) {
      ctx_.diagnostics.push_back({at, key, "only the mediator attaches side payments to its text",
                                  "allowed: side_payment on the agent with role = \"mediator\""});
      continue;
    }
    if (s_.protocol.revision != Revision::nash) {
      ctx_.diagnostics.push_back({at, key, "the weighted-mean revision chooses no payments",
                                  "allowed: side_payment with revision = \"nash\""});
      continue;
    }
    for (std::size_t j = 0; j < a.payment_value.size() && j < s_.agents.size(); ++j) {
      if (a.payment_value[j] && s_.agents[j].role != Role::party) {
        ctx_.diagnostics.push_back({a.payment_value[j]->where, key + ".to." + s_.agents[j].id,
                                    "not a party",
                                    "allowed: payments to parties (role = \"party\")"});
      }
    }
  }
}

void Loader::check_instruments(const toml::table& root) {
  const model::ProtocolTraits& kind = model::traits(s_.protocol.kind);
  bool leaves = false;
  for (const Agent& a : s_.agents) {
    const auto check = [&](model::Field max, model::Field cost, model::Field start,
                           const std::string& what) {
      const std::string key = "agents." + a.id + "." + what;
      const std::optional<Param>& m = a.scalar(max);
      for (const model::Field f : {cost, start}) {
        const std::optional<Param>& p = a.scalar(f);
        if (p && !m) {
          ctx_.diagnostics.push_back(
              {p->where, key + "_" + (f == cost ? "cost" : "start"), "without " + key + "_max",
               "allowed: " + key + "_cost and " + key + "_start with " + key + "_max"});
        }
      }
      if (!m) return;
      if (!s_.battlefield.contest) {
        ctx_.diagnostics.push_back({m->where, key + "_max", "no contest of war efforts to act on",
                                    "allowed: " + what + " with a [battlefield.contest]"});
      } else if (!a.scalar(cost)) {
        ctx_.diagnostics.push_back({m->where, key + "_cost", "missing",
                                    "allowed: " + key + "_max with its cost per unit and round, " +
                                        key + "_cost (utility)"});
      }
    };
    check(model::Field::aid_max, model::Field::aid_cost, model::Field::aid_start, "aid");
    check(model::Field::sanctions_max, model::Field::sanctions_cost, model::Field::sanctions_start,
          "sanctions");
    if (const std::optional<Param>& e = a.scalar(model::Field::engagement_cost)) {
      const std::string key = "agents." + a.id + ".engagement_cost";
      if (!kind.disengagement) {
        ctx_.diagnostics.push_back({e->where, key,
                                    "kind = \"" + std::string(model::name_of(s_.protocol.kind)) +
                                        "\" has no mediator to leave the talks",
                                    "allowed: engagement_cost with kind = " +
                                        model::kinds_with(&model::ProtocolTraits::disengagement)});
      } else if (a.role != Role::mediator) {
        ctx_.diagnostics.push_back(
            {e->where, key, "only the mediator leaves the talks by choice",
             "allowed: engagement_cost on the agent with role = \"mediator\" (a party leaves "
             "by protocol.walkout_patience)"});
      } else {
        leaves = true;
      }
    }
  }
  const toml::node* n = protocol_key(root, "disengagement");
  if (!leaves && n) {
    ctx_.error(n->source(), "protocol.disengagement", "no mediator that could leave the talks",
               "allowed: disengagement with the mediator's engagement_cost");
  }
}

// A pie (Baron & Ferejohn 1989): issues are shares in [0, 1]; each agent values only its
// own share, linearly; only alternating offers divide a pie.
void Loader::check_pie(const toml::table& root) {
  const auto& region = root.get("scenario") ? root.get("scenario")->source() : root.source();
  if (!model::traits(s_.protocol.kind).proposers) {
    ctx_.error(region, "scenario.space", "a pie is divided by alternating offers only",
               "allowed: space = \"pie\" with protocol.kind = " +
                   model::kinds_with(&model::ProtocolTraits::proposers));
  }
  for (const Issue& issue : s_.issues) {
    if (issue.lo != 0.0 || issue.hi != 1.0) {
      ctx_.error(region, "issues." + issue.id + ".range", "a share of a pie must range over [0, 1]",
                 "allowed: range = [0.0, 1.0] with space = \"pie\"");
    }
  }
  std::vector<bool> owned(s_.issues.size(), false);
  s_.own_share.assign(s_.agents.size(), 0);
  for (std::size_t i = 0; i < s_.agents.size(); ++i) {
    const Agent& a = s_.agents[i];
    std::vector<std::size_t> weighed;
    for (std::size_t k = 0; k < s_.issues.size(); ++k) {
      if (a.salience[k] && !(a.salience[k]->dist.is_fixed() && a.salience[k]->central() == 0.0)) {
        weighed.push_back(k);
      }
    }
    const bool own_linear = weighed.size() == 1 && a.shape[weighed[0]] == model::Shape::linear &&
                            a.ideal[weighed[0]] && a.ideal[weighed[0]]->dist.is_fixed() &&
                            a.ideal[weighed[0]]->central() == 1.0 && !owned[weighed[0]];
    if (a.role == Role::party && !own_linear) {
      ctx_.diagnostics.push_back(
          {a.where, "agents." + a.id + ".salience",
           "in a pie each party values its own share only, linearly, with ideal 1",
           "allowed: salience on one issue no other party owns, ideal 1.0, shape linear"});
      continue;
    }
    if (!weighed.empty()) {
      s_.own_share[i] = weighed[0];
      owned[weighed[0]] = true;
    }
  }
}

}  // namespace parley::scenario::detail

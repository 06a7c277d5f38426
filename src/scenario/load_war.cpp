// [battlefield], [durability] and [ceasefire] of a scenario file, and the agents'
// expected drifts, which need the battlefield (see loader.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>

#include "loader.hpp"

namespace parley::scenario::detail {

void Loader::read_battlefield(Reader& r) {
  Battlefield& b = s_.battlefield;
  const toml::table* t = r.subtable("battlefield", false);
  if (s_.issues.empty()) return;
  if (!t) {
    // No war dynamics: the front line stays at the status quo of the first issue.
    b.issue = 0;
    const Location loc{ctx_.source, 0, 0};
    const Issue& issue = s_.issues[0];
    const double span = issue.hi - issue.lo;
    b.start =
        Param{Distribution::fixed(issue.status_quo), "battlefield.start", loc, issue.lo, issue.hi};
    b.drift = Param{Distribution::fixed(0.0), "battlefield.drift", loc, -span, span};
    b.volatility = Param{Distribution::fixed(0.0), "battlefield.volatility", loc, 0.0, span};
    return;
  }
  Reader h(ctx_, *t, "battlefield");
  // The issue the front line moves; the first issue when not named.
  auto id = h.string("issue", false, issue_ids());
  b.issue = id ? s_.issue_index(*id) : 0;
  const Issue& issue = s_.issues[b.issue];
  const double span = issue.hi - issue.lo;
  b.start = h.param_or("start", issue.lo, issue.hi, issue.status_quo);
  b.drift = h.param_or("drift", -span, span, 0.0);
  b.volatility = h.param_or("volatility", 0.0, span, 0.0);
  // A front that resources move (docs/model.md, "A front that resources move").
  if (const toml::table* ct = h.subtable("contest", false)) {
    Reader c(ctx_, *ct, "battlefield.contest");
    Contest contest;
    constexpr double kMostEffort = 1e12;
    contest.up = c.param("up", true, 0.0, kMostEffort).value_or(Param{});
    contest.down = c.param("down", true, 0.0, kMostEffort).value_or(Param{});
    contest.aid = c.param_or("aid", 0.0, kMostEffort, 0.0);
    contest.sanctions = c.param_or("sanctions", 0.0, kMostEffort, 0.0);
    contest.decisiveness = c.param_or("decisiveness", 0.01, 100.0, 1.0);
    contest.reach = c.param("reach", true, 0.0, span).value_or(Param{});
    c.finish();
    b.contest = std::move(contest);
    if (const toml::node* d = t->get("drift")) {
      ctx_.error(d->source(), "battlefield.drift", "the contest sets the drift",
                 "allowed: drift or [battlefield.contest], not both");
    }
  }
  h.finish();
}

// [durability] (docs/model.md, "Whether a deal holds"): optional; without it no deal is
// followed after its signature.
void Loader::read_durability(Reader& r) {
  Durability& d = s_.durability;
  d.log_hazard.assign(s_.issues.size(), std::nullopt);
  const toml::table* t = r.subtable("durability", false);
  if (s_.issues.empty()) return;  // already an error; every issue named would be unknown
  const double span = s_.battlefield.issue < s_.issues.size()
                          ? s_.issues[s_.battlefield.issue].hi - s_.issues[s_.battlefield.issue].lo
                          : 1.0;
  const Location loc{ctx_.source, 0, 0};
  if (!t) {
    d.base_hazard = Param{Distribution::fixed(0.0), "durability.base_hazard", loc, 0.0, 1.0};
    d.power_shift = Param{Distribution::fixed(0.0), "durability.power_shift", loc, -span, span};
    return;
  }
  Reader h(ctx_, *t, "durability");
  d.horizon = static_cast<int>(h.integer("horizon", true, 1, 100000).value_or(0));
  d.base_hazard = h.param_or("base_hazard", 0.0, 1.0, 0.0);
  d.power_shift = h.param_or("power_shift", -span, span, 0.0);
  if (const toml::table* lt = h.subtable("log_hazard", false)) {
    per_issue(*lt, "durability.log_hazard",
              [&](std::size_t k, const toml::node& v, const std::string& key, Reader& pr) {
                d.log_hazard[k] = pr.param_node(v, key, -20.0, 20.0);
              });
  }
  if (auto by = h.string("by", false, issue_ids())) d.by = s_.issue_index(*by);
  h.finish();
}

// [ceasefire] (docs/model.md, "Interim ceasefires"): optional; the designs by which an agreed
// ceasefire term changes the war while the talks go on.
void Loader::read_ceasefire(Reader& r) {
  const toml::table* t = r.subtable("ceasefire", false);
  if (!t || s_.issues.empty()) return;  // no issues: already an error
  Reader h(ctx_, *t, "ceasefire");
  Ceasefire& c = s_.ceasefire;
  if (auto id = h.string("issue", true, issue_ids())) c.issue = s_.issue_index(*id);
  const toml::table* dt = h.subtable("designs", true);
  const toml::node* in_force = h.take("in_force");
  h.finish();
  if (!dt) return;
  if (dt->empty()) {
    ctx_.error(dt->source(), "ceasefire.designs", "no designs",
               "allowed: at least one design, e.g. [ceasefire.designs.halt] with at = ...");
  }
  if (!c.issue) return;
  const Issue& issue = s_.issues[*c.issue];
  const Issue& front = s_.issues[s_.battlefield.issue];
  const double span = front.hi - front.lo;
  Reader all(ctx_, *dt, "ceasefire.designs");
  for (const std::string& id : keys_in_file_order(*dt)) {
    const std::string path = "ceasefire.designs." + id;
    const toml::table* table = all.subtable(id, true);
    if (!table) continue;
    check_id(*dt, id, path);
    Reader d(ctx_, *table, path);
    CeasefireDesign x;
    x.id = id;
    x.label = d.string("label", false).value_or(id);
    if (issue.discrete()) {
      if (const toml::node* n = d.take("at")) {
        x.at = option_of(*n, path + ".at", issue).value_or(0.0);
      } else {
        d.missing("at", "an option of " + issue.id);
      }
    } else {
      x.at = d.number("at", true, issue.lo, issue.hi).value_or(issue.lo);
    }
    x.drift = d.number("drift", false, -span, span);
    x.volatility = d.number("volatility", false, 0.0, span);
    x.war_cost = d.number("war_cost", false, 0.0, 100.0).value_or(1.0);
    x.withdrawal = static_cast<int>(d.integer("withdrawal", false, 0, 100000).value_or(0));
    d.finish();
    for (const CeasefireDesign& other : c.designs) {
      if (other.at == x.at) {
        const toml::node* where = table->get("at");
        ctx_.error(where ? where->source() : table->source(), path + ".at",
                   "design " + id + " stands at the same term as " + other.id,
                   "allowed: one design at each term of " + issue.id);
      }
    }
    c.designs.push_back(std::move(x));
  }
  std::stable_sort(c.designs.begin(), c.designs.end(),
                   [](const CeasefireDesign& a, const CeasefireDesign& b) { return a.at < b.at; });
  // in_force = "<design>": that ceasefire agreed before the talks, its issue settled.
  if (in_force) {
    std::vector<std::string> ids;
    for (const CeasefireDesign& d : c.designs) ids.push_back(d.id);
    const auto name = in_force->value<std::string>();
    const auto found = name ? std::find(ids.begin(), ids.end(), *name) : ids.end();
    if (!in_force->is_string() || found == ids.end()) {
      const std::string hint = name ? closest_match(*name, ids) : "";
      ctx_.error(in_force->source(), "ceasefire.in_force",
                 name ? "unknown design \"" + *name + "\""
                      : std::string("expected a string, got ") + type_name(*in_force),
                 "allowed: one of the designs (" + join(ids) + ")" +
                     (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
    } else if (!model::traits(s_.protocol.kind).ceasefire_in_force || !s_.protocol.agenda.empty()) {
      ctx_.error(in_force->source(), "ceasefire.in_force",
                 "a ceasefire in force before the talks needs the mediated protocol without an "
                 "agenda",
                 "allowed: in_force with kind = " +
                     model::kinds_with(&model::ProtocolTraits::ceasefire_in_force) +
                     " and no protocol.agenda (a stage of an agenda agrees a ceasefire during "
                     "the talks)");
    } else {
      c.in_force = static_cast<std::size_t>(found - ids.begin());
    }
  }
}

// An agent's parameters in the front's units (agents.<a>.expected_drift, drift_sd): a drift per
// round like battlefield.drift, or its spread, within the row's range in spans of the battlefield
// issue.
void Loader::read_front_scalars(Reader& r) {
  if (s_.battlefield.issue >= s_.issues.size()) return;
  const Issue& issue = s_.issues[s_.battlefield.issue];
  const double span = issue.hi - issue.lo;
  for (const FrontNode& f : front_nodes_) {
    if (f.agent >= s_.agents.size()) continue;
    Agent& a = s_.agents[f.agent];
    const model::AgentParameter& row = model::kAgentParameters[f.row];
    if (auto p = r.param_node(*f.node, "agents." + a.id + "." + std::string(row.key), row.lo * span,
                              row.hi * span))
      a.scalars[f.row] = *p;
  }
}

}  // namespace parley::scenario::detail

// [[shocks]] of a scenario file (see loader.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "loader.hpp"

namespace parley::scenario::detail {

// [[shocks]]: when a trigger fires (round, after_rejections with by, front_above,
// front_below or no_deal_by; exactly one), the parameter `key` takes `value`, or has it added
// or is multiplied by it (`op`); docs/model.md, "Shocks and triggers".
void Loader::read_shocks(Reader& r) {
  const toml::node* n = r.take("shocks");
  if (!n) return;
  const toml::array* list = n->as_array();
  const std::string allowed_tables =
      "allowed: [[shocks]] tables with key, value, an optional op and one trigger: round, "
      "after_rejections (with by), front_above, front_below or no_deal_by";
  if (!list || !list->is_array_of_tables()) {
    ctx_.error(n->source(), "shocks",
               std::string("expected an array of tables, got ") + type_name(*n), allowed_tables);
    return;
  }
  std::vector<std::string> keys;
  std::map<std::string, const Param*> by_key;
  for (const ParameterRef& ref : s_.parameters()) {
    if (ref.field == model::Field::salience) continue;  // weights are normalised per run
    keys.push_back(ref.param->key);
    by_key[ref.param->key] = ref.param;
  }
  std::vector<std::string> agent_ids, party_ids;
  for (const Agent& a : s_.agents) {
    agent_ids.push_back(a.id);
    if (a.role == Role::party) party_ids.push_back(a.id);
  }
  const Issue* front =
      s_.battlefield.issue < s_.issues.size() ? &s_.issues[s_.battlefield.issue] : nullptr;
  for (std::size_t j = 0; j < list->size(); ++j) {
    const toml::table& t = *list->get(j)->as_table();
    const std::string path = "shocks[" + std::to_string(j) + "]";
    Reader h(ctx_, t, path);
    Shock shock;
    const bool has_op = t.contains("op");
    const auto op_given = h.string("op", false, model::names_of<ShockOp>());
    shock.op = model::enum_of<ShockOp>(op_given.value_or("set")).value_or(ShockOp::set);
    // The trigger: exactly one.
    const char* triggers[] = {"round", "after_rejections", "front_above", "front_below",
                              "no_deal_by"};
    std::vector<std::string> given;
    for (const char* k : triggers) {
      if (t.contains(k)) given.emplace_back(k);
    }
    if (given.size() != 1) {
      ctx_.error(t.source(), path,
                 given.empty() ? "no trigger"
                               : "more than one trigger (" + given[0] + ", " + given[1] + ")",
                 "allowed: exactly one of round, after_rejections (with by), front_above, "
                 "front_below, no_deal_by");
    }
    std::string trigger;
    if (auto round = h.integer("round", false, 1, 100000)) {
      shock.when = ShockWhen::round;
      shock.round = static_cast<int>(*round);
      trigger = "from round " + std::to_string(shock.round);
    }
    if (auto by_round = h.integer("no_deal_by", false, 1, 100000)) {
      shock.when = ShockWhen::no_deal_by;
      shock.round = static_cast<int>(*by_round);
      trigger = "if no deal by round " + std::to_string(shock.round);
    }
    const auto count = h.integer("after_rejections", false, 1, 100000);
    const auto by = h.string("by", false, agent_ids);
    if (count) {
      shock.when = ShockWhen::rejections;
      shock.count = static_cast<int>(*count);
      if (by) {
        shock.by = static_cast<std::size_t>(std::find(agent_ids.begin(), agent_ids.end(), *by) -
                                            agent_ids.begin());
        // Only parties answer texts; a mediator's "rejections" would never be counted.
        if (shock.by < s_.agents.size() && s_.agents[shock.by].role == Role::mediator) {
          ctx_.error(t.get("by")->source(), path + ".by",
                     "\"" + *by + "\" is the mediator, who answers no text and never rejects",
                     "allowed: a party, one of " + join(party_ids));
        }
      } else if (!t.contains("by"))
        h.missing("by", "the agent whose rejections count, one of the agents");
      trigger = "after " + std::to_string(shock.count) + " rejections by " + by.value_or("?");
    } else if (t.contains("by")) {
      ctx_.error(t.get("by")->source(), path + ".by", "goes with after_rejections",
                 "allowed: by = \"<agent>\" with after_rejections = K");
    }
    for (const char* side : {"front_above", "front_below"}) {
      // Taken even when absent: a key of the table all the same, named when another is unknown.
      if (!t.contains(side) || !front) {
        h.take(side);
        continue;
      }
      if (auto x = h.number(side, false, front->lo, front->hi)) {
        shock.when =
            std::string(side) == "front_above" ? ShockWhen::front_above : ShockWhen::front_below;
        shock.threshold = *x;
        trigger = std::string("once the front is ") +
                  (shock.when == ShockWhen::front_above ? ">= " : "<= ") + fmt(*x);
      }
    }
    const auto key = h.string("key", true);
    const toml::node* value = h.take("value");
    h.finish();
    if (!key) continue;
    const auto it = by_key.find(*key);
    if (it == by_key.end()) {
      const std::string hint = closest_match(*key, keys);
      ctx_.error(t.get("key")->source(), path + ".key", "no parameter \"" + *key + "\"",
                 hint.empty() ? "allowed: the dotted key of any parameter but a salience, as "
                                "parley validate lists them"
                              : "did you mean \"" + hint + "\"?");
      continue;
    }
    // A new value lies in the parameter's range; a difference within its width either way; a
    // factor is at least 0. The result is kept in the parameter's range.
    const double lo = it->second->valid_lo, hi = it->second->valid_hi;
    const double width = hi - lo;
    const double v_lo = shock.op == ShockOp::set ? lo : shock.op == ShockOp::add ? -width : 0.0;
    const double v_hi = shock.op == ShockOp::set ? hi : shock.op == ShockOp::add ? width : 1000.0;
    if (!value) {
      h.missing("value", param_allowed(v_lo, v_hi));
      continue;
    }
    if (has_op && !op_given) continue;  // its range depends on the operation
    if (auto p = h.param_node(*value, path + ".value", v_lo, v_hi)) {
      shock.key = *key;
      shock.value = *p;
      shock.trigger = trigger;
      const char* sign = shock.op == ShockOp::set   ? " = "
                         : shock.op == ShockOp::add ? " += "
                                                    : " *= ";
      shock.label = *key + sign +
                    (p->dist.is_fixed() ? fmt(p->central()) : std::string("(drawn)")) + " " +
                    trigger;
      s_.shocks.push_back(std::move(shock));
    }
  }
}

}  // namespace parley::scenario::detail

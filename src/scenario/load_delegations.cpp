// [[delegations]] of a scenario file (see loader.hpp).
#include <toml++/toml.h>

#include <algorithm>

#include "loader.hpp"

namespace parley::scenario::detail {

// [[delegations]] (docs/model.md, "Delegations"): members = ["a", "b", ...], two or more parties,
// each in one delegation at most; position = "nash" | "mean"; voice = "sum" | "one". Delegations
// meet the mediator of the mediated protocol in its separate sessions.
void Loader::read_delegations(Reader& r) {
  const toml::node* n = r.take("delegations");
  if (!n) return;
  const toml::array* list = n->as_array();
  if (!list || !list->is_array_of_tables()) {
    ctx_.error(n->source(), "delegations",
               std::string("expected an array of tables, got ") + type_name(*n),
               "allowed: [[delegations]] tables with members and optional position and voice");
    return;
  }
  const std::string meets =
      "allowed: delegations with protocol.kind = \"mediated\" and protocol.sessions = "
      "\"separate\"";
  if (s_.protocol.kind != ProtocolKind::mediated) {
    ctx_.error(n->source(), "delegations",
               "delegations meet a mediator in its separate sessions; protocol.kind \"" +
                   std::string(model::name_of(s_.protocol.kind)) + "\" has none",
               meets);
  } else if (s_.protocol.sessions != Sessions::separate) {
    ctx_.error(n->source(), "delegations",
               "delegations meet the mediator in separate sessions, not at the joint table of "
               "protocol.sessions = \"joint\"",
               meets);
  }
  std::vector<std::string> party_ids;
  for (const Agent& a : s_.agents) {
    if (a.role == Role::party) party_ids.push_back(a.id);
  }
  std::string allowed = "allowed: an array of two or more party ids, from:";
  for (const auto& id : party_ids) allowed += " " + id;
  allowed += " (the mediator meets delegations; a party sits in one at most)";
  std::vector<bool> seated(s_.agents.size(), false);
  for (std::size_t j = 0; j < list->size(); ++j) {
    const toml::table& t = *list->get(j)->as_table();
    const std::string path = "delegations[" + std::to_string(j) + "]";
    Reader h(ctx_, t, path);
    Delegation d;
    d.where = ctx_.at(t.source());
    d.position = h.choice("position", JointPosition::nash);
    d.voice = h.choice("voice", Voice::sum);
    const std::string key = path + ".members";
    const toml::node* m = h.take("members");
    const toml::array* arr = m ? m->as_array() : nullptr;
    if (!m) {
      h.missing("members", allowed);
    } else if (!arr || arr->size() < 2) {
      ctx_.error(m->source(), key,
                 arr ? "a delegation of " + std::to_string(arr->size()) + " member" +
                           (arr->size() == 1 ? "" : "s")
                     : std::string("expected an array, got ") + type_name(*m),
                 allowed);
    } else {
      for (std::size_t e = 0; e < arr->size(); ++e) {
        const toml::node& node = *arr->get(e);
        const std::string at = key + "[" + std::to_string(e) + "]";
        const auto* id = node.as_string();
        const auto it = id ? std::find_if(s_.agents.begin(), s_.agents.end(),
                                          [&](const Agent& a) { return a.id == id->get(); })
                           : s_.agents.end();
        if (!id) {
          ctx_.error(node.source(), at, std::string("expected a string, got ") + type_name(node),
                     allowed);
        } else if (it == s_.agents.end()) {
          const std::string hint = closest_match(id->get(), party_ids);
          ctx_.error(node.source(), at, "no agent \"" + id->get() + "\"",
                     hint.empty() ? allowed : "did you mean \"" + hint + "\"?");
        } else if (it->role != Role::party) {
          ctx_.error(node.source(), at, "\"" + id->get() + "\" is the mediator", allowed);
        } else {
          const auto i = static_cast<std::size_t>(it - s_.agents.begin());
          if (seated[i]) {
            ctx_.error(node.source(), at, "\"" + id->get() + "\" already sits in a delegation",
                       allowed);
          } else {
            seated[i] = true;
            d.members.push_back(i);
          }
        }
      }
    }
    h.finish();
    s_.delegations.push_back(std::move(d));
  }
}

}  // namespace parley::scenario::detail

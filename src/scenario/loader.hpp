#pragma once
// The scenario loader's shared state, private to parley_scenario: one Loader reads a file's
// tables in order into one Scenario, collecting every problem in its Context. Each TOML table
// has its own file of member definitions: load.cpp (the order, [scenario], [run], [sweep]),
// load_issues.cpp ([issues], [[constraints]]), load_agents.cpp ([agents]),
// load_protocol.cpp ([protocol]), load_war.cpp ([battlefield], [durability], [ceasefire] and
// the agents' expected drifts), load_shocks.cpp ([[shocks]]), load_delegations.cpp
// ([[delegations]]) and load_checks.cpp (what spans tables).
#include <toml++/toml.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parley/scenario/scenario.hpp"
#include "toml_reader.hpp"

namespace parley::scenario::detail {

class Loader {
 public:
  Loader(Context& ctx, Scenario& s) : ctx_(ctx), s_(s) {}

  void load(const toml::table& root);

 private:
  std::vector<std::string> issue_ids() const;

  void read_header(Reader& r);

  void read_run(Reader& r);

  bool check_id(const toml::table& parent, const std::string& id, const std::string& path);

  // kind = "options" (options = ["a", "b", ...]) or "clause" (out or in). Positions are
  // option indices: the natural range is [0, n - 1].
  // The mean aggregation needs clauses only; otherwise it is reported once, and the agents
  // are read as under the sum so that their weights raise nothing more.
  void check_aggregation();

  // Returns false when the options themselves are in error.
  bool read_discrete_issue(Reader& h, const toml::table& t, const std::string& kind, Issue& issue);

  // A position on a discrete issue: an option name, true/false for a clause, or an index.
  std::optional<double> option_of(const toml::node& n, const std::string& key, const Issue& issue);

  // A position given for issue `issue`: a number or distribution on a continuous issue; one
  // option (fixed) on a discrete one.
  std::optional<Param> position_node(Reader& pr, const toml::node& n, const std::string& key,
                                     const Issue& issue);

  void read_issues(Reader& r);

  // Reads a table keyed by issue id; calls `each` for every issue present.
  template <typename F>
  void per_issue(const toml::table& t, const std::string& path, F&& each) {
    if (s_.issues.empty()) return;  // already an error; every id would be reported as unknown
    Reader r(ctx_, t, path);
    for (std::size_t k = 0; k < s_.issues.size(); ++k) {
      const toml::node* n = r.take(s_.issues[k].id);
      if (n && !broken_issue_[k]) each(k, *n, r.path(s_.issues[k].id), r);
    }
    r.finish("issue");
  }

  void read_shape(Agent& a, const toml::node& n, const std::string& path);

  // [[constraints]]: excludes = ["a", "b", ...] (not all in the text at once) or
  // requires = ["a", "b"] (a only with b). An item is a clause id (the clause is in) or
  // "issue=option".
  void read_constraints(Reader& r);

  // values.<issue>: per option of an options issue, [v_1, ..., v_n]; for a clause its value
  // when in (out: 0) or [out, in]. Each a number or a distribution in [0, 1]. The agent's
  // value function of the issue is then piecewise-linear through (option index, value).
  void read_values(Agent& a, std::size_t k, const toml::node& v, const std::string& key,
                   Reader& pr);

  // red_lines.<issue> = [lo, hi]; either end a number or a distribution.
  void read_red_line(std::vector<std::optional<RedLine>>& into, std::size_t k, const toml::node& v,
                     const std::string& key, Reader& pr);

  void read_agents(Reader& r);

  // veto_issues = ["assets", ...]: issue ids, at least one, each once.
  void read_veto_issues(Agent& a, const toml::node& n, const std::string& key);

  // An array of issue ids, at least one; an id already `listed` (here or before) is an error.
  std::vector<std::size_t> read_issue_ids(const toml::node& n, const std::string& key,
                                          std::vector<bool>& listed);

  // Its scalar parameters, a row each of model::kAgentParameters.
  void read_scalars(Agent& a, Reader& h, const std::string& path);

  // What a resource tactic, an endurance and an aspiration's limit need.
  void check_tactics(const Agent& a, const toml::table& at, const std::string& path);

  // ratification = { intercept = a, slope = { <issue> = b, ... } } (docs/model.md, "Ratification
  // at home"): the logistic support curve of the agent's constituency.
  void read_ratification(Agent& a, const toml::table& t, const std::string& path);

  // side_payment = { budget, cost, to = { <agent> = value } } (docs/model.md, "Side payments");
  // `ids` every agent's id.
  void read_side_payment(Agent& a, const toml::table& t, const std::string& path,
                         const std::vector<std::string>& ids);

  // Who may pay: the mediator of the mediated protocol, to parties other than itself.
  void check_side_payments();

  // Who may have instruments (aid, sanctions; docs/model.md, "Instruments: aid, sanctions,
  // disengagement"): any agent, with a contest to act on and a cost for each instrument it has;
  // who may leave: the mediator of the mediated protocol. protocol.disengagement needs one.
  void check_instruments(const toml::table& root);

  // Who may have a constituency: a party whose consent a deal needs.
  void check_ratification(const toml::table& root);

  void read_protocol(Reader& r);

  // [[shocks]]: when a trigger fires (round, after_rejections with by, front_above,
  // front_below or no_deal_by; exactly one), the parameter `key` takes `value`, or has it added
  // or is multiplied by it (`op`); docs/model.md, "Shocks and triggers".
  void read_shocks(Reader& r);

  // [[delegations]] (docs/model.md, "Delegations"): members, position, voice; after [protocol].
  void read_delegations(Reader& r);

  // [sweep]: vary = ["KEY=LO:HI:N" | "KEY=A,B,C" | "KEY=LO:HI", ...], design, points.
  void read_sweep(Reader& r);

  void read_battlefield(Reader& r);

  // [durability] (docs/model.md, "Whether a deal holds"): optional; without it no deal is
  // followed after its signature.
  void read_durability(Reader& r);

  // [ceasefire] (docs/model.md, "Interim ceasefires"): optional; the designs by which an agreed
  // ceasefire term changes the war while the talks go on.
  void read_ceasefire(Reader& r);

  // agents.<a>.expected_drift: a drift per round like battlefield.drift, within the
  // battlefield issue's span.
  void read_front_scalars(Reader& r);

  void check_cross_references(const toml::table& root);

  // A pie (Baron & Ferejohn 1989): issues are shares in [0, 1]; each agent values only its
  // own share, linearly; only alternating offers divide a pie.
  void check_pie(const toml::table& root);

  // The agents' parameters in the front's units, read once [battlefield] is.
  struct FrontNode {
    std::size_t agent;
    std::size_t row;  // of model::kAgentParameters
    const toml::node* node;
  };
  std::vector<FrontNode> front_nodes_;
  Context& ctx_;
  Scenario& s_;
  toml::source_region aggregation_at_;
  // Issues whose own definition is in error: what refers to them is not checked again.
  std::vector<bool> broken_issue_;
};

}  // namespace parley::scenario::detail

#pragma once
// A validated scenario: issues, agents, protocol, battlefield and run defaults.
// Built only by load_scenario(), so any Scenario object is valid. Positions are
// kept in the issues' natural units here; the sampler maps them to unit scales.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/model/agent_parameters.hpp"
#include "parley/model/field.hpp"
#include "parley/model/protocol_kind.hpp"
#include "parley/model/shock_kind.hpp"
#include "parley/model/value_function.hpp"
#include "parley/scenario/distribution.hpp"

namespace parley::scenario {

// A continuous issue takes any position in its range; an options issue one of its named
// options (natural position = the option's index, 0..n-1); a clause is in (1) or out (0).
enum class IssueKind { continuous, options, clause };

struct Issue {
  std::string id;
  std::string label;
  std::string unit;
  IssueKind kind = IssueKind::continuous;
  std::vector<std::string> options;  // options and clause issues ("out", "in" for a clause)
  double lo = 0.0;                   // natural range
  double hi = 1.0;
  double status_quo = 0.0;  // natural units: the state of affairs while the war goes on
  Location where;

  bool discrete() const noexcept { return kind != IssueKind::continuous; }
  // A discrete issue's option at natural position `natural` (its index), and the index of
  // the option named `name` (nothing when there is none).
  const std::string& option_at(double natural) const {
    return options[static_cast<std::size_t>(std::lround(natural))];
  }
  std::optional<std::size_t> option_index(const std::string& name) const {
    const auto it = std::find(options.begin(), options.end(), name);
    if (it == options.end()) return std::nullopt;
    return static_cast<std::size_t>(it - options.begin());
  }
  double to_unit(double natural) const noexcept { return (natural - lo) / (hi - lo); }
  double to_natural(double unit_value) const noexcept { return lo + unit_value * (hi - lo); }
};

enum class Role { party, mediator };

// The acceptable interval [lo, hi] of an issue, natural units, inclusive. Either end
// may be a distribution (how far a party can really bend is uncertain).
struct RedLine {
  Param lo;
  Param hi;
};

struct Agent {
  std::string id;
  std::string name;
  Role role = Role::party;
  bool veto = true;
  // Issues whose move away from the status quo needs its consent (its veto holds for texts that
  // move one of them); empty: every text needs it (with veto).
  std::vector<std::size_t> veto_issues;
  // Its scalar parameters, by row of model::kAgentParameters; absent: not in the file and
  // without a default (power, discount, assertiveness and concession_beta always have one).
  // Exactly one of reservation and war_cost is set (docs/model.md, "The outside option and the
  // war"); expected_drift is in natural units of the battlefield issue.
  std::array<std::optional<Param>, model::kAgentParameters.size()> scalars;
  std::optional<Param>& scalar(model::Field f) { return scalars.at(model::agent_parameter(f)); }
  const std::optional<Param>& scalar(model::Field f) const {
    return scalars.at(model::agent_parameter(f));
  }
  // Per issue (index = issue index):
  std::vector<std::optional<Param>> ideal;     // natural units; absent where the salience is 0 or
                                               // the shape is piecewise
  std::vector<std::optional<Param>> salience;  // raw weights, normalised per run
  std::vector<model::Shape> shape;
  std::vector<model::PiecewiseLinear> piecewise;  // natural units; used where shape is piecewise
  std::vector<std::optional<RedLine>> red_line;
  // The furthest each red line's ends concede (absent: they do not move), by its concession
  // tactics (Faratin et al. 1998; docs/model.md, "Concession").
  std::vector<std::optional<RedLine>> red_line_limit;
  // Discrete issues: the value of each option (index = option), in [0, 1]; empty for a
  // continuous issue. Under aggregation = "mean" only a clause's value when in counts.
  std::vector<std::vector<Param>> values;
  std::optional<double> salience_concentration;  // Dirichlet(κ·w) on the weights
  // weight.<issue>: the issue's normalised weight held fixed (absent: free), the other weights
  // scaled to fill the rest; with a concentration, the rest drawn from the Dirichlet's
  // conditional given the fixed ones (docs/model.md, "Preferences"). The name of the runs
  // column agents.<id>.weight.<issue>, so that a column can be set back.
  std::vector<std::optional<double>> weight;
  // Ratification at home (docs/model.md, "Ratification at home"): a constituency that ratifies a
  // signed text x with probability 1 / (1 + exp(−(a + Σ_k b_k x_k))), x_k on issue k's unit
  // scale; `ratify_intercept` is a (absent: no constituency), `ratify_slope` b per issue (absent:
  // 0), the change of the logit from the issue's low end to its high end.
  std::optional<Param> ratify_intercept;
  std::vector<std::optional<Param>> ratify_slope;
  // Side payments it attaches to a text (docs/model.md, "Side payments"; the mediator only):
  // `payment_budget` units at most (absent: it pays none), each costing it `payment_cost` in
  // utility, and per receiving agent (index) the utility a unit gives it (absent: none).
  std::optional<Param> payment_budget;
  std::optional<Param> payment_cost;
  std::vector<std::optional<Param>> payment_value;
  Location where;
};

// The protocols and their settings (model/protocol_kind.hpp).
using model::ChallengesOn;
using model::Conflict;
using model::Forecast;
using model::Information;
using model::JointPosition;
using model::ProtocolKind;
using model::Recognition;
using model::Revision;
using model::Risk;
using model::SalienceScale;
using model::Sessions;
using model::Voice;
// The text space: a box of independent issues, or shares of one pie that sum to 1
// (each party values its own share, as in Baron & Ferejohn 1989).
enum class Space { box, pie };

// How an agent's utility combines the issues: the weighted sum Σ_k w_ik v_ik(x_k), or the
// mean of the agent's values of the clauses in the text (the CSIS simulator's satisfaction).
enum class Aggregation { sum, mean };

// Clauses (or options) that cannot stand together, or one that can stand only with another.
struct Literal {
  std::size_t issue;
  std::size_t option;  // a clause: 1 (in)
};
struct Constraint {
  enum class Kind { excludes, only_with } kind;
  std::vector<Literal> literals;  // excludes: not all at once; only_with: [0] only with [1]
  std::string text;               // as written, for messages
  Location where;
};

// Whether a text (natural units: option indices on discrete issues) satisfies `c`.
bool satisfied(const Constraint& c, const std::vector<double>& text);

struct Protocol {
  ProtocolKind kind = ProtocolKind::mediated;
  Information information = Information::complete;
  Sessions sessions = Sessions::separate;
  Revision revision = Revision::nash;
  int max_rounds = 24;
  int walkout_patience = 3;
  int revision_steps = 24;
  int clause_changes = 1;   // discrete issues changed per revision, at most
  bool bracketing = false;  // the mediator may set aside issues no text can settle
  int bracket_after = 6;    // rounds without a deal before each bracketing
  int max_bracketed = 1;    // issues set aside at most
  // Stages of issues negotiated in turn (empty: one package); the issues no stage lists form the
  // last. binding: a stage agreed stands if a later one fails (else nothing is agreed until
  // everything is).
  std::vector<std::vector<std::size_t>> agenda;
  bool binding = true;
  Param mediator_stake;  // β, the mediator's own stake (Kydd's bias)
  Param trust_region;    // largest move per issue and round, unit scale
  Param batna_noise;     // sd of the mediator's BATNA estimates, utility units
  Param step;            // η of the weighted-mean revision
  // When the talks end (docs/model.md, "When the talks end"): a deadline the parties know (0:
  // none; concession by time needs one), and the chance per round that they end without a deal,
  // h0 plus h1 per round rejected so far. max_rounds only truncates the simulation.
  int deadline = 0;
  Param collapse_hazard;
  Param collapse_escalation;
  std::vector<Param> first_draft;  // natural units, per issue (default: the status quo)
  // What a refusal at home does (docs/model.md, "Ratification at home"): the talks go on from
  // the refused text (false), or end (true).
  bool refusal_ends = false;
  // What the mediator's leaving does (docs/model.md, "Instruments: aid, sanctions,
  // disengagement"): the talks end (true), or go on without its stake and payments (false).
  bool disengagement_ends = true;
  // Alternating offers: who proposes, and how many parties (proposer included) must
  // accept; veto players always must.
  Recognition recognition = Recognition::power;
  int quota = 1;
  bool unanimity = true;
  // The expected-utility model: the actors' risk exponents, the forecast, and the most rounds of
  // challenges on an issue.
  Risk risk = Risk::security;
  Forecast forecast = Forecast::median;
  Conflict conflict = Conflict::larger;
  SalienceScale salience_scale = SalienceScale::largest;
  ChallengesOn challenges_on = ChallengesOn::issue;
  int challenge_rounds = 100;
};

// A delegation (docs/model.md, "Delegations"): parties that meet the mediator together in its
// separate sessions, with one joint position formed by `position`, weighed in its revision by
// `voice`; each member keeps its own consent.
struct Delegation {
  std::vector<std::size_t> members;  // agent indices, in file order
  JointPosition position = JointPosition::nash;
  Voice voice = Voice::sum;
  Location where;
};

// A front that resources move (docs/model.md, "A front that resources move"): the drift comes
// from the sides' war efforts by a contest success function (Tullock 1980; Hirshleifer 1989),
// reach · (2p − 1) with p = E_up^m / (E_up^m + E_down^m), E_up = up − sanctions and
// E_down = down + aid: "up" the side whose gains raise the battlefield issue.
struct Contest {
  Param up, down, aid, sanctions;  // efforts per round, in one unit of the scenario's choosing
  Param decisiveness;              // m
  Param reach;                     // per round, natural units of the battlefield issue
};

struct Battlefield {
  std::size_t issue = 0;  // the issue whose status quo the front line sets
  Param start;            // natural units of that issue
  Param drift;            // per round, natural units (with a contest: none, the contest sets it)
  Param volatility;       // per round, natural units
  std::optional<Contest> contest;
};

// What follows a deal (docs/model.md, "Whether a deal holds"): `horizon` rounds in which it may
// break down, with a hazard per round of base_hazard · exp(Σ_k log_hazard_k · x_k) (x_k the
// deal's position on issue k, unit scale), and a shift of the front line expected after it
// (natural units of the battlefield issue) that breaks it when no text still gives every
// deciding party its war value. `by`: the issue whose values group the survival summary.
struct Durability {
  int horizon = 0;
  Param base_hazard;
  Param power_shift;
  std::vector<std::optional<Param>> log_hazard;  // per issue
  std::optional<std::size_t> by;
};

// Interim ceasefires (docs/model.md, "Interim ceasefires"): how an agreed ceasefire term changes
// the war while the talks go on. Each design stands at a point `at` of the ceasefire issue
// (natural units); an agreed term takes the nearest. drift and volatility: natural units of the
// battlefield issue per round (unset: the war's); war_cost: a factor on every agent's war cost;
// withdrawal: rounds in which the front line moves to the agreed one.
struct CeasefireDesign {
  std::string id;
  std::string label;
  double at = 0.0;
  std::optional<double> drift;
  std::optional<double> volatility;
  double war_cost = 1.0;
  int withdrawal = 0;
};

struct Ceasefire {
  std::optional<std::size_t> issue;      // none: no [ceasefire]
  std::vector<CeasefireDesign> designs;  // in ascending order of `at`
  std::optional<std::size_t> in_force;   // a design agreed before the talks (mediated only)
};

// When a shock fires (the trigger `round`, `count` rejections by agent `by`, the front line at or
// beyond `threshold` in natural units, no deal by `round`) and what it does (model/shock_kind.hpp).
using model::ShockOp;
using model::ShockWhen;

// A change of the parameter named `key` (e.g. a war cost when aid stops), from the round it
// fires on, once (docs/model.md, "Shocks and triggers").
struct Shock {
  ShockWhen when = ShockWhen::round;
  ShockOp op = ShockOp::set;
  int round = 1;           // round, no_deal_by
  std::size_t by = 0;      // rejections: the agent
  int count = 0;           // rejections: how many
  double threshold = 0.0;  // front_above, front_below: natural units of the battlefield issue
  std::string key;
  Param value;
  std::string trigger;  // when it fires, as stated: "from round 4", "after 2 rejections by russia"
  std::string label;    // how the file states it, e.g. "agents.ukraine.war_cost *= 1.5 after 2
                        // rejections by russia"
};

// A sweep stored in the scenario file ([sweep]); `parley sweep` uses it when no --vary is given.
struct SweepSpec {
  std::vector<std::string> vary;  // "KEY=LO:HI:N", "KEY=A,B,C" or "KEY=LO:HI" (lhs)
  std::string design = "factorial";
  int points = 0;  // Latin hypercube points
  Location where;
};

// One entry of the parameter registry: a parameter, the quantity of a run it sets, and how
// its natural value maps to the run's unit scale.
struct ParameterRef {
  const Param* param = nullptr;
  model::Field field = model::Field::power;
  std::size_t agent = 0;  // of_agent(field): the agent
  std::size_t issue = 0;  // per-issue quantities; option values: issue + option * issues
  double offset = 0.0;    // unit value = (natural - offset) * scale
  double scale = 1.0;
  std::string unit;  // natural unit of the recorded value ("1", "utility", an issue's unit)
};

struct Scenario {
  std::string name;
  std::string title;
  std::string source;                  // file name (for messages)
  std::string toml_text;               // the scenario as run (merged with the overrides, if any)
  std::vector<std::string> overrides;  // --set assignments, in order
  std::vector<Issue> issues;
  std::vector<Agent> agents;
  Protocol protocol;
  Battlefield battlefield;
  Durability durability;
  Ceasefire ceasefire;
  std::vector<Shock> shocks;
  std::vector<Delegation> delegations;
  std::optional<SweepSpec> sweep;
  Space space = Space::box;
  Aggregation aggregation = Aggregation::sum;
  std::vector<Constraint> constraints;
  std::vector<std::size_t> own_share;  // pie space: the issue each agent owns (per agent)
  std::uint64_t runs = 1000;
  std::uint64_t seed = 1;

  std::optional<std::size_t> mediator() const;
  // The parameter registry: every parameter of the scenario, where a run takes it, in a
  // fixed order (each agent's: power, discount, assertiveness, war cost or reservation, then
  // per issue red line, ideal, option values, salience; then the protocol's and the
  // battlefield's). Shocks, the sampler and `parley validate` all read it; a new parameter
  // is one entry here.
  std::vector<ParameterRef> parameters() const;
  std::size_t issue_index(const std::string& id) const;  // throws std::out_of_range
};

}  // namespace parley::scenario

#pragma once
// What one run negotiates with: every parameter of the scenario as drawn for that
// run (a Realization), and the fixed structure that no draw changes (a Setting).
// All positions are on the issues' unit scales [0, 1].
#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "parley/model/agent_parameters.hpp"
#include "parley/model/belief.hpp"
#include "parley/model/field.hpp"
#include "parley/model/preferences.hpp"
#include "parley/model/protocol_kind.hpp"
#include "parley/model/shock_kind.hpp"

namespace parley::protocol {

using model::Index;
using model::Vector;

// The protocols and their settings (model/protocol_kind.hpp).
using model::Information;
using model::JointPosition;
using model::ProtocolKind;
using model::Revision;
using model::Sessions;
using model::Voice;

// A red-line end that only its agent knows: drawn for each run, or moving toward a limit by
// concession. The common prior of where it stands is `initial` (unit scale) for an end that
// does not move; one that concedes may stand anywhere between where it was set and its limit
// (`limit`), and its prior is a particle approximation drawn per run.
struct PrivateEnd {
  Index agent = 0;
  Index issue = 0;
  bool upper = false;  // the red line's high end (else its low end)
  model::Prior initial;
  bool concedes = false;
  model::Prior limit;
};

// A discrete issue's options sit at unit positions j / (n - 1); a text must hold one of them.
// Constraints on texts: `excludes` literals not all at once; `requires` [0] only with [1].
struct TextConstraint {
  bool excludes = true;
  std::vector<std::pair<Index, double>> literals;  // (issue, unit position of the option)

  // Whether text x breaks this constraint.
  bool broken_by(const Vector& x) const;
};

// An interim ceasefire's design (docs/model.md, "Interim ceasefires"): how the war goes on once a
// ceasefire term is agreed before the rest. Unit scales; NaN: the war's value stays.
struct CeasefireDesign {
  double at = 0.0;          // the term on the ceasefire issue that stands for this design
  double drift = 0.0;       // the front line's drift per round
  double volatility = 0.0;  // its volatility per round (violations)
  double war_cost = 1.0;    // the factor on every agent's war cost
  int withdrawal = 0;       // rounds in which the front moves to the agreed line (0: it stays)
};

// A delegation of parties that negotiate together in the mediator's separate sessions
// (docs/model.md, "Delegations"): its members, how it forms its joint position, and how much the
// mediator weighs it.
struct Delegation {
  std::vector<Index> members;
  JointPosition position = JointPosition::nash;
  Voice voice = Voice::sum;
};

struct Setting {
  std::vector<bool> veto;      // per agent
  std::vector<bool> is_party;  // per agent; false for the mediator
  Index mediator = -1;
  Index battlefield_issue = 0;
  int max_rounds = 24;  // the simulation's horizon: runs still talking then are censored
  int deadline = 0;     // a deadline the parties know (0: none); concession by time aims at it
  int durability_horizon = 0;  // rounds a deal is followed after its signature (0: none)
  // The agenda (docs/model.md, "Agendas in stages"): stages of issues negotiated in turn (empty:
  // one package), and whether an agreed stage stands when a later one fails.
  std::vector<std::vector<Index>> stages;
  bool binding = true;
  // Interim ceasefires: the issue whose agreed term changes the war (-1: none), and the designs
  // in ascending order of `at`; a term takes the design nearest to it (the lower on a tie).
  Index ceasefire_issue = -1;
  std::vector<CeasefireDesign> ceasefire_designs;
  Index ceasefire_in_force = -1;  // the design agreed before the talks (mediated); -1: none
  Index design_of(double term) const;
  int walkout_patience = 3;
  int revision_steps = 24;
  Revision revision = Revision::nash;
  ProtocolKind kind = ProtocolKind::mediated;
  // The expected-utility model (docs/model.md, "The expected-utility model").
  model::Risk eu_risk = model::Risk::security;
  model::Forecast eu_forecast = model::Forecast::median;
  model::Conflict eu_conflict = model::Conflict::larger;
  model::SalienceScale eu_salience = model::SalienceScale::largest;
  model::ChallengesOn eu_on = model::ChallengesOn::issue;
  int challenge_rounds = 100;  // the most rounds of challenges on an issue
  // Alternating offers.
  bool recognition_by_order = false;  // else random, with probabilities ∝ power
  int quota = 1;                      // parties (proposer included) who must accept
  bool pie = false;                   // texts are shares of one pie (Baron & Ferejohn)
  std::vector<Index> own_share;       // pie: the issue each agent owns
  // Discrete issues: options per issue (0 for a continuous issue), and the constraints.
  std::vector<int> options;
  std::vector<TextConstraint> constraints;
  int clause_changes = 1;  // discrete issues the mediator changes per revision, at most
  // Bracketing (mediated): after every `bracket_after` rounds without a deal, the mediator
  // sets aside the issue that blocks most, up to `max_bracketed` issues.
  bool bracketing = false;
  int bracket_after = 6;
  int max_bracketed = 1;
  // Per agent: the issues whose move from the status quo needs its consent (its veto holds only
  // for texts that move one of them); empty: its veto, if any, holds for every text.
  std::vector<std::vector<Index>> veto_issues;
  bool concession = false;  // some red line has a limit to concede to
  // The shocks that fire at a fixed round, by round (file order within one): the war costs
  // they bring are anticipated in BATNAs.
  std::vector<std::size_t> scheduled;
  // Private information (mediated protocol): what the mediator knows, where it hears answers,
  // and the ends it holds beliefs over (the deciding parties' private red-line ends).
  Information information = Information::complete;
  Sessions sessions = Sessions::separate;
  std::vector<PrivateEnd> private_ends;
  // Ratification at home (docs/model.md, "Ratification at home"): some agent has a
  // constituency, and whether a refusal ends the talks (else they go on).
  bool ratification = false;
  bool refusal_ends = false;
  // The mediator may attach side payments to its text (docs/model.md, "Side payments").
  bool side_payments = false;
  // Some agent chooses aid or sanctions each round; the mediator may leave the talks, and whether
  // that ends them (docs/model.md, "Instruments: aid, sanctions, disengagement").
  bool instruments = false;
  bool disengagement = false;
  bool disengagement_ends = true;
  std::vector<Delegation> delegations;  // mediated, separate sessions
  bool discrete() const noexcept;       // some issue is discrete
  // Whether agent i decides: a deal needs its consent and a failure may be laid at its door.
  // The veto players; under majority rule, where none has a veto, every party.
  bool decides(std::size_t i) const;
  std::vector<Index> deciders() const;  // the agents that decide, in order
  // Whether text x needs agent i's consent: it decides, and its veto holds for every text or x
  // moves one of its veto issues away from the status quo (by more than 1e-9 of the range).
  bool needs_consent(std::size_t i, const Vector& x, const Vector& status_quo) const;
  // Whether i's veto is limited to some issues.
  bool issue_veto(std::size_t i) const { return i < veto_issues.size() && !veto_issues[i].empty(); }
  // Whether x keeps every discrete issue on an option and satisfies every constraint.
  bool allows(const Vector& x) const;
};

// A parameter of a run that a scenario can set or a shock can change (model/field.hpp).
using model::Field;

// A change of `field` of (agent, issue) that fires once (scenario::Shock): at round `round`,
// after `count` rejections by agent `by`, when the front line (unit scale) is at or beyond
// `threshold`, or at round `round` + 1 when there is no deal by round `round`.
using model::ShockOp;
using model::ShockWhen;

struct Shock {
  int round = 1;
  Field field = Field::power;
  Index agent = 0;
  Index issue = 0;
  double value = 0.0;  // set: the new unit value; add: a unit difference; scale: a factor
  ShockOp op = ShockOp::set;
  ShockWhen when = ShockWhen::round;
  Index by = -1;
  int count = 0;
  double threshold = 0.0;
  // The parameter's map to natural units (natural = unit / scale + offset), for a factor, and
  // its valid range in unit terms, which the result never leaves.
  double offset = 0.0, scale = 1.0, lo = 0.0, hi = 1.0;

  // The parameter's unit value after the shock, from `current`.
  double applied(double current) const noexcept;
  // Whether it fires at the start of `round`, with `rejections` per agent so far and the front
  // line `front` (unit scale) at the end of the last round.
  bool fires(int round, const Eigen::ArrayXi& rejections, double front) const noexcept;
};

struct Realization {
  model::Preferences prefs;
  Vector power;           // recognition and bargaining weight
  Vector discount;        // δ_i per round
  Vector assertiveness;   // amendment step
  Vector war_cost;        // c_i per round (war-cost BATNA model)
  Vector reservation;     // fixed BATNA utility; NaN where the war-cost model applies
  Vector expected_drift;  // the drift each agent believes in; NaN: battlefield_drift
  Vector drift_sd;        // the spread of its prior belief about it; NaN or 0: it does not learn
  // Concession (docs/model.md, "Concession"): red lines as set (by the scenario or a shock),
  // the furthest they go (NaN: nowhere), and β of the time-dependent tactic. prefs.red_lo and
  // prefs.red_hi are where they stand in the current round.
  model::Matrix red_lo_set, red_hi_set, red_lo_limit, red_hi_limit;
  Vector concession_beta;
  // The weights of the tactics mixed into each agent's concession (time, resource, relative and
  // absolute tit-for-tat), the pressure it can bear (NaN: any), and its aspiration as set and
  // the furthest it concedes (NaN: none).
  Vector tactic_time, tactic_resource, tactic_relative, tactic_absolute;
  Vector endurance;
  Vector aspiration, aspiration_limit;
  // Ratification at home (docs/model.md, "Ratification at home"): each agent's constituency
  // ratifies a signed text x with probability 1 / (1 + exp(−(a_i + Σ_k b_ik x_k))), a_i its
  // ratify_intercept (NaN: it has no constituency) and b_ik its ratify_slope (unit scale).
  Vector ratify_intercept;
  model::Matrix ratify_slope;
  // Side payments (docs/model.md, "Side payments"): the mediator pays up to `payment_budget`
  // units, each costing it `payment_cost` in utility and worth payment_value(i) to agent i.
  double payment_budget = 0.0;
  double payment_cost = 0.0;
  Vector payment_value;
  // Instruments (docs/model.md, "Instruments: aid, sanctions, disengagement"), per agent (NaN:
  // none): the most aid and sanctions it may give, their cost per unit and round, their levels as
  // the talks open, and the mediator's cost per round of staying engaged; and the levels in force
  // (0 where it has none; setting the maximum or the start puts the level at the start, or the
  // maximum without one, within [0, max]; the players' choices change them in a run).
  Vector aid_max, aid_cost, aid_start, sanctions_max, sanctions_cost, sanctions_start;
  Vector engagement_cost;
  // The expected-utility model: the share of each agent's attention the issues hold together.
  Vector attention;
  Vector aid_level, sanctions_level;
  Vector first_draft;
  Vector status_quo;
  double mediator_stake = 0.0;  // β
  double trust_region = 0.1;    // ρ, unit scale
  double batna_noise = 0.0;     // sd of r̂_i - r_i
  // The chance that the talks end after round t without a deal: min(1, h0 + h1 · rejected
  // rounds so far) (docs/model.md, "When the talks end").
  double collapse_hazard = 0.0, collapse_escalation = 0.0;
  double step = 0.5;  // η of the weighted-mean revision
  double battlefield_start = 0.0;
  double battlefield_drift = 0.0;
  double battlefield_volatility = 0.0;
  // A contest of war efforts (docs/model.md, "A front that resources move"): with `contest` the
  // war's drift is war_drift(), from the efforts in force (shocks change them), not
  // battlefield_drift.
  bool contest = false;
  double contest_up = 1.0, contest_down = 1.0, contest_aid = 0.0, contest_sanctions = 0.0;
  double contest_decisiveness = 1.0, contest_reach = 0.0;  // reach: unit scale per round
  // reach · (2p − 1), p = E_up^m / (E_up^m + E_down^m), E_up = max(up − sanctions, 0),
  // E_down = down + aid (Tullock 1980); 0 when both efforts are 0. The players' levels in force
  // (aid_level, sanctions_level) add to the contest's aid and sanctions.
  double war_drift() const noexcept;
  // The same with the players' total aid and sanctions given.
  double war_drift(double players_aid, double players_sanctions) const noexcept;
  // After a deal (docs/model.md, "Whether a deal holds"): the hazard of breakdown per round at
  // every term's zero, its log hazard ratio per issue (from the low end to the high end of the
  // issue's range), and the shift of the front line expected after the deal (unit scale).
  double durability_hazard = 0.0;
  Vector log_hazard;
  double power_shift = 0.0;

  std::vector<Shock> shocks;  // in the file's order (the order they apply in within a round)

  void resize(Index agents, Index issues);
  void set(Field field, Index agent, Index issue, double unit_value);
  double get(Field field, Index agent, Index issue) const;  // what set() stores
};

// The member that stores each of an agent's scalar parameters (model/agent_parameters.hpp):
// set, get and resize (to each row's run default) go through it.
inline constexpr std::array<std::pair<Field, Vector Realization::*>, model::kAgentParameters.size()>
    kAgentVectors{{
        {Field::power, &Realization::power},
        {Field::discount, &Realization::discount},
        {Field::assertiveness, &Realization::assertiveness},
        {Field::concession_beta, &Realization::concession_beta},
        {Field::tactic_time, &Realization::tactic_time},
        {Field::tactic_resource, &Realization::tactic_resource},
        {Field::tactic_relative, &Realization::tactic_relative},
        {Field::tactic_absolute, &Realization::tactic_absolute},
        {Field::endurance, &Realization::endurance},
        {Field::aspiration, &Realization::aspiration},
        {Field::aspiration_limit, &Realization::aspiration_limit},
        {Field::war_cost, &Realization::war_cost},
        {Field::reservation, &Realization::reservation},
        {Field::expected_drift, &Realization::expected_drift},
        {Field::drift_sd, &Realization::drift_sd},
        {Field::aid_max, &Realization::aid_max},
        {Field::aid_cost, &Realization::aid_cost},
        {Field::aid_start, &Realization::aid_start},
        {Field::sanctions_max, &Realization::sanctions_max},
        {Field::sanctions_cost, &Realization::sanctions_cost},
        {Field::sanctions_start, &Realization::sanctions_start},
        {Field::engagement_cost, &Realization::engagement_cost},
        {Field::attention, &Realization::attention},
    }};
// Row j of kAgentVectors stores row j of kAgentParameters.
static_assert([] {
  if (kAgentVectors.size() != model::kAgentParameters.size()) return false;
  for (std::size_t j = 0; j < kAgentVectors.size(); ++j) {
    if (kAgentVectors[j].first != model::kAgentParameters[j].field) return false;
  }
  return true;
}());

}  // namespace parley::protocol

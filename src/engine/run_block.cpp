#include "parley/engine/run_block.hpp"

#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "parley/protocol/diagnostics.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::engine {

void RunBlock::resize(std::size_t runs, std::size_t n_agents, std::size_t n_issues,
                      std::size_t n_sampled, std::size_t n_shocks) {
  count = runs;
  shocks = n_shocks;
  agents = n_agents;
  issues = n_issues;
  sampled = n_sampled;
  RunBlock& self = *this;
  for_each_run_column(self, self, [&](auto& column, auto&, const RunColumn& c) {
    column.resize(runs * c.width(self));
  });
  parameters.resize(runs * n_sampled);
}

namespace {

using A = RunColumn::Across;
using U = RunColumn::Upper;
using N = RunColumn::Names;
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// The values of a run, in natural units where the issue has them.
double natural_text(const RunOutput& o, std::size_t k) {
  return o.scenario.issues[k].to_natural(o.result.final_text(static_cast<Eigen::Index>(k)));
}
double deal_term(const RunOutput& o, std::size_t k) {
  // A partial deal settles every issue but the bracketed ones.
  const protocol::Outcome outcome = o.result.outcome;
  const bool settled = outcome == protocol::Outcome::agreement ||
                       (outcome == protocol::Outcome::partial && o.result.bracketed[k] == 0);
  return settled ? natural_text(o, k) : kNan;
}
double agent_value(const protocol::Vector& v, std::size_t i) {
  return v(static_cast<Eigen::Index>(i));
}

// A drift per round (or its spread) of agent i in the battlefield issue's natural units.
double front_rate(const RunOutput& o, const protocol::Vector& v, std::size_t i) {
  const auto& issues = o.scenario.issues;
  if (static_cast<Eigen::Index>(i) >= v.size() || o.scenario.battlefield.issue >= issues.size())
    return std::numeric_limits<double>::quiet_NaN();
  const scenario::Issue& front = issues[o.scenario.battlefield.issue];
  return agent_value(v, i) * (front.hi - front.lo);
}

}  // namespace

const std::vector<RunColumn>& run_columns() {
  static const std::vector<RunColumn> columns = {
      {.name = "agreement",
       .member = &RunBlock::agreement,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double {
         return o.result.outcome == protocol::Outcome::agreement ? 1 : 0;
       },
       .long_name = "1 if the run ended in a deal",
       .units = "",
       .upper = U::one,
       .lo = 0},
      {.name = "outcome",
       .member = &RunBlock::outcome,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double {
         return static_cast<double>(o.result.outcome);
       },
       .long_name = "how the talks ended",
       .units = "",
       .flag_meanings = protocol::kOutcomeMeanings,
       .upper = U::flags,
       .lo = 0},
      {.name = "round",
       .member = &RunBlock::round,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.round; },
       .long_name = "round of the deal (-1: no deal)",
       .units = "round",
       .upper = U::round},
      {.name = "last_round",
       .member = &RunBlock::last_round,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.last_round; },
       .long_name = "round in which the talks ended (outcome), or were cut off at the horizon "
                    "(censored)",
       .units = "round",
       .upper = U::round,
       .lo = 1},
      {.name = "blocker",
       .member = &RunBlock::blocker,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double {
         return static_cast<double>(o.result.blocker);
       },
       .long_name = "index of the veto player that blocked the last text (-1: deal)",
       .units = "",
       .names = N::agents,
       .upper = U::names},
      {.name = "obstacle",
       .member = &RunBlock::obstacle,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double {
         return static_cast<double>(o.result.obstacle);
       },
       .long_name =
           "index of the issue with the largest shortfall, the principal obstacle (-1: deal)",
       .units = "",
       .names = N::issues,
       .upper = U::names},
      {.name = "obstacle_second",
       .member = &RunBlock::obstacle_second,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double {
         return static_cast<double>(o.result.obstacle_second);
       },
       .long_name = "index of the issue with the second-largest shortfall (-1: deal, or no second)",
       .units = "",
       .names = N::issues,
       .upper = U::names},
      {.name = "battlefield_final",
       .member = &RunBlock::battlefield,
       .across = A::run,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t) -> double {
         return o.scenario.issues[o.scenario.battlefield.issue].to_natural(o.result.battlefield);
       },
       .long_name = "front line at the last round",
       .units = "battlefield"},
      {.name = "nash_distance",
       .member = &RunBlock::nash_distance,
       .across = A::run,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t) { return o.diagnostics.nash_distance; },
       .long_name = "RMS distance over issues (unit scales) from the deal to the veto players' "
                    "Nash text (NaN: no deal or no Nash text)",
       .units = "1"},
      {.name = "pareto_gap",
       .member = &RunBlock::pareto_gap,
       .across = A::run,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t) { return o.diagnostics.pareto_gap; },
       .long_name =
           "largest gain every veto player could still have at once over the deal (NaN: no deal)",
       .units = "utility"},
      {.name = "zone_first",
       .member = &RunBlock::zone_first,
       .across = A::run,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t) { return o.diagnostics.zone_first; },
       .long_name = "zone of agreement at the first round: max over texts of min over veto "
                    "players of u - BATNA (> 0: a zone exists; -inf: red lines exclude every text)",
       .units = "utility"},
      {.name = "zone_last",
       .member = &RunBlock::zone_last,
       .across = A::run,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t) { return o.diagnostics.zone_last; },
       .long_name = "zone of agreement at the last round (as zone_first)",
       .units = "utility"},
      {.name = "range_first",
       .member = &RunBlock::range_first,
       .across = A::run,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t) { return o.result.range_first; },
       .long_name = "bargaining range on the battlefield issue about the text of the first round: "
                    "the share of its scale (or options) where every party whose consent the text "
                    "needs would take it, the other terms as they are, over its BATNA (0: empty)",
       .units = "1"},
      {.name = "range_last",
       .member = &RunBlock::range_last,
       .across = A::run,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t) { return o.result.range_last; },
       .long_name = "bargaining range about the last text, with the last round's BATNAs (as "
                    "range_first)",
       .units = "1"},
      {.name = "revealed",
       .member = &RunBlock::revealed,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.revealed; },
       .long_name = "first round after whose answers the mediator could name a text passing every "
                    "private red line with probability 0.9 (-1: never, or complete information)",
       .units = "round",
       .upper = U::round},
      {.name = "belief_width",
       .member = &RunBlock::belief_width,
       .across = A::run,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t) { return o.result.belief_width; },
       .long_name = "mean over the private red-line ends of the mediator's final 90% interval "
                    "width over its prior's (1: nothing learned; NaN: complete information or no "
                    "private ends)",
       .units = "1"},
      {.name = "belief_error",
       .member = &RunBlock::belief_error,
       .across = A::run,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t) { return o.result.belief_error; },
       .long_name = "mean over the private red-line ends of |the mediator's posterior median - the "
                    "end| at the last round, unit scale (NaN: as belief_width)",
       .units = "1"},
      {.name = "belief_covered",
       .member = &RunBlock::belief_covered,
       .across = A::run,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t) { return o.result.belief_covered; },
       .long_name = "share of the private red-line ends inside the mediator's final 90% interval "
                    "(NaN: as belief_width)",
       .units = "1"},
      {.name = "breakdown",
       .member = &RunBlock::breakdown,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.breakdown; },
       .long_name = "round after the signature in which the deal broke down, "
                    "1..durability.horizon (-1: it held to the horizon, no deal, or no "
                    "[durability])",
       .units = "round",
       .upper = U::horizon},
      {.name = "breakdown_cause",
       .member = &RunBlock::breakdown_cause,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.breakdown_cause; },
       .long_name = "why the deal broke down: 0 the hazard of its terms, 1 the expected shift of "
                    "the front line, with no revision every deciding party prefers to war (-1: it "
                    "did not)",
       .units = "",
       .flag_meanings = protocol::kBreakdownMeanings,
       .upper = U::flags},
      {.name = "stages_agreed",
       .member = &RunBlock::stages_agreed,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.stages_agreed; },
       .long_name = "stages of protocol.agenda agreed (-1: no agenda)",
       .units = "",
       .upper = U::stages},
      {.name = "challenge_rounds",
       .member = &RunBlock::challenge_rounds,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.challenge_rounds; },
       .long_name = "rounds of challenges of the expected-utility model, the most any issue took "
                    "(-1: another protocol)",
       .units = "round",
       .upper = U::round},
      {.name = "challenges",
       .member = &RunBlock::challenges,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.challenges; },
       .long_name = "challenges made in the expected-utility model, over all issues and rounds "
                    "(-1: another protocol)",
       .units = ""},
      {.name = "conflicts",
       .member = &RunBlock::conflicts,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.conflicts; },
       .long_name = "positions moved by a lost conflict in the expected-utility model, over all "
                    "issues and rounds (-1: another protocol)",
       .units = ""},
      {.name = "compromises",
       .member = &RunBlock::compromises,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.compromises; },
       .long_name = "positions moved by a compromise in the expected-utility model, over all "
                    "issues and rounds (-1: another protocol)",
       .units = ""},
      {.name = "capitulations",
       .member = &RunBlock::capitulations,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.capitulations; },
       .long_name = "positions moved by a capitulation in the expected-utility model, over all "
                    "issues and rounds (-1: another protocol)",
       .units = ""},
      {.name = "ceasefire_round",
       .member = &RunBlock::ceasefire_round,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.ceasefire_round; },
       .long_name = "round after whose answers a stage's interim ceasefire came into force (0: in "
                    "force before the talks, ceasefire.in_force; -1: none during the talks)",
       .units = "round",
       .upper = U::round},
      {.name = "ceasefire_design",
       .member = &RunBlock::ceasefire_design,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.ceasefire_design; },
       .long_name = "index of the design of the ceasefire term the run settled, in "
                    "[ceasefire.designs] by ascending at (-1: none settled, or no [ceasefire])",
       .units = "",
       .names = N::designs,
       .upper = U::names},
      {.name = "deal",
       .member = &RunBlock::deal,
       .across = A::issue,
       .fill = kNan,
       .value = deal_term,
       .long_name = "terms of the deal, natural units (NaN: no deal)",
       .units = ""},
      {.name = "bracketed",
       .member = &RunBlock::bracketed,
       .across = A::issue,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t k) -> double {
         return o.result.bracketed[k] != 0 ? 1 : 0;
       },
       .long_name = "1 if the mediator set the issue aside (bracketing; the deal, if partial, is "
                    "on the rest)",
       .units = "",
       .upper = U::one,
       .lo = 0},
      {.name = "shock_round",
       .member = &RunBlock::shock_round,
       .across = A::shock,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t j) -> double { return o.result.shock_round[j]; },
       .long_name = "round in which the shock fired (-1: it did not)",
       .units = "round",
       .upper = U::round},
      {.name = "final_text",
       .member = &RunBlock::final_text,
       .across = A::issue,
       .fill = kNan,
       .value = natural_text,
       .long_name = "last text on the table, natural units",
       .units = ""},
      {.name = "shortfall",
       .member = &RunBlock::shortfall,
       .across = A::issue,
       .fill = kNan,
       .value = [](const RunOutput& o,
                   std::size_t k) { return o.result.shortfall(static_cast<Eigen::Index>(k)); },
       .long_name = "summed over the rejecting deciders: red-line excess (unit scale) plus the "
                    "share of the utility shortfall the issue carries (NaN: deal)",
       .units = "1"},
      {.name = "utility",
       .member = &RunBlock::utility,
       .across = A::agent,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t i) { return agent_value(o.result.utility, i); },
       .long_name = "utility of the final text",
       .units = "utility"},
      {.name = "utility_pv",
       .member = &RunBlock::utility_pv,
       .across = A::agent,
       .fill = kNan,
       .value = [](const RunOutput& o,
                   std::size_t i) { return agent_value(o.result.utility_pv, i); },
       .long_name = "present value of the deal, discount^round * utility (NaN: no deal)",
       .units = "utility"},
      {.name = "batna",
       .member = &RunBlock::batna,
       .across = A::agent,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t i) { return agent_value(o.result.batna, i); },
       .long_name = "BATNA at the last round",
       .units = "utility"},
      {.name = "expected_drift_first",
       .member = &RunBlock::expected_drift_first,
       .across = A::agent,
       .fill = kNan,
       .value = [](const RunOutput& o,
                   std::size_t i) { return front_rate(o, o.result.drift_first, i); },
       .long_name = "the front's drift per round the agent valued the war with at the first round "
                    "(its belief's mean; NaN: it values no war)",
       .units = "battlefield"},
      {.name = "expected_drift_last",
       .member = &RunBlock::expected_drift_last,
       .across = A::agent,
       .fill = kNan,
       .value = [](const RunOutput& o,
                   std::size_t i) { return front_rate(o, o.result.drift_last, i); },
       .long_name = "as expected_drift_first, at the last round",
       .units = "battlefield"},
      {.name = "drift_sd_first",
       .member = &RunBlock::drift_sd_first,
       .across = A::agent,
       .fill = kNan,
       .value = [](const RunOutput& o,
                   std::size_t i) { return front_rate(o, o.result.drift_sd_first, i); },
       .long_name = "the spread (sd) of the agent's belief about the drift at the first round (0: "
                    "it does not learn; NaN: it values no war)",
       .units = "battlefield"},
      {.name = "drift_sd_last",
       .member = &RunBlock::drift_sd_last,
       .across = A::agent,
       .fill = kNan,
       .value = [](const RunOutput& o,
                   std::size_t i) { return front_rate(o, o.result.drift_sd_last, i); },
       .long_name = "as drift_sd_first, at the last round",
       .units = "battlefield"},
      {.name = "ratification",
       .member = &RunBlock::ratification,
       .across = A::agent,
       .fill = kNan,
       .value = [](const RunOutput& o,
                   std::size_t i) { return agent_value(o.result.ratification, i); },
       .long_name = "chance that the agent's constituency ratified the last text signed, from its "
                    "support curve (NaN: no text was put to it, or it has no constituency)",
       .units = "1"},
      {.name = "refusals",
       .member = &RunBlock::refusals,
       .across = A::agent,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t i) -> double { return o.result.refusals[i]; },
       .long_name = "signed texts the agent's constituency refused in the run",
       .units = "",
       .upper = U::round,
       .lo = 0},
      {.name = "payment",
       .member = &RunBlock::payment,
       .across = A::agent,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t i) { return agent_value(o.result.payment, i); },
       .long_name = "side payment the mediator attached to the last text for the agent (units; "
                    "paid with a deal)",
       .units = "1"},
      {.name = "aid",
       .member = &RunBlock::aid,
       .across = A::agent,
       .fill = kNan,
       .value = [](const RunOutput& o, std::size_t i) { return agent_value(o.result.aid, i); },
       .long_name = "mean aid the agent gave the contest's down side over the rounds of the run "
                    "(the contest's units; NaN: it has no aid instrument)",
       .units = "1"},
      {.name = "sanctions",
       .member = &RunBlock::sanctions,
       .across = A::agent,
       .fill = kNan,
       .value = [](const RunOutput& o,
                   std::size_t i) { return agent_value(o.result.sanctions, i); },
       .long_name = "mean sanctions the agent imposed on the contest's up side over the rounds of "
                    "the run (the contest's units; NaN: it has no sanctions instrument)",
       .units = "1"},
      {.name = "disengaged",
       .member = &RunBlock::disengaged,
       .across = A::run,
       .fill = -1,
       .value = [](const RunOutput& o, std::size_t) -> double { return o.result.disengaged; },
       .long_name = "round after which the mediator left the talks (-1: it stayed)",
       .units = "round",
       .upper = U::round},
  };
  return columns;
}

std::vector<std::string> flag_names(const char* meanings) {
  std::vector<std::string> names;
  std::istringstream words(meanings);
  for (std::string word; words >> word;) names.push_back(std::move(word));
  return names;
}

const RunColumn& run_column(std::string_view name) {
  for (const RunColumn& c : run_columns())
    if (name == c.name) return c;
  throw std::logic_error("no run column " + std::string(name));
}

void store_run(const RunOutput& run, RunBlock& block, std::size_t row) {
  RunBlock& b = block;
  for_each_run_column(b, b, [&](auto& column, auto&, const RunColumn& c) {
    using T = typename std::remove_reference_t<decltype(column)>::value_type;
    const std::size_t width = c.width(b);
    for (std::size_t k = 0; k < width; ++k)
      column[row * width + k] = static_cast<T>(c.value(run, k));
  });
}

}  // namespace parley::engine

#include "parley/engine/run_block.hpp"

#include <limits>

#include "parley/protocol/run_result.hpp"

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

const std::vector<RunColumn>& run_columns() {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  using A = RunColumn::Across;
  static const std::vector<RunColumn> columns = {
      {"agreement", &RunBlock::agreement, A::run, -1, "1 if the run ended in a deal", ""},
      {"outcome", &RunBlock::outcome, A::run, -1, "how the talks ended", "",
       protocol::kOutcomeMeanings},
      {"round", &RunBlock::round, A::run, -1, "round of the deal (-1: no deal)", "round"},
      {"blocker", &RunBlock::blocker, A::run, -1,
       "index of the veto player that blocked the last text (-1: deal)", "", nullptr,
       RunColumn::Names::agents},
      {"obstacle", &RunBlock::obstacle, A::run, -1,
       "index of the issue with the largest shortfall, the principal obstacle (-1: deal)", "",
       nullptr, RunColumn::Names::issues},
      {"obstacle_second", &RunBlock::obstacle_second, A::run, -1,
       "index of the issue with the second-largest shortfall (-1: deal, or no second)", "", nullptr,
       RunColumn::Names::issues},
      {"battlefield_final", &RunBlock::battlefield, A::run, nan, "front line at the last round",
       "battlefield"},
      {"nash_distance", &RunBlock::nash_distance, A::run, nan,
       "RMS distance over issues (unit scales) from the deal to the veto players' Nash text "
       "(NaN: no deal or no Nash text)",
       "1"},
      {"pareto_gap", &RunBlock::pareto_gap, A::run, nan,
       "largest gain every veto player could still have at once over the deal (NaN: no deal)",
       "utility"},
      {"zone_first", &RunBlock::zone_first, A::run, nan,
       "zone of agreement at the first round: max over texts of min over veto players of "
       "u - BATNA (> 0: a zone exists; -inf: red lines exclude every text)",
       "utility"},
      {"zone_last", &RunBlock::zone_last, A::run, nan,
       "zone of agreement at the last round (as zone_first)", "utility"},
      {"revealed", &RunBlock::revealed, A::run, -1,
       "first round after whose answers the mediator could name a text passing every private "
       "red line with probability 0.9 (-1: never, or complete information)",
       "round"},
      {"belief_width", &RunBlock::belief_width, A::run, nan,
       "mean over the private red-line ends of the mediator's final 90% interval width over its "
       "prior's (1: nothing learned; NaN: complete information or no private ends)",
       "1"},
      {"belief_error", &RunBlock::belief_error, A::run, nan,
       "mean over the private red-line ends of |the mediator's posterior median - the end| at "
       "the last round, unit scale (NaN: as belief_width)",
       "1"},
      {"belief_covered", &RunBlock::belief_covered, A::run, nan,
       "share of the private red-line ends inside the mediator's final 90% interval (NaN: as "
       "belief_width)",
       "1"},
      {"breakdown", &RunBlock::breakdown, A::run, -1,
       "round after the signature in which the deal broke down, 1..durability.horizon (-1: it "
       "held to the horizon, no deal, or no [durability])",
       "round"},
      {"breakdown_cause", &RunBlock::breakdown_cause, A::run, -1,
       "why the deal broke down: 0 the hazard of its terms, 1 the expected shift of the front "
       "line, with no revision every deciding party prefers to war (-1: it did not)",
       "", protocol::kBreakdownMeanings},
      {"stages_agreed", &RunBlock::stages_agreed, A::run, -1,
       "stages of protocol.agenda agreed (-1: no agenda)", ""},
      {"ceasefire_round", &RunBlock::ceasefire_round, A::run, -1,
       "round after whose answers a stage's interim ceasefire came into force (0: in force "
       "before the talks, ceasefire.in_force; -1: none during the talks)",
       "round"},
      {"ceasefire_design", &RunBlock::ceasefire_design, A::run, -1,
       "index of the design of the ceasefire term the run settled, in [ceasefire.designs] by "
       "ascending at (-1: none settled, or no [ceasefire])",
       "", nullptr, RunColumn::Names::designs},
      {"deal", &RunBlock::deal, A::issue, nan, "terms of the deal, natural units (NaN: no deal)",
       ""},
      {"bracketed", &RunBlock::bracketed, A::issue, -1,
       "1 if the mediator set the issue aside (bracketing; the deal, if partial, is on the rest)",
       ""},
      {"shock_round", &RunBlock::shock_round, A::shock, -1,
       "round in which the shock fired (-1: it did not)", "round"},
      {"final_text", &RunBlock::final_text, A::issue, nan, "last text on the table, natural units",
       ""},
      {"shortfall", &RunBlock::shortfall, A::issue, nan,
       "summed over the rejecting deciders: red-line excess (unit scale) plus the share of the "
       "utility shortfall the issue carries (NaN: deal)",
       "1"},
      {"utility", &RunBlock::utility, A::agent, nan, "utility of the final text", "utility"},
      {"utility_pv", &RunBlock::utility_pv, A::agent, nan,
       "present value of the deal, discount^round * utility (NaN: no deal)", "utility"},
      {"batna", &RunBlock::batna, A::agent, nan, "BATNA at the last round", "utility"},
  };
  return columns;
}

}  // namespace parley::engine

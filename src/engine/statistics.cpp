#include "parley/engine/statistics.hpp"

#include <stdexcept>
#include <string>

namespace parley::engine {

const std::vector<SummaryStatistic>& summary_statistics() {
  using R = SummaryStatistic::Reduce;
  static const std::vector<SummaryStatistic> statistics = {
      {.name = "deal_mean",
       .column = "deal",
       .reduce = R::deal_mean,
       .along = Along::issue,
       .long_name = "mean deal term, natural units",
       .units = "",
       .in_grid = true},
      {.name = "mean_utility",
       .column = "utility",
       .reduce = R::mean,
       .along = Along::agent,
       .long_name = "mean utility of the final text",
       .units = "utility",
       .heading = "mean utility",
       .percent = false},
      {.name = "blocker_share",
       .column = "blocker",
       .reduce = R::index_share,
       .along = Along::agent,
       .long_name = "share of runs blocked by the agent",
       .units = "1",
       .heading = "blocked",
       .in_grid = true},
      {.name = "obstacle_share",
       .column = "obstacle",
       .reduce = R::index_share,
       .along = Along::issue,
       .long_name = "share of runs whose principal obstacle was the issue",
       .units = "1",
       .heading = "first obstacle",
       .in_grid = true},
      {.name = "obstacle_second_share",
       .column = "obstacle_second",
       .reduce = R::index_share,
       .along = Along::issue,
       .long_name = "share of runs whose second obstacle was the issue",
       .units = "1",
       .heading = "second obstacle"},
      {.name = "refusal_mean",
       .column = "refusals",
       .reduce = R::mean,
       .along = Along::agent,
       .long_name = "mean number of signed texts the agent's constituency refused per run",
       .units = "1",
       .heading = "refused/run",
       .percent = false,
       .in_grid = true,
       .hide_empty = true},
      {.name = "aid_mean",
       .column = "aid",
       .reduce = R::mean,
       .along = Along::agent,
       .long_name = "mean over the runs of the aid the agent gave per round (the contest's units; "
                    "NaN: it has no aid instrument)",
       .units = "1",
       .heading = "aid",
       .percent = false,
       .hide_empty = true},
      {.name = "sanctions_mean",
       .column = "sanctions",
       .reduce = R::mean,
       .along = Along::agent,
       .long_name = "mean over the runs of the sanctions the agent imposed per round (the "
                    "contest's units; NaN: it has no sanctions instrument)",
       .units = "1",
       .heading = "sanctions",
       .percent = false,
       .hide_empty = true},
      {.name = "shock_share",
       .column = "shock_round",
       .reduce = R::fired_share,
       .along = Along::shock,
       .long_name = "share of runs in which the shock fired",
       .units = "1",
       .heading = "fired"},
      {.name = "stage_share",
       .column = "stages_agreed",
       .reduce = R::index_share,
       .along = Along::stage,
       .long_name = "share of runs by the stages of the agenda they agreed",
       .units = "1",
       .heading = "runs"},
      {.name = "interim_share",
       .column = "ceasefire_design",
       .reduce = R::index_share,
       .along = Along::design,
       .long_name =
           "share of runs in which a stage's interim ceasefire of the design came into force",
       .units = "1",
       .heading = "in force",
       .only_where = "ceasefire_round"},
  };
  return statistics;
}

std::size_t summary_statistic(std::string_view name) {
  const auto& all = summary_statistics();
  for (std::size_t j = 0; j < all.size(); ++j)
    if (name == all[j].name) return j;
  throw std::logic_error("no summary statistic " + std::string(name));
}

}  // namespace parley::engine

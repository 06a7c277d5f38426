#pragma once
// Results of consecutive runs [first, first + count), column by column, in the
// issues' natural units: the unit in which blocks travel from the workers to the
// output file and the summary.
#include <cstdint>
#include <utility>
#include <vector>

#include "parley/protocol/trace.hpp"

namespace parley::engine {

struct RunBlock {
  std::size_t point = 0;    // sweep point (0 for a plain run)
  std::uint64_t first = 0;  // run index of the first row
  std::size_t count = 0;
  std::size_t agents = 0;
  std::size_t issues = 0;
  std::size_t sampled = 0;

  std::vector<std::int8_t> agreement;  // [run]
  std::vector<std::int8_t> outcome;    // [run], protocol::Outcome
  std::vector<std::int32_t> round;     // [run], -1 without a deal
  std::vector<std::int32_t> blocker;   // [run], agent index or -1
  std::vector<std::int32_t> obstacle;  // [run], issue index or -1
  std::vector<double> battlefield;     // [run], front line at the end, natural units
  std::vector<double> nash_distance;   // [run], see protocol::Diagnostics
  std::vector<double> pareto_gap;      // [run]
  std::vector<double> zone_first;      // [run]
  std::vector<double> zone_last;       // [run]
  std::vector<double> deal;            // [run, issue], NaN without a deal
  std::vector<double> final_text;      // [run, issue]
  std::vector<double> utility;         // [run, agent]
  std::vector<double> utility_pv;      // [run, agent]
  std::vector<double> batna;           // [run, agent]
  std::vector<double> parameters;      // [run, sampled parameter]
  std::vector<std::int8_t> bracketed;  // [run, issue], 1 where the mediator set it aside

  std::vector<std::pair<std::uint64_t, protocol::Trace>> traces;  // (run, its rounds) when traced

  void resize(std::size_t runs, std::size_t n_agents, std::size_t n_issues, std::size_t n_sampled);
};

}  // namespace parley::engine

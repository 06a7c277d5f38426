#pragma once
// Results of consecutive runs [first, first + count), column by column, in the
// issues' natural units: the unit in which blocks travel from the workers to the
// output file and the summary.
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "parley/protocol/trace.hpp"

namespace parley::scenario {
struct Scenario;
}
namespace parley::protocol {
struct RunResult;
struct Diagnostics;
}  // namespace parley::protocol

namespace parley::engine {

struct RunBlock {
  std::size_t point = 0;    // sweep point (0 for a plain run)
  std::uint64_t first = 0;  // run index of the first row
  std::size_t count = 0;
  std::size_t agents = 0;
  std::size_t issues = 0;
  std::size_t sampled = 0;
  std::size_t shocks = 0;
  bool abandoned = false;  // cut short by a cancellation: count is the runs it finished

  std::vector<std::int8_t> agreement;          // [run]
  std::vector<std::int8_t> outcome;            // [run], protocol::Outcome
  std::vector<std::int32_t> round;             // [run], -1 without a deal
  std::vector<std::int32_t> last_round;        // [run], the round the talks ended or were cut off
  std::vector<std::int32_t> blocker;           // [run], agent index or -1
  std::vector<std::int32_t> obstacle;          // [run], issue index or -1
  std::vector<std::int32_t> obstacle_second;   // [run], issue index or -1
  std::vector<double> battlefield;             // [run], front line at the end, natural units
  std::vector<double> nash_distance;           // [run], see protocol::Diagnostics
  std::vector<double> pareto_gap;              // [run]
  std::vector<double> zone_first;              // [run]
  std::vector<double> zone_last;               // [run]
  std::vector<double> range_first;             // [run], share of the battlefield issue's scale
  std::vector<double> range_last;              // [run]
  std::vector<std::int32_t> revealed;          // [run], round positions were revealed, or -1
  std::vector<double> belief_width;            // [run], see protocol::BeliefSummary
  std::vector<double> belief_error;            // [run]
  std::vector<double> belief_covered;          // [run]
  std::vector<std::int32_t> breakdown;         // [run], post-deal round it broke down, or -1
  std::vector<std::int8_t> breakdown_cause;    // [run], protocol::Breakdown, or -1
  std::vector<std::int32_t> stages_agreed;     // [run], with an agenda; -1 without
  std::vector<std::int32_t> challenge_rounds;  // [run], expected-utility model; -1 otherwise
  std::vector<std::int32_t> challenges;        // [run], expected-utility model; -1 otherwise
  std::vector<std::int32_t> conflicts;         // [run], offers taken by kind, expected-utility
  std::vector<std::int32_t> compromises;       // model; -1 otherwise
  std::vector<std::int32_t> capitulations;     // [run]
  std::vector<std::int32_t> ceasefire_round;   // [run], round an interim ceasefire began, or -1
  std::vector<std::int32_t> ceasefire_design;  // [run], design of the settled term, or -1
  std::vector<double> deal;                    // [run, issue], NaN without a deal
  std::vector<double> final_text;              // [run, issue]
  std::vector<double> shortfall;               // [run, issue], NaN after a deal
  std::vector<double> utility;                 // [run, agent]
  std::vector<double> utility_pv;              // [run, agent]
  std::vector<double> batna;                   // [run, agent]
  std::vector<double> expected_drift_first;    // [run, agent], battlefield units per round
  std::vector<double> expected_drift_last;     // [run, agent]
  std::vector<double> drift_sd_first;          // [run, agent]
  std::vector<double> drift_sd_last;           // [run, agent]
  std::vector<double> ratification;            // [run, agent], chance the last text passed at home
  std::vector<std::int32_t> refusals;          // [run, agent], signed texts refused at home
  std::vector<double> payment;                 // [run, agent], side payment attached to the text
  std::vector<double> aid;                     // [run, agent], mean aid it gave over the rounds
  std::vector<double> sanctions;               // [run, agent], mean sanctions it imposed
  std::vector<std::int32_t> disengaged;        // [run], round the mediator left after, or -1
  std::vector<double> parameters;              // [run, sampled parameter]
  std::vector<std::int8_t> bracketed;          // [run, issue], 1 where the mediator set it aside
  std::vector<std::int32_t> shock_round;       // [run, shock], the round it fired in, -1 if not

  std::vector<std::pair<std::uint64_t, protocol::Trace>> traces;  // (run, its rounds) when traced

  void resize(std::size_t runs, std::size_t n_agents, std::size_t n_issues, std::size_t n_sampled,
              std::size_t n_shocks);
};

// What a run's columns are computed from: the scenario (for natural units), the protocol's
// result and its diagnostics.
struct RunOutput {
  const scenario::Scenario& scenario;
  const protocol::RunResult& result;
  const protocol::Diagnostics& diagnostics;
};

// The per-run columns of a RunBlock, each declared once: the engine sizes them and fills them
// from a run's output (`value`), the runs file creates, writes and reads them back (resume,
// merge) and checks the integer ones against their range, the tests compare them, and
// docs/output.md's runs table documents each (a test checks it). Adding a per-run dataset is a
// RunResult field, the protocol code that sets it, its member in RunBlock and one entry here. (The
// sampled parameters, a sweep's point columns and the file's own `done` flags are laid out by the
// runs file itself.)
struct RunColumn {
  // Its second dimension, if any. A column across the shocks exists only where the scenario has
  // shocks.
  enum class Across : std::int8_t { run, issue, agent, shock };
  using Member =
      std::variant<std::vector<std::int8_t> RunBlock::*, std::vector<std::int32_t> RunBlock::*,
                   std::vector<double> RunBlock::*>;
  // An index into the scenario's agents, issues or ceasefire designs: the file names them as
  // its flags (CF flag_values 0, 1, ... and flag_meanings their ids).
  enum class Names : std::int8_t { none, agents, issues, designs };
  // The largest value a file read back may hold in an integer column: none (not checked), 1,
  // the last of flag_meanings, the last index of `names`, any round, durability.horizon, or
  // the stages of protocol.agenda. The smallest is `lo`.
  enum class Upper : std::int8_t { unchecked, one, flags, names, round, horizon, stages };

  const char* name;  // the dataset under runs/
  Member member;
  Across across;
  double fill;  // where no value was written (NaN, or -1 for the integer columns)
  // Its value in the run (k: the issue, agent or shock; 0 for a column across runs only).
  double (*value)(const RunOutput& run, std::size_t k);
  const char* long_name;
  const char* units;  // "" for none; "battlefield" for the battlefield issue's unit
  // Outcome-style flags: the values and their meanings (CF conventions), or nullptr.
  const char* flag_meanings = nullptr;
  Names names = Names::none;
  Upper upper = Upper::unchecked;
  std::int8_t lo = -1;

  // Values per run in a block with these sizes.
  std::size_t width(const RunBlock& b) const noexcept {
    switch (across) {
      case Across::issue:
        return b.issues;
      case Across::agent:
        return b.agents;
      case Across::shock:
        return b.shocks;
      case Across::run:
        return 1;
    }
    return 1;
  }
};
const std::vector<RunColumn>& run_columns();
// The meanings of flag values 0, 1, ...: a flag_meanings text split at its spaces (CF).
std::vector<std::string> flag_names(const char* meanings);
// The entry named `name`; throws std::logic_error if there is none.
const RunColumn& run_column(std::string_view name);
// Fills row `row` of every column of `block` from a run's output.
void store_run(const RunOutput& run, RunBlock& block, std::size_t row);

// Calls f(std::vector<T>& in a, std::vector<T>& in b, const RunColumn&) for every column.
template <typename A, typename B, typename F>
void for_each_run_column(A& a, B& b, F&& f) {
  for (const RunColumn& c : run_columns()) {
    std::visit([&](auto member) { f(a.*member, b.*member, c); }, c.member);
  }
}

}  // namespace parley::engine

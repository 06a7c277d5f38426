#pragma once
// The summary statistics that reduce one per-run column to a value per agent, issue, shock,
// agenda stage or ceasefire design, each declared once: the SummaryBuilder computes them, the
// runs file writes them under summary/ (and per sweep point under grid/), `parley info` reads
// them back and checks their sizes, the printed summary and `info` show them, and docs/output.md's
// summary paragraph names each (a test checks it). Adding one is an entry here (and, if it
// reduces a new per-run column, that column: see run_block.hpp).
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace parley::engine {

// What a statistic has one value for, and the scale it is stored along in summary/.
enum class Along : std::int8_t { agent, issue, shock, stage, design };
inline constexpr std::size_t kAlongs = 5;
inline constexpr std::array<const char*, kAlongs> kAlongScale = {
    "agent", "issue", "shock", "stages_agreed", "ceasefire_design"};
// The title of the printed table of the statistics along each.
inline constexpr std::array<const char*, kAlongs> kAlongTitle = {
    "Agents", "Issues", "Shocks", "Agenda: runs by the stages they agreed",
    "Interim ceasefire in force during the talks, by design"};

struct SummaryStatistic {
  enum class Reduce : std::int8_t {
    index_share,  // share of all runs whose (per-run) column holds the index k
    fired_share,  // share of all runs whose column at k is >= 0
    mean,         // mean over all runs of the column at k
    deal_mean,    // mean over the runs with an agreement of the column at k
  };
  const char* name;    // the dataset under summary/ (and grid/ where in_grid)
  const char* column;  // the run column it reduces (engine::run_columns())
  Reduce reduce;
  Along along;
  const char* long_name;
  const char* units;
  // The heading of its column in the printed table along `along`, shown as a percentage or a
  // value (nullptr: printed elsewhere, or not at all).
  const char* heading = nullptr;
  bool percent = true;
  bool in_grid = false;  // also written per sweep point
  // index_share: a run counts only where this run column is >= 0 (nullptr: every run).
  const char* only_where = nullptr;
  // Its printed column is left out where every value is 0 or NaN (no constituency, no
  // instrument): a scenario without the mechanism prints no column of it.
  bool hide_empty = false;
};

const std::vector<SummaryStatistic>& summary_statistics();
// The index of the entry named `name`; throws std::logic_error if there is none.
std::size_t summary_statistic(std::string_view name);

}  // namespace parley::engine

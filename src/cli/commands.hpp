#pragma once
// The subcommands of the `parley` program. Each takes its own arguments (after the
// subcommand name) and returns the process exit code:
//   0 success, 1 runtime failure (I/O), 2 bad input or usage, 130 interrupted.
#include <array>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "parley/engine/run_block.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/engine/study/sensitivity.hpp"
#include "parley/engine/summary.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

// A bad flag or argument; reported as "parley <command>: <message>", exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

int cmd_run(const std::vector<std::string>& args, const std::string& command_line);
int cmd_validate(const std::vector<std::string>& args, const std::string& command_line);
int cmd_solve(const std::vector<std::string>& args, const std::string& command_line);
int cmd_sweep(const std::vector<std::string>& args, const std::string& command_line);
int cmd_sobol(const std::vector<std::string>& args, const std::string& command_line);
int cmd_calibrate(const std::vector<std::string>& args, const std::string& command_line);
int cmd_info(const std::vector<std::string>& args, const std::string& command_line);
int cmd_evaluate(const std::vector<std::string>& args, const std::string& command_line);
int cmd_merge(const std::vector<std::string>& args, const std::string& command_line);
int cmd_status(const std::vector<std::string>& args, const std::string& command_line);
int cmd_compare(const std::vector<std::string>& args, const std::string& command_line);
// Joins complete shards of one run into `output` (the unsharded run's file). UsageError on
// shards that are incomplete, of another run, or do not cover the runs exactly once.
int merge_files(const std::string& output, const std::vector<std::string>& files,
                const std::string& command_line, bool force, bool quiet);
// Under mpirun: the file rank `rank` of `ranks` writes its shard of `output` to.
std::string rank_file(const std::string& output, int rank, int ranks);
// Under mpirun: runs `compute` (this rank's shard, into its rank_file), takes the worst exit
// code over the ranks and, on rank 0, merges every rank's file into `output` and removes
// them. `command` names the program's command in messages.
int merge_on_ranks(const std::string& command, const std::string& output,
                   const std::string& command_line, bool quiet,
                   const std::function<int()>& compute);

// The summary as a table, for the terminal.
std::string format_summary(const scenario::Scenario& scenario, const engine::Summary& summary);
// The declared summary statistics (engine/statistics.hpp) as `run` and `info` print them: a
// table along each of the agents, issues, shocks, agenda stages and ceasefire designs, one
// column per statistic with a heading, and after the issues the two most frequent principal
// obstacles. A statistic missing from a file written before it is left out.
std::string format_statistics(const std::array<std::vector<std::string>, engine::kAlongs>& along,
                              const std::vector<std::vector<double>>& statistics);
// Whether deals hold: per group the deals and the share still holding at the horizon.
std::string format_survival(int horizon, const engine::Summary& m);
// The parameters that drive agreement most, ranked by |Spearman's rho|.
std::string format_sensitivity(const std::vector<engine::SampledColumn>& columns,
                               const engine::Sensitivity& sensitivity, std::size_t top);
// One run's rounds (text, answers, utilities, BATNAs) and its outcome, for the terminal.
std::string format_trace(const scenario::Scenario& scenario, std::uint64_t run,
                         const engine::RunBlock& block, const protocol::Trace& trace);

}  // namespace parley::cli

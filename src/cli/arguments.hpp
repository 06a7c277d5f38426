#pragma once
// Command-line parsing shared by the subcommands: their own options plus one
// positional scenario FILE, --help and (for commands that read a scenario) --set.
#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parley::cli {

enum class Overrides { accepted, none };

// Adds --help (and --set unless `overrides` is none) to the command's `visible` options,
// then parses `args` with them and one positional FILE into `vm`. Returns the FILE, or
// nothing when help was printed, or "" when FILE is absent but an option named
// `instead_of_file` was given. Throws UsageError when FILE is missing,
// boost::program_options::error on bad flags.
std::optional<std::string> parse_with_file(const std::vector<std::string>& args,
                                           boost::program_options::options_description& visible,
                                           boost::program_options::variables_map& vm,
                                           Overrides overrides = Overrides::accepted,
                                           const char* instead_of_file = nullptr);

// Parses `visible` (plus --help) and any number of positional FILEs into `vm`; nothing when
// help was printed.
std::optional<std::vector<std::string>> parse_files(
    const std::vector<std::string>& args, boost::program_options::options_description& visible,
    boost::program_options::variables_map& vm);

// The flags of the commands that run negotiations (run, sweep, sobol).
struct RunFlags {
  std::optional<std::uint64_t> runs;  // -n N, when the command takes it
  // -n A:B: only runs A..B-1 (a shard of a larger run); `runs` is then unset.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> run_range;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  int compress = 0;
  std::string output;  // empty: the command's default name
  bool force = false;
  bool quiet = false;
};
enum class RunsFlag { accepted, none };
enum class CompressFlag { accepted, none };
// Adds -n/--runs and --compress (unless none), --seed, --threads, -o/--output, --force, --quiet.
void add_run_flags(boost::program_options::options_description& visible, RunsFlag runs,
                   CompressFlag compress, const std::string& runs_help,
                   const std::string& output_help);
// --shard "K/N" with 1 <= K <= N (UsageError otherwise).
std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text);
// Reads them back, checking their ranges (UsageError).
RunFlags read_run_flags(const boost::program_options::variables_map& vm);

// An input file of a command, and what it is ("the scenario", "the posterior file", ...).
struct Input {
  std::string path;
  std::string what;
};
// UsageError when `output` names one of `inputs` (the same file by any path, link or name):
// an output path is never one of the command's inputs, whatever --force says.
void refuse_output_among_inputs(const std::string& output, const std::vector<Input>& inputs);

// The --set assignments given, in order.
std::vector<std::string> overrides(const boost::program_options::variables_map& vm);

}  // namespace parley::cli

#pragma once
// Command-line parsing shared by the subcommands: their own options plus one
// positional scenario FILE, with --help.
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace parley::cli {

// Parses `args` with the `visible` options (which must include "help,h") and one
// positional FILE into `vm`. Returns the FILE, or nothing when help was printed.
// Throws UsageError when FILE is missing, boost::program_options::error on bad flags.
std::optional<std::string> parse_with_file(
    const std::vector<std::string>& args,
    const boost::program_options::options_description& visible,
    boost::program_options::variables_map& vm);

// Adds the repeatable --set KEY=VALUE option (scenario overrides).
void add_overrides(boost::program_options::options_description& options);
// The --set assignments given, in order.
std::vector<std::string> overrides(const boost::program_options::variables_map& vm);

}  // namespace parley::cli

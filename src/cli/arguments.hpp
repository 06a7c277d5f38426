#pragma once
// Command-line parsing shared by the subcommands: their own options plus one
// positional scenario FILE, --help and (for commands that read a scenario) --set.
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace parley::cli {

enum class Overrides { accepted, none };

// Adds --help (and --set unless `overrides` is none) to the command's `visible` options,
// then parses `args` with them and one positional FILE into `vm`. Returns the FILE, or
// nothing when help was printed. Throws UsageError when FILE is missing,
// boost::program_options::error on bad flags.
std::optional<std::string> parse_with_file(const std::vector<std::string>& args,
                                           boost::program_options::options_description& visible,
                                           boost::program_options::variables_map& vm,
                                           Overrides overrides = Overrides::accepted);

// The --set assignments given, in order.
std::vector<std::string> overrides(const boost::program_options::variables_map& vm);

}  // namespace parley::cli

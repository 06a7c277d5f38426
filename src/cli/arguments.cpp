#include "arguments.hpp"

#include <iostream>

#include "commands.hpp"

namespace parley::cli {

namespace po = boost::program_options;

std::optional<std::string> parse_with_file(const std::vector<std::string>& args,
                                           po::options_description& visible, po::variables_map& vm,
                                           Overrides accept) {
  if (accept == Overrides::accepted) {
    visible.add_options()("set", po::value<std::vector<std::string>>()->composing(),
                          "override a scenario key: dotted.key=VALUE, VALUE any TOML value, e.g. "
                          "agents.russia.reservation={beta={mean=0.8,kappa=20}} (repeatable)");
  }
  visible.add_options()("help,h", "show this help");
  po::options_description all;
  all.add(visible).add_options()("file", po::value<std::string>(), "scenario file");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return std::nullopt;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");
  return vm["file"].as<std::string>();
}

std::vector<std::string> overrides(const po::variables_map& vm) {
  return vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
}

}  // namespace parley::cli

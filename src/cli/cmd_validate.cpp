#include <boost/program_options.hpp>
#include <iostream>

#include "commands.hpp"
#include "parley/scenario/describe.hpp"
#include "parley/scenario/load.hpp"

namespace parley::cli {

namespace po = boost::program_options;

int cmd_validate(const std::vector<std::string>& args, const std::string&) {
  po::options_description visible(
      "parley validate FILE — check a scenario and print what was understood");
  visible.add_options()("help,h", "show this help");
  po::options_description all;
  all.add(visible).add_options()("file", po::value<std::string>(), "scenario file");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return kExitOk;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");

  const scenario::Scenario s = scenario::load_scenario_file(vm["file"].as<std::string>());
  std::cout << scenario::describe(s);
  for (const auto& w : scenario::warnings(s)) std::cout << "\nwarning: " << w << "\n";
  std::cout << "\n" << s.source << ": valid\n";
  return kExitOk;
}

}  // namespace parley::cli

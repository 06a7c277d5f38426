#include <boost/program_options.hpp>
#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/scenario/describe.hpp"
#include "parley/scenario/load.hpp"

namespace parley::cli {

namespace po = boost::program_options;

int cmd_validate(const std::vector<std::string>& args, const std::string&) {
  po::options_description visible(
      "parley validate FILE — check a scenario and print what was understood");
  po::variables_map vm;
  const auto file = parse_with_file(args, visible, vm);
  if (!file) return kExitOk;

  const scenario::Scenario s = scenario::load_scenario_file(*file, overrides(vm));
  // What every command builds from a scenario next, with the checks it makes (a collision of
  // two random streams' ids): valid means that a run would start.
  const engine::Sampler sampler(s);
  std::cout << scenario::describe(s);
  for (const auto& w : scenario::warnings(s)) std::cout << "\nwarning: " << w << "\n";
  std::cout << "\n" << s.source << ": valid\n";
  return kExitOk;
}

}  // namespace parley::cli

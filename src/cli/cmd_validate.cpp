#include <algorithm>
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
  visible.add_options()("keys",
                        "print instead every key as the loader read it: its value and where it "
                        "came from (file:line:column, or --set:N:column for the N-th --set)");
  po::variables_map vm;
  const auto file = parse_with_file(args, visible, vm);
  if (!file) return kExitOk;

  const scenario::Scenario s = scenario::load_scenario_file(*file, overrides(vm));
  // What every command builds from a scenario next, with the checks it makes (a collision of
  // two random streams' ids): valid means that a run would start.
  const engine::Sampler sampler(s);
  if (vm.count("keys")) {
    const std::vector<scenario::KeyRead> keys = scenario::keys_read(*file, overrides(vm));
    auto where = [](const scenario::KeyRead& k) {
      return k.where.source + ":" + std::to_string(k.where.line) + ":" +
             std::to_string(k.where.column);
    };
    std::size_t width = 0;
    for (const auto& k : keys) width = std::max(width, where(k).size());
    for (const auto& k : keys) {
      const std::string at = where(k);
      std::cout << at << std::string(width + 2 - at.size(), ' ') << k.key << " = " << k.value
                << "\n";
    }
    std::cout << "\n" << keys.size() << " keys read\n" << s.source << ": valid\n";
    return kExitOk;
  }
  std::cout << scenario::describe(s);
  for (const auto& w : scenario::warnings(s)) std::cout << "\nwarning: " << w << "\n";
  std::cout << "\n(every key as read, with its line: parley validate FILE --keys)\n"
            << s.source << ": valid\n";
  return kExitOk;
}

}  // namespace parley::cli

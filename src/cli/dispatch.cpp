#include "dispatch.hpp"

#include <boost/program_options/errors.hpp>
#include <iostream>

#include "commands.hpp"
#include "parley/engine/shards.hpp"
#include "parley/io/io_error.hpp"
#include "parley/scenario/diagnostics.hpp"
#include "parley/version.hpp"

namespace parley::cli {

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>&, const std::string&);
};

constexpr Command kCommands[] = {
    {"run", "run a scenario many times and write outcome distributions to HDF5", cmd_run},
    {"sweep", "run a scenario at every point of a grid of keys (common random numbers)", cmd_sweep},
    {"sobol", "Sobol indices of P(agreement) over the sampled parameters", cmd_sobol},
    {"calibrate", "the sampled parameters given observations of the talks (ABC-SMC)",
     cmd_calibrate},
    {"validate", "check a scenario file and print what was understood", cmd_validate},
    {"solve", "Nash, Kalai-Smorodinsky and the zone of agreement at central values", cmd_solve},
    {"evaluate", "each agent's utility, BATNA and answer for a given text", cmd_evaluate},
    {"info", "describe a Parley HDF5 file: run, summary, datasets, scenario", cmd_info},
    {"merge", "join the shards of a run into the file the unsharded run writes", cmd_merge},
    {"status", "which shards of a run are done, incomplete or missing", cmd_status},
    {"compare", "differences of outcomes between runs files, paired where runs are shared",
     cmd_compare},
};

void print_usage(std::ostream& out) {
  out << "Parley " << kVersion << " — agent-based negotiation simulator\n\n"
      << "usage: parley <command> [options]\n\ncommands:\n";
  for (const Command& c : kCommands) out << "  " << c.name << "\t" << c.summary << "\n";
  out << "\n'parley <command> --help' describes a command's options.\n"
      << "exit codes: 0 success, 1 runtime failure (I/O), 2 bad input or usage\n";
}

}  // namespace

int dispatch(const std::vector<std::string>& args, const std::string& command_line,
             std::ostream& err) {
  if (args.empty()) {
    print_usage(err);
    return kExitUsage;
  }
  const std::string& name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return kExitOk;
  }
  if (name == "--version") {
    std::cout << "parley " << kVersion << "\n";
    return kExitOk;
  }
  for (const Command& c : kCommands) {
    if (name != c.name) continue;
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
      return c.run(rest, command_line);
    } catch (const scenario::ScenarioError& e) {
      err << e.what() << "\n";
      return kExitUsage;
    } catch (const boost::program_options::error& e) {
      err << "parley " << name << ": " << e.what() << " (see 'parley " << name << " --help')\n";
      return kExitUsage;
    } catch (const UsageError& e) {
      err << "parley " << name << ": " << e.what() << "\n";
      return kExitUsage;
    } catch (const engine::PlanError& e) {
      err << "parley " << name << ": " << e.what() << "\n";
      return kExitUsage;
    } catch (const io::InvalidFile& e) {
      err << "parley " << name << ": " << e.what() << "\n";
      return kExitUsage;
    } catch (const io::IoError& e) {
      err << "parley " << name << ": " << e.what() << "\n";
      return kExitRuntime;
    } catch (const std::exception& e) {
      err << "parley " << name << ": internal error: " << e.what() << "\n";
      return kExitRuntime;
    }
  }
  err << "parley: unknown command '" << name << "'\n";
  print_usage(err);
  return kExitUsage;
}

}  // namespace parley::cli

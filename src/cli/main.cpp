// parley: the command-line program. main() only dispatches to a subcommand and
// turns errors into messages and exit codes.
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options/errors.hpp>

#include "commands.hpp"
#include "mpi.hpp"
#include "parley/engine/shards.hpp"
#include "parley/io/io_error.hpp"
#include "parley/scenario/diagnostics.hpp"
#include "parley/version.hpp"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>&, const std::string&);
};

constexpr Command kCommands[] = {
    {"run", "run a scenario many times and write outcome distributions to HDF5",
     parley::cli::cmd_run},
    {"sweep", "run a scenario at every point of a grid of keys (common random numbers)",
     parley::cli::cmd_sweep},
    {"sobol", "Sobol indices of P(agreement) over the sampled parameters", parley::cli::cmd_sobol},
    {"calibrate", "the sampled parameters given observations of the talks (ABC-SMC)",
     parley::cli::cmd_calibrate},
    {"validate", "check a scenario file and print what was understood", parley::cli::cmd_validate},
    {"solve", "Nash, Kalai-Smorodinsky and the zone of agreement at central values",
     parley::cli::cmd_solve},
    {"evaluate", "each agent's utility, BATNA and answer for a given text",
     parley::cli::cmd_evaluate},
    {"info", "describe a Parley HDF5 file: run, summary, datasets, scenario",
     parley::cli::cmd_info},
    {"merge", "join the shards of a run into the file the unsharded run writes",
     parley::cli::cmd_merge},
    {"status", "which shards of a run are done, incomplete or missing", parley::cli::cmd_status},
};

void print_usage(std::ostream& out) {
  out << "Parley " << parley::kVersion << " — agent-based negotiation simulator\n\n"
      << "usage: parley <command> [options]\n\ncommands:\n";
  for (const Command& c : kCommands) out << "  " << c.name << "\t" << c.summary << "\n";
  out << "\n'parley <command> --help' describes a command's options.\n"
      << "exit codes: 0 success, 1 runtime failure (I/O), 2 bad input or usage\n";
}

std::string quoted_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    const bool plain = !arg.empty() && arg.find_first_of(" \t\"'\\$`") == std::string::npos;
    if (!line.empty()) line += ' ';
    line += plain ? arg : "'" + arg + "'";
  }
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace parley::cli;
  const mpi::Session mpi_session(argc, argv);  // under mpirun only (built with PARLEY_MPI)
  if (argc < 2) {
    print_usage(std::cerr);
    return kExitUsage;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return kExitOk;
  }
  if (name == "--version") {
    std::cout << "parley " << parley::kVersion << "\n";
    return kExitOk;
  }
  for (const Command& c : kCommands) {
    if (name != c.name) continue;
    const std::vector<std::string> args(argv + 2, argv + argc);
    try {
      return c.run(args, quoted_command_line(argc, argv));
    } catch (const parley::scenario::ScenarioError& e) {
      std::cerr << e.what() << "\n";
      return kExitUsage;
    } catch (const boost::program_options::error& e) {
      std::cerr << "parley " << name << ": " << e.what() << " (see 'parley " << name
                << " --help')\n";
      return kExitUsage;
    } catch (const UsageError& e) {
      std::cerr << "parley " << name << ": " << e.what() << "\n";
      return kExitUsage;
    } catch (const parley::engine::PlanError& e) {
      std::cerr << "parley " << name << ": " << e.what() << "\n";
      return kExitUsage;
    } catch (const parley::io::InvalidFile& e) {
      std::cerr << "parley " << name << ": " << e.what() << "\n";
      return kExitUsage;
    } catch (const parley::io::IoError& e) {
      std::cerr << "parley " << name << ": " << e.what() << "\n";
      return kExitRuntime;
    } catch (const std::exception& e) {
      std::cerr << "parley " << name << ": internal error: " << e.what() << "\n";
      return kExitRuntime;
    }
  }
  std::cerr << "parley: unknown command '" << name << "'\n";
  print_usage(std::cerr);
  return kExitUsage;
}

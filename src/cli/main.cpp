// parley: the command-line program. main() only hands its arguments to the command they name
// (dispatch.cpp), which turns errors into messages and exit codes.
#include <iostream>
#include <string>
#include <vector>

#include "dispatch.hpp"
#include "mpi.hpp"

namespace {

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
  const parley::cli::mpi::Session mpi_session(argc, argv);  // under mpirun only (PARLEY_MPI)
  const std::vector<std::string> args(argv + 1, argv + argc);
  return parley::cli::dispatch(args, quoted_command_line(argc, argv), std::cerr);
}

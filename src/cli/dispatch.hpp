#pragma once
// Runs one `parley` command line: finds the command, runs it, and turns its errors into one
// message on `err` and an exit code (commands.hpp). The `parley` program and the Python module
// both run commands through here, so that both accept and refuse the same inputs the same way.
#include <ostream>
#include <string>
#include <vector>

namespace parley::cli {

// `args`: what follows the program name (args[0] is the command). `command_line`: the whole
// command line as written into output files.
int dispatch(const std::vector<std::string>& args, const std::string& command_line,
             std::ostream& err);

}  // namespace parley::cli

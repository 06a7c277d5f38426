#pragma once
// What every file Parley writes records of its making, as read back: the file, its type and
// format, the Parley that wrote it and when, and the scenario it ran. Runs and sweep headers,
// posterior files and Sobol files extend it; read_provenance (src/io/run_header_attributes.hpp)
// fills it, and the command line, which each file type keeps with what it ran, apart.
#include <string>

namespace parley::io {

struct Provenance {
  std::string path;  // the file read
  std::string filetype, format_version, parley_version, created_utc;
  std::string scenario_name, scenario_toml, protocol;
};

}  // namespace parley::io

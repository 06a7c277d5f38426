#pragma once
// --set overrides: assignments applied to a parsed scenario before it is read, and the merged
// scenario written back as TOML (what a file records as the scenario run). Private to
// parley_scenario.
#include <toml++/toml.h>

#include <ostream>
#include <string>

#include "toml_reader.hpp"

namespace parley::scenario::detail {

// Applies one "dotted.key=VALUE" to the parsed file; VALUE is any TOML value (a number, a
// string, an inline table such as {beta = {mean = 0.8, kappa = 20}}). The new node's source
// is `origin` ("--set", "--vary"), at line `line` (the assignment's number among those of its
// origin, from 1) and the column of VALUE in the argument. Problems go to `ctx`.
void apply_override(toml::table& root, const std::string& assignment, Context& ctx,
                    const std::string& origin = "--set", int line = 1);

// TOML text of `table` with tables in the order of the file (toml++ prints keys sorted, and
// the order of agents and issues is part of a scenario's meaning).
void emit_in_file_order(const toml::table& table, const std::string& path, std::ostream& out);

}  // namespace parley::scenario::detail

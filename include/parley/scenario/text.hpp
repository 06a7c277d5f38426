#pragma once
// A negotiating text given by a user: a position per issue in natural units, from
// `--text ISSUE=VALUE` assignments or a TOML file of `issue = value` lines. Errors are
// located like scenario errors (the source is "--text" or the file).
#include <optional>
#include <string>
#include <vector>

#include "parley/scenario/scenario.hpp"

namespace parley::scenario {

using TextSpec = std::vector<std::optional<double>>;  // per issue; empty where not given

// The whole of `text` as a finite number, or nothing.
std::optional<double> parse_number(const std::string& text);

// Reads `issue = value` lines. Throws ScenarioError.
TextSpec read_text_file(const std::string& path, const Scenario& scenario);
// Applies one "ISSUE=VALUE" to `text`. Throws ScenarioError.
void apply_text_assignment(const std::string& assignment, const Scenario& scenario, TextSpec& text);

}  // namespace parley::scenario

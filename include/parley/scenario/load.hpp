#pragma once
// Reading scenario files (TOML). Every error carries file:line:col and the key
// path; unknown keys are errors with a "did you mean" hint; all errors in a file
// are reported together in one ScenarioError.
#include <string>

#include "parley/scenario/scenario.hpp"

namespace parley::scenario {

// Parses and validates a scenario file. Throws ScenarioError.
Scenario load_scenario_file(const std::string& path);
// Parses and validates scenario text; `source` names it in messages.
Scenario load_scenario_text(const std::string& text, const std::string& source);

}  // namespace parley::scenario

#pragma once
// Reading scenario files (TOML). Every error carries file:line:col and the key
// path; unknown keys are errors with a "did you mean" hint; all errors in a file
// are reported together in one ScenarioError.
#include <optional>
#include <string>
#include <vector>

#include "parley/scenario/input_file.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::scenario {

// Parses a scenario file, applies the overrides ("dotted.key=VALUE", VALUE any TOML value,
// as given to --set) and validates the result: an override is checked exactly like the file,
// its errors naming "--set", or where it came from: `origins[j]` names override j in messages
// ("--vary" for a sweep's point; absent or empty: "--set"). Throws ScenarioError.
Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& overrides = {},
                            const std::vector<std::string>& origins = {});
// The same for scenario text; `source` names it in messages.
Scenario load_scenario_text(const std::string& text, const std::string& source,
                            const std::vector<std::string>& overrides = {},
                            const std::vector<std::string>& origins = {});

// A key the loader read: its dotted path (arrays whole, tables by their keys), its value as
// TOML text and where it came from (the file's line and column, or "--set" and the override's
// number as its line). The list is the loader's own: a key it does not read is not in it.
struct KeyRead {
  std::string key;
  std::string value;
  Location where;
};
// Loads as load_scenario_file does and gives every key read, in the order of their sources (the
// file's lines, then each override's).
std::vector<KeyRead> keys_read(const std::string& path,
                               const std::vector<std::string>& overrides = {});

}  // namespace parley::scenario

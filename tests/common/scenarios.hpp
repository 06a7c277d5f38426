#pragma once
// The scenarios several test programs start from: the default, and the default with two shocks
// so that the columns across shocks are filled.
#include <fstream>
#include <sstream>
#include <string>

#include "parley/scenario/load.hpp"

namespace parley::testing {

inline scenario::Scenario default_scenario() {
  return scenario::load_scenario_file(std::string(PARLEY_SOURCE_DIR) +
                                      "/scenarios/miami-2025.toml");
}

// The default with two shocks, one fixed in time (from round 4 Kyiv's war cost doubles) and one
// triggered (after 2 rejections by Moscow its war cost rises by 0.05).
inline scenario::Scenario scenario_with_shocks() {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/scenarios/miami-2025.toml");
  std::stringstream text;
  text
      << in.rdbuf()
      << "\n[[shocks]]\nround = 4\nkey = \"agents.ukraine.war_cost\"\nop = \"scale\"\nvalue = 2.0\n"
         "\n[[shocks]]\nafter_rejections = 2\nby = \"russia\"\nkey = \"agents.russia.war_cost\"\n"
         "op = \"add\"\nvalue = 0.05\n";
  return scenario::load_scenario_text(text.str(), "miami-shocks.toml");
}

}  // namespace parley::testing

#pragma once
// Human-readable views of a validated scenario, for `parley validate`.
#include <string>
#include <vector>

#include "parley/scenario/scenario.hpp"

namespace parley::scenario {

// Tables of what was understood: issues, agents, preferences, protocol, battlefield,
// and every sampled parameter with its distribution.
std::string describe(const Scenario& scenario);

// Legal but suspicious settings, e.g. veto players' red lines that no text can
// satisfy together (the talks can then never succeed).
std::vector<std::string> warnings(const Scenario& scenario);

}  // namespace parley::scenario

#pragma once
// An agent's scalar parameters, each declared once: its quantity in a run (Field), its key in
// the scenario file (agents.<id>.<key>, or agents.<id>.tactics.<key>), its unit and range, and
// its value when absent. The loader reads the rows, the scenario's registry lists them, the
// sampler draws them, and protocol::Realization stores each (its kAgentVectors names the
// member). docs/scenario.md lists the same keys (a test checks it).
#include <array>
#include <cstddef>
#include <limits>
#include <string_view>

#include "parley/model/field.hpp"

namespace parley::model {

// The unit of a parameter's values: a number, a utility, or a distance per round on the
// battlefield issue (whose range is known once [battlefield] is read).
enum class ParameterUnit : std::int8_t { one, utility, front };

struct AgentParameter {
  Field field;
  std::string_view key;
  bool tactics;  // under the agent's tactics table
  ParameterUnit unit;
  double lo,
      hi;  // the valid range (natural units; a front row's in spans of the battlefield issue)
  // The scenario's value when the key is absent (NaN: the parameter is absent), and the run's
  // value when the scenario has none (NaN: none, which the protocols read as "not set").
  double absent;
  double run_default;
  std::string_view doc;
};

inline constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
// The upper bound of a parameter without one (a scenario's numbers stay below it).
inline constexpr double kUnboundedParameter = 1e6;

// In the order of the registry (and so of the recorded columns).
inline constexpr auto kAgentParameters = std::to_array<AgentParameter>({
    {Field::power, "power", false, ParameterUnit::one, 0.0, kUnboundedParameter, 1.0, 1.0,
     "recognition probability and bargaining weight"},
    {Field::discount, "discount", false, ParameterUnit::one, 0.0, 1.0, 1.0, 1.0,
     "discount factor per round"},
    {Field::assertiveness, "assertiveness", false, ParameterUnit::one, 0.0, 1.0, 0.3, 0.0,
     "amendment step toward its ideal"},
    {Field::concession_beta, "concession_beta", false, ParameterUnit::one, 0.01, 100.0, 1.0, 1.0,
     "beta of the time-dependent concession"},
    // Once the tactics table is given its weights are the mix: an absent time weight is 0.
    {Field::tactic_time, "time", true, ParameterUnit::one, 0.0, 1000.0, 0.0, 1.0,
     "weight of the time-dependent tactic"},
    {Field::tactic_resource, "resource", true, ParameterUnit::one, 0.0, 1000.0, kNone, 0.0,
     "weight of the resource-dependent tactic"},
    {Field::tactic_relative, "relative_tit_for_tat", true, ParameterUnit::one, 0.0, 1000.0, kNone,
     0.0, "weight of relative tit-for-tat"},
    {Field::tactic_absolute, "absolute_tit_for_tat", true, ParameterUnit::one, 0.0, 1000.0, kNone,
     0.0, "weight of absolute tit-for-tat"},
    {Field::endurance, "endurance", false, ParameterUnit::utility, 0.0, 1000.0, kNone, kNone,
     "pressure borne before the resource tactic concedes"},
    {Field::aspiration, "aspiration", false, ParameterUnit::utility, 0.0, 1.0, kNone, kNone,
     "utility below which it rejects"},
    {Field::aspiration_limit, "aspiration_limit", false, ParameterUnit::utility, 0.0, 1.0, kNone,
     kNone, "the furthest its aspiration concedes"},
    {Field::war_cost, "war_cost", false, ParameterUnit::utility, 0.0, 1.0, kNone, 0.0,
     "cost per round of continued war"},
    {Field::reservation, "reservation", false, ParameterUnit::utility, 0.0, 1.0, kNone, kNone,
     "fixed BATNA utility"},
    {Field::expected_drift, "expected_drift", false, ParameterUnit::front, -1.0, 1.0, kNone, kNone,
     "the front's drift per round it believes in (its prior mean)"},
    {Field::drift_sd, "drift_sd", false, ParameterUnit::front, 0.0, 1.0, kNone, kNone,
     "the spread of its prior belief about the drift; it learns from the front's moves"},
    // Instruments (docs/model.md, "Instruments: aid, sanctions, disengagement").
    {Field::aid_max, "aid_max", false, ParameterUnit::one, 0.0, kUnboundedParameter, kNone, kNone,
     "the most aid it may give the contest's down side (the contest's units)"},
    {Field::aid_cost, "aid_cost", false, ParameterUnit::one, 0.0, 1.0, kNone, kNone,
     "its cost per round of a unit of aid (utility)"},
    {Field::aid_start, "aid_start", false, ParameterUnit::one, 0.0, kUnboundedParameter, kNone,
     kNone, "its aid as the talks open (absent: aid_max)"},
    {Field::sanctions_max, "sanctions_max", false, ParameterUnit::one, 0.0, kUnboundedParameter,
     kNone, kNone, "the most it may take from the contest's up side by sanctions"},
    {Field::sanctions_cost, "sanctions_cost", false, ParameterUnit::one, 0.0, 1.0, kNone, kNone,
     "its cost per round of a unit of sanctions (utility)"},
    {Field::sanctions_start, "sanctions_start", false, ParameterUnit::one, 0.0, kUnboundedParameter,
     kNone, kNone, "its sanctions as the talks open (absent: sanctions_max)"},
    {Field::engagement_cost, "engagement_cost", false, ParameterUnit::utility, 0.0, 1.0, kNone,
     kNone, "the mediator's cost per round of staying in the talks; it may leave"},
    // The expected-utility model (docs/model.md, "The expected-utility model").
    {Field::attention, "attention", false, ParameterUnit::one, 0.0, 1.0, kNone, 1.0,
     "expected_utility with salience_scale = \"attention\": the share of its attention the "
     "negotiated issues hold together (its saliences sum to it)"},
});

// The row of `field`'s, or kAgentParameters.size() when it has none.
constexpr std::size_t agent_parameter(Field field) {
  for (std::size_t j = 0; j < kAgentParameters.size(); ++j) {
    if (kAgentParameters[j].field == field) return j;
  }
  return kAgentParameters.size();
}

}  // namespace parley::model

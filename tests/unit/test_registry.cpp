// The parameter registry (Scenario::parameters): every parameter once, each landing in the
// run quantity it names with the right unit scale, every one usable by a shock, and the
// sampler's recorded columns drawn from it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "common/generated_docs.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;
using model::Field;

namespace {

std::string source(const std::string& name) {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/scenarios/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const char* kScenarios[] = {"miami-2025.toml", "csis-articles.toml"};

// Whether a field is a position on an issue (its unit value (natural - lo) / (hi - lo)).
bool position(Field f) {
  return f == Field::ideal || f == Field::red_lo || f == Field::red_hi || f == Field::first_draft ||
         f == Field::battlefield_start;
}

}  // namespace

TEST(Registry, KeysAreUniqueAndTheSamplersColumnsComeFromIt) {
  for (const char* name : kScenarios) {
    const auto s = scenario::load_scenario_text(source(name), name, {});
    std::map<std::string, const scenario::ParameterRef*> by_key;
    for (const auto& ref : s.parameters()) {
      ASSERT_NE(ref.param, nullptr);
      EXPECT_TRUE(by_key.emplace(ref.param->key, &ref).second) << name << ": " << ref.param->key;
    }
    const auto registry = s.parameters();
    std::map<std::string, std::string> unit_of;
    for (const auto& ref : registry) unit_of[ref.param->key] = ref.unit;
    const engine::Sampler sampler(s);
    std::size_t from_registry = 0;
    for (const auto& c : sampler.columns()) {
      if (c.key.find(".weight.") != std::string::npos || c.key.rfind("shocks.", 0) == 0) continue;
      ASSERT_TRUE(unit_of.count(c.key)) << name << ": column " << c.key << " is not registered";
      EXPECT_EQ(c.unit, unit_of[c.key]) << c.key;
      ++from_registry;
    }
    // Every parameter with a distribution is a column, and no fixed one.
    std::size_t sampled = 0;
    for (const auto& ref : registry) sampled += ref.param->dist.is_fixed() ? 0 : 1;
    EXPECT_EQ(from_registry, sampled) << name;
  }
}

// Each parameter's central value lands in the quantity its entry names: positions on their
// issue's unit scale, computed here from the issue's range; saliences as normalised weights.
TEST(Registry, EachParameterSetsTheQuantityItNames) {
  for (const char* name : kScenarios) {
    const auto s = scenario::load_scenario_text(source(name), name, {});
    const engine::Sampler sampler(s);
    const protocol::Realization& r = sampler.central();
    for (const auto& ref : s.parameters()) {
      const double natural = ref.param->central();
      double want = natural;
      if (position(ref.field)) {
        const auto& issue =
            s.issues[ref.field == Field::battlefield_start ? s.battlefield.issue : ref.issue];
        EXPECT_EQ(ref.unit, issue.unit) << ref.param->key;
        want = (natural - issue.lo) / (issue.hi - issue.lo);
      } else if (ref.field == Field::battlefield_drift ||
                 ref.field == Field::battlefield_volatility) {
        const auto& issue = s.issues[s.battlefield.issue];
        want = natural / (issue.hi - issue.lo);
      }
      const auto agent = static_cast<model::Index>(ref.agent);
      const auto issue = static_cast<model::Index>(ref.issue);
      if (ref.field == Field::salience) {
        double total = 0.0;
        for (std::size_t k = 0; k < s.issues.size(); ++k) {
          if (s.agents[ref.agent].salience[k]) total += s.agents[ref.agent].salience[k]->central();
        }
        want = natural / total;
      }
      EXPECT_NEAR(r.get(ref.field, agent, issue), want, 1e-15) << name << ": " << ref.param->key;
    }
  }
}

// A shock may change any parameter but a salience: each is accepted and reaches the run.
TEST(Registry, EveryParameterButASalienceCanBeShocked) {
  const std::string base = source("miami-2025.toml");
  const auto s = scenario::load_scenario_text(base, "miami-2025.toml", {});
  std::size_t shocked = 0;
  for (const auto& ref : s.parameters()) {
    if (ref.field == Field::salience) continue;
    const double value = ref.param->central();  // within the parameter's valid range
    std::ostringstream text;
    text.precision(17);
    text << base << "\n[[shocks]]\nround = 2\nkey = \"" << ref.param->key << "\"\nvalue = " << value
         << "\n";
    const auto shocked_scenario = scenario::load_scenario_text(text.str(), "shock", {});
    const engine::Sampler sampler(shocked_scenario);
    ASSERT_EQ(sampler.central().shocks.size(), s.shocks.size() + 1) << ref.param->key;
    const auto& shock = sampler.central().shocks.back();
    EXPECT_EQ(shock.field, ref.field) << ref.param->key;
    if (model::of_agent(ref.field)) {
      EXPECT_EQ(shock.agent, static_cast<model::Index>(ref.agent)) << ref.param->key;
    }
    EXPECT_NEAR(shock.value, (value - ref.offset) * ref.scale, 1e-15) << ref.param->key;
    ++shocked;
  }
  EXPECT_GT(shocked, 20u);
}

// Every scalar key the loader accepts for an agent (a row of model::kAgentParameters, not a list
// written here) is in the registry under its dotted key and reaches a run: a value set with
// --set lands in the run's quantity, on the unit scale computed here from the battlefield's range.
TEST(Registry, EveryAgentParameterReachesARun) {
  for (const model::AgentParameter& row : model::kAgentParameters) {
    // An agent whose BATNA is a reservation for that row (csis-articles' Ukraine), else Russia in
    // the default scenario (war cost, tactics, endurance and an aspiration, which the others need).
    const bool reservation = row.field == Field::reservation;
    const std::string file = reservation ? "csis-articles.toml" : "miami-2025.toml";
    // The mediator's engagement cost is the U.S.'s; an instrument needs its maximum and its cost.
    const bool engagement = row.field == Field::engagement_cost;
    const std::string agent = reservation ? "ukraine" : engagement ? "us" : "russia";
    const std::string key =
        "agents." + agent + "." + (row.tactics ? "tactics." : "") + std::string(row.key);
    const double value = row.unit == model::ParameterUnit::front
                             ? 0.004
                             : row.lo + 0.37 * std::min(row.hi - row.lo, 1.0);
    std::ostringstream assignment;
    assignment.precision(17);
    assignment << key << "=" << value;
    // (Concession by time needs a known deadline.)
    std::vector<std::string> overrides = {assignment.str(), "protocol.deadline=18"};
    // (An attention scales the expected-utility model's saliences, where the scenario says so.)
    if (row.field == Field::attention) {
      overrides = {assignment.str(), "protocol.kind=\"expected_utility\"",
                   "protocol.salience_scale=\"attention\""};
    }
    for (const std::string instrument : {"aid", "sanctions"}) {
      if (row.key.substr(0, instrument.size()) != instrument) continue;
      for (const std::string part : {"_max=100", "_cost=0.001"}) {
        if (row.key.substr(instrument.size()) != part.substr(0, part.find('=')))
          overrides.push_back("agents.russia." + instrument + part);
      }
    }
    const auto s = scenario::load_scenario_text(source(file), file, overrides);
    const std::vector<scenario::ParameterRef> registry = s.parameters();
    const scenario::ParameterRef* ref = nullptr;
    for (const auto& r : registry) {
      if (r.param->key == key) ref = &r;
    }
    ASSERT_NE(ref, nullptr) << key << " is not in the registry";
    EXPECT_EQ(ref->field, row.field) << key;
    std::size_t i = 0;
    while (s.agents[i].id != agent) ++i;
    double want = value;
    if (row.unit == model::ParameterUnit::front) {
      const auto& front = s.issues[s.battlefield.issue];
      want = value / (front.hi - front.lo);
    }
    const engine::Sampler sampler(s);
    EXPECT_NEAR(sampler.central().get(row.field, static_cast<model::Index>(i), 0), want, 1e-12)
        << key;
  }
}

// docs/scenario.md's reference documents every scalar key an agent takes: each row's key in the
// sample agent's table (a tactics weight within its tactics line).
TEST(Registry, EveryAgentParameterIsInTheScenarioReference) {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/docs/scenario.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const auto from = readme.find("\n[agents.russia]");
  ASSERT_NE(from, std::string::npos);
  const std::string agent = readme.substr(from, readme.find("\n[protocol]", from) - from);
  const auto tactics_at = agent.find("\ntactics = ");
  ASSERT_NE(tactics_at, std::string::npos);
  const std::string tactics =
      agent.substr(tactics_at, agent.find('\n', tactics_at + 1) - tactics_at);
  for (const model::AgentParameter& row : model::kAgentParameters) {
    const std::string key(row.key);
    if (row.tactics)
      EXPECT_NE(tactics.find(key), std::string::npos) << key;
    else
      EXPECT_TRUE(agent.find("\n" + key + " = ") != std::string::npos ||
                  agent.find("\n# " + key + " = ") != std::string::npos)
          << key;  // set, or a commented alternative
  }
}

namespace {

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// The reference table of an agent's scalar parameters, rendered from model::kAgentParameters
// (its key, valid range, unit, value when absent and meaning).
std::string agent_parameter_table() {
  std::string out = "| key | valid range | unit | when absent | meaning |\n|---|---|---|---|---|\n";
  for (const model::AgentParameter& row : model::kAgentParameters) {
    const std::string key = (row.tactics ? "tactics." : "") + std::string(row.key);
    const std::string range = row.hi >= model::kUnboundedParameter
                                  ? ">= " + number_text(row.lo)
                                  : "[" + number_text(row.lo) + ", " + number_text(row.hi) + "]";
    const char* unit = row.unit == model::ParameterUnit::utility ? "utility"
                       : row.unit == model::ParameterUnit::front
                           ? "the battlefield issue's units per round"
                           : "1";
    const std::string absent = std::isnan(row.absent) ? "not set" : number_text(row.absent);
    out += "| `" + key + "` | " + range + " | " + unit + " | " + absent + " | " +
           std::string(row.doc) + " |\n";
  }
  return out;
}

}  // namespace

// docs/scenario.md's table of agent parameters is generated from model::kAgentParameters, the
// table the loader reads them by: it must be that table exactly. PARLEY_UPDATE_DOCS=1 rewrites
// it in place.
TEST(Registry, TheAgentParameterTableIsGeneratedFromTheLoadersTable) {
  parley::testing::expect_generated("docs/scenario.md", "agent parameters",
                                    agent_parameter_table());
}

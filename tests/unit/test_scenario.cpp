// Scenario files: what is understood from a valid file, and the exact located
// message for each kind of mistake (model of the message: file:line:col: key: problem (allowed)).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parley/scenario/load.hpp"

using namespace parley::scenario;

namespace {

// A small valid scenario; tests replace whole lines (1-based) to make mistakes.
const std::vector<std::string> kTiny = {
    "[scenario]",                                 // 1
    "name = \"tiny\"",                            // 2
    "",                                           // 3
    "[issues.land]",                              // 4
    "range = [0.0, 10.0]",                        // 5
    "status_quo = 4.0",                           // 6
    "",                                           // 7
    "[issues.money]",                             // 8
    "range = [0.0, 1.0]",                         // 9
    "status_quo = 0.0",                           // 10
    "",                                           // 11
    "[agents.mediator]",                          // 12
    "role = \"mediator\"",                        // 13
    "war_cost = 0.0",                             // 14
    "salience = { land = 1.0 }",                  // 15
    "ideal = { land = 5.0 }",                     // 16
    "",                                           // 17
    "[agents.a]",                                 // 18
    "reservation = 0.5",                          // 19
    "salience = { land = 0.5, money = 0.5 }",     // 20
    "ideal = { land = 0.0, money = 0.0 }",        // 21
    "",                                           // 22
    "[agents.b]",                                 // 23
    "reservation = 0.5",                          // 24
    "salience = { land = 0.5, money = 0.5 }",     // 25
    "ideal = { land = 10.0, money = 1.0 }",       // 26
    "",                                           // 27
    "[protocol]",                                 // 28
    "first_draft = { land = 5.0, money = 0.5 }",  // 29
};

std::string tiny_with(const std::vector<std::pair<int, std::string>>& changes) {
  std::vector<std::string> lines = kTiny;
  for (const auto& [line, text] : changes) lines[static_cast<std::size_t>(line - 1)] = text;
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::vector<std::string> errors_of(const std::string& text) {
  try {
    load_scenario_text(text, "t.toml");
  } catch (const ScenarioError& e) {
    return e.messages();
  }
  return {};
}

}  // namespace

TEST(Scenario, TinyScenarioIsUnderstood) {
  const Scenario s = load_scenario_text(tiny_with({}), "t.toml");
  ASSERT_EQ(s.issues.size(), 2u);
  EXPECT_EQ(s.issues[0].id, "land");
  EXPECT_EQ(s.issues[1].id, "money");
  EXPECT_DOUBLE_EQ(s.issues[0].hi, 10.0);
  EXPECT_DOUBLE_EQ(s.issues[0].to_unit(4.0), 0.4);
  ASSERT_EQ(s.agents.size(), 3u);
  EXPECT_EQ(s.agents[0].id, "mediator");  // file order, not alphabetical
  EXPECT_EQ(s.agents[1].id, "a");
  EXPECT_EQ(s.mediator(), std::optional<std::size_t>(0));
  EXPECT_FALSE(s.agents[0].veto);                  // mediators default to no veto
  EXPECT_TRUE(s.agents[1].veto);                   // parties default to a veto
  EXPECT_FALSE(s.agents[0].ideal[1].has_value());  // no salience, no ideal needed
  EXPECT_DOUBLE_EQ(s.protocol.first_draft[0].central(), 5.0);
  EXPECT_EQ(s.protocol.max_rounds, 24);
}

TEST(Scenario, DefaultScenarioLoadsInFileOrder) {
  const Scenario s =
      load_scenario_file(std::string(PARLEY_SOURCE_DIR) + "/scenarios/miami-2025.toml");
  std::vector<std::string> issues, agents;
  for (const auto& i : s.issues) issues.push_back(i.id);
  for (const auto& a : s.agents) agents.push_back(a.id);
  EXPECT_EQ(issues, (std::vector<std::string>{"territory", "nato_delay", "guarantees", "sanctions",
                                              "assets", "ceasefire"}));
  EXPECT_EQ(agents, (std::vector<std::string>{"us", "russia", "ukraine", "europe"}));
  EXPECT_EQ(s.agents[*s.mediator()].id, "us");
  EXPECT_EQ(s.name, "miami-2025");
}

TEST(ScenarioErrors, MissingKey) {
  EXPECT_EQ(errors_of(tiny_with({{2, "title = \"no name\""}})),
            std::vector<std::string>{"t.toml:1:1: scenario.name: missing (required: a string)"});
}

TEST(ScenarioErrors, UnknownKeyWithHint) {
  EXPECT_EQ(
      errors_of(tiny_with({{27, "vetoo = true"}})),
      std::vector<std::string>{
          "t.toml:27:1: agents.b.vetoo: unknown key (allowed: name, role, veto, veto_issues, "
          "tactics, power, discount, assertiveness, concession_beta, endurance, aspiration, "
          "aspiration_limit, war_cost, reservation, expected_drift, drift_sd, aid_max, aid_cost, "
          "aid_start, sanctions_max, sanctions_cost, sanctions_start, engagement_cost, attention, "
          "salience_concentration, "
          "shape, values, salience, weight, ideal, red_lines, red_line_limits, ratification, "
          "side_payment; "
          "did you "
          "mean 'veto'?)"});
}

TEST(ScenarioErrors, UnknownTableWithHint) {
  const auto errors = errors_of(tiny_with({{28, "[protocl]"}}));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "t.toml:1:1: protocol: missing (required: a table)");
  EXPECT_EQ(
      errors[1],  // column 2: where the key itself starts, inside the brackets
      "t.toml:28:2: protocl: unknown table (allowed: scenario, run, issues, agents, "
      "constraints, protocol, "
      "battlefield, durability, ceasefire, shocks, delegations, sweep; did you mean 'protocol'?)");
}

TEST(ScenarioErrors, WrongType) {
  EXPECT_EQ(errors_of(tiny_with({{6, "status_quo = \"four\""}})),
            std::vector<std::string>{"t.toml:6:14: issues.land.status_quo: expected a number, got "
                                     "a string (allowed: a number in [0, 10])"});
}

TEST(ScenarioErrors, OutOfRange) {
  EXPECT_EQ(errors_of(tiny_with({{24, "reservation = 1.5"}})),
            std::vector<std::string>{"t.toml:24:15: agents.b.reservation: 1.5 is out of range "
                                     "(allowed: a number in [0, 1])"});
}

TEST(ScenarioErrors, BadDistributions) {
  EXPECT_EQ(errors_of(tiny_with({{19, "reservation = { beta = { mean = 1.2, kappa = 20 } }"}})),
            std::vector<std::string>{"t.toml:19:33: agents.a.reservation.beta.mean: 1.2 is out of "
                                     "range (allowed: a number in [0, 1])"});
  EXPECT_EQ(errors_of(tiny_with({{19, "reservation = { gamma = [1, 2] }"}})),
            std::vector<std::string>{"t.toml:19:17: agents.a.reservation.gamma: unknown "
                                     "distribution (allowed: uniform, normal, beta, triangular)"});
  EXPECT_EQ(errors_of(tiny_with({{19, "reservation = { uniform = [0.6, 0.2] }"}})),
            std::vector<std::string>{"t.toml:19:27: agents.a.reservation.uniform: [0.6, 0.2] is "
                                     "empty (allowed: [a, b] with 0 <= a < b <= 1)"});
  EXPECT_EQ(
      errors_of(tiny_with({{19, "reservation = { normal = { mean = 0.5, sd = 0 } }"}})),
      std::vector<std::string>{
          "t.toml:19:45: agents.a.reservation.normal.sd: must be positive (allowed: sd > 0)"});
}

TEST(ScenarioErrors, UnknownIssueInATableByIssue) {
  const auto errors = errors_of(tiny_with({{21, "ideal = { land = 0.0, mony = 0.0 }"}}));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0],
            "t.toml:21:23: agents.a.ideal.mony: unknown issue (allowed: land, money; did you mean "
            "'money'?)");
  EXPECT_EQ(errors[1],
            "t.toml:21:9: agents.a.ideal.money: missing (required: an ideal for every issue with a "
            "salience, in [0, 1])");
}

TEST(ScenarioErrors, EveryErrorIsReportedNotJustTheFirst) {
  const auto errors = errors_of(
      tiny_with({{6, "status_quo = 11.0"}, {24, "reservation = -1"}, {27, "colour = 1"}}));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].find("t.toml:6:14: issues.land.status_quo"), std::string::npos);
  EXPECT_NE(errors[1].find("t.toml:24:15: agents.b.reservation"), std::string::npos);
  EXPECT_NE(errors[2].find("t.toml:27:1: agents.b.colour: unknown key"), std::string::npos);
}

TEST(ScenarioErrors, TomlSyntaxErrorIsLocated) {
  const auto errors = errors_of(tiny_with({{2, "name = \"tiny"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("t.toml:2:", 0), 0u) << errors[0];
  EXPECT_NE(errors[0].find("TOML syntax error"), std::string::npos);
}

TEST(ScenarioErrors, ProtocolNeedsAMediatorAndAVetoPlayer) {
  const auto no_mediator =
      errors_of(tiny_with({{13, "role = \"party\""}, {24, "reservation = 0.5"}}));
  ASSERT_EQ(no_mediator.size(), 1u);
  EXPECT_EQ(no_mediator[0],
            "t.toml:12:1: agents: the mediated protocol needs a mediator, none has role = "
            "\"mediator\" (allowed: exactly one agent with role = \"mediator\")");
  const auto no_veto = errors_of(tiny_with({{22, "veto = false"}, {27, "veto = false"}}));
  ASSERT_EQ(no_veto.size(), 1u);
  EXPECT_NE(no_veto[0].find("no agent has a veto"), std::string::npos);
}

TEST(ScenarioErrors, ReservationAndWarCostAreExclusive) {
  const auto errors = errors_of(tiny_with({{22, "war_cost = 0.1"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "t.toml:18:1: agents.a.war_cost: both reservation and war_cost are given (required: "
            "exactly one of reservation (a fixed BATNA utility) or war_cost (a cost per round of "
            "continued war))");
}

// A --set that restates a whole table keeps its place: the issues (and agents) stay in the file's
// order, so the battlefield, on the first issue when not named, stays on land.
TEST(Overrides, RestatingATableKeepsItsPlace) {
  const Scenario s = load_scenario_text(tiny_with({}), "t.toml",
                                        {"issues.money={range=[0.0,2.0],status_quo=0.5}",
                                         "agents.b={reservation=0.3,ideal={land=10.0,money=1.0},"
                                         "salience={land=0.6,money=0.4}}"});
  ASSERT_EQ(s.issues.size(), 2u);
  EXPECT_EQ(s.issues[0].id, "land");
  EXPECT_EQ(s.issues[1].id, "money");
  EXPECT_EQ(s.issues[1].hi, 2.0);
  EXPECT_EQ(s.battlefield.issue, 0u);
  ASSERT_EQ(s.agents.size(), 3u);
  EXPECT_EQ(s.agents[2].id, "b");
  EXPECT_DOUBLE_EQ(s.agents[2].scalar(parley::model::Field::reservation)->central(), 0.3);
}

// A key of thousands of parts is refused, not built table by table.
TEST(Overrides, DeepKeysAreRefused) {
  std::string key = "agents";
  for (int j = 0; j < 40000; ++j) key += ".x";
  try {
    load_scenario_text(tiny_with({}), "t.toml", {key + "=1"});
    FAIL() << "accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("a key of more than 32 parts"), std::string::npos)
        << e.what();
  }
}

// --set overrides: applied to the parsed file before validation, checked like the file.
TEST(Overrides, ReplaceAddAndDistribute) {
  const Scenario s = load_scenario_text(tiny_with({}), "t.toml",
                                        {"agents.b.reservation=0.25", "agents.a.assertiveness=0.7",
                                         "agents.a.ideal.land={beta={mean=2.0,kappa=20}}"});
  EXPECT_DOUBLE_EQ(s.agents[2].scalar(parley::model::Field::reservation)->central(), 0.25);
  EXPECT_DOUBLE_EQ(s.agents[1].scalar(parley::model::Field::assertiveness)->central(), 0.7);
  EXPECT_EQ(s.agents[1].ideal[0]->dist.kind, Distribution::Kind::beta);
  EXPECT_DOUBLE_EQ(s.agents[1].ideal[0]->central(), 2.0);
  // The merged scenario is recorded, and reading it back gives the same scenario.
  const Scenario again = load_scenario_text(s.toml_text, "merged.toml");
  EXPECT_DOUBLE_EQ(again.agents[2].scalar(parley::model::Field::reservation)->central(), 0.25);
  EXPECT_DOUBLE_EQ(again.agents[1].scalar(parley::model::Field::assertiveness)->central(), 0.7);
  EXPECT_EQ(again.agents[1].ideal[0]->dist.kind, Distribution::Kind::beta);
  EXPECT_EQ(again.agents[1].id, "a");
}

TEST(Overrides, ErrorsNameSetAndTheColumnInTheArgument) {
  auto errors_with = [](const std::string& assignment) {
    try {
      load_scenario_text(tiny_with({}), "t.toml", {assignment});
    } catch (const ScenarioError& e) {
      std::vector<std::string> out;
      for (const auto& d : e.diagnostics()) out.push_back(d.format());
      return out;
    }
    return std::vector<std::string>{};
  };
  EXPECT_EQ(errors_with("agents.b.reservation=1.5"),
            std::vector<std::string>{"--set:1:22: agents.b.reservation: 1.5 is out of range "
                                     "(allowed: a number in [0, 1])"});
  EXPECT_EQ(
      errors_with("agents.b.reservaton=0.5"),
      std::vector<std::string>{
          "--set:1:10: agents.b.reservaton: unknown key (allowed: name, role, veto, veto_issues, "
          "tactics, power, discount, assertiveness, concession_beta, endurance, aspiration, "
          "aspiration_limit, war_cost, reservation, expected_drift, drift_sd, aid_max, aid_cost, "
          "aid_start, sanctions_max, sanctions_cost, sanctions_start, engagement_cost, attention, "
          "salience_concentration, "
          "shape, values, salience, weight, ideal, red_lines, red_line_limits, ratification, "
          "side_payment; "
          "did you mean "
          "'reservation'?)"});
  const auto not_toml = errors_with("agents.b.reservation=1/2");
  ASSERT_EQ(not_toml.size(), 1u);
  EXPECT_EQ(not_toml[0].rfind("--set:1:23: agents.b.reservation: not a TOML value", 0), 0u)
      << not_toml[0];
  EXPECT_NE(not_toml[0].find("quoted for the shell: --set 'agents.b.reservation=\"some text\"'"),
            std::string::npos)
      << not_toml[0];
  // A bare word is a string, checked as the file's would be: here not a number.
  const auto word = errors_with("agents.b.reservation=half");
  ASSERT_EQ(word.size(), 1u);
  EXPECT_EQ(word[0].rfind("--set:1:22: agents.b.reservation: expected a number or a "
                          "distribution, got a string",
                          0),
            0u)
      << word[0];
  EXPECT_EQ(errors_with("scenario.name.first=1"),
            std::vector<std::string>{"--set:1:15: scenario.name.first: 'scenario.name' is not a "
                                     "table, so it has no keys (allowed: a dotted path to a key "
                                     "inside tables, an array index, or lo/hi of an interval)"});
  EXPECT_EQ(errors_with("novalue"),
            std::vector<std::string>{"--set:1:1: novalue: expected KEY=VALUE (allowed: KEY=VALUE, "
                                     "e.g. --set agents.russia.discount=0.9)"});
}

// One key language: the names Parley writes for parameters (red_lines.<issue>.lo, array
// elements by index from 0, weight.<issue>) are keys an override takes.
TEST(Overrides, TakeTheNamesOfParameters) {
  const std::string text = tiny_with({{21,
                                       "ideal = { land = 0.0, money = 0.0 }\n"
                                       "red_lines.land = [1.0, 6.0]"}});
  const Scenario s = load_scenario_text(
      text, "t.toml",
      {"agents.a.red_lines.land.lo=2.5", "agents.a.red_lines.land.1={uniform=[7,8]}"});
  ASSERT_TRUE(s.agents[1].red_line[0].has_value());
  EXPECT_DOUBLE_EQ(s.agents[1].red_line[0]->lo.central(), 2.5);
  EXPECT_EQ(s.agents[1].red_line[0]->hi.dist.kind, Distribution::Kind::uniform);
  EXPECT_DOUBLE_EQ(s.agents[1].red_line[0]->hi.central(), 7.5);
  // Both ends of a red line the file does not give: the table form {lo, hi}.
  const Scenario b = load_scenario_text(
      text, "t.toml", {"agents.b.red_lines.land.lo=3", "agents.b.red_lines.land.hi=9"});
  ASSERT_TRUE(b.agents[2].red_line[0].has_value());
  EXPECT_DOUBLE_EQ(b.agents[2].red_line[0]->lo.central(), 3.0);
  EXPECT_DOUBLE_EQ(b.agents[2].red_line[0]->hi.central(), 9.0);
  // And the merged scenario reads back the same.
  const Scenario again = load_scenario_text(b.toml_text, "merged.toml");
  EXPECT_DOUBLE_EQ(again.agents[2].red_line[0]->hi.central(), 9.0);
  // A fixed normalised weight.
  const Scenario w = load_scenario_text(text, "t.toml", {"agents.a.weight.land=0.8"});
  ASSERT_TRUE(w.agents[1].weight[0].has_value());
  EXPECT_DOUBLE_EQ(*w.agents[1].weight[0], 0.8);
  EXPECT_FALSE(w.agents[1].weight[1].has_value());
}

TEST(Overrides, KeyLanguageErrorsAreLocatedInTheirArgument) {
  auto errors_with = [](const std::vector<std::string>& assignments) {
    try {
      load_scenario_text(tiny_with({{21,
                                     "ideal = { land = 0.0, money = 0.0 }\n"
                                     "red_lines.land = [1.0, 6.0]"}}),
                         "t.toml", assignments);
    } catch (const ScenarioError& e) {
      return e.messages();
    }
    return std::vector<std::string>{};
  };
  // The n-th --set is line n of "--set"; the column is the part's in its argument.
  EXPECT_EQ(errors_with({"agents.a.discount=0.9", "agents.a.red_lines.land.mid=1"}),
            std::vector<std::string>{"--set:2:25: agents.a.red_lines.land.mid: "
                                     "'agents.a.red_lines.land' holds 2 elements (allowed: lo, "
                                     "hi, 0 or 1)"});
  EXPECT_EQ(errors_with({"agents.b.red_lines.land.lo=3"}),
            std::vector<std::string>{
                "--set:1:20: agents.b.red_lines.land.hi: missing: a red line has two ends "
                "(allowed: [lo, hi] or {lo = ..., hi = ...} with 0 <= lo <= hi <= 10; either "
                "end may be a distribution)"});
  // A typo inside the value of a --set is located there, not in the file.
  EXPECT_EQ(errors_with({"agents.a.discount={unifrm=[0.8,0.9]}"}),
            std::vector<std::string>{"--set:1:20: agents.a.discount.unifrm: unknown distribution "
                                     "(allowed: uniform, normal, beta, triangular; did you mean "
                                     "'uniform'?)"});
  // A key created by the --set is located there too.
  EXPECT_EQ(errors_with({"agents.a.wieght.land=0.5"})
                .at(0)
                .rfind("--set:1:10: agents.a.wieght: "
                       "unknown key",
                       0),
            0u);
  EXPECT_EQ(errors_with({"agents.a.weight.land=0.6", "agents.a.weight.money=0.6"}),
            std::vector<std::string>{"--set:1:10: agents.a.weight: the fixed weights sum to 1.2 "
                                     "(allowed: a sum of 1 when every weighted issue is fixed)"});
  EXPECT_EQ(errors_with({"agents.mediator.weight.money=0.5"}),
            std::vector<std::string>{"--set:1:30: agents.mediator.weight.money: the agent gives "
                                     "this issue no salience (allowed: a weight for an issue "
                                     "with a salience)"});
}

TEST(SweepTable, ReadAndChecked) {
  std::string text = tiny_with({});
  const Scenario s = load_scenario_text(
      text + "[sweep]\nvary = [\"agents.a.reservation=0.1:0.5:3\"]\ndesign = \"lhs\"\npoints = 4\n",
      "t.toml");
  ASSERT_TRUE(s.sweep.has_value());
  EXPECT_EQ(s.sweep->vary, std::vector<std::string>{"agents.a.reservation=0.1:0.5:3"});
  EXPECT_EQ(s.sweep->design, "lhs");
  EXPECT_EQ(s.sweep->points, 4);
  auto first_error = [&](const std::string& table) {
    try {
      load_scenario_text(text + table, "t.toml");
    } catch (const ScenarioError& e) {
      return e.diagnostics().front().format();
    }
    return std::string();
  };
  EXPECT_EQ(first_error("[sweep]\nvary = [3]\n"),
            "t.toml:31:9: sweep.vary: expected \"KEY=...\" (allowed: an array of \"KEY=LO:HI:N\", "
            "\"KEY=A,B,C\" or \"KEY=LO:HI\" strings)");
  EXPECT_EQ(first_error("[sweep]\nvary = [\"agents.a.reservation=0.1:0.5\"]\ndesign = \"lhs\"\n"),
            "t.toml:30:1: sweep.points: missing (required for design = \"lhs\": points >= 2)");
  EXPECT_EQ(
      first_error("[sweep]\ndesing = \"lhs\"\nvary = [\"a=1\"]\n").find("did you mean 'design'?") !=
          std::string::npos,
      true);
}

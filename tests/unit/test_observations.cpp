// Observations files (docs/model.md, "Calibration"): what is understood from a valid file, and
// the located message for each kind of mistake.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parley/scenario/load.hpp"
#include "parley/scenario/observations.hpp"

using namespace parley::scenario;

namespace {

const std::string kScenario =
    "[scenario]\nname = \"s\"\n"
    "[issues.land]\nrange = [0.0, 10.0]\nstatus_quo = 4.0\n"
    "[issues.nato]\nkind = \"options\"\noptions = [\"now\", \"later\", \"never\"]\n"
    "status_quo = \"later\"\n"
    "[agents.m]\nrole = \"mediator\"\nwar_cost = 0.0\nsalience = { land = 1.0 }\n"
    "ideal = { land = 5.0 }\n"
    "[agents.a]\nreservation = 0.5\nsalience = { land = 0.5, nato = 0.5 }\n"
    "ideal = { land = 0.0 }\nvalues = { nato = [1.0, 0.5, 0.0] }\n"
    "[agents.b]\nreservation = 0.5\nsalience = { land = 0.5, nato = 0.5 }\n"
    "ideal = { land = 10.0 }\nvalues = { nato = [0.0, 0.5, 1.0] }\n"
    "[protocol]\nmax_rounds = 6\nfirst_draft = { land = 6.0, nato = \"never\" }\n";

std::vector<std::string> errors_of(const std::string& text) {
  const Scenario s = load_scenario_text(kScenario, "s.toml");
  try {
    load_observations_text(text, "o.toml", s);
  } catch (const ScenarioError& e) {
    return e.messages();
  }
  return {};
}

}  // namespace

TEST(Observations, EveryStatisticIsReadInNaturalUnits) {
  const Scenario s = load_scenario_text(kScenario, "s.toml");
  const Observations o = load_observations_text(
      "title = \"t\"\n"
      "[[observed]]\nstatistic = \"deal_by\"\nround = 2\nvalue = false\nsource = \"s1\"\n"
      "[[observed]]\nstatistic = \"answer\"\nagent = \"b\"\nround = 3\ntext = { land = 2.5 }\n"
      "value = \"reject\"\nsource = \"s2\"\n"
      "[[observed]]\nstatistic = \"utility\"\nagent = \"a\"\ntext = \"first_draft\"\n"
      "value = 0.4\nscale = 0.1\nsource = \"s3\"\n"
      "[[observed]]\nstatistic = \"obstacle\"\nround = 1\nvalue = \"nato\"\nsource = \"s4\"\n"
      "[[observed]]\nstatistic = \"deal\"\nissue = \"land\"\nvalue = 5.0\nscale = 1.0\n"
      "source = \"s5\"\nlabel = \"the line\"\n"
      "[[observed]]\nstatistic = \"outcome\"\nvalue = \"walk-out\"\nsource = \"s6\"\n",
      "o.toml", s);
  ASSERT_EQ(o.items.size(), 6u);
  EXPECT_EQ(o.items[0].statistic, Statistic::deal_by);
  EXPECT_EQ(o.items[0].round, 2);
  EXPECT_EQ(o.items[0].value, 0.0);
  EXPECT_EQ(o.items[1].agent, 2u);
  EXPECT_EQ(o.items[1].text, (std::vector<double>{2.5, 2.0}));  // nato at the first draft, "never"
  EXPECT_EQ(o.items[1].value, 0.0);
  EXPECT_EQ(o.items[2].text, (std::vector<double>{6.0, 2.0}));
  EXPECT_EQ(o.items[2].scale, 0.1);
  EXPECT_EQ(o.items[3].value, 1.0);  // issue index of nato
  EXPECT_EQ(o.items[4].label, "the line");
  EXPECT_EQ(o.items[4].source, "s5");
  EXPECT_EQ(o.items[5].value, 1.0);  // protocol::Outcome::walk_out
  EXPECT_TRUE(o.items[4].continuous());
  EXPECT_FALSE(o.items[3].continuous());
}

TEST(Observations, MistakesAreLocatedWithWhatIsAllowed) {
  EXPECT_EQ(errors_of("[[observed]]\nstatistic = \"deal_on\"\nsource = \"x\"\n"),
            (std::vector<std::string>{
                "o.toml:2:13: observed[0].statistic: unknown value \"deal_on\" (allowed: one of "
                "\"deal_by\", \"outcome\", \"obstacle\", \"answer\", \"utility\", \"deal\"; did "
                "you mean \"deal_by\"?)"}));
  EXPECT_EQ(errors_of("[[observed]]\nstatistic = \"utility\"\nagent = \"russia\"\n"
                      "text = \"first_draft\"\nvalue = 0.5\nscale = 0.1\nsource = \"x\"\n"),
            (std::vector<std::string>{"o.toml:3:9: observed[0].agent: unknown value \"russia\" "
                                      "(allowed: one of \"a\", \"b\")"}));
  EXPECT_EQ(errors_of("[[observed]]\nstatistic = \"answer\"\nagent = \"a\"\nround = 1\n"
                      "text = { land = 12.0 }\nvalue = \"accept\"\nsource = \"x\"\n"),
            (std::vector<std::string>{"o.toml:5:17: observed[0].text.land: 12 is out of range "
                                      "(allowed: a number in [0, 10])"}));
  EXPECT_EQ(errors_of("[[observed]]\nstatistic = \"deal\"\nissue = \"land\"\nvalue = 5.0\n"
                      "scale = 0.0\nsource = \"x\"\n")
                .size(),
            1u);
  EXPECT_NE(errors_of("[[observed]]\nstatistic = \"deal\"\nissue = \"land\"\nvalue = 5.0\n"
                      "scale = 0.0\nsource = \"x\"\n")[0]
                .find("observed[0].scale: 0 is not above 0"),
            std::string::npos);
  EXPECT_EQ(errors_of("[[observed]]\nstatistic = \"deal_by\"\nround = 7\nvalue = true\n"
                      "source = \"x\"\n"),
            (std::vector<std::string>{"o.toml:3:9: observed[0].round: 7 is out of range "
                                      "(allowed: an integer in [1, 6])"}));
  EXPECT_EQ(
      errors_of("[[observed]]\nstatistic = \"obstacle\"\nround = 1\nvalue = \"nato\"\n"),
      (std::vector<std::string>{"o.toml:1:1: observed[0].source: missing (required: a string)"}));
  EXPECT_EQ(errors_of("title = \"nothing\"\n"),
            (std::vector<std::string>{
                "o.toml:1:1: observed: missing (required: at least one [[observed]] table)"}));
}

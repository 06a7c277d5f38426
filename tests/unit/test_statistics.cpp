// The declared per-run columns and summary statistics (engine/run_block.hpp,
// engine/statistics.hpp): each statistic reduces its column as declared, on a block written out
// by hand; and docs/output.md documents every column and every statistic.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/generated_docs.hpp"
#include "common/scenarios.hpp"
#include "parley/engine/run_block.hpp"
#include "parley/engine/statistics.hpp"
#include "parley/engine/summary.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

namespace {

std::string output_doc() {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/docs/output.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The text of docs/output.md from `from` up to `to`.
std::string section(const std::string& text, const std::string& from, const std::string& to) {
  const auto a = text.find(from);
  if (a == std::string::npos) return "";
  return text.substr(a, text.find(to, a + from.size()) - a);
}

}  // namespace

// Four runs by hand in the default scenario with two shocks added (4 agents, 6 issues, 2 shocks,
// 4 ceasefire designs, no agenda): two deals (runs 0, 2) and two deadlines (1, 3).
TEST(Statistics, EachReducesItsColumnAsDeclared) {
  const auto s = parley::testing::scenario_with_shocks();
  ASSERT_EQ(s.agents.size(), 4u);
  ASSERT_EQ(s.issues.size(), 6u);
  ASSERT_EQ(s.shocks.size(), 2u);
  ASSERT_EQ(s.ceasefire.designs.size(), 4u);
  ASSERT_TRUE(s.protocol.agenda.empty());
  engine::RunBlock b;
  b.resize(4, 4, 6, 0, 2);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  b.agreement = {1, 0, 1, 0};
  b.outcome = {0, 2, 0, 2};
  b.round = {3, -1, 5, -1};
  b.blocker = {-1, 1, -1, 2};
  b.obstacle = {-1, 0, -1, 0};
  b.obstacle_second = {-1, 3, -1, -1};
  b.shock_round = {2, -1, -1, -1, 5, 7, -1, 1};  // [run, shock]
  b.ceasefire_round = {-1, 2, 0, -1};
  b.ceasefire_design = {0, 1, 1, 3};  // run 0 and 3: no ceasefire in force, not counted
  b.breakdown.assign(4, -1);
  b.breakdown_cause.assign(4, -1);
  b.stages_agreed.assign(4, -1);
  for (std::size_t r = 0; r < 4; ++r) {
    for (std::size_t a = 0; a < 4; ++a) b.utility[r * 4 + a] = static_cast<double>(r) + 0.1 * a;
    for (std::size_t k = 0; k < 6; ++k) {
      const auto& issue = s.issues[k];
      const double at = r == 0 ? 0.25 : 0.75;  // runs 0 and 2
      b.deal[r * 6 + k] = b.agreement[r] ? issue.lo + at * (issue.hi - issue.lo) : nan;
    }
  }
  engine::SummaryBuilder builder(s);
  builder.add(b);
  const engine::Summary m = builder.finish();
  ASSERT_EQ(m.statistics.size(), engine::summary_statistics().size());
  for (std::size_t k = 0; k < 6; ++k) {
    const auto& issue = s.issues[k];
    EXPECT_NEAR(m.statistic("deal_mean")[k], issue.lo + 0.5 * (issue.hi - issue.lo), 1e-12);
  }
  for (std::size_t a = 0; a < 4; ++a)
    EXPECT_NEAR(m.statistic("mean_utility")[a], 1.5 + 0.1 * static_cast<double>(a), 1e-12);
  EXPECT_EQ(m.statistic("blocker_share"), (std::vector<double>{0, 0.25, 0.25, 0}));
  EXPECT_EQ(m.statistic("obstacle_share"), (std::vector<double>{0.5, 0, 0, 0, 0, 0}));
  EXPECT_EQ(m.statistic("obstacle_second_share"), (std::vector<double>{0, 0, 0, 0.25, 0, 0}));
  EXPECT_EQ(m.statistic("shock_share"), (std::vector<double>{0.5, 0.5}));
  EXPECT_TRUE(m.statistic("stage_share").empty());  // no agenda
  EXPECT_EQ(m.statistic("interim_share"), (std::vector<double>{0, 0.5, 0, 0}));
}

// docs/output.md's runs table names every per-run column, and its summary paragraph every
// statistic.
TEST(Statistics, EveryColumnAndStatisticIsInTheOutputDoc) {
  const std::string text = output_doc();
  const std::string runs = section(text, "Group `runs`", "Group `summary`");
  const std::string summary = section(text, "Group `summary`:", "Group `trace`");
  ASSERT_FALSE(runs.empty());
  ASSERT_FALSE(summary.empty());
  for (const engine::RunColumn& c : engine::run_columns())
    EXPECT_NE(runs.find("`" + std::string(c.name) + "`"), std::string::npos) << c.name;
  for (const engine::SummaryStatistic& st : engine::summary_statistics())
    EXPECT_NE(summary.find("`" + std::string(st.name) + "`"), std::string::npos) << st.name;
}

namespace {

// The table of the per-run datasets, rendered from engine::run_columns(): name, type and shape,
// units, meaning (its long_name, and its flags' meanings).
std::string runs_table() {
  std::string out = "| dataset | type [shape] | units | meaning |\n|---|---|---|---|\n";
  for (const engine::RunColumn& c : engine::run_columns()) {
    const char* type = std::visit(
        [](auto member) -> const char* {
          using T =
              typename std::remove_reference_t<decltype(engine::RunBlock{}.*member)>::value_type;
          return std::is_same_v<T, std::int8_t>    ? "int8"
                 : std::is_same_v<T, std::int32_t> ? "int32"
                                                   : "float64";
        },
        c.member);
    using A = engine::RunColumn::Across;
    const char* shape = c.across == A::issue   ? "[run, issue]"
                        : c.across == A::agent ? "[run, agent]"
                        : c.across == A::shock ? "[run, shock]"
                                               : "[run]";
    const std::string units =
        std::string(c.units) == "battlefield" ? "the battlefield issue's" : std::string(c.units);
    std::string meaning = c.long_name;
    if (c.flag_meanings) {
      const std::vector<std::string> flags = engine::flag_names(c.flag_meanings);
      meaning += " (flags:";
      for (std::size_t v = 0; v < flags.size(); ++v)
        meaning += " " + std::to_string(v) + " " + flags[v] + (v + 1 < flags.size() ? "," : ")");
    }
    std::string escaped;
    for (const char ch : meaning) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
    out += "| `" + std::string(c.name) + "` | " + type + " " + shape + " | " +
           (units.empty() ? "-" : units) + " | " + escaped + " |\n";
  }
  return out;
}

}  // namespace

// docs/output.md's table of the per-run datasets is generated from engine::run_columns(), the
// table the runs file is written and read by: it must be that table exactly.
// PARLEY_UPDATE_DOCS=1 rewrites it in place.
TEST(Statistics, TheRunsTableIsGeneratedFromRunColumns) {
  parley::testing::expect_generated("docs/output.md", "runs", runs_table());
}

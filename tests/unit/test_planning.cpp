// Planning in the engine layer: shard slices, coverage of a run by files, sweep designs and
// each point's overrides, checked against brute force and the designs' definitions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "parley/engine/shards.hpp"
#include "parley/engine/study/sweep_design.hpp"
#include "parley/scenario/text.hpp"

using namespace parley;
using engine::Span;

TEST(Shards, SlicesPartitionEveryTotalInOrder) {
  for (std::uint64_t total : {1u, 2u, 7u, 10u, 64u, 1001u}) {
    for (std::uint64_t n = 1; n <= std::min<std::uint64_t>(total, 13); ++n) {
      std::uint64_t next = 0;
      for (std::uint64_t k = 1; k <= n; ++k) {
        const Span s = engine::shard_slice(k, n, total);
        EXPECT_EQ(s.first, next) << k << "/" << n << " of " << total;
        EXPECT_GT(s.end, s.first) << "empty shard " << k << "/" << n << " of " << total;
        // The definition: floor((k - 1) total / n).
        EXPECT_EQ(s.first, (k - 1) * total / n);
        next = s.end;
      }
      EXPECT_EQ(next, total);
    }
  }
  // No overflow where k * total would not fit in 64 bits.
  const std::uint64_t big = 1ULL << 62;
  const Span last = engine::shard_slice(7, 7, big);
  EXPECT_EQ(last.end, big);
  EXPECT_EQ(engine::shard_slice(4, 8, big).first, big / 8 * 3);
}

TEST(Shards, LabelsAreKOfN) {
  EXPECT_EQ(engine::parse_shard_label("3/8"), (std::pair<std::uint64_t, std::uint64_t>{3, 8}));
  for (const char* bad : {"0/3", "4/3", "3", "/3", "3/", "a/b", "-1/3", "1/3x", "+1/3", "1 /3",
                          "99999999999999999999/1"}) {
    EXPECT_FALSE(engine::parse_shard_label(bad).has_value()) << bad;
  }
}

TEST(Shards, SelectionsNameTheirRuns) {
  const auto s = engine::select_shard(2, 3, 10);
  EXPECT_EQ(s.runs, (Span{3, 6}));
  EXPECT_EQ(s.label, "2/3");
  EXPECT_EQ(s.file_suffix, ".shard-2-of-3");
  EXPECT_THROW(engine::select_shard(1, 11, 10), engine::PlanError);
  const auto r = engine::select_range(5, 9);
  EXPECT_EQ(r.runs, (Span{5, 9}));
  EXPECT_EQ(r.whole, 9u);
  EXPECT_EQ(r.file_suffix, ".runs-5-9");
  EXPECT_FALSE(engine::select_all(4).partial());
}

// Coverage against counting, run by run, how many spans hold each run.
TEST(Shards, CoverageFindsEveryGapAndOverlap) {
  const std::vector<std::vector<Span>> cases = {
      {{0, 10}},         {{0, 4}, {4, 10}}, {{4, 10}, {0, 4}},        {{0, 3}, {5, 10}},
      {{0, 6}, {4, 10}}, {{2, 5}},          {{0, 5}, {0, 5}, {7, 8}}, {{0, 10}, {3, 4}, {9, 12}},
  };
  for (const auto& held : cases) {
    const engine::Coverage c = engine::coverage(held, 10);
    std::uint64_t total = 10;
    for (const Span& s : held) total = std::max(total, s.end);
    EXPECT_EQ(c.total, total);
    std::vector<int> count(total, 0);
    for (const Span& s : held)
      for (auto r = s.first; r < s.end; ++r) ++count[r];
    std::vector<int> gap(total, 0), twice(total, 0);
    for (const Span& g : c.gaps)
      for (auto r = g.first; r < g.end; ++r) ++gap[r];
    for (const Span& o : c.overlaps)
      for (auto r = o.first; r < o.end; ++r) ++twice[r];
    for (std::uint64_t r = 0; r < total; ++r) {
      EXPECT_EQ(gap[r], count[r] == 0 ? 1 : 0) << "run " << r;
      EXPECT_EQ(twice[r] > 0, count[r] > 1) << "run " << r;
    }
    EXPECT_EQ(c.exact(), std::all_of(count.begin(), count.end(), [](int k) { return k == 1; }));
  }
  EXPECT_EQ(engine::ranges({{0, 3}, {5, 10}}), "0:3, 5:10");
}

TEST(Shards, MissingShardsAreTheKNotHeld) {
  const auto m = engine::missing_shards({"1/4", "3/4", "0:10", ""});
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->of, 4u);
  using Ranges = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
  EXPECT_EQ(m->missing, (Ranges{{2, 2}, {4, 4}}));
  EXPECT_EQ(m->text(), "2 4");
  EXPECT_FALSE(engine::missing_shards({"0:10", "garbage/x"}).has_value());
  // Ranges, not lists: one shard of 10^9 held leaves two ranges.
  const auto huge = engine::missing_shards({"5/1000000000", "6/1000000000", "9/1000000000"});
  ASSERT_TRUE(huge.has_value());
  EXPECT_EQ(huge->missing, (Ranges{{1, 4}, {7, 8}, {10, 1000000000}}));
  EXPECT_EQ(huge->text(), "1-4 7-8 10-1000000000");
}

TEST(SweepDesign, VarySpecsParse) {
  const auto grid = engine::parse_vary("a.b=0:1:5");
  EXPECT_EQ(grid.key, "a.b");
  EXPECT_EQ(grid.values, (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  const auto list = engine::parse_vary("k=3,1,2");
  EXPECT_EQ(list.values, (std::vector<double>{3, 1, 2}));
  EXPECT_FALSE(list.range);
  const auto range = engine::parse_vary("k=0.2:0.4");
  EXPECT_TRUE(range.range);
  EXPECT_TRUE(range.values.empty());
  for (const char* bad :
       {"k", "=1,2", "k=1:0:3", "k=0:1:1", "k=0:1:2.5", "k=a,,b", "k=0:1:2:3", "k=a:b"}) {
    EXPECT_THROW(engine::parse_vary(bad), engine::PlanError) << bad;
  }
}

// A list with a value that is not a number is a list of levels, each TOML text as given; commas
// and colons inside brackets, braces and quotes belong to the level, which is kept without the
// spaces outside its quotes.
TEST(SweepDesign, LevelsAreWordsArraysAndTables) {
  const auto words = engine::parse_vary("protocol.kind=mediated, alternating");
  EXPECT_EQ(words.levels, (std::vector<std::string>{"mediated", "alternating"}));
  EXPECT_EQ(words.values, (std::vector<double>{0, 1}));
  const auto agendas =
      engine::parse_vary(R"(protocol.agenda=[["a", "b"],["c"]],[["c:d"]],{x = 1, y = "2, 3"})");
  EXPECT_EQ(agendas.levels, (std::vector<std::string>{R"([["a","b"],["c"]])", R"([["c:d"]])",
                                                      R"({x=1,y="2, 3"})"}));
  const auto mixed = engine::parse_vary("k=1,true");
  EXPECT_EQ(mixed.levels, (std::vector<std::string>{"1", "true"}));
  const auto layout =
      engine::design_sweep({agendas, engine::parse_vary("n=1,2")}, "factorial", 0, 1);
  ASSERT_EQ(layout.points.size(), 6u);
  EXPECT_TRUE(layout.has_levels(0));
  EXPECT_FALSE(layout.has_levels(1));
  EXPECT_EQ(engine::point_overrides(layout, 3),
            (std::vector<std::string>{R"(protocol.agenda=[["c:d"]])", "n=2"}));
  // Numbers only: no levels, as before there were any.
  EXPECT_TRUE(
      engine::design_sweep({engine::parse_vary("n=1,2")}, "factorial", 0, 1).levels.empty());
  EXPECT_THROW(engine::design_sweep({words}, "lhs", 4, 1), engine::PlanError);
}

TEST(SweepDesign, FactorialIsEveryCombinationFirstKeySlowest) {
  const std::vector<engine::Vary> v = {engine::parse_vary("a=1,2"), engine::parse_vary("b=0:1:3")};
  const auto layout = engine::design_sweep(v, "factorial", 0, 1);
  ASSERT_EQ(layout.points.size(), 6u);
  std::size_t p = 0;
  for (double a : {1.0, 2.0})
    for (double b : {0.0, 0.5, 1.0}) EXPECT_EQ(layout.points[p++], (std::vector<double>{a, b}));
  EXPECT_EQ(layout.axes.size(), 2u);
  EXPECT_THROW(engine::design_sweep({engine::parse_vary("a=0:1")}, "factorial", 0, 1),
               engine::PlanError);
  EXPECT_THROW(engine::design_sweep(v, "sobol", 0, 1), engine::PlanError);
}

// A Latin hypercube: in each key, each of the n strata of its range holds exactly one point;
// the design is a function of the seed.
TEST(SweepDesign, LatinHypercubeHitsEveryStratumOnce) {
  const std::vector<engine::Vary> v = {engine::parse_vary("a=0:1"), engine::parse_vary("b=-2:6")};
  const int n = 37;
  const auto layout = engine::design_sweep(v, "lhs", n, 9);
  ASSERT_EQ(layout.points.size(), static_cast<std::size_t>(n));
  for (std::size_t j = 0; j < v.size(); ++j) {
    std::set<int> strata;
    for (const auto& point : layout.points) {
      const double u = (point[j] - v[j].lo) / (v[j].hi - v[j].lo);
      ASSERT_GE(u, 0.0);
      ASSERT_LT(u, 1.0);
      strata.insert(static_cast<int>(std::floor(u * n)));
    }
    EXPECT_EQ(strata.size(), static_cast<std::size_t>(n)) << v[j].key;
  }
  EXPECT_EQ(engine::design_sweep(v, "lhs", n, 9), layout);
  EXPECT_NE(engine::design_sweep(v, "lhs", n, 10).points, layout.points);
  EXPECT_THROW(engine::design_sweep(v, "lhs", 1, 9), engine::PlanError);
  EXPECT_THROW(engine::design_sweep({engine::parse_vary("a=1,2")}, "lhs", 5, 9), engine::PlanError);
}

TEST(SweepDesign, PointOverridesAreExact) {
  const std::vector<engine::Vary> v = {engine::parse_vary("x.y=0:1"), engine::parse_vary("z=0:3")};
  const auto layout = engine::design_sweep(v, "lhs", 11, 3);
  for (std::size_t p = 0; p < layout.points.size(); ++p) {
    const auto o = engine::point_overrides(layout, p);
    ASSERT_EQ(o.size(), 2u);
    for (std::size_t j = 0; j < 2; ++j) {
      const std::string prefix = layout.keys[j] + "=";
      ASSERT_EQ(o[j].rfind(prefix, 0), 0u) << o[j];
      const auto back = scenario::parse_number(o[j].substr(prefix.size()));
      ASSERT_TRUE(back.has_value()) << o[j];
      EXPECT_EQ(*back, layout.points[p][j]) << o[j];  // bit for bit
    }
  }
}

// An external design: the header's keys and every row's numbers exactly as written (a value
// written with %.17g reads back the same double); a byte order mark, comments, blank lines and
// CRLF skipped.
TEST(SweepDesign, ACsvDesignIsItsRowsExactly) {
  const double third = 1.0 / 3.0;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", third);
  const std::string text =
      std::string("\xEF\xBB\xBF# from a spreadsheet\r\n a.b , c\r\n\r\n1e-3,") + buffer +
      "\r\n-2 , 4.5\n# end\n";
  const auto layout = engine::design_from_csv(text, "d.csv");
  EXPECT_EQ(layout.design, "list");
  EXPECT_EQ(layout.keys, (std::vector<std::string>{"a.b", "c"}));
  ASSERT_EQ(layout.points.size(), 2u);
  EXPECT_EQ(layout.points[0], (std::vector<double>{0.001, third}));
  EXPECT_EQ(layout.points[1], (std::vector<double>{-2.0, 4.5}));
  EXPECT_EQ(engine::point_overrides(layout, 1), (std::vector<std::string>{"a.b=-2", "c=4.5"}));
}

// A column with any value that is not a number is a key of levels, in the order they first
// appear; a quoted field holds commas, and "" in it is a quote.
TEST(SweepDesign, ACsvDesignColumnOfLevels) {
  const auto layout = engine::design_from_csv(
      "protocol.kind,protocol.agenda,x\nnash,\"[[\"\"a\"\", \"\"b\"\"]]\",1\n"
      "mediated, \"[[\"\"a\"\"]]\" ,2\nnash,\"[[\"\"a\"\"]]\",3\n",
      "d.csv");
  ASSERT_EQ(layout.levels.size(), 3u);
  EXPECT_EQ(layout.levels[0], (std::vector<std::string>{"nash", "mediated"}));
  EXPECT_EQ(layout.levels[1], (std::vector<std::string>{R"([["a","b"]])", R"([["a"]])"}));
  EXPECT_TRUE(layout.levels[2].empty());
  EXPECT_EQ(layout.points[2], (std::vector<double>{0, 1, 3}));
  EXPECT_EQ(
      engine::point_overrides(layout, 1),
      (std::vector<std::string>{"protocol.kind=mediated", R"(protocol.agenda=[["a"]])", "x=2"}));
}

// Each mistake is named with its line and column (1-based) in the file.
TEST(SweepDesign, ACsvDesignRefusesWhatIsNotAPointWithItsPlace) {
  const std::pair<const char*, const char*> cases[] = {
      {"a,b\n1,2\n3\n", "d.csv:3:1: 1 values (allowed: one per key of the header, 2)"},
      {"a,b\n1,\n",
       "d.csv:2:3: an empty value for b (allowed: a number, or a value such as a word, "
       "true/false, an [array] or an {inline table})"},
      {"a,b\n1,\"x\n", "d.csv:2:3: a quoted field without its closing quote"},
      {"a,b\n1,\"x\" y\n",
       "d.csv:2:6: text after a quoted field (allowed: a comma, then the next field)"},
      {"a,a\n1,2\n", "d.csv:1:3: key 'a' appears twice in the header"},
      {"a,,b\n", "d.csv:1:3: an empty key in the header (allowed: scenario keys)"},
      {"a b\n1\n",
       "d.csv:1:1: 'a b' is not a scenario key (allowed: dotted keys such as "
       "agents.russia.war_cost)"},
      {"a,b\n", "d.csv: no points after the header"},
      {"# nothing\n\n", "d.csv: no header of keys (allowed: KEY,KEY,... then rows)"},
  };
  for (const auto& [text, message] : cases) {
    try {
      engine::design_from_csv(text, "d.csv");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const engine::PlanError& e) {
      EXPECT_EQ(std::string(e.what()), message) << text;
    }
  }
}

// A header of 200,000 keys whose last repeats the first is refused at its column (the check is
// a hash set, linear in the keys: it took 32 s with a quadratic scan), and neither [run] nor
// [sweep] keys, which are the same at every point, may be varied, in a file or by --vary.
TEST(SweepDesign, HeadersAreCheckedForRepeatsAndKeysOfTheWholeSweep) {
  std::string header;
  for (int k = 0; k < 200000; ++k) header += "k" + std::to_string(k) + ",";
  const std::size_t column = header.size() + 1;
  header += "k0\n";
  try {
    engine::design_from_csv(header + "1\n", "d.csv");
    ADD_FAILURE() << "accepted";
  } catch (const engine::PlanError& e) {
    EXPECT_EQ(std::string(e.what()),
              "d.csv:1:" + std::to_string(column) + ": key 'k0' appears twice in the header");
  }
  for (const std::string key : {"run.seed", "run.runs", "sweep.points"}) {
    EXPECT_THROW(engine::design_from_csv(key + "\n1\n", "d.csv"), engine::PlanError) << key;
    EXPECT_THROW(engine::design_sweep({engine::parse_vary(key + "=1,2")}, "factorial", 0, 1),
                 engine::PlanError)
        << key;
    EXPECT_TRUE(engine::varied_key_problem(key).has_value()) << key;
  }
  EXPECT_FALSE(engine::varied_key_problem("agents.russia.war_cost").has_value());
  EXPECT_FALSE(engine::varied_key_problem("runway.x").has_value());
  EXPECT_THROW(engine::design_sweep({engine::parse_vary("a=1,2"), engine::parse_vary("a=3,4")},
                                    "factorial", 0, 1),
               engine::PlanError);
}

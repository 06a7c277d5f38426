// Interim ceasefires (docs/model.md, "Interim ceasefires"): once a stage settles the ceasefire
// term, the front line moves as the agreed design says (frozen with violations as volatility,
// or withdrawn to the agreed line in equal steps) and war costs take the design's factor.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/engine/summary.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

namespace {

constexpr double kStart = 0.5, kDrift = 0.01;

// A mediator and two veto parties over the front line (land), a ceasefire term (truce: 0 a
// ceasefire, 1 none) and money, on which their red lines exclude each other, so that no later
// stage is ever agreed and every run goes to the last round. Both want a ceasefire, so a stage of
// the truce alone (at the first draft, 0) is agreed in round 1. The war: the front drifts by
// 0.01 a round without volatility. `design`: the keys of the ceasefire's design at truce = 0.
std::string truce(int rounds, const std::string& protocol, const std::string& design,
                  double land_draft = 0.5, const std::string& ceasefire = "") {
  return "[scenario]\nname = \"truce\"\n"
         "[issues.land]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[issues.truce]\nrange = [0.0, 1.0]\nstatus_quo = 1.0\n"
         "[issues.money]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[agents.m]\nrole = \"mediator\"\nwar_cost = 0.0\n"
         "ideal = { land = 0.5, truce = 0.0, money = 0.5 }\n"
         "salience = { land = 0.4, truce = 0.3, money = 0.3 }\n"
         "[agents.a]\nwar_cost = 0.05\ndiscount = 0.9\n"
         "ideal = { land = 0.0, truce = 0.0, money = 0.0 }\n"
         "salience = { land = 0.4, truce = 0.3, money = 0.3 }\n"
         "red_lines.money = [0.0, 0.3]\n"
         "[agents.b]\nwar_cost = 0.08\ndiscount = 0.9\n"
         "ideal = { land = 1.0, truce = 0.0, money = 1.0 }\n"
         "salience = { land = 0.4, truce = 0.3, money = 0.3 }\n"
         "red_lines.money = [0.7, 1.0]\n"
         "[protocol]\nkind = \"mediated\"\nmax_rounds = " +
         std::to_string(rounds) + "\ndeadline = " + std::to_string(rounds) +
         "\nwalkout_patience = 1000\nfirst_draft = { land = " + std::to_string(land_draft) +
         ", truce = 0.0, money = 0.5 }\n" + protocol +
         "\n[battlefield]\nissue = \"land\"\nstart = 0.5\ndrift = 0.01\nvolatility = 0.0\n"
         "[ceasefire]\nissue = \"truce\"\n" +
         ceasefire + "\n[ceasefire.designs.chosen]\nat = 0.0\n" + design +
         "\n[ceasefire.designs.none]\nat = 1.0\n";
}

struct Runs {
  std::vector<double> front;
  std::vector<int> outcome, ceasefire_round, ceasefire_design, stages;
  std::vector<std::vector<double>> batna;  // [run][agent]
  engine::Summary summary;
};

Runs simulate(const std::string& text, std::uint64_t runs) {
  const auto s = scenario::load_scenario_text(text, "truce.toml");
  engine::Sampler sampler(s);
  Runs out;
  out.front.resize(runs);
  out.outcome.resize(runs);
  out.ceasefire_round.resize(runs);
  out.ceasefire_design.resize(runs);
  out.stages.resize(runs);
  out.batna.resize(runs);
  engine::SummaryBuilder summary(s);
  engine::EngineOptions options;
  options.threads = 2;
  options.block_runs = 64;
  options.sink = [&](const engine::RunBlock& b) {
    summary.add(b);
    for (std::size_t row = 0; row < b.count; ++row) {
      const std::size_t r = b.first + row;
      out.front[r] = b.battlefield[row];
      out.outcome[r] = b.outcome[row];
      out.ceasefire_round[r] = b.ceasefire_round[row];
      out.ceasefire_design[r] = b.ceasefire_design[row];
      out.stages[r] = b.stages_agreed[row];
      out.batna[r].assign(b.batna.begin() + static_cast<long>(row * b.agents),
                          b.batna.begin() + static_cast<long>((row + 1) * b.agents));
    }
  };
  engine::run_plan(s, sampler, {11, 0, runs}, options);
  out.summary = summary.finish();
  return out;
}

const std::string kTruceFirst = "agenda = [[\"truce\"]]";
const std::string kLandAndTruceFirst = "agenda = [[\"land\", \"truce\"]]";

}  // namespace

TEST(Ceasefire, AnImmediateHaltFreezesTheFrontWithItsViolationsAsVolatility) {
  // Round 1 moves the front by the war's drift, s_1 = 0.5 + 0.01; the truce is agreed after its
  // answers, and rounds 2..T move it by N(0, σ²) each: s_T ~ N(s_1, (T − 1) σ²).
  const int rounds = 13;
  const double sigma = 0.01;
  const std::size_t n = 3000;
  const Runs r =
      simulate(truce(rounds, kTruceFirst, "drift = 0.0\nvolatility = " + std::to_string(sigma)), n);
  double sum = 0.0, squares = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(r.ceasefire_round[i], 1);
    ASSERT_EQ(r.ceasefire_design[i], 0);
    ASSERT_EQ(r.stages[i], 1);
    ASSERT_EQ(r.outcome[i], 3);  // the binding agenda's truce stands, a partial deal
    sum += r.front[i];
  }
  const double mean = sum / static_cast<double>(n);
  for (const double f : r.front) squares += (f - mean) * (f - mean);
  const double variance = squares / static_cast<double>(n - 1);
  const double s1 = kStart + kDrift, v = (rounds - 1) * sigma * sigma;
  EXPECT_NEAR(mean, s1, 4.0 * std::sqrt(v / static_cast<double>(n)));
  // Var(s²)/σ⁴ = 2/(n − 1) for normal draws.
  EXPECT_NEAR(variance / v, 1.0, 4.0 * std::sqrt(2.0 / static_cast<double>(n - 1)));

  // A design that keeps the war's drift and volatility leaves the front where the war takes it:
  // s_T = 0.5 + 0.01 T exactly.
  const Runs war = simulate(truce(rounds, kTruceFirst, ""), 50);
  for (std::size_t i = 0; i < 50; ++i) {
    EXPECT_EQ(war.ceasefire_round[i], 1);
    EXPECT_NEAR(war.front[i], kStart + kDrift * rounds, 1e-12);
  }
}

TEST(Ceasefire, APhasedWithdrawalMovesTheFrontToTheAgreedLineInEqualSteps) {
  // Land and truce agreed together in round 1 at the first draft, land = L = 0.3; from s_1 =
  // 0.51 the front covers (L − s)/n_left in each of the n = 4 rounds after: after k of them
  // s = s_1 + (L − s_1) k / n, and L from the n-th on.
  const double line = 0.3, s1 = kStart + kDrift;
  const std::string phased = "drift = 0.0\nvolatility = 0.0\nwithdrawal = 4";
  for (const int rounds : {2, 3, 4, 5, 9}) {
    const Runs r = simulate(truce(rounds, kLandAndTruceFirst, phased, line), 20);
    const int k = std::min(rounds - 1, 4);
    for (std::size_t i = 0; i < 20; ++i) {
      ASSERT_EQ(r.ceasefire_round[i], 1) << rounds;
      EXPECT_NEAR(r.front[i], s1 + (line - s1) * k / 4.0, 1e-12) << rounds;
    }
  }
  // With no agreed line (the truce agreed alone), the front stays where it stood: s_1.
  const Runs alone = simulate(truce(9, kTruceFirst, phased, line), 20);
  for (const double f : alone.front) EXPECT_NEAR(f, s1, 1e-12);
  // A ceasefire in force before the talks withdraws from the start to the first draft's line.
  const Runs before = simulate(truce(9, "", phased, line, "in_force = \"chosen\""), 20);
  for (std::size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(before.ceasefire_round[i], 0);
    EXPECT_EQ(before.ceasefire_design[i], 0);
    EXPECT_NEAR(before.front[i], line, 1e-12);
  }
}

TEST(Ceasefire, TheDesignScalesEveryWarCostInTheBatnas) {
  // The same runs, the front frozen by both designs: each BATNA differs by c_i (1 − f) alone.
  const double factor = 0.25;
  const std::string frozen = "drift = 0.0\nvolatility = 0.0\nwar_cost = ";
  const Runs full = simulate(truce(7, kTruceFirst, frozen + "1.0"), 40);
  const Runs eased = simulate(truce(7, kTruceFirst, frozen + std::to_string(factor)), 40);
  const double cost[] = {0.0, 0.05, 0.08};
  for (std::size_t i = 0; i < 40; ++i) {
    ASSERT_EQ(eased.ceasefire_round[i], 1);
    EXPECT_EQ(full.front[i], eased.front[i]);
    for (std::size_t a = 0; a < 3; ++a)
      EXPECT_NEAR(eased.batna[i][a] - full.batna[i][a], cost[a] * (1.0 - factor), 1e-12) << a;
  }
}

TEST(Ceasefire, DesignsGroupTheSurvivalOfDealsAndNameTheTermsNearest) {
  // Deals whose truce term is nearest the design at 0 count in its group, at 1 in the other's.
  const auto s = scenario::load_scenario_text(
      truce(5, kTruceFirst, "") + "[durability]\nhorizon = 4\nby = \"truce\"\n", "truce.toml");
  const engine::Sampler sampler(s);
  EXPECT_EQ(sampler.setting().design_of(0.49), 0);
  EXPECT_EQ(sampler.setting().design_of(0.5), 0);  // a tie: the lower design
  EXPECT_EQ(sampler.setting().design_of(0.51), 1);
  engine::SummaryBuilder builder(s);
  engine::RunBlock b;
  b.resize(4, 3, 3, sampler.columns().size(), 0);
  const double terms[] = {0.1, 0.2, 0.9, std::nan("")};
  for (std::size_t r = 0; r < 4; ++r) {
    const bool deal = r < 3;
    b.outcome[r] = deal ? 3 : 2;
    b.agreement[r] = 0;
    b.round[r] = deal ? 2 : -1;
    b.ceasefire_design[r] = deal ? (terms[r] < 0.5 ? 0 : 1) : -1;
    b.ceasefire_round[r] = -1;
    b.breakdown[r] = -1;
    b.breakdown_cause[r] = -1;
    b.stages_agreed[r] = deal ? 1 : 0;
    b.deal[r * 3 + 1] = terms[r];
  }
  builder.add(b);
  const engine::Summary m = builder.finish();
  ASSERT_EQ(m.survival_groups.size(), 3u);
  EXPECT_EQ(m.survival_groups[1], "truce: chosen");
  EXPECT_EQ(m.survival_groups[2], "truce: none");
  EXPECT_EQ(m.survival_deals[0], 3u);
  EXPECT_EQ(m.survival_deals[1], 2u);
  EXPECT_EQ(m.survival_deals[2], 1u);
}

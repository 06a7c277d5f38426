// Whether a deal holds (docs/model.md, "Whether a deal holds"): the survival of deals under a
// constant hazard against exp(−λ t), and Powell's (2006) commitment problem.
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

// Two parties divide x (a's share) by the Nash solution; the front line is on x at 0.5 and
// does not move, so each BATNA is its share of the front less its war cost: 0.5 − c.
std::string division(double c_a, double c_b, const std::string& durability) {
  return "[scenario]\nname = \"division\"\n"
         "[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[agents.a]\nwar_cost = " +
         std::to_string(c_a) +
         "\ndiscount = 0.9\nideal = { x = 1.0 }\nsalience = { x = 1.0 }\n"
         "[agents.b]\nwar_cost = " +
         std::to_string(c_b) +
         "\ndiscount = 0.9\nideal = { x = 0.0 }\nsalience = { x = 1.0 }\n"
         "[protocol]\nkind = \"nash\"\n[battlefield]\nissue = \"x\"\nstart = 0.5\n"
         "[durability]\n" +
         durability;
}

struct Followed {
  std::vector<int> breakdown, cause;
  std::vector<double> deal;
  engine::Summary summary;
};

Followed follow(const std::string& text, std::uint64_t runs) {
  const auto s = scenario::load_scenario_text(text, "division.toml");
  engine::Sampler sampler(s);
  Followed out;
  out.breakdown.resize(runs);
  out.cause.resize(runs);
  out.deal.resize(runs);
  engine::SummaryBuilder summary(s);
  engine::EngineOptions options;
  options.threads = 2;
  options.block_runs = 64;
  options.sink = [&](const engine::RunBlock& b) {
    summary.add(b);
    for (std::size_t row = 0; row < b.count; ++row) {
      out.breakdown[b.first + row] = b.breakdown[row];
      out.cause[b.first + row] = b.breakdown_cause[row];
      out.deal[b.first + row] = b.deal[row * b.issues];
    }
  };
  engine::run_plan(s, sampler, {3, 0, runs}, options);
  out.summary = summary.finish();
  return out;
}

}  // namespace

TEST(Durability, DealsSurviveAsTheHazardOfTheirTermsSays) {
  // λ = base_hazard · exp(log_hazard_x · x): P(a deal holds t rounds) = exp(−λ t), each run an
  // independent draw. The deal is the Nash split, x = 0.5 + (c_b − c_a)/2.
  for (const double beta : {0.0, 1.5}) {
    const int horizon = 12;
    const auto f = follow(division(0.1, 0.05,
                                   "horizon = 12\nbase_hazard = 0.06\nlog_hazard = { x = " +
                                       std::to_string(beta) + " }\n"),
                          4000);
    const double x = 0.475;
    const double lambda = 0.06 * std::exp(beta * x);
    const double n = 4000.0;
    for (int t = 0; t <= horizon; ++t) {
      int holding = 0;
      for (std::size_t r = 0; r < f.breakdown.size(); ++r) {
        ASSERT_NEAR(f.deal[r], x, 1e-9);
        holding += f.breakdown[r] < 0 || f.breakdown[r] > t;
      }
      const double s = std::exp(-lambda * t);
      EXPECT_NEAR(holding / n, s, 4.0 * std::sqrt(s * (1.0 - s) / n) + 1e-12) << beta << " " << t;
      // The summary's curve over all deals is the same count.
      EXPECT_DOUBLE_EQ(f.summary.survival[0][static_cast<std::size_t>(t)], holding / n);
    }
    for (std::size_t r = 0; r < f.breakdown.size(); ++r)
      EXPECT_EQ(f.cause[r], f.breakdown[r] > 0 ? 0 : -1);
  }
}

TEST(Durability, ADealBreaksDownExactlyWhenTheShiftOfPowerExceedsTheSurplus) {
  // Powell (2006): the party the shift favours cannot commit to less than its war value after
  // it, 0.5 + Δ − c_a; the other can fight now for 0.5 − c_b. Some division satisfies both iff
  // |Δ| <= c_a + c_b, the surplus. Between half the surplus and the surplus the Nash split
  // itself falls short for the rising party, yet a revision satisfies both: the deal holds.
  for (const auto& [c_a, c_b] :
       {std::pair{0.1, 0.05}, std::pair{0.02, 0.2}, std::pair{0.15, 0.15}}) {
    const double surplus = c_a + c_b;
    for (const double shift :
         {0.25 * surplus, 0.75 * surplus, surplus - 1e-3, surplus + 1e-3, 1.5 * surplus}) {
      for (const double sign : {1.0, -1.0}) {
        const auto f = follow(
            division(c_a, c_b, "horizon = 5\npower_shift = " + std::to_string(sign * shift) + "\n"),
            4);
        const bool breaks = shift > surplus;
        for (std::size_t r = 0; r < f.breakdown.size(); ++r) {
          EXPECT_EQ(f.breakdown[r], breaks ? 1 : -1) << c_a << " " << c_b << " " << sign * shift;
          EXPECT_EQ(f.cause[r], breaks ? 1 : -1);
        }
      }
    }
  }
}

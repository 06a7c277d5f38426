// Alternating offers against Rubinstein (Econometrica 1982) and Baron & Ferejohn (APSR 1989).
#include <gtest/gtest.h>

#include <ostream>

#include <cmath>
#include <string>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/alternating.hpp"
#include "parley/protocol/solve/text_solver.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;
using protocol::Index;

namespace {

constexpr double kTol = 1e-6;

// Two players split one good (x: player one's share), proposing in turn, player one first.
std::string rubinstein(double d1, double d2) {
  return "[scenario]\nname = \"rubinstein\"\n"
         "[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[agents.one]\nreservation = 0.0\ndiscount = " +
         std::to_string(d1) +
         "\nideal = { x = 1.0 }\nsalience = { x = 1.0 }\n"
         "[agents.two]\nreservation = 0.0\ndiscount = " +
         std::to_string(d2) +
         "\nideal = { x = 0.0 }\nsalience = { x = 1.0 }\n"
         "[protocol]\nkind = \"alternating\"\nrecognition = \"order\"\n";
}

// n players divide a pie (one share each), equal recognition probabilities, closed rule.
std::string baron_ferejohn(int n, double delta, const std::string& decision) {
  std::string s = "[scenario]\nname = \"bf\"\nspace = \"pie\"\n";
  for (int i = 0; i < n; ++i)
    s += "[issues.s" + std::to_string(i) + "]\nrange = [0.0, 1.0]\nstatus_quo = 0.0\n";
  for (int i = 0; i < n; ++i) {
    const std::string k = "s" + std::to_string(i);
    s += "[agents.p" + std::to_string(i) +
         "]\nreservation = 0.0\nveto = " + (decision == "unanimity" ? "true" : "false") +
         "\ndiscount = " + std::to_string(delta) + "\nideal = { " + k + " = 1.0 }\nsalience = { " +
         k + " = 1.0 }\n";
  }
  s += "[protocol]\nkind = \"alternating\"\ndecision = \"" + decision + "\"\n";
  return s;
}

protocol::Equilibrium equilibrium_of(const std::string& toml) {
  const auto s = scenario::load_scenario_text(toml, "case.toml");
  engine::Sampler sampler(s);
  protocol::Realization r = sampler.central();
  protocol::Vector batna = protocol::Vector::Zero(r.prefs.agents());
  return protocol::stationary_equilibrium(sampler.setting(), r, batna);
}

}  // namespace

struct DiscountPair {
  double d1, d2;
};
// How test names show a case (otherwise the struct's bytes).
void PrintTo(const DiscountPair& c, std::ostream* os) {
  *os << "delta1=" << c.d1 << " delta2=" << c.d2;
}
class Rubinstein : public ::testing::TestWithParam<DiscountPair> {};

// Rubinstein (1982): the first proposer's share is (1 - δ2) / (1 - δ1 δ2); docs/model.md:
// δ = (0.9, 0.8) -> 5/7, δ = (0.9, 0.9) -> 10/19.
TEST_P(Rubinstein, FirstProposersShare) {
  const auto [d1, d2] = GetParam();
  const auto eq = equilibrium_of(rubinstein(d1, d2));
  ASSERT_TRUE(eq.converged);
  ASSERT_EQ(eq.offers[0].size(), 1u);
  EXPECT_NEAR(eq.offers[0][0](0), (1 - d2) / (1 - d1 * d2), kTol);
  // And the second proposer's: 1 - (1 - δ1) / (1 - δ1 δ2) to player one.
  EXPECT_NEAR(eq.offers[1][0](0), 1 - (1 - d1) / (1 - d1 * d2), kTol);
}
INSTANTIATE_TEST_SUITE_P(Pairs, Rubinstein,
                         ::testing::Values(DiscountPair{0.9, 0.8}, DiscountPair{0.9, 0.9},
                                           DiscountPair{0.5, 0.5}, DiscountPair{0.95, 0.6},
                                           DiscountPair{0.3, 0.99}));

// A collapse hazard h with the war worth 0 to both: each round passing is worth δ_i(1 − h) W_i,
// so the shares are Rubinstein's with discount factors δ_i(1 − h) (docs/model.md, "When the
// talks end"): the first proposer's (1 − δ2(1 − h)) / (1 − δ1 δ2 (1 − h)²).
TEST(Rubinstein, ACollapseHazardDiscountsByTheChanceTheTalksGoOn) {
  for (const double h : {0.05, 0.2, 0.5}) {
    const double d1 = 0.9, d2 = 0.8;
    const auto eq =
        equilibrium_of(rubinstein(d1, d2) + "collapse_hazard = " + std::to_string(h) + "\n");
    ASSERT_TRUE(eq.converged);
    const double e1 = d1 * (1 - h), e2 = d2 * (1 - h);
    EXPECT_NEAR(eq.offers[0][0](0), (1 - e2) / (1 - e1 * e2), kTol) << h;
    EXPECT_NEAR(eq.offers[1][0](0), 1 - (1 - e1) / (1 - e1 * e2), kTol) << h;
  }
}

TEST(RubinsteinReference, WorkedExamples) {
  EXPECT_NEAR(equilibrium_of(rubinstein(0.9, 0.8)).offers[0][0](0), 5.0 / 7.0, kTol);
  EXPECT_NEAR(equilibrium_of(rubinstein(0.9, 0.9)).offers[0][0](0), 10.0 / 19.0, kTol);
}

struct BfCase {
  int n;
  double delta;
  const char* decision;
  double proposer;  // the proposer's share
  double partner;   // each coalition partner's share
};
void PrintTo(const BfCase& c, std::ostream* os) {
  *os << "n=" << c.n << " delta=" << c.delta << " " << c.decision;
}
class BaronFerejohn : public ::testing::TestWithParam<BfCase> {};

// Baron & Ferejohn (1989), closed rule, equal recognition, stationary equilibrium:
// majority (n odd): proposer 1 - δ(n-1)/(2n), (n-1)/2 partners δ/n each, the rest 0;
// unanimity: proposer 1 - δ(n-1)/n, every other δ/n. Ex ante every player expects 1/n.
TEST_P(BaronFerejohn, SharesAndExAnteValues) {
  const auto c = GetParam();
  const auto eq = equilibrium_of(baron_ferejohn(c.n, c.delta, c.decision));
  ASSERT_TRUE(eq.converged);
  for (int s = 0; s < c.n; ++s) {
    ASSERT_FALSE(eq.offers[static_cast<std::size_t>(s)].empty());
    const auto& x = eq.offers[static_cast<std::size_t>(s)].front();
    EXPECT_NEAR(x(s), c.proposer, kTol) << "proposer " << s;
    int partners = 0;
    for (int k = 0; k < c.n; ++k) {
      if (k == s) continue;
      if (std::abs(x(k) - c.partner) < kTol) {
        ++partners;
      } else {
        EXPECT_NEAR(x(k), 0.0, kTol);
      }
    }
    EXPECT_EQ(partners, std::string(c.decision) == "majority" ? (c.n - 1) / 2 : c.n - 1);
    for (Index i = 0; i < c.n; ++i) EXPECT_NEAR(eq.continuation(s, i), 1.0 / c.n, kTol);
  }
}
INSTANTIATE_TEST_SUITE_P(
    Cases, BaronFerejohn,
    ::testing::Values(BfCase{3, 1.0, "majority", 2.0 / 3, 1.0 / 3},   // docs/model.md
                      BfCase{3, 1.0, "unanimity", 1.0 / 3, 1.0 / 3},  // docs/model.md
                      BfCase{3, 0.9, "unanimity", 0.4, 0.3},          // docs/model.md
                      BfCase{3, 0.9, "majority", 1 - 0.9 / 3, 0.3},
                      BfCase{5, 1.0, "majority", 0.6, 0.2},
                      BfCase{5, 0.8, "majority", 1 - 0.8 * 4 / 10, 0.16},
                      BfCase{5, 0.8, "unanimity", 1 - 0.8 * 4 / 5, 0.16}));

// Monte Carlo: with a random proposer the deal comes in round 1 and each player's mean
// utility estimates its ex-ante value 1/n; it must lie within 4 standard errors.
TEST(BaronFerejohnMonteCarlo, ExAnteValuesWithinFourStandardErrors) {
  for (const char* decision : {"majority", "unanimity"}) {
    const auto s = scenario::load_scenario_text(baron_ferejohn(5, 0.8, decision), "bf.toml");
    engine::Sampler sampler(s);
    const std::uint64_t runs = 4000;
    std::vector<double> sum(5, 0.0), sum_sq(5, 0.0);
    std::uint64_t deals_in_round_one = 0;
    engine::EngineOptions options;
    options.threads = 2;
    options.sink = [&](const engine::RunBlock& b) {
      for (std::size_t row = 0; row < b.count; ++row) {
        deals_in_round_one += b.round[row] == 1;
        for (std::size_t i = 0; i < 5; ++i) {
          const double u = b.utility[row * 5 + i];
          sum[i] += u;
          sum_sq[i] += u * u;
        }
      }
    };
    engine::run_plan(s, sampler, {3, 0, runs}, options);
    EXPECT_EQ(deals_in_round_one, runs) << decision;
    for (std::size_t i = 0; i < 5; ++i) {
      const double mean = sum[i] / runs;
      const double var = sum_sq[i] / runs - mean * mean;
      const double se = std::sqrt(var / runs);
      EXPECT_NEAR(mean, 0.2, 4 * se) << decision << " player " << i;
    }
  }
}

// Curved values: three veto players with quadratic utilities over two issues. Their texts are
// exact only to the solver's tolerance, so the values cannot settle below 1e-13; the iteration
// stops once its moves no longer shrink below 1e-9 (alternating.cpp, kNoiseFloor), well before
// its cap of 5,000 iterations, at a fixed point to that accuracy: at the prices its values
// give, each proposer's best offer (solved afresh) is worth what its stored offer is worth to
// every player, within 1e-9.
TEST(StationaryEquilibrium, WithCurvedValuesItSettlesAtAFixedPointToTheSolversAccuracy) {
  std::string toml = "[scenario]\nname = \"curved\"\n";
  for (const char* k : {"a", "b"})
    toml += std::string("[issues.") + k + "]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n";
  const char* ideals[] = {"{ a = 0.9, b = 0.1 }", "{ a = 0.1, b = 0.8 }", "{ a = 0.5, b = 0.95 }"};
  const char* saliences[] = {"{ a = 2, b = 1 }", "{ a = 1, b = 1 }", "{ a = 1, b = 3 }"};
  for (int i = 0; i < 3; ++i) {
    toml += "[agents.p" + std::to_string(i) +
            "]\nshape = \"quadratic\"\nveto = true\nreservation = 0.2\ndiscount = 0.9\nideal = " +
            ideals[i] + "\nsalience = " + saliences[i] + "\n";
  }
  toml += "[protocol]\nkind = \"alternating\"\ndecision = \"unanimity\"\n";
  const auto s = scenario::load_scenario_text(toml, "curved.toml");
  engine::Sampler sampler(s);
  const protocol::Realization r = sampler.central();
  const protocol::Vector batna = protocol::Vector::Constant(r.prefs.agents(), 0.2);
  const auto eq = protocol::stationary_equilibrium(sampler.setting(), r, batna);
  ASSERT_TRUE(eq.converged);
  EXPECT_LT(eq.iterations, 500);
  for (std::size_t st = 0; st < eq.parties.size(); ++st) {
    ASSERT_EQ(eq.offers[st].size(), 1u) << "state " << st;
    std::vector<Index> players = {eq.parties[st]};
    protocol::Vector c(3);
    c(0) = eq.threshold(r, batna, st, eq.parties[st]);
    for (Index i : eq.parties) {
      if (i == eq.parties[st]) continue;
      players.push_back(i);
      c(static_cast<Index>(players.size()) - 1) = eq.threshold(r, batna, st, i);
    }
    protocol::TextSolver solver(sampler.setting(), r.prefs,
                                protocol::feasible_box(r.prefs, players));
    const auto best = solver.best_for(eq.parties[st], players, c);
    ASSERT_TRUE(best.has_value()) << "state " << st;
    for (Index i = 0; i < 3; ++i) {
      EXPECT_NEAR(model::utility(r.prefs, i, *best), model::utility(r.prefs, i, eq.offers[st][0]),
                  1e-9)
          << "state " << st << ", player " << i;
    }
  }
}

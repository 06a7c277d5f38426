// Beliefs about the war (docs/model.md, "Beliefs about the war"): each agent's Normal belief
// about the front's drift against the batch form of the conjugate update, round by round in a
// run; and a two-party war in which the bargaining range is empty while the sides' optimism gap
// outweighs their summed war costs, so that the round of the deal follows from the priors in
// closed form.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/run_context.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

namespace {

// Two sides over x in [0, 1], a on the way up (v_a = x), b on the way down (v_b = 1 − x), the
// front at 0.5 with no drift; `a_belief` and `b_belief` add each side's beliefs. Alternating
// offers: a proposer with complete information makes an offer the other accepts in the first
// round with a bargaining range (Binmore, Shaked & Sutton 1989).
std::string war(double cost, double volatility, const std::string& a_belief,
                const std::string& b_belief, int rounds = 40) {
  return "[scenario]\nname = \"beliefs\"\n"
         "[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[agents.a]\ndiscount = 0.9\nwar_cost = " +
         std::to_string(cost) + "\nideal = { x = 1.0 }\nsalience = { x = 1.0 }\n" + a_belief +
         "[agents.b]\ndiscount = 0.9\nwar_cost = " + std::to_string(cost) +
         "\nideal = { x = 0.0 }\nsalience = { x = 1.0 }\n" + b_belief +
         "[agents.m]\nrole = \"mediator\"\nwar_cost = 0.0\nideal = { x = 0.5 }\n"
         "salience = { x = 1.0 }\n"
         "[protocol]\nkind = \"alternating\"\nfirst_draft = { x = 0.5 }\nmax_rounds = " +
         std::to_string(rounds) +
         "\n"
         "[battlefield]\nissue = \"x\"\nstart = 0.5\ndrift = 0.0\nvolatility = " +
         std::to_string(volatility) + "\n";
}

struct Outcome {
  bool agreement = false;
  int round = -1;  // of the deal
  protocol::Trace trace;
};

Outcome run(const std::string& text, std::uint64_t index = 0) {
  const auto s = scenario::load_scenario_text(text, "beliefs.toml");
  engine::Sampler sampler(s);
  engine::RunBlock block;
  block.resize(1, s.agents.size(), s.issues.size(), sampler.columns().size(), s.shocks.size());
  Outcome o;
  EXPECT_TRUE(engine::compute_run(s, sampler, 5, index, block, 0, &o.trace, nullptr));
  o.agreement = block.agreement[0] != 0;
  o.round = block.round[0];
  return o;
}

}  // namespace

// The recursion π_t = π_{t−1} + 1/σ², m_t = (π_{t−1} m_{t−1} + y_t/σ²)/π_t against its batch form
// m_n = (m_0/τ² + Σ y/σ²) / (1/τ² + n/σ²), with y the moves of the front the trace records (the
// first from the start); an agent without drift_sd holds its expected_drift throughout.
TEST(DriftBeliefs, TheConjugateUpdateRoundByRound) {
  const double sigma = 0.03, tau = 0.01, m0 = 0.02;
  // b's red line leaves no text that a accepts: the talks go on for all 30 rounds.
  std::string text = war(0.01, sigma, "expected_drift = 0.02\ndrift_sd = 0.01\n",
                         "expected_drift = -0.01\nred_lines = { x = [0.0, 0.01] }\n", 30);
  const Outcome o = run(text);
  ASSERT_EQ(o.trace.rounds.size(), 30u);
  double before = 0.5, sum = 0.0;
  int n = 0;
  for (const auto& round : o.trace.rounds) {
    ASSERT_GT(round.front, 0.0);
    ASSERT_LT(round.front, 1.0);
    sum += round.front - before;
    before = round.front;
    ++n;
    const double want =
        (m0 / (tau * tau) + sum / (sigma * sigma)) / (1.0 / (tau * tau) + n / (sigma * sigma));
    EXPECT_NEAR(round.expected_drift(0), want, 1e-14) << "round " << round.round;
    EXPECT_EQ(round.expected_drift(1), -0.01) << "round " << round.round;
    EXPECT_EQ(round.expected_drift(2), 0.0);  // the mediator knows the war's drift
  }
}

// The update by itself, on the offset from the war's drift (0.004 here): a move that ends at a
// bound, or in a round not fought, teaches nothing; without volatility one move reveals it.
TEST(DriftBeliefs, OnlyMovesOfTheWarInsideTheBoundsTeach) {
  protocol::Realization r;
  r.resize(1, 1);
  r.expected_drift << 0.01;
  r.drift_sd << 0.02;
  r.battlefield_drift = 0.004;
  r.battlefield_volatility = 0.05;
  protocol::Workspace w;
  w.resize(1, 1);
  protocol::learn_drift(r, 1, true, 0.98, 1.0, w);  // cut at the bound
  EXPECT_NEAR(w.drift_offset(0), 0.006, 1e-17);
  EXPECT_EQ(w.drift_precision(0), 1.0 / (0.02 * 0.02));
  protocol::learn_drift(r, 2, false, 0.5, 0.6, w);  // under a ceasefire
  EXPECT_NEAR(w.drift_offset(0), 0.006, 1e-17);
  protocol::learn_drift(r, 3, true, 0.5, 0.6, w);
  const double prior = 1.0 / (0.02 * 0.02), data = 1.0 / (0.05 * 0.05);
  EXPECT_NEAR(w.drift_offset(0), (prior * 0.006 + data * (0.1 - 0.004)) / (prior + data), 1e-15);
  r.battlefield_volatility = 0.0;
  protocol::learn_drift(r, 1, true, 0.5, 0.503, w);
  EXPECT_NEAR(w.drift_offset(0), 0.003 - 0.004, 1e-15);
  EXPECT_TRUE(std::isinf(w.drift_precision(0)));
}

// What the efforts give is public: when a shock stops the aid in a contest, every agent's drift
// moves with the contest's at once, its offset kept (a agent holds to its own, b learns).
TEST(DriftBeliefs, AChangeOfTheEffortsIsPublic) {
  const std::string text =
      "[scenario]\nname = \"public\"\n"
      "[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
      "[agents.a]\nwar_cost = 0.05\nideal = { x = 1.0 }\nsalience = { x = 1.0 }\n"
      "red_lines = { x = [0.9, 1.0] }\nexpected_drift = 0.01\n"
      "[agents.b]\nwar_cost = 0.05\nideal = { x = 0.0 }\nsalience = { x = 1.0 }\n"
      "red_lines = { x = [0.0, 0.1] }\nexpected_drift = -0.01\ndrift_sd = 0.01\n"
      "[agents.m]\nrole = \"mediator\"\nwar_cost = 0.0\nideal = { x = 0.5 }\n"
      "salience = { x = 1.0 }\n"
      "[protocol]\nfirst_draft = { x = 0.5 }\nmax_rounds = 10\nwalkout_patience = 1000\n"
      "[battlefield]\nissue = \"x\"\nstart = 0.5\nvolatility = 0.0\n"
      "[battlefield.contest]\nup = 100.0\ndown = 60.0\naid = 40.0\nreach = 0.02\n"
      "[[shocks]]\nround = 5\nkey = \"battlefield.contest.aid\"\nop = \"set\"\nvalue = 0.0\n";
  const Outcome o = run(text);
  ASSERT_EQ(o.trace.rounds.size(), 10u);
  for (const auto& round : o.trace.rounds) {
    const double efforts = round.round < 5 ? 0.0 : 0.02 * (2.0 * 100.0 / 160.0 - 1.0);
    EXPECT_NEAR(round.expected_drift(0), efforts + 0.01, 1e-15) << "round " << round.round;
    // b sees the front move by exactly the efforts' drift (σ = 0): its offset is 0 from round 1.
    EXPECT_NEAR(round.expected_drift(1), efforts, 1e-15) << "round " << round.round;
    EXPECT_NEAR(round.expected_drift(2), efforts, 1e-15) << "round " << round.round;
  }
}

// Side a expects the front to gain m_a = 0.001 per round, side b m_b = −0.001, both with prior
// spread τ; the true drift is 0 and σ, the drifts and the front's wanderings are small enough that
// the bounds play almost no part (their terms are below 1e-9). Each then values the war at
// H = s + m/ρ (ρ = −ln 0.9), so a text x is acceptable to both iff x ≥ s + m_a/ρ − c and
// 1 − x ≥ 1 − s − m_b/ρ − c: the range's width is 1 − r_a − r_b = 2c − (m_a − m_b)/ρ, empty
// while the optimism gap outweighs the summed war costs. After n moves the means differ by
// (m_a − m_b)/(1 + nτ²/σ²) whatever the moves were, so the width at round n is known in closed
// form, and the first round with a range is the first n ≥ ((m_a − m_b)/(2cρ) − 1) σ²/τ²: the deal
// comes then and not before, whatever the front does.
TEST(DriftBeliefs, TheDealComesWhenConvergedBeliefsOpenTheRange) {
  const double sigma = 0.002, rho = -std::log(0.9), gap = 0.002;
  for (const double cost : {0.001, 0.0007}) {
    for (const double tau : {0.002, 0.004}) {
      const std::string sd = "drift_sd = " + std::to_string(tau) + "\n";
      const std::string text =
          war(cost, sigma, "expected_drift = 0.001\n" + sd, "expected_drift = -0.001\n" + sd);
      const double n = (gap / (2.0 * cost * rho) - 1.0) * (sigma * sigma) / (tau * tau);
      const int want = static_cast<int>(std::ceil(n));
      ASSERT_LE(want, 40);
      for (std::uint64_t index = 0; index < 3; ++index) {  // whatever the front does
        const Outcome o = run(text, index);
        EXPECT_TRUE(o.agreement) << "cost " << cost << " tau " << tau;
        EXPECT_EQ(o.round, want) << "cost " << cost << " tau " << tau;
        for (const auto& round : o.trace.rounds) {
          const double width = 1.0 - round.batna(0) - round.batna(1);
          const double closed =
              2.0 * cost - gap / ((1.0 + round.round * tau * tau / (sigma * sigma)) * rho);
          EXPECT_NEAR(width, closed, 1e-9) << "round " << round.round;
          // What the run records of it (protocol/bargaining_range.hpp): the range on x, empty
          // while negative; the zone of agreement, max over x of min(x − r_a, 1 − x − r_b), half
          // of it; and each side's reservation, where the text is worth its BATNA (its demand
          // here): x = r_a for a, 1 − x = r_b for b.
          EXPECT_NEAR(round.range, std::max(0.0, closed), 1e-9) << "round " << round.round;
          EXPECT_NEAR(round.zone, 0.5 * closed, 1e-9) << "round " << round.round;
          EXPECT_NEAR(round.reservation(0), round.batna(0), 1e-12);
          EXPECT_NEAR(round.reservation(1), 1.0 - round.batna(1), 1e-12);
        }
      }
      // Without learning the range never opens.
      const Outcome dogmatic =
          run(war(cost, sigma, "expected_drift = 0.001\n", "expected_drift = -0.001\n"));
      EXPECT_FALSE(dogmatic.agreement);
    }
  }
}

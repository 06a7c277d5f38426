// Agendas in stages (docs/model.md, "Agendas in stages"): the staged Nash solution of two issues
// against its first-order conditions, and the mediated protocol's stages, binding or not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

namespace {

// Two issues, each A's share of a pie; A weighs them a, 1 − a and B b, 1 − b; fixed
// reservations d; every status quo 1/2.
struct TwoPies {
  double a, b, d_a, d_b;

  std::string scenario(const std::string& protocol) const {
    return "[scenario]\nname = \"pies\"\n"
           "[issues.x1]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
           "[issues.x2]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
           "[agents.a]\nreservation = " +
           std::to_string(d_a) +
           "\nideal = { x1 = 1.0, x2 = 1.0 }\nsalience = { x1 = " + std::to_string(a) +
           ", x2 = " + std::to_string(1.0 - a) +
           " }\n"
           "[agents.b]\nreservation = " +
           std::to_string(d_b) +
           "\nideal = { x1 = 0.0, x2 = 0.0 }\nsalience = { x1 = " + std::to_string(b) +
           ", x2 = " + std::to_string(1.0 - b) + " }\n[protocol]\n" + protocol;
  }

  // The Nash solution on one pie, the other term fixed: with u_A = α x + K_A and
  // u_B = β (1 − x) + K_B, the first-order condition of (u_A − d_A)(u_B − d_B) gives
  // x = 1/2 + (K_B − d_B)/(2β) − (K_A − d_A)/(2α).
  static double nash_on(double alpha, double k_a, double d_a, double beta, double k_b, double d_b) {
    return std::clamp(0.5 + (k_b - d_b) / (2.0 * beta) - (k_a - d_a) / (2.0 * alpha), 0.0, 1.0);
  }

  // x1 first (x2 at 1/2), then x2 with x1 as agreed; or the other way round.
  std::pair<double, double> staged(bool x1_first) const {
    if (x1_first) {
      const double x1 = nash_on(a, (1 - a) * 0.5, d_a, b, (1 - b) * 0.5, d_b);
      return {x1, nash_on(1 - a, a * x1, d_a, 1 - b, b * (1 - x1), d_b)};
    }
    const double x2 = nash_on(1 - a, a * 0.5, d_a, 1 - b, b * 0.5, d_b);
    return {nash_on(a, (1 - a) * x2, d_a, b, (1 - b) * (1 - x2), d_b), x2};
  }
};

struct Ran {
  engine::RunBlock block;
  protocol::Trace trace;
};

Ran run_one(const std::string& text, std::uint64_t run = 0) {
  const auto s = scenario::load_scenario_text(text, "pies.toml");
  const engine::Sampler sampler(s);
  Ran out;
  out.block.resize(1, s.agents.size(), s.issues.size(), sampler.columns().size(), s.shocks.size());
  engine::compute_run(s, sampler, 7, run, out.block, 0, &out.trace);
  return out;
}

}  // namespace

TEST(Agenda, TheOrderOfTheIssuesChangesTheStagedNashDivision) {
  for (const TwoPies p :
       {TwoPies{0.7, 0.4, 0.3, 0.3}, TwoPies{0.6, 0.3, 0.25, 0.35}, TwoPies{0.8, 0.5, 0.35, 0.2}}) {
    for (const bool x1_first : {true, false}) {
      const auto [x1, x2] = p.staged(x1_first);
      const Ran r = run_one(p.scenario(std::string("kind = \"nash\"\nagenda = [[\"") +
                                       (x1_first ? "x1" : "x2") + "\"]]\n"));
      ASSERT_EQ(r.block.outcome[0], 0) << p.a << " " << x1_first;
      EXPECT_EQ(r.block.stages_agreed[0], 2);
      EXPECT_NEAR(r.block.deal[0], x1, 1e-6) << p.a << " " << p.b << " " << x1_first;
      EXPECT_NEAR(r.block.deal[1], x2, 1e-6) << p.a << " " << p.b << " " << x1_first;
    }
    // The order matters (the closed forms differ), and the package is neither.
    const auto first = p.staged(true), second = p.staged(false);
    EXPECT_GT(std::abs(first.first - second.first), 0.02);
    const Ran package = run_one(p.scenario("kind = \"nash\"\n"));
    EXPECT_EQ(package.block.stages_agreed[0], -1);
  }
}

namespace {

// A mediator and two veto parties over two issues; b's red line on x2 may exclude every text
// a accepts.
std::string mediated_pies(bool x2_blocked, bool binding) {
  return std::string("[scenario]\nname = \"staged\"\n") +
         "[issues.x1]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[issues.x2]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[agents.m]\nrole = \"mediator\"\nwar_cost = 0.0\nsalience = { x1 = 0.5, x2 = 0.5 }\n"
         "ideal = { x1 = 0.5, x2 = 0.5 }\n"
         "[agents.a]\nreservation = 0.2\nsalience = { x1 = 0.5, x2 = 0.5 }\n"
         "ideal = { x1 = 1.0, x2 = 1.0 }\nred_lines.x2 = [0.4, 1.0]\n"
         "[agents.b]\nreservation = 0.2\nsalience = { x1 = 0.5, x2 = 0.5 }\n"
         "ideal = { x1 = 0.0, x2 = 0.0 }\nred_lines.x2 = [0.0, " +
         (x2_blocked ? "0.3" : "0.7") +
         "]\n"
         "[protocol]\nfirst_draft = { x1 = 0.5, x2 = 0.5 }\nmax_rounds = 12\ndeadline = 12\n"
         "agenda = [[\"x1\"]]\nbinding = " +
         (binding ? "true" : "false") + "\n";
}

}  // namespace

TEST(Agenda, AMediatedStageIsAgreedBeforeTheNextComesToTheTable) {
  const Ran r = run_one(mediated_pies(false, true));
  ASSERT_EQ(r.block.outcome[0], 0);
  EXPECT_EQ(r.block.stages_agreed[0], 2);
  // Round by round: until x1 is agreed x2 waits at its status quo; afterwards x1 stays put.
  int agreed_at = -1;
  for (const auto& round : r.trace.rounds) {
    if (agreed_at < 0) {
      EXPECT_DOUBLE_EQ(round.text(1), 0.5) << round.round;
      bool all = true;
      for (const auto a : round.accepts) all = all && a;
      if (all) agreed_at = round.round;
    } else {
      EXPECT_DOUBLE_EQ(round.text(0),
                       r.trace.rounds[static_cast<std::size_t>(agreed_at - 1)].text(0));
    }
  }
  ASSERT_GT(agreed_at, 0);
  EXPECT_GT(r.block.round[0], agreed_at);
  EXPECT_DOUBLE_EQ(r.block.deal[0],
                   r.trace.rounds[static_cast<std::size_t>(agreed_at - 1)].text(0));
}

TEST(Agenda, WhenALaterStageFailsABindingAgendaKeepsTheStagesAgreed) {
  // b's red line on x2 (at most 0.3) and a's (at least 0.4) exclude each other: stage 2 fails.
  const Ran binding = run_one(mediated_pies(true, true));
  EXPECT_EQ(binding.block.outcome[0], 3);  // partial
  EXPECT_EQ(binding.block.stages_agreed[0], 1);
  EXPECT_TRUE(std::isfinite(binding.block.deal[0]));
  EXPECT_TRUE(std::isnan(binding.block.deal[1]));
  EXPECT_EQ(binding.block.bracketed[0], 0);
  EXPECT_EQ(binding.block.bracketed[1], 1);
  EXPECT_DOUBLE_EQ(binding.block.final_text[1], 0.5);  // what stands: x2 at its status quo
  const Ran open = run_one(mediated_pies(true, false));
  EXPECT_EQ(open.block.outcome[0], 2);  // deadline: nothing agreed until everything is
  EXPECT_EQ(open.block.stages_agreed[0], 1);
  EXPECT_TRUE(std::isnan(open.block.deal[0]));
  EXPECT_TRUE(std::isnan(open.block.deal[1]));
}

// Players with instruments (docs/model.md, "Instruments: aid, sanctions, disengagement"): the
// value of a level against the deal-or-war recursion it solves, a player's choice of aid and
// sanctions against a brute-force search over every pair of levels with the value computed here
// from closed forms, and a mediator that leaves when the war alone is worth more to it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/instruments.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

namespace {

// V = P u + (1 − P)((1 − δ)(r − C) + δ V), iterated from V = 0 until it settles.
double iterated(double p, double u, double r, double cost, double delta) {
  double v = 0.0;
  for (int n = 0; n < 100000; ++n) v = p * u + (1.0 - p) * ((1.0 - delta) * (r - cost) + delta * v);
  return v;
}

double phi(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

// The case: one issue x, the battlefield, quadratic values 1 − (x − a)²; Moscow ("ru", a = 1) and
// Kyiv ("ua", a = 0) ask for nearly everything (aspiration 0.99), so no text passes and the
// mediator ("m") chooses its levels after every round. Every agent discounts at δ = 0.5
// (ρ = ln 2) and the front moves by 0.01 a month from 0.5, so no one's war value feels the
// scale's ends: H(s) = 1 − (s − a)² − 2(s − a)μ/ρ − 2μ²/ρ² − σ²/ρ (Harrison 1985; docs/model.md,
// "The outside option and the war", to 1e-8 here).
struct Case {
  double mediator_ideal = 0.4, mediator_war_cost = 0.1;
  double aid_max = 60.0, aid_cost = 0.00005, sanctions_max = 40.0, sanctions_cost = 0.0001;
  double engagement_cost = -1.0;  // < 0: none
  std::string disengagement = "end";
  double party_war_cost = 0.05;
  bool red_lines = false;  // Moscow's x >= 0.8, Kyiv's x <= 0.2: no text passes
};

constexpr double kVolatility = 0.01, kReach = 0.1, kEffort = 100.0, kNoise = 0.05;
constexpr double kDiscount = 0.5;

std::string scenario_text(const Case& c) {
  const std::string party =
      "shape = \"quadratic\"\nsalience = { x = 1.0 }\ndiscount = 0.5\naspiration = 0.99\n"
      "war_cost = " +
      std::to_string(c.party_war_cost) + "\n";
  std::string m =
      "[agents.m]\nrole = \"mediator\"\nshape = \"quadratic\"\nsalience = { x = 1.0 }\n"
      "discount = 0.5\nideal = { x = " +
      std::to_string(c.mediator_ideal) + " }\nwar_cost = " + std::to_string(c.mediator_war_cost) +
      "\n";
  if (c.aid_max >= 0.0)
    m += "aid_max = " + std::to_string(c.aid_max) + "\naid_cost = " + std::to_string(c.aid_cost) +
         "\n";
  if (c.sanctions_max >= 0.0)
    m += "sanctions_max = " + std::to_string(c.sanctions_max) +
         "\nsanctions_cost = " + std::to_string(c.sanctions_cost) + "\n";
  if (c.engagement_cost >= 0.0)
    m += "engagement_cost = " + std::to_string(c.engagement_cost) + "\n";
  std::string protocol =
      "[protocol]\nkind = \"mediated\"\nmax_rounds = 3\nbatna_noise = 0.05\nmediator_stake = "
      "0.5\nfirst_draft = { x = 0.5 }\n";
  if (c.engagement_cost >= 0.0) protocol += "disengagement = \"" + c.disengagement + "\"\n";
  return "[scenario]\nname = \"leverage\"\n[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[agents.ru]\nideal = { x = 1.0 }\n" +
         party + (c.red_lines ? "red_lines = { x = [0.8, 1.0] }\n" : "") +
         "[agents.ua]\nideal = { x = 0.0 }\n" + party +
         (c.red_lines ? "red_lines = { x = [0.0, 0.2] }\n" : "") + m + protocol +
         "[battlefield]\nissue = \"x\"\nstart = 0.5\nvolatility = 0.01\n"
         "[battlefield.contest]\nup = 100.0\ndown = 100.0\nreach = 0.1\n";
}

struct Round {
  double front = 0.0, text = 0.0, aid = 0.0, sanctions = 0.0;
};

struct Played {
  int outcome = -1, disengaged = -2, last_round = 0;
  double aid_mean = 0.0;
  std::vector<Round> rounds;
};

Played play(const Case& c, std::uint64_t run, int threads = 1) {
  const scenario::Scenario s = scenario::load_scenario_text(scenario_text(c), "case.toml");
  engine::Sampler sampler(s);
  Played p;
  engine::EngineOptions options;
  options.threads = threads;
  options.sink = [&](const engine::RunBlock& b) {
    p.outcome = b.outcome[0];
    p.disengaged = b.disengaged[0];
    p.last_round = b.last_round[0];
    p.aid_mean = b.aid[2];
    for (const auto& [index, trace] : b.traces) {
      for (const auto& round : trace.rounds) {
        p.rounds.push_back({round.front, round.text(0), round.aid.size() ? round.aid(2) : NAN,
                            round.sanctions.size() ? round.sanctions(2) : NAN});
      }
    }
  };
  engine::run_plan(s, sampler, {11, run, 1, run + 1}, options);
  return p;
}

double war_value(double s, double ideal, double mu) {
  const double rho = -std::log(kDiscount);
  return 1.0 - (s - ideal) * (s - ideal) - 2.0 * (s - ideal) * mu / rho -
         2.0 * mu * mu / (rho * rho) - kVolatility * kVolatility / rho;
}

// The mediator's expected utility of aid A and sanctions S after a round that ended with the
// front at s and the text x on the table, written out from the model's definition.
double mediator_value(const Case& c, double s, double x, double aid, double sanctions, bool talks) {
  const double up = kEffort - sanctions, down = kEffort + aid;
  const double mu = kReach * (2.0 * up / (up + down) - 1.0);
  const double cost = c.aid_cost * aid + c.sanctions_cost * sanctions +
                      (talks && c.engagement_cost > 0.0 ? c.engagement_cost : 0.0);
  const double war = war_value(s, c.mediator_ideal, mu) - c.mediator_war_cost;
  if (!talks) return war - cost;
  double p = 1.0;
  for (const double ideal : {1.0, 0.0}) {
    const double u = 1.0 - (x - ideal) * (x - ideal);
    p *= phi((u - (war_value(s, ideal, mu) - c.party_war_cost)) / kNoise);
  }
  const double u = 1.0 - (x - c.mediator_ideal) * (x - c.mediator_ideal);
  return (p * u + (1.0 - p) * (1.0 - kDiscount) * (war - cost)) / (1.0 - kDiscount * (1.0 - p));
}

struct Best {
  double aid = 0.0, sanctions = 0.0, value = -1e300;
  double runner_up = -1e300;  // the best value of the other pairs
};

Best brute_force(const Case& c, double s, double x, bool talks) {
  Best best;
  const int n = protocol::kInstrumentSteps;
  for (int k = 0; k <= n; ++k) {
    for (int m = 0; m <= n; ++m) {
      const double aid = c.aid_max * k / n, sanctions = c.sanctions_max * m / n;
      const double v = mediator_value(c, s, x, aid, sanctions, talks);
      if (v > best.value) {
        best = {aid, sanctions, v, best.value};
      } else {
        best.runner_up = std::max(best.runner_up, v);
      }
    }
  }
  return best;
}

}  // namespace

TEST(Instruments, TheValueSolvesTheDealOrWarRecursion) {
  // By hand: P = 0.5, u = 0.6, r = 0.4, C = 0.1, δ = 0.9: (0.3 + 0.5 · 0.1 · 0.3) / 0.55.
  EXPECT_NEAR(protocol::instrument_value(0.5, 0.6, 0.4, 0.1, 0.9), 0.315 / 0.55, 1e-15);
  for (const double p : {0.0, 0.1, 0.7, 1.0}) {
    for (const double delta : {0.0, 0.5, 0.95}) {
      EXPECT_NEAR(protocol::instrument_value(p, 0.7, 0.5, 0.05, delta),
                  iterated(p, 0.7, 0.5, 0.05, delta), 1e-12)
          << p << " " << delta;
    }
  }
  // A patient player waits for the deal however unlikely; with no chance of one it has the war.
  EXPECT_NEAR(protocol::instrument_value(0.01, 0.7, 0.5, 0.05, 1.0), 0.7, 1e-12);
  EXPECT_EQ(protocol::instrument_value(0.0, 0.7, 0.5, 0.05, 1.0), 0.45);
}

// The levels the mediator chose after round 1 (in force in round 2) are the best of every pair
// on the grid by the value written out here, for mediators nearer Kyiv or Moscow, dearer or
// cheaper instruments, and several runs (fronts and texts).
TEST(Instruments, TheChoiceMatchesABruteForceSearch) {
  std::vector<Case> cases(4);
  cases[1].mediator_ideal = 0.6;
  cases[2].aid_cost = 0.004;
  cases[2].sanctions_cost = 0.0001;
  cases[3].mediator_war_cost = 0.0;
  cases[3].mediator_ideal = 0.7;
  std::map<std::pair<int, int>, int> distinct;  // the choices seen, to show they differ
  constexpr double kClose = 1e-6;
  int exact = 0;  // choices with no other pair within kClose
  for (std::size_t j = 0; j < cases.size(); ++j) {
    for (std::uint64_t run = 0; run < 4; ++run) {
      const Played p = play(cases[j], run);
      ASSERT_GE(p.rounds.size(), 2u) << j;
      // Round 1 runs at the levels as the talks open (the maxima).
      EXPECT_EQ(p.rounds[0].aid, cases[j].aid_max);
      EXPECT_EQ(p.rounds[0].sanctions, cases[j].sanctions_max);
      const Best best = brute_force(cases[j], p.rounds[0].front, p.rounds[1].text, true);
      const double chosen = mediator_value(cases[j], p.rounds[0].front, p.rounds[1].text,
                                           p.rounds[1].aid, p.rounds[1].sanctions, true);
      // The war values here are the closed form far from the scale's ends (to about 1e-8), so
      // the choice is the best to 1e-6, and the same pair where no other comes that close.
      EXPECT_NEAR(chosen, best.value, kClose) << "case " << j << " run " << run;
      if (best.value - best.runner_up > kClose) {
        EXPECT_EQ(p.rounds[1].aid, best.aid) << "case " << j << " run " << run;
        EXPECT_EQ(p.rounds[1].sanctions, best.sanctions) << "case " << j << " run " << run;
        ++exact;
      }
      ++distinct[{static_cast<int>(std::lround(best.aid)),
                  static_cast<int>(std::lround(best.sanctions))}];
      // The run's mean aid is the mean of the levels in force round by round.
      double sum = 0.0;
      for (const Round& r : p.rounds) sum += r.aid;
      EXPECT_NEAR(p.aid_mean, sum / p.rounds.size(), 1e-12);
    }
  }
  EXPECT_GE(distinct.size(), 6u);  // the cases call for different leverage, corners and inside
  EXPECT_GE(exact, 12);
}

// Red lines that exclude each other (Moscow's x >= 0.8, Kyiv's x <= 0.2) leave no chance of a
// deal: staying costs the engagement and buys nothing, so a mediator with any engagement cost
// leaves after round 1 (the war alone is worth r − C, staying r − C − κ), one without stays (a
// tie is no reason to leave), and under "neutral" the talks go on without it, its levels those
// that are best for the war alone.
TEST(Instruments, AMediatorLeavesWhenTheWarAloneIsWorthMore) {
  Case c;
  c.red_lines = true;
  c.engagement_cost = 0.02;
  const Played left = play(c, 0);
  EXPECT_EQ(left.outcome, static_cast<int>(protocol::Outcome::abandoned));
  EXPECT_EQ(left.disengaged, 1);
  EXPECT_EQ(left.last_round, 1);

  c.engagement_cost = 0.0;
  const Played stays = play(c, 0);
  EXPECT_EQ(stays.outcome, static_cast<int>(protocol::Outcome::censored));
  EXPECT_EQ(stays.disengaged, -1);
  EXPECT_EQ(stays.last_round, 3);

  c.engagement_cost = 0.02;
  c.disengagement = "neutral";
  const Played neutral = play(c, 0);
  EXPECT_EQ(neutral.outcome, static_cast<int>(protocol::Outcome::censored));
  EXPECT_EQ(neutral.disengaged, 1);
  ASSERT_EQ(neutral.rounds.size(), 3u);
  const Best war = brute_force(c, neutral.rounds[0].front, 0.5, false);
  EXPECT_NEAR(neutral.rounds[1].aid, war.aid, 1e-9);
  EXPECT_NEAR(neutral.rounds[1].sanctions, war.sanctions, 1e-9);
  // Gone, it chooses no more: round 3 runs at the levels it left with.
  EXPECT_EQ(neutral.rounds[2].aid, neutral.rounds[1].aid);
  EXPECT_EQ(neutral.rounds[2].sanctions, neutral.rounds[1].sanctions);
}

// The choices are the same for any number of threads.
TEST(Instruments, ChoicesDoNotDependOnThreads) {
  const Case c;
  for (std::uint64_t run = 0; run < 3; ++run) {
    const Played one = play(c, run, 1), three = play(c, run, 3);
    ASSERT_EQ(one.rounds.size(), three.rounds.size());
    for (std::size_t t = 0; t < one.rounds.size(); ++t) {
      EXPECT_EQ(one.rounds[t].aid, three.rounds[t].aid);
      EXPECT_EQ(one.rounds[t].sanctions, three.rounds[t].sanctions);
    }
  }
}

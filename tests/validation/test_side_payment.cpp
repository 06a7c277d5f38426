// Side payments (docs/model.md, "Side payments"): the mediator's choice of payments against a
// brute-force search, and a two-party division in which the deal and the payment follow from the
// first-order conditions of the mediator's objective, with the budget slack, binding, or zero.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/protocol/side_payment.hpp"
#include "parley/protocol/solve/nash_objective.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;
using protocol::NashObjective;

namespace {

double objective(const protocol::Vector& theta, const protocol::Vector& gain,
                 const protocol::Vector& value, double unit_cost, const protocol::Vector& s) {
  double f = -unit_cost * s.sum();
  for (Eigen::Index i = 0; i < theta.size(); ++i) {
    if (theta(i) > 0.0) f += theta(i) * NashObjective::phi(gain(i) + value(i) * s(i));
  }
  return f;
}

// The root of a decreasing function on [lo, hi], by bisection.
double root(const std::function<double(double)>& f, double lo, double hi) {
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) > 0.0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

struct Deal {
  int outcome = -1, round = -1;
  double text = 0.0, payment_ru = 0.0, payment_ua = 0.0;
  std::vector<double> traced_ru;  // Moscow's payment round by round
};

// One issue x in [0, 1]: Moscow ("ru") u = x, Kyiv ("ua") u = 1 − x, BATNAs 0.35, both demanding
// everything until a known deadline (Boulware concession toward their BATNAs), so the mediator
// reaches its optimum before the last round, where the deal is signed. The mediator (ideal 0,
// stake β) pays Moscow up to `budget` units, each worth γ to it and costing the mediator c.
Deal leverage(double beta, double cost, double value, double budget) {
  const std::string side =
      "reservation = 0.35\naspiration = 1.0\naspiration_limit = 0.35\nconcession_beta = 0.01\n"
      "assertiveness = 0.0\nsalience = { x = 1.0 }\n";
  const std::string text =
      "[scenario]\nname = \"leverage\"\n[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
      "[agents.ru]\nideal = { x = 1.0 }\n" +
      side + "[agents.ua]\nideal = { x = 0.0 }\n" + side +
      "[agents.m]\nrole = \"mediator\"\nreservation = 0.0\nideal = { x = 0.0 }\n"
      "salience = { x = 1.0 }\nside_payment = { budget = " +
      std::to_string(budget) + ", cost = " + std::to_string(cost) +
      ", to = { ru = " + std::to_string(value) +
      " } }\n"
      "[protocol]\nkind = \"mediated\"\ndeadline = 80\nmax_rounds = 80\nwalkout_patience = 5\n"
      "batna_noise = 0.0\ntrust_region = 0.01\nmediator_stake = " +
      std::to_string(beta) + "\nfirst_draft = { x = 0.5 }\n";
  const scenario::Scenario s = scenario::load_scenario_text(text, "case.toml");
  engine::Sampler sampler(s);
  Deal d;
  engine::EngineOptions options;
  options.threads = 1;
  options.sink = [&](const engine::RunBlock& b) {
    d.outcome = b.outcome[0];
    d.round = b.round[0];
    d.text = b.final_text[0];
    d.payment_ru = b.payment[0];
    d.payment_ua = b.payment[1];
    for (const auto& [run, trace] : b.traces) {
      for (const auto& round : trace.rounds) d.traced_ru.push_back(round.payment(0));
    }
  };
  engine::run_plan(s, sampler, {5, 0, 1, 1}, options);
  return d;
}

constexpr double kEps = NashObjective::kEpsilon;
constexpr double kBatna = 0.35;

}  // namespace

// The payments water_fill chooses against the best of a fine grid over s1, s2 >= 0, s1 + s2 <= B
// (three parties, one paid nothing), with the budget slack and binding, free and costly units.
TEST(SidePayments, TheChoiceMatchesABruteForceSearch) {
  protocol::Vector theta(3), gain(3), value(3);
  theta << 0.5, 0.3, 0.2;
  gain << 0.05, 0.2, -0.1;
  value << 1.0, 0.5, 0.0;
  for (const double cost : {0.0, 0.5, 2.0}) {
    for (const double budget : {0.0, 0.1, 0.4, 2.0}) {
      protocol::Vector s;
      protocol::water_fill(theta, gain, value, cost, budget, s);
      ASSERT_EQ(s.size(), 3);
      EXPECT_EQ(s(2), 0.0);  // worth nothing to its receiver
      EXPECT_LE(s.sum(), budget + 1e-12);
      EXPECT_GE(s.minCoeff(), 0.0);
      const double chosen = objective(theta, gain, value, cost, s);
      double best = -1e300;
      const int steps = 400;
      protocol::Vector t = protocol::Vector::Zero(3);
      for (int a = 0; a <= steps; ++a) {
        for (int b = 0; a + b <= steps; ++b) {
          t(0) = budget * a / steps;
          t(1) = budget * b / steps;
          best = std::max(best, objective(theta, gain, value, cost, t));
        }
      }
      // No grid point beats the choice; the grid gets within its spacing of it.
      EXPECT_GE(chosen, best - 1e-12) << "cost " << cost << " budget " << budget;
      EXPECT_LE(chosen - best, 1e-3 + 50.0 * budget / steps)
          << "cost " << cost << " budget " << budget;
    }
  }
}

// With the budget slack, the conditions of the mediator's objective
//   F = ½ log(x − b + ε + γ s) + ½ log(1 − x − b + ε) + β (1 − x − c s)
// give ∂F/∂s = 0: Moscow's gain x − b + ε + γ s = γ / (2 β c), and ∂F/∂x = 0: Kyiv's gain
// 1 − x − b + ε = 1 / (2 β (c/γ − 1)). β = 1, c = 2, γ = 1: x = 0.16, s = 0.43 — below Moscow's
// BATNA, signed for the payment: the mediator buys terms near its own ideal.
TEST(SidePayments, TheDealAndThePaymentFollowFromTheFirstOrderConditions) {
  const double beta = 1.0, cost = 2.0, value = 1.0;
  const double kyiv_gain = 1.0 / (2.0 * beta * (cost / value - 1.0));
  const double x = 1.0 - kBatna + kEps - kyiv_gain;
  const double s = (value / (2.0 * beta * cost) - (x - kBatna + kEps)) / value;
  ASSERT_NEAR(x, 0.16, 1e-12);
  ASSERT_NEAR(s, 0.43, 1e-12);
  const Deal d = leverage(beta, cost, value, 1.0);
  EXPECT_EQ(d.outcome, static_cast<int>(protocol::Outcome::agreement));
  EXPECT_EQ(d.round, 80);
  EXPECT_NEAR(d.text, x, 2e-3);
  EXPECT_NEAR(d.payment_ru, s, 2e-3);
  EXPECT_EQ(d.payment_ua, 0.0);
  EXPECT_LT(d.text, kBatna);  // Moscow signs a text below its BATNA, for the payment
  // The trace: the first draft carries no payment, the text signed in the last round the one
  // recorded.
  ASSERT_EQ(d.traced_ru.size(), 80u);
  EXPECT_EQ(d.traced_ru.front(), 0.0);
  EXPECT_EQ(d.traced_ru.back(), d.payment_ru);
}

// A binding budget B: s = B, and x solves ½/(x − b + ε + γB) − ½/(1 − x − b + ε) = β. Without a
// budget the text is the plain Nash condition's, ½/(x − b + ε) − ½/(1 − x − b + ε) = β; the more
// the mediator may pay, the nearer the deal to its ideal.
TEST(SidePayments, ABindingBudgetIsSpentAndMovesTheDealLess) {
  const double beta = 1.0, cost = 2.0, value = 1.0;
  double previous = -1.0;
  for (const double budget : {0.0, 0.1, 0.2, 0.3}) {
    const double pay = value * budget;
    const double x = root(
        [&](double y) {
          return 0.5 / (y - kBatna + kEps + pay) - 0.5 / (1.0 - y - kBatna + kEps) - beta;
        },
        kBatna - kEps - pay + 1e-12, 1.0 - kBatna + kEps - 1e-12);
    const Deal d = leverage(beta, cost, value, budget);
    EXPECT_EQ(d.outcome, static_cast<int>(protocol::Outcome::agreement)) << "budget " << budget;
    EXPECT_NEAR(d.text, x, 2e-3) << "budget " << budget;
    EXPECT_NEAR(d.payment_ru, budget, 1e-9) << "budget " << budget;
    if (previous >= 0.0) EXPECT_LT(x, previous);
    previous = x;
  }
}

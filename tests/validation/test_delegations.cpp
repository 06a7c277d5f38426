// Delegations (docs/model.md, "Delegations"): the joint Nash position against a brute-force
// search, the weighted-mean target against its closed form, and a three-party division in which a
// delegation's voice moves the deal as the first-order conditions of the mediator's objective say.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/delegation.hpp"
#include "parley/protocol/mediated.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/protocol/solve/nash_objective.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;
using protocol::Index;
using protocol::NashObjective;
using protocol::Vector;

namespace {

// Two members (agents 0 and 1) and an outsider (2) over two issues, with unequal powers, weights
// and shapes, and a red line of member 1 that cuts into member 0's side.
struct TwoIssues {
  protocol::Setting setting;
  protocol::Realization r;
  protocol::Workspace w;
  TwoIssues() {
    r.resize(3, 2);
    r.prefs.ideal << 0.1, 0.9,  // agent 0's ideals on issues 0 and 1
        0.8, 0.2,               // agent 1's
        1.0, 0.5;               // agent 2's
    r.prefs.weight << 0.7, 0.3, 0.2, 0.8, 0.5, 0.5;
    r.prefs.shape(0, 1) = static_cast<std::int8_t>(model::Shape::quadratic);
    r.prefs.shape(1, 0) = static_cast<std::int8_t>(model::Shape::quadratic);
    r.prefs.red_lo(1, 0) = 0.3;  // member 1 takes nothing below 0.3 on issue 0
    r.power << 1.0, 0.6, 1.0;
    setting.veto = {true, true, true};
    setting.is_party = {true, true, true};
    setting.delegations.push_back({{0, 1}, protocol::JointPosition::nash, protocol::Voice::sum});
    w.resize(3, 2);
    w.batna << 0.3, 0.35, 0.2;
  }
  // The members' weighted Nash objective, evaluated directly.
  double nash(const Vector& z) const {
    double g = 0.0;
    for (Index i = 0; i < 2; ++i) {
      const double gain = model::utility(r.prefs, i, z) - model::red_line_excess(r.prefs, i, z) -
                          w.batna(i) + NashObjective::kEpsilon;
      g += r.power(i) / 1.6 * NashObjective::phi(gain);
    }
    return g;
  }
};

}  // namespace

// No point of a fine grid over the unit square beats the joint position, and the grid's best
// lies within its spacing of it.
TEST(Delegations, TheJointNashPositionMatchesABruteForceSearch) {
  TwoIssues c;
  const Vector x = Vector::Constant(2, 0.5);
  Vector z;
  protocol::joint_position(c.setting, c.r, c.w, 0, x, z);
  const double chosen = c.nash(z);
  const int steps = 400;
  double best = -1e300;
  Vector at(2), best_at(2);
  for (int a = 0; a <= steps; ++a) {
    for (int b = 0; b <= steps; ++b) {
      at << static_cast<double>(a) / steps, static_cast<double>(b) / steps;
      if (const double v = c.nash(at); v > best) {
        best = v;
        best_at = at;
      }
    }
  }
  EXPECT_GE(chosen, best - 1e-9);
  EXPECT_LE(chosen - best, 1e-3);
  EXPECT_NEAR(z(0), best_at(0), 2.0 / steps);
  EXPECT_NEAR(z(1), best_at(1), 2.0 / steps);
  // The "mean" rule: the power- and weight-weighted mean of the ideals, issue by issue.
  c.setting.delegations[0].position = protocol::JointPosition::mean;
  protocol::joint_position(c.setting, c.r, c.w, 0, x, z);
  EXPECT_NEAR(z(0), (1.0 * 0.7 * 0.1 + 0.6 * 0.2 * 0.8) / (1.0 * 0.7 + 0.6 * 0.2), 1e-15);
  EXPECT_NEAR(z(1), (1.0 * 0.3 * 0.9 + 0.6 * 0.8 * 0.2) / (1.0 * 0.3 + 0.6 * 0.8), 1e-15);
}

// One issue; parties UA 0, RU 0.8, US 0.55, EU 0.35 with p·w = 1 (the closed form of
// docs/model.md, target 0.425), UA and EU in one delegation with linear values:
//   "mean", voice "sum": z_D = 0.175, the target stays (0.175·2 + 0.8 + 0.55)/4 = 0.425;
//   "mean", voice "one": UA and EU weigh ½ each, (½·0.175·2 + 1.35)/3 = 0.508333…;
//   "nash" at BATNAs 0.5 (UA) and 0.6 (EU): equal gains 1 − z − 0.5 = 0.65 + z − 0.6 give
//   z_D = 0.225 (the member with the better outside option pulls it), the target (0.45 + 1.35)/4
//   = 0.45.
TEST(Delegations, TheWeightedMeanTargetTakesTheJointPosition) {
  protocol::Setting setting;
  setting.veto = {true, true, true, true};
  setting.is_party = {true, true, true, true};
  protocol::Realization r;
  r.resize(4, 1);
  r.prefs.ideal << 0.0, 0.8, 0.55, 0.35;
  r.prefs.weight.setOnes();
  r.power.setOnes();
  protocol::Workspace w;
  w.resize(4, 1);
  w.batna << 0.5, 0.2, 0.2, 0.6;
  const Vector x = Vector::Constant(1, 0.5);
  Vector target;
  setting.delegations.push_back({{0, 3}, protocol::JointPosition::mean, protocol::Voice::sum});
  protocol::weighted_mean_target(setting, r, w, x, target);
  EXPECT_NEAR(target(0), 0.425, 1e-15);
  setting.delegations[0].voice = protocol::Voice::one;
  protocol::weighted_mean_target(setting, r, w, x, target);
  EXPECT_NEAR(target(0), (0.175 + 1.35) / 3.0, 1e-15);
  setting.delegations[0] = {{0, 3}, protocol::JointPosition::nash, protocol::Voice::sum};
  Vector z;
  protocol::joint_position(setting, r, w, 0, x, z);
  EXPECT_NEAR(z(0), 0.225, 1e-7);
  protocol::weighted_mean_target(setting, r, w, x, target);
  EXPECT_NEAR(target(0), 0.45, 1e-7);
}

// A delegation of one seat shares its strongest member's power in proportion to its members'
// own; a member that has left takes no share and leaves the rest theirs.
TEST(Delegations, OneSeatSharesItsStrongestMembersPower) {
  protocol::Setting setting;
  setting.delegations.push_back({{1, 2}, protocol::JointPosition::nash, protocol::Voice::one});
  Vector power(4), voice;
  power << 1.0, 1.0, 0.7, 0.5;
  std::vector<bool> left(4, false);
  protocol::voices(setting, power, left, voice);
  EXPECT_DOUBLE_EQ(voice(0), 1.0);
  EXPECT_NEAR(voice(1), 1.0 / 1.7, 1e-15);
  EXPECT_NEAR(voice(2), 0.7 / 1.7, 1e-15);
  EXPECT_DOUBLE_EQ(voice(3), 0.5);
  left[1] = true;
  protocol::voices(setting, power, left, voice);
  EXPECT_NEAR(voice(2), 0.7, 1e-15);
  setting.delegations[0].voice = protocol::Voice::sum;
  left[1] = false;
  protocol::voices(setting, power, left, voice);
  EXPECT_EQ(voice.matrix(), power.matrix());
}

namespace {

// One issue x in [0, 1]: Moscow ("ru") u = x, Kyiv ("ua") and Europe ("eu") u = 1 − x, BATNAs
// 0.35, all demanding everything until a known deadline (Boulware concession toward their
// BATNAs), so the mediator (stake 0) reaches the maximum of its objective before the last round,
// where the deal is signed. `delegation`: a [[delegations]] table for ua and eu, or nothing.
double divided(const std::string& delegation) {
  const std::string side =
      "reservation = 0.35\naspiration = 1.0\naspiration_limit = 0.35\nconcession_beta = 0.01\n"
      "assertiveness = 0.5\nsalience = { x = 1.0 }\n";
  const std::string text =
      "[scenario]\nname = \"delegation\"\n[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
      "[agents.ru]\nideal = { x = 1.0 }\n" +
      side + "[agents.ua]\nideal = { x = 0.0 }\n" + side + "[agents.eu]\nideal = { x = 0.0 }\n" +
      side +
      "[agents.m]\nrole = \"mediator\"\nreservation = 0.0\nideal = { x = 0.0 }\n"
      "salience = { x = 1.0 }\n"
      "[protocol]\nkind = \"mediated\"\ndeadline = 80\nmax_rounds = 80\nwalkout_patience = 5\n"
      "batna_noise = 0.0\ntrust_region = 0.01\nmediator_stake = 0.0\nfirst_draft = { x = 0.5 }\n" +
      delegation;
  const scenario::Scenario s = scenario::load_scenario_text(text, "case.toml");
  engine::Sampler sampler(s);
  int outcome = -1, round = -1;
  double deal = -1.0;
  engine::EngineOptions options;
  options.threads = 1;
  options.sink = [&](const engine::RunBlock& b) {
    outcome = b.outcome[0];
    round = b.round[0];
    deal = b.final_text[0];
  };
  engine::run_plan(s, sampler, {1, 0, 1, 1}, options);
  EXPECT_EQ(outcome, static_cast<int>(protocol::Outcome::agreement));
  EXPECT_EQ(round, 80);
  return deal;
}

}  // namespace

// Seated apart, or together with their power summed, Kyiv and Europe weigh 2/3 against Moscow's
// 1/3: ∂F/∂x = 0 gives 1 − x − b + ε = 2 (x − b + ε), x = (1 + b − ε)/3. As one seat the
// delegation weighs as Moscow does: x − b + ε = 1 − x − b + ε, x = ½ — the group's disadvantage
// (Chae & Heidhues 2004). The joint position only seeds the ascent, so it leaves the deal.
TEST(Delegations, ASeatsVoiceMovesTheDealByTheFirstOrderConditions) {
  const double b = 0.35, eps = NashObjective::kEpsilon;
  const double apart = divided("");
  EXPECT_NEAR(apart, (1.0 + b - eps) / 3.0, 2e-3);
  const std::string seat = "[[delegations]]\nmembers = [\"ua\", \"eu\"]\n";
  EXPECT_NEAR(divided(seat + "voice = \"sum\"\n"), apart, 1e-6);
  EXPECT_NEAR(divided(seat + "voice = \"one\"\n"), 0.5, 2e-3);
  EXPECT_NEAR(divided(seat + "voice = \"one\"\nposition = \"mean\"\n"), 0.5, 2e-3);
}

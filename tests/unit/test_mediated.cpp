// The mediated single-text protocol against closed forms and hand-built cases
// (docs/model.md, "Mediated single negotiating text").
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/mediated.hpp"
#include "parley/protocol/solve/nash_objective.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;
using protocol::Index;

namespace {

// The weighted-mean closed form of docs/model.md: one issue; parties UA 0, RU 0.8, US 0.55, EU 0.35
// with p·s = 1 each, and a mediator whose own ideal is 0.6.
struct OneIssue {
  protocol::Setting setting;
  protocol::Realization r;
  protocol::Workspace w;
  protocol::Vector x = protocol::Vector::Constant(1, 0.5);
  OneIssue(double stake) {
    w.resize(5, 1);
    r.resize(5, 1);
    r.prefs.ideal << 0.0, 0.8, 0.55, 0.35, 0.6;
    r.prefs.weight.setOnes();
    r.power.setOnes();
    r.mediator_stake = stake;
    setting.veto = {true, true, true, true, false};
    setting.is_party = {true, true, true, true, false};
    setting.mediator = 4;
  }
};

}  // namespace

TEST(WeightedMeanRevision, UnbiasedTargetIsTheWeightedMeanOfIdeals) {
  OneIssue c(0.0);
  protocol::Vector z;
  protocol::weighted_mean_target(c.setting, c.r, c.w, c.x, z);
  EXPECT_NEAR(z(0), 0.425, 1e-15);
}

TEST(WeightedMeanRevision, MediatorStakeBiasesTheTarget) {
  OneIssue c(2.0);
  protocol::Vector z;
  protocol::weighted_mean_target(c.setting, c.r, c.w, c.x, z);
  EXPECT_NEAR(z(0), 29.0 / 60.0, 1e-15);
}

TEST(WeightedMeanRevision, StepMovesTowardTheTargetWithinTheTrustRegion) {
  OneIssue c(2.0);
  c.setting.revision = protocol::Revision::weighted_mean;
  c.r.step = 0.5;
  c.r.trust_region = 1.0;
  protocol::Workspace w;
  w.resize(5, 1);
  protocol::Vector x(1);
  x << 0.1;
  protocol::revise(c.setting, c.r, w, x);
  EXPECT_NEAR(x(0), 0.1 + 0.5 * (29.0 / 60.0 - 0.1), 1e-15);  // x + η (z* - x)
  c.r.trust_region = 0.05;
  x << 0.1;
  protocol::revise(c.setting, c.r, w, x);
  EXPECT_NEAR(x(0), 0.15, 1e-15);  // clipped to the trust region
}

namespace {

// Two veto parties and a mediator over one or two issues, built from TOML so that the
// whole path (scenario -> sampler -> protocol) is exercised.
std::string two_party_scenario(const std::string& a_extra, const std::string& b_extra,
                               const std::string& protocol_extra,
                               const std::string& first_draft = "{ land = 0.5, money = 50.0 }") {
  return "[scenario]\nname = \"duel\"\n"
         "[issues.land]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[issues.money]\nrange = [0.0, 100.0]\nstatus_quo = 50.0\n"
         "[agents.m]\nrole = \"mediator\"\nwar_cost = 0.0\nsalience = { land = 1.0 }\n"
         "ideal = { land = 0.5 }\n"
         "[agents.a]\nsalience = { land = 0.7, money = 0.3 }\n"
         "ideal = { land = { uniform = [0.0, 0.2] }, money = 0.0 }\n" +
         a_extra +
         "\n[agents.b]\nsalience = { land = 0.6, money = 0.4 }\n"
         "ideal = { land = { uniform = [0.8, 1.0] }, money = 100.0 }\n" +
         b_extra + "\n[protocol]\nfirst_draft = " + first_draft + "\n" + protocol_extra + "\n";
}

std::vector<engine::RunBlock> run_all(const scenario::Scenario& s, std::uint64_t runs,
                                      int threads) {
  engine::Sampler sampler(s);
  std::vector<engine::RunBlock> blocks;
  engine::EngineOptions options;
  options.threads = threads;
  options.block_runs = 16;
  options.sink = [&](const engine::RunBlock& b) { blocks.push_back(b); };
  EXPECT_EQ(engine::run_plan(s, sampler, {7, 0, runs}, options), runs);
  return blocks;
}

}  // namespace

TEST(MediatedProtocol, FirstDraftThatEveryoneAcceptsIsTheDealInRoundOne) {
  const auto s = scenario::load_scenario_text(
      two_party_scenario("reservation = 0.2", "reservation = 0.2", ""), "duel.toml");
  for (const auto& b : run_all(s, 64, 1)) {
    for (std::size_t row = 0; row < b.count; ++row) {
      EXPECT_EQ(b.agreement[row], 1);
      EXPECT_EQ(b.outcome[row], 0);
      EXPECT_EQ(b.round[row], 1);
      EXPECT_EQ(b.blocker[row], -1);
      EXPECT_EQ(b.obstacle[row], -1);
      EXPECT_DOUBLE_EQ(b.deal[row * 2 + 0], 0.5);
      EXPECT_DOUBLE_EQ(b.deal[row * 2 + 1], 50.0);
    }
  }
}

TEST(MediatedProtocol, DiscountedValueOfADealInRoundOne) {
  const auto s = scenario::load_scenario_text(
      two_party_scenario("reservation = 0.2\ndiscount = 0.9", "reservation = 0.2", ""),
      "duel.toml");
  const auto blocks = run_all(s, 8, 1);
  const auto& b = blocks.front();
  // Agent a is index 1: PV = 0.9^1 * u.
  EXPECT_NEAR(b.utility_pv[0 * 3 + 1], 0.9 * b.utility[0 * 3 + 1], 1e-15);
  EXPECT_NEAR(b.utility_pv[0 * 3 + 2], b.utility[0 * 3 + 2], 1e-15);
}

TEST(MediatedProtocol, ExclusiveRedLinesNeverAgreeAndTheObstacleIsThatIssue) {
  const auto s = scenario::load_scenario_text(
      two_party_scenario("reservation = 0.0\nred_lines = { land = [0.0, 0.3] }",
                         "reservation = 0.0\nred_lines = { land = [0.6, 1.0] }",
                         "max_rounds = 12\nwalkout_patience = 1000"),
      "duel.toml");
  std::size_t runs = 0;
  for (const auto& b : run_all(s, 200, 2)) {
    for (std::size_t row = 0; row < b.count; ++row, ++runs) {
      ASSERT_EQ(b.agreement[row], 0);
      EXPECT_EQ(b.outcome[row], 5);   // censored: still talking at the horizon
      EXPECT_EQ(b.obstacle[row], 0);  // land
      // With both reservations at 0, the shortfall is the distance beyond the red line:
      // a (index 1) objects to land above 0.3, b (index 2) to land below 0.6.
      const double land = b.final_text[row * 2 + 0];
      const double excess_a = std::max(0.0, land - 0.3);
      const double excess_b = std::max(0.0, 0.6 - land);
      EXPECT_EQ(b.blocker[row], excess_a >= excess_b ? 1 : 2) << "land " << land;
      EXPECT_TRUE(std::isnan(b.deal[row * 2]));
      EXPECT_EQ(b.round[row], -1);
    }
  }
  EXPECT_EQ(runs, 200u);
}

TEST(MediatedProtocol, WalkOutWhenNothingReachableBeatsTheBatna) {
  // b's reservation 0.99 cannot be met by any text within reach: it walks out after K rounds.
  const auto s = scenario::load_scenario_text(
      two_party_scenario("reservation = 0.0", "reservation = 0.99", "walkout_patience = 3"),
      "duel.toml");
  for (const auto& b : run_all(s, 32, 1)) {
    for (std::size_t row = 0; row < b.count; ++row) {
      EXPECT_EQ(b.outcome[row], 1);
      EXPECT_EQ(b.blocker[row], 2);
      EXPECT_EQ(b.agreement[row], 0);
    }
  }
}

TEST(MediatedProtocol, NashRevisionFindsTheZoneOfAgreement) {
  // Both need 0.5. With money = 100 (b's ideal), u_a = 0.7 (1 - (x - a)) >= 0.5 for
  // x <= a + 2/7 and u_b = 0.6 (1 - (b - x)) + 0.4 >= 0.5 for x >= b - 5/6; since b - a <= 1,
  // that band is at least 0.12 wide in every run: a zone of agreement always exists. The first
  // draft (0.5, 0) gives b at most 0.6 (1.5 - b) <= 0.42, so the mediator has to find the zone.
  const auto s = scenario::load_scenario_text(
      two_party_scenario("reservation = 0.5", "reservation = 0.5",
                         "max_rounds = 30\ntrust_region = 0.1\nwalkout_patience = 1000",
                         "{ land = 0.5, money = 0.0 }"),
      "duel.toml");
  std::size_t deals = 0, runs = 0, revised = 0;
  for (const auto& b : run_all(s, 100, 2)) {
    for (std::size_t row = 0; row < b.count; ++row, ++runs) {
      if (!b.agreement[row]) continue;
      ++deals;
      revised += b.round[row] > 1;
      // A deal gives every veto player at least its reservation.
      EXPECT_GE(b.utility[row * 3 + 1], 0.5);
      EXPECT_GE(b.utility[row * 3 + 2], 0.5);
    }
  }
  EXPECT_EQ(deals, runs);
  EXPECT_EQ(revised, runs);  // no deal without the mediator's revisions
}

TEST(MediatedProtocol, ReachesATermThatBothRedLinesPin) {
  // Both veto players accept money = 30 only. With it, u_a = 0.7 (1 - |x - a|) + 0.21 and
  // u_b = 0.6 (1 - |b - x|) + 0.12 both reach 0.3 at land 0.5 for every a in [0, 0.2] and
  // b in [0.8, 1]: a zone of agreement exists in every run. The first draft (money 50) is
  // 0.2 away, two revisions of the trust region 0.1; the mediator has to land exactly on 30.
  const auto s = scenario::load_scenario_text(
      two_party_scenario("reservation = 0.3\nred_lines = { money = [30.0, 30.0] }",
                         "reservation = 0.3\nred_lines = { money = [30.0, 30.0] }",
                         "max_rounds = 12\ntrust_region = 0.1\nbatna_noise = 0.02"),
      "duel.toml");
  std::size_t deals = 0, runs = 0;
  for (const auto& b : run_all(s, 100, 2)) {
    for (std::size_t row = 0; row < b.count; ++row, ++runs) {
      if (!b.agreement[row]) continue;
      ++deals;
      EXPECT_NEAR(b.deal[row * 2 + 1], 30.0, 1e-12);
      EXPECT_GE(b.round[row], 3);  // two revisions at least
    }
  }
  EXPECT_EQ(deals, runs);
}

TEST(MediatedProtocol, AShockChangesAParameterFromItsRound) {
  // b cannot accept anything (reservation 0.99) until round 3, when its reservation drops to
  // 0; a accepts the first draft throughout, so the deal comes in round 3 exactly.
  const auto s = scenario::load_scenario_text(
      two_party_scenario("reservation = 0.2", "reservation = 0.99",
                         "walkout_patience = 1000\ntrust_region = 0.0\n"
                         "[[shocks]]\nround = 3\nkey = \"agents.b.reservation\"\nvalue = 0.0"),
      "duel.toml");
  ASSERT_EQ(s.shocks.size(), 1u);
  for (const auto& b : run_all(s, 20, 1)) {
    for (std::size_t row = 0; row < b.count; ++row) {
      EXPECT_EQ(b.agreement[row], 1);
      EXPECT_EQ(b.round[row], 3);
      EXPECT_DOUBLE_EQ(b.batna[row * 3 + 2], 0.0);  // the shocked reservation
    }
  }
}

TEST(MediatedProtocol, ShockKeysAreChecked) {
  try {
    scenario::load_scenario_text(
        two_party_scenario("reservation = 0.2", "reservation = 0.5",
                           "[[shocks]]\nround = 3\nkey = \"agents.b.reservaton\"\nvalue = 0.0"),
        "duel.toml");
    FAIL() << "accepted an unknown shock key";
  } catch (const scenario::ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].key, "shocks[0].key");
    EXPECT_EQ(e.diagnostics()[0].problem, "no parameter \"agents.b.reservaton\"");
    EXPECT_EQ(e.diagnostics()[0].allowed, "did you mean \"agents.b.reservation\"?");
  }
}

TEST(MediatedProtocol, BatnaFollowsTheBattlefieldMinusWarCost) {
  protocol::Setting setting;
  setting.veto = {true};
  setting.is_party = {true};
  protocol::Realization r;
  r.resize(1, 2);
  r.prefs.ideal << 1.0, 0.0;
  r.prefs.weight << 0.5, 0.5;
  r.status_quo << 0.2, 0.4;
  r.war_cost << 0.1;
  protocol::Workspace w;
  w.resize(1, 2);
  protocol::Vector out;
  protocol::batnas(setting, r, 0.7, 1, w, out);
  // x_war = (0.7, 0.4): u = 0.5*0.7 + 0.5*0.6 = 0.65; r = 0.65 - 0.1.
  EXPECT_NEAR(out(0), 0.55, 1e-15);
  r.reservation << 0.3;
  protocol::batnas(setting, r, 0.7, 1, w, out);
  EXPECT_DOUBLE_EQ(out(0), 0.3);
}

namespace {

// F(x) of docs/model.md (mediated protocol, step 4) written out term by term, the independent
// expectation for the packed objective.
double direct_objective(const protocol::Realization& r, const std::vector<bool>& counted,
                        const protocol::Vector& estimate, Index mediator,
                        const protocol::Vector& x) {
  double theta_total = 0.0;
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    if (counted[static_cast<std::size_t>(i)]) theta_total += r.power(i);
  }
  double f = 0.0;
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    if (!counted[static_cast<std::size_t>(i)]) continue;
    const double g = model::utility(r.prefs, i, x) - model::red_line_excess(r.prefs, i, x) -
                     estimate(i) + protocol::NashObjective::kEpsilon;
    f += r.power(i) / theta_total * protocol::NashObjective::phi(g);
  }
  return f + r.mediator_stake * model::utility(r.prefs, mediator, x);
}

}  // namespace

TEST(NashObjective, ValueAndGradientMatchTheFormulaTermByTerm) {
  // Three parties (one has left) and a mediator over three issues; linear, then mixed shapes.
  for (const bool mixed : {false, true}) {
    protocol::Realization r;
    r.resize(4, 3);
    r.prefs.ideal << 0.1, 0.9, 0.3, 0.8, 0.2, 0.6, 0.5, 0.5, 0.5, 0.6, 0.4, 0.7;
    r.prefs.weight << 0.5, 0.3, 0.2, 0.2, 0.2, 0.6, 0.4, 0.4, 0.2, 0.3, 0.3, 0.4;
    r.prefs.red_hi(0, 0) = 0.3;  // agent 0 rejects x_0 > 0.3
    r.prefs.red_lo(1, 2) = 0.5;  // agent 1 rejects x_2 < 0.5
    if (mixed) r.prefs.shape(1, 1) = static_cast<std::int8_t>(model::Shape::quadratic);
    r.power << 2.0, 1.0, 1.0, 0.0;
    r.mediator_stake = 0.7;
    const std::vector<bool> counted{true, true, false, false};
    protocol::Vector estimate(4);
    estimate << 0.55, 0.3, 0.2, 0.0;  // agent 0 ends up below the tangent threshold
    protocol::NashObjective objective;
    objective.pack(r.prefs, counted, r.power, estimate, 3, r.mediator_stake);
    protocol::Vector x(3), grad, scratch;
    x << 0.45, 0.35, 0.42;  // crosses both red lines, away from every kink
    EXPECT_NEAR(objective.evaluate(x, grad), direct_objective(r, counted, estimate, 3, x), 1e-13);
    for (Index k = 0; k < 3; ++k) {
      const double h = 1e-7;
      protocol::Vector up = x, down = x;
      up(k) += h;
      down(k) -= h;
      const double numeric = (direct_objective(r, counted, estimate, 3, up) -
                              direct_objective(r, counted, estimate, 3, down)) /
                             (2.0 * h);
      EXPECT_NEAR(grad(k), numeric, 1e-6) << "issue " << k << (mixed ? " (mixed shapes)" : "");
    }
  }
}

// The expected value of fighting on (docs/model.md, "The outside option and the war"): with a
// deterministic drift toward the agent's ideal, its battlefield term is the closed-form sum
// (1 − δ)[s Σ_{n<N} δ^n + μ Σ_{n<N} n δ^n] + δ^N (v(x) = x reaches 1 at step N); the other
// issues stay at the status quo; a scheduled rise of the war cost from c to c' in round R is
// worth δ^{R − t}(c' − c) in round t. Its own belief in the drift replaces the battlefield's.
TEST(MediatedProtocol, BatnaIsTheExpectedValueOfFightingOn) {
  protocol::Setting setting;
  setting.veto = {true};
  setting.is_party = {true};
  setting.battlefield_issue = 0;
  protocol::Realization r;
  r.resize(1, 2);
  r.prefs.ideal << 1.0, 0.0;
  r.prefs.weight << 0.6, 0.4;
  r.status_quo << 0.2, 0.25;
  r.war_cost << 0.1;
  r.discount << 0.9;
  r.battlefield_drift = -0.5;  // the battlefield's own drift, which the agent does not believe
  r.expected_drift << 0.02;
  r.shocks.push_back({5, protocol::Field::war_cost, 0, 0, 0.3});
  setting.scheduled = {0};
  protocol::Workspace w;
  w.resize(1, 2);
  protocol::Vector out;
  const double s = 0.7, mu = 0.02, d = 0.9;
  protocol::learn_drift(r, 1, false, s, s, w);  // its belief as it starts
  protocol::batnas(setting, r, s, 2, w, out);
  // H = ρ ∫ e^{−ρt} v(s + μt) dt over the path held at the bound it reaches (ρ = −ln δ), by the
  // midpoint rule on steps of 1e-4 rounds over 600 rounds (e^{−600ρ} < 1e-27).
  const double rho = -std::log(d);
  auto path_value = [&](double drift) {
    double total = 0.0;
    for (int k = 0; k < 6000000; ++k) {
      const double t = (k + 0.5) * 1e-4;
      total += rho * std::exp(-rho * t) * std::clamp(s + drift * t, 0.0, 1.0) * 1e-4;
    }
    return total;
  };
  const double h = path_value(mu);
  double cost = 0.0;  // c(t + n) = 0.1 before round 5, 0.3 from it; t = 2
  for (int n = 0; n < 4000; ++n) cost += (1 - d) * std::pow(d, n) * (2 + n < 5 ? 0.1 : 0.3);
  EXPECT_NEAR(out(0), 0.6 * h + 0.4 * 0.75 - cost, 1e-9);
  EXPECT_NEAR(cost, 0.1 + std::pow(d, 3) * 0.2, 1e-12);
  // In round 5 the rise has come: no change left to anticipate.
  protocol::batnas(setting, r, s, 5, w, out);
  EXPECT_NEAR(out(0), 0.6 * h + 0.4 * 0.75 - 0.1, 1e-9);  // r.war_cost is still the old value
  // Without a belief of its own, the agent takes the battlefield's drift: toward 0 here.
  r.expected_drift << std::numeric_limits<double>::quiet_NaN();
  protocol::learn_drift(r, 1, false, s, s, w);
  protocol::batnas(setting, r, s, 5, w, out);
  EXPECT_NEAR(out(0), 0.6 * path_value(r.battlefield_drift) + 0.4 * 0.75 - 0.1, 1e-9);
}

// Concession (docs/model.md, "Concession"): b's red line on land, [0.7, 1], concedes toward
// [0.4, 1] by α(t) = ((t − 1)/(T − 1))^{1/β}; the text stays at the first draft (0.5), which
// a accepts throughout, so the deal comes in the first round with 0.7 − 0.3 α(t) <= 0.5, i.e.
// α(t) >= 2/3: round 9 for β = 1 (linear), 7 for β = 2 (Conceder), 11 for β = 0.5 (Boulware),
// with T = 13, the known deadline (the horizon, 40, plays no part). Without a limit there is no
// deal.
TEST(MediatedProtocol, RedLinesConcedeOnTheirSchedule) {
  const std::string common =
      "walkout_patience = 1000\ntrust_region = 0.0\ndeadline = 13\nmax_rounds = 40";
  for (const auto& [beta, round] :
       std::vector<std::pair<double, int>>{{1.0, 9}, {2.0, 7}, {0.5, 11}}) {
    const std::string b =
        "reservation = 0.0\nred_lines = { land = [0.7, 1.0] }\n"
        "red_line_limits = { land = [0.4, 1.0] }\nconcession_beta = " +
        std::to_string(beta);
    const auto s = scenario::load_scenario_text(two_party_scenario("reservation = 0.2", b, common),
                                                "duel.toml");
    for (const auto& block : run_all(s, 8, 1)) {
      for (std::size_t row = 0; row < block.count; ++row) {
        EXPECT_EQ(block.agreement[row], 1) << beta;
        EXPECT_EQ(block.round[row], round) << beta;
      }
    }
  }
  const auto fixed = scenario::load_scenario_text(
      two_party_scenario("reservation = 0.2",
                         "reservation = 0.0\nred_lines = { land = [0.7, 1.0] }", common),
      "duel.toml");
  for (const auto& block : run_all(fixed, 8, 1)) {
    for (std::size_t row = 0; row < block.count; ++row) EXPECT_EQ(block.agreement[row], 0);
  }
}

// Each end moves from where it is set toward its limit, never past it; an end whose limit lies
// inside the red line, or that has none, stays; one round leaves no time to concede; without a
// known deadline nothing concedes by time, whatever the horizon.
TEST(MediatedProtocol, ConcessionNeverPassesTheLimit) {
  protocol::Setting setting;
  setting.concession = true;
  setting.max_rounds = 50;  // the horizon: concession by time aims at the deadline
  setting.deadline = 5;
  protocol::Realization r;
  r.resize(1, 3);
  for (auto f : {protocol::Field::red_lo, protocol::Field::red_hi}) {
    r.set(f, 0, 0, f == protocol::Field::red_lo ? 0.4 : 0.6);
    r.set(f, 0, 1, f == protocol::Field::red_lo ? 0.4 : 0.6);
    r.set(f, 0, 2, f == protocol::Field::red_lo ? 0.4 : 0.6);
  }
  r.set(protocol::Field::red_lo_limit, 0, 0, 0.2);
  r.set(protocol::Field::red_hi_limit, 0, 0, 0.9);
  r.set(protocol::Field::red_lo_limit, 0, 1, 0.5);  // inside the red line: no move
  r.set(protocol::Field::concession_beta, 0, 0, 1.0);
  protocol::Workspace w;
  w.resize(1, 3);
  for (int round = 1; round <= 7; ++round) {
    protocol::concede(setting, r, round, 0.0, w);
    const double alpha = std::min(1.0, (round - 1) / 4.0);
    EXPECT_NEAR(r.prefs.red_lo(0, 0), 0.4 - 0.2 * alpha, 1e-15) << round;
    EXPECT_NEAR(r.prefs.red_hi(0, 0), 0.6 + 0.3 * alpha, 1e-15) << round;
    EXPECT_EQ(r.prefs.red_lo(0, 1), 0.4);
    EXPECT_EQ(r.prefs.red_hi(0, 1), 0.6);
    EXPECT_EQ(r.prefs.red_lo(0, 2), 0.4);
  }
  setting.deadline = 1;
  protocol::concede(setting, r, 1, 0.0, w);
  EXPECT_EQ(r.prefs.red_lo(0, 0), 0.4);
  setting.deadline = 0;
  for (int round = 1; round <= 7; ++round) {
    protocol::concede(setting, r, round, 0.0, w);
    EXPECT_EQ(r.prefs.red_lo(0, 0), 0.4) << round;
    EXPECT_EQ(r.prefs.red_hi(0, 0), 0.6) << round;
  }
}

namespace {

// Two deciders on one issue, agent 0 conceding its low end from 0.6 toward 0.2 and agent 1 its
// high end from 0.5 toward 0.7, over T = 5 rounds; every tactic weight 0 until a test sets it.
struct Conceders {
  protocol::Setting setting;
  protocol::Realization r;
  protocol::Workspace w;
  Conceders() {
    setting.concession = true;
    setting.max_rounds = 5;
    setting.deadline = 5;
    setting.veto = {true, true};
    setting.is_party = {true, true};
    r.resize(2, 1);
    r.prefs.weight.setOnes();
    r.prefs.ideal << 0.0, 1.0;
    r.set(protocol::Field::red_lo, 0, 0, 0.6);
    r.set(protocol::Field::red_lo_limit, 0, 0, 0.2);
    r.set(protocol::Field::red_hi, 1, 0, 0.5);
    r.set(protocol::Field::red_hi_limit, 1, 0, 0.7);
    for (auto* v : {&r.tactic_time, &r.tactic_resource, &r.tactic_relative, &r.tactic_absolute})
      v->setZero();
    w.resize(2, 1);
  }
  double lo0() const { return r.prefs.red_lo(0, 0); }
  double hi1() const { return r.prefs.red_hi(1, 0); }
};

}  // namespace

// Resource-dependent (Faratin et al. 1998, §4.2): α = exp(−(E − P)⁺ / c) with P the war's cost of
// the finished rounds; E = 0.3 and c = 0.1 give α = e^{−3}, e^{−2}, e^{−1}, 1, 1 by hand.
TEST(Concession, ResourceTacticConcedesAsTheEnduranceRunsOut) {
  Conceders c;
  c.r.tactic_resource(0) = 1.0;
  c.r.endurance(0) = 0.3;
  c.r.war_cost(0) = 0.1;
  const double expected[] = {std::exp(-3.0), std::exp(-2.0), std::exp(-1.0), 1.0, 1.0};
  for (int t = 1; t <= 5; ++t) {
    protocol::concede(c.setting, c.r, t, c.r.battlefield_start, c.w);
    EXPECT_NEAR(c.lo0(), 0.6 - 0.4 * expected[t - 1], 1e-15) << t;
    EXPECT_EQ(c.hi1(), 0.5) << t;  // no tactic weight: it stays
  }
  // A gain on the battlefield is pressure taken back: after three rounds of cost (P = 0.3) a
  // front that raised agent 0's value by g leaves P = 0.3 − g, α = exp(−g / 0.1), back toward
  // where it was set and never beyond.
  Conceders d;
  d.r.tactic_resource(0) = 1.0;
  d.r.endurance(0) = 0.3;
  d.r.war_cost(0) = 0.1;
  d.r.battlefield_start = 0.5;
  for (int t = 1; t <= 3; ++t) protocol::concede(d.setting, d.r, t, 0.5, d.w);
  const double front = 0.3;  // toward agent 0's ideal 0
  const double gain = d.r.prefs.value(0, 0, front) - d.r.prefs.value(0, 0, 0.5);
  ASSERT_GT(gain, 0.0);
  protocol::concede(d.setting, d.r, 4, front, d.w);
  EXPECT_NEAR(d.lo0(), 0.6 - 0.4 * std::exp(-gain / 0.1), 1e-15);
  EXPECT_LE(d.lo0(), 0.6);
}

// Relative tit-for-tat: the share of the way the other decider had gone a round before. Agent 1
// concedes linearly, α₁(t) = (t − 1)/4; agent 0 then goes α₀(t) = α₁(t − 1) = (t − 2)/4.
TEST(Concession, RelativeTitForTatMirrorsAScriptedOpponent) {
  Conceders c;
  c.r.tactic_time(1) = 1.0;
  c.r.tactic_relative(0) = 1.0;
  for (int t = 1; t <= 6; ++t) {
    protocol::concede(c.setting, c.r, t, 0.0, c.w);
    const double a1 = std::min(1.0, (t - 1) / 4.0), a0 = std::clamp((t - 2) / 4.0, 0.0, 1.0);
    EXPECT_NEAR(c.hi1(), 0.5 + 0.2 * a1, 1e-15) << t;
    EXPECT_NEAR(c.lo0(), 0.6 - 0.4 * a0, 1e-15) << t;
  }
}

// Absolute tit-for-tat: the distance the other's facing end had moved a round before, up to its
// own limit. Agent 1's high end rises by 0.05 a round; agent 0's low end follows 0.05 behind,
// and stops at its limit when the other (here driven on to 0.9) has moved further than it can.
TEST(Concession, AbsoluteTitForTatMirrorsAScriptedOpponent) {
  Conceders c;
  c.r.tactic_time(1) = 1.0;
  c.r.tactic_absolute(0) = 1.0;
  for (int t = 1; t <= 5; ++t) {
    protocol::concede(c.setting, c.r, t, 0.0, c.w);
    EXPECT_NEAR(c.lo0(), 0.6 - 0.05 * std::max(t - 2, 0), 1e-15) << t;
  }
  Conceders far;
  far.r.tactic_time(1) = 1.0;
  far.r.tactic_absolute(0) = 1.0;
  far.r.set(protocol::Field::red_hi_limit, 1, 0, 1.0);
  far.r.set(protocol::Field::red_lo, 0, 0, 0.3);  // 0.1 to go to its limit
  for (int t = 1; t <= 5; ++t) {
    protocol::concede(far.setting, far.r, t, 0.0, far.w);
    EXPECT_NEAR(far.lo0(), 0.3 - std::min(0.125 * std::max(t - 2, 0), 0.1), 1e-15) << t;
    EXPECT_GE(far.lo0(), 0.2);
  }
}

// A bracketed issue's red lines no longer count: concession leaves them open ([0, 1]) where the
// mediator set them aside.
TEST(Concession, LeavesABracketedIssueOpen) {
  Conceders c;
  c.r.tactic_time(0) = 1.0;
  protocol::concede(c.setting, c.r, 1, 0.0, c.w);
  c.w.bracketed[0] = 1;
  c.r.prefs.red_lo(0, 0) = 0.0;  // as bracketing leaves it
  for (int t = 2; t <= 5; ++t) {
    protocol::concede(c.setting, c.r, t, 0.0, c.w);
    EXPECT_EQ(c.lo0(), 0.0) << t;
  }
}

// The mix is the weighted mean of the tactics' α: time 1 and relative tit-for-tat 3.
TEST(Concession, TacticsMixByTheirWeights) {
  Conceders c;
  c.r.tactic_time(1) = 1.0;
  c.r.tactic_time(0) = 1.0;
  c.r.tactic_relative(0) = 3.0;
  c.r.concession_beta(0) = 2.0;
  for (int t = 1; t <= 5; ++t) {
    protocol::concede(c.setting, c.r, t, 0.0, c.w);
    const double a_time = std::sqrt((t - 1) / 4.0), a_rel = std::max(t - 2, 0) / 4.0;
    EXPECT_NEAR(c.lo0(), 0.6 - 0.4 * (a_time + 3.0 * a_rel) / 4.0, 1e-15) << t;
  }
}

// An aspiration above the BATNA holds a deal back until it has come down to the text: with the
// text fixed (trust region 0), b's aspiration going linearly from 1 to 0 over 13 rounds accepts
// in the first round t with 1 − (t − 1)/12 ≤ u_b(text).
TEST(MediatedProtocol, AnAspirationHoldsTheDealUntilItConcedes) {
  const auto s = scenario::load_scenario_text(
      two_party_scenario("reservation = 0.0",
                         "reservation = 0.0\naspiration = 1.0\n"
                         "aspiration_limit = 0.0",
                         "walkout_patience = 1000\ntrust_region = 0.0\ndeadline = 13"),
      "duel.toml");
  int checked = 0;
  for (const auto& block : run_all(s, 32, 2)) {
    for (std::size_t row = 0; row < block.count; ++row) {
      ASSERT_EQ(block.agreement[row], 1);
      const double u = block.utility[row * 3 + 2];
      int expected = 1;
      while (1.0 - (expected - 1) / 12.0 > u) ++expected;
      EXPECT_EQ(block.round[row], expected) << u;
      EXPECT_GT(expected, 1);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 32);
}

// A shock's operations on a parameter with natural = unit / scale + offset (here an issue of
// range [10, 30]: scale 1/20, offset 10), kept in the parameter's valid range.
TEST(Shocks, SetAddAndScaleByHand) {
  protocol::Shock s;
  s.offset = 10.0;
  s.scale = 1.0 / 20.0;
  s.lo = 0.0;
  s.hi = 1.0;
  s.value = 0.25;
  EXPECT_EQ(s.applied(0.9), 0.25);
  s.op = protocol::ShockOp::add;
  EXPECT_NEAR(s.applied(0.5), 0.75, 1e-15);
  EXPECT_EQ(s.applied(0.9), 1.0);  // 1.15, kept in range
  s.op = protocol::ShockOp::scale;
  s.value = 1.5;  // natural 20 (unit 0.5) becomes 30 (unit 1)
  EXPECT_NEAR(s.applied(0.5), 1.0, 1e-15);
  s.value = 0.5;  // natural 14 (unit 0.2) becomes 7: below range
  EXPECT_EQ(s.applied(0.2), 0.0);
}

// Triggers: b rejects the fixed text (land 0.5 against its red line [0.7, 1]) until a shock moves
// the red line to 0.4, so the deal comes in the round the shock fires: after b's third
// rejection (round 4); when there is no deal by round 5 (round 6); once the front, moving 0.1 a
// round from 0.5, is at 0.75 or beyond at a round's start (0.8 at round 4); at round 7; and in
// round 2 for an addition or a factor. A trigger on a's rejections never fires (a accepts).
TEST(Shocks, TriggersFireOnceWhenTheirConditionHolds) {
  const std::string key = "key = \"agents.b.red_lines.land.lo\"\n";
  const std::vector<std::pair<std::string, int>> cases = {
      {"after_rejections = 3\nby = \"b\"\n" + key + "value = 0.4", 4},
      {"no_deal_by = 5\n" + key + "value = 0.4", 6},
      {"front_above = 0.75\n" + key + "value = 0.4", 4},
      {"round = 7\n" + key + "value = 0.4", 7},
      {"round = 2\nop = \"add\"\n" + key + "value = -0.3", 2},
      {"round = 2\nop = \"scale\"\n" + key + "value = 0.5", 2},
  };
  for (const auto& [shock, round] : cases) {
    const auto s = scenario::load_scenario_text(
        two_party_scenario("reservation = 0.0",
                           "reservation = 0.0\nred_lines = { land = [0.7, 1.0] }",
                           "walkout_patience = 1000\ntrust_region = 0.0\nmax_rounds = 12\n"
                           "[battlefield]\nissue = \"land\"\nstart = 0.5\ndrift = 0.1\n"
                           "[[shocks]]\n" +
                               shock +
                               "\n[[shocks]]\nafter_rejections = 1\nby = \"a\"\n"
                               "key = \"agents.a.reservation\"\nvalue = 1.0\n"),
        "duel.toml");
    ASSERT_EQ(s.shocks.size(), 2u);
    for (const auto& block : run_all(s, 8, 1)) {
      ASSERT_EQ(block.shocks, 2u);
      for (std::size_t row = 0; row < block.count; ++row) {
        EXPECT_EQ(block.agreement[row], 1) << shock;
        EXPECT_EQ(block.round[row], round) << shock;
        EXPECT_EQ(block.shock_round[row * 2], round) << shock;
        EXPECT_EQ(block.shock_round[row * 2 + 1], -1) << shock;
      }
    }
  }
}

// A BATNA anticipates a war-cost change that a shock brings at a fixed round, applied as its
// operation says (a doubling here: 0.1 to 0.2 from round 5), but not one a trigger may bring.
TEST(Shocks, BatnasForeseeScheduledShocksOnly) {
  protocol::Setting setting;
  setting.veto = {true};
  setting.is_party = {true};
  protocol::Realization r;
  r.resize(1, 1);
  r.prefs.ideal << 1.0;
  r.status_quo << 0.5;
  r.war_cost << 0.1;
  r.discount << 0.9;
  protocol::Shock doubling{5, protocol::Field::war_cost, 0, 0, 2.0};
  doubling.op = protocol::ShockOp::scale;
  r.shocks = {doubling, doubling};
  r.shocks[1].when = protocol::ShockWhen::rejections;
  r.shocks[1].by = 0;
  r.shocks[1].count = 1;
  setting.scheduled = {0};
  protocol::Workspace w;
  w.resize(1, 1);
  protocol::Vector out, plain;
  protocol::batnas(setting, r, 0.5, 2, w, out);
  setting.scheduled.clear();
  protocol::batnas(setting, r, 0.5, 2, w, plain);
  EXPECT_NEAR(plain(0) - out(0), std::pow(0.9, 3) * 0.1, 1e-15);
}

namespace {

// The duel with a third party e, the text fixed at the first draft (trust region 0): a and b
// accept it (BATNAs 0, no red lines), and e rejects any text with money above 40.
scenario::Scenario with_e(const std::string& e_veto, const std::string& draft) {
  return scenario::load_scenario_text(
      two_party_scenario("reservation = 0.0",
                         "reservation = 0.0\n[agents.e]\nreservation = 0.0\n" + e_veto +
                             "\nsalience = { money = 1.0 }\nideal = { money = 0.0 }\n"
                             "red_lines = { money = [0.0, 40.0] }",
                         "walkout_patience = 1000\ntrust_region = 0.0\nmax_rounds = 4", draft),
      "trio.toml");
}

}  // namespace

// veto_issues = ["money"]: e's consent is needed only for a text that moves money away from its
// status quo (50); a full veto needs it for every text.
TEST(MediatedProtocol, AnIssueVetoHoldsOnlyForTextsThatMoveItsIssues) {
  struct Case {
    std::string veto, draft;
    bool deal;
  };
  for (const Case& c : std::vector<Case>{
           {"veto_issues = [\"money\"]", "{ land = 0.5, money = 50.0 }", true},
           {"veto_issues = [\"money\"]", "{ land = 0.5, money = 60.0 }", false},
           {"veto_issues = [\"land\"]", "{ land = 0.4, money = 60.0 }", false},
           {"veto_issues = [\"land\"]", "{ land = 0.5, money = 60.0 }", true},
           {"veto = true", "{ land = 0.5, money = 50.0 }", false},
           {"veto = false", "{ land = 0.5, money = 60.0 }", true},
       }) {
    for (const auto& block : run_all(with_e(c.veto, c.draft), 8, 1)) {
      for (std::size_t row = 0; row < block.count; ++row) {
        EXPECT_EQ(block.agreement[row], c.deal ? 1 : 0) << c.veto << " " << c.draft;
        if (c.deal) continue;
        EXPECT_EQ(block.round[row], -1);
        EXPECT_EQ(block.blocker[row], 3) << c.veto;   // e
        EXPECT_EQ(block.obstacle[row], 1) << c.veto;  // money: its red line, crossed by 0.1 or 0.2
        EXPECT_EQ(block.obstacle_second[row], -1);
      }
    }
  }
}

// Ranked obstacles (docs/model.md, "Obstacle attribution"): a crosses its red line on land by
// 0.2 (0.5 against [0, 0.3]) and b its red line on money by 0.1 (50 against [60, 100], unit
// scale): land first, money second, with those shortfalls.
TEST(MediatedProtocol, ObstaclesRankTheIssuesByTheRejectingPartiesShortfalls) {
  const auto s = scenario::load_scenario_text(
      two_party_scenario("reservation = 0.0\nred_lines = { land = [0.0, 0.3] }",
                         "reservation = 0.0\nred_lines = { money = [60.0, 100.0] }",
                         "walkout_patience = 1000\ntrust_region = 0.0\nmax_rounds = 3"),
      "duel.toml");
  for (const auto& block : run_all(s, 8, 1)) {
    for (std::size_t row = 0; row < block.count; ++row) {
      ASSERT_EQ(block.agreement[row], 0);
      EXPECT_NEAR(block.shortfall[row * 2], 0.2, 1e-12);
      EXPECT_NEAR(block.shortfall[row * 2 + 1], 0.1, 1e-12);
      EXPECT_EQ(block.obstacle[row], 0);
      EXPECT_EQ(block.obstacle_second[row], 1);
    }
  }
  // A utility shortfall alone (a demands 0.95, no red lines) is shared out over the issues: the
  // shares sum to it, d − u_a(text).
  const auto t = scenario::load_scenario_text(
      two_party_scenario("reservation = 0.95", "reservation = 0.0",
                         "walkout_patience = 1000\ntrust_region = 0.0\nmax_rounds = 3"),
      "duel.toml");
  for (const auto& block : run_all(t, 8, 1)) {
    for (std::size_t row = 0; row < block.count; ++row) {
      ASSERT_EQ(block.agreement[row], 0);
      const double u = block.utility[row * 3 + 1];
      EXPECT_NEAR(block.shortfall[row * 2] + block.shortfall[row * 2 + 1], 0.95 - u, 1e-12);
      EXPECT_GT(block.shortfall[row * 2], 0.0);
      EXPECT_GT(block.shortfall[row * 2 + 1], 0.0);
    }
  }
}

// The expected-utility ("challenge") model of group decisions (protocol/expected_utility.hpp)
// against hand computations and closed forms: the vote and the weighted median (Black 1948), a
// three-actor case worked by hand, risk neutrality as the special case of linear utilities, and
// the median voter result the challenges converge to when every actor resists.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "parley/protocol/expected_utility.hpp"

using namespace parley::protocol;

namespace {

// A: x = 0, c = 1, s = 1; B: x = 1, c = 1, s = 1/2; C: x = 0.4, c = 2, s = 1 (range 1).
std::vector<eu::Actor> three() {
  return {{0.0, 1.0, 1.0}, {1.0, 1.0, 0.5}, {0.4, 2.0, 1.0}};
}

std::vector<eu::Actor> random_actors(std::mt19937_64& g, int n, bool equal_salience) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  std::vector<eu::Actor> actors;
  for (int i = 0; i < n; ++i)
    actors.push_back({u01(g), 0.1 + u01(g), equal_salience ? 1.0 : 0.05 + 0.95 * u01(g)});
  return actors;
}

}  // namespace

// The votes of A, B and C for A's position over B's: c s (|x - 1| - |x - 0|) = 1, -1/2 and
// 2 (0.6 - 0.4) = 0.4; so P_AB = (1 + 0.4) / (1 + 0.5 + 0.4) = 14/19 and P_BA = 5/19. For C over
// B: 0.6, -0.3 and 1.2, P_CB = 1.8 / 2.1 = 6/7.
TEST(ExpectedUtility, VotesAndProbabilitiesOfThreeActorsByHand) {
  const auto a = three();
  EXPECT_DOUBLE_EQ(eu::vote(a[0], 0.0, 1.0, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(eu::vote(a[1], 0.0, 1.0, 1.0), -0.5);
  EXPECT_DOUBLE_EQ(eu::vote(a[2], 0.0, 1.0, 1.0), 0.4);
  EXPECT_DOUBLE_EQ(eu::success_probability(a, 0, 1, 1.0), 14.0 / 19.0);
  EXPECT_DOUBLE_EQ(eu::success_probability(a, 1, 0, 1.0), 5.0 / 19.0);
  EXPECT_DOUBLE_EQ(eu::success_probability(a, 2, 1, 1.0), 6.0 / 7.0);
  // The range scales every vote alike: the probability does not move.
  EXPECT_DOUBLE_EQ(eu::success_probability(a, 0, 1, 4.0), 14.0 / 19.0);
}

// E_A(U_AB) with δ = 1: at r = 1, U_s = 2, U_f = -2, U_sq = 0, so E = ½ (2P - 2(1 - P)) + ½·2 =
// 2P = 28/19; at r = 2, U_sq = 2 - 4/4 = 1 and E = 2P - 1 = 9/19. With Q = ½ and T = 1 at r = 1,
// μ = 0.4 (the c·s weights 1, 2, ½ at 0, 0.4, 1: 3 of 3.5 at or left of 0.4), U_b = 2 - 4(½ -
// ¼(0.4 + 1)) = 1.4 and E = 28/19 - ½·1.4 = 147/190. E_C(U_CB), δ = 0.6: U_s = 1.2, U_f = -1.2,
// E = ½ (6/7·1.2 - 1/7·1.2) + ½·1.2 = 36/35.
TEST(ExpectedUtility, ExpectedUtilityOfAChallengeByHand) {
  const auto a = three();
  eu::Settings q1;
  EXPECT_DOUBLE_EQ(eu::weighted_median(a), 0.4);
  EXPECT_NEAR(eu::expected_utility(a, 0, 1, 1.0, 0.4, 1.0, q1), 28.0 / 19.0, 1e-15);
  EXPECT_NEAR(eu::expected_utility(a, 0, 1, 2.0, 0.4, 1.0, q1), 9.0 / 19.0, 1e-15);
  EXPECT_NEAR(eu::expected_utility(a, 2, 1, 1.0, 0.4, 1.0, q1), 36.0 / 35.0, 1e-15);
  eu::Settings half;
  half.status_quo = 0.5;
  EXPECT_NEAR(eu::expected_utility(a, 0, 1, 1.0, 0.4, 1.0, half), 147.0 / 190.0, 1e-15);
  // B's challenge of A: s_A = 1, E = 2 (2 P_BA - 1) = -18/19. A gains more (28/19) than B loses:
  // a compromise, B moving 18/28 of the way to A.
  const double e_ba = eu::expected_utility(a, 1, 0, 1.0, 0.4, 1.0, q1);
  EXPECT_NEAR(e_ba, -18.0 / 19.0, 1e-15);
  EXPECT_EQ(eu::classify(28.0 / 19.0, e_ba), eu::Move::compromise);
  EXPECT_EQ(eu::classify(-e_ba, -28.0 / 19.0), eu::Move::capitulation);
  EXPECT_EQ(eu::classify(0.5, 0.25), eu::Move::conflict);  // both gain: the larger wins
  EXPECT_EQ(eu::classify(0.25, 0.5), eu::Move::none);      // the target wins the conflict
  EXPECT_EQ(eu::classify(-0.1, -0.5), eu::Move::none);     // no challenge
}

// At r = 1 the utilities are linear in distance: U_s = 2δ, U_f = -2δ, U_sq = 0, U_b and U_w ±
// (|x_i - μ| + |x_i - x_j|)/d; so with Q = 1, E_i(U_ij) = 2δ [s_j (2 P_ij - 1) + 1 - s_j].
// Risk "neutral" sets every exponent to 1; "security" gives exponents in [½, 2], ½ to the most
// endangered actor and 2 to the least.
TEST(ExpectedUtility, RiskNeutralityIsTheLinearCase) {
  std::mt19937_64 g(36);
  for (int trial = 0; trial < 200; ++trial) {
    const auto a = random_actors(g, 2 + trial % 7, false);
    const double d = 0.5 + (trial % 3);
    const double mu = eu::weighted_median(a);
    eu::Settings settings;
    for (std::size_t i = 0; i < a.size(); ++i) {
      for (std::size_t j = 0; j < a.size(); ++j) {
        if (i == j) continue;
        const double delta = std::abs(a[i].position - a[j].position) / d;
        const double shift =
            (std::abs(a[i].position - mu) + std::abs(a[i].position - a[j].position)) / d;
        const auto u = eu::utilities(a[i].position, a[j].position, mu, 1.0, d);
        EXPECT_NEAR(u.success, 2.0 * delta, 1e-14);
        EXPECT_NEAR(u.failure, -2.0 * delta, 1e-14);
        EXPECT_NEAR(u.status_quo, 0.0, 1e-15);
        EXPECT_NEAR(u.better, shift, 1e-14);
        EXPECT_NEAR(u.worse, -shift, 1e-14);
        const double p = eu::success_probability(a, i, j, d);
        const double s = a[j].salience;
        EXPECT_NEAR(eu::expected_utility(a, i, j, 1.0, mu, d, settings),
                    2.0 * delta * (s * (2.0 * p - 1.0) + 1.0 - s), 1e-13);
      }
    }
    settings.risk = eu::Risk::neutral;
    for (double r : eu::risk_exponents(a, mu, d, settings)) EXPECT_EQ(r, 1.0);
    settings.risk = eu::Risk::security;
    const auto r = eu::risk_exponents(a, mu, d, settings);
    std::vector<double> danger(a.size(), 0.0);
    for (std::size_t i = 0; i < a.size(); ++i) {
      for (std::size_t j = 0; j < a.size(); ++j)
        if (j != i) danger[i] += eu::expected_utility(a, j, i, 1.0, mu, d, settings);
    }
    for (double x : r) {
      EXPECT_GE(x, 0.5 - 1e-15);
      EXPECT_LE(x, 2.0 + 1e-15);
    }
    const auto most = std::max_element(danger.begin(), danger.end()) - danger.begin();
    const auto least = std::min_element(danger.begin(), danger.end()) - danger.begin();
    if (danger[static_cast<std::size_t>(most)] > danger[static_cast<std::size_t>(least)]) {
      EXPECT_NEAR(r[static_cast<std::size_t>(most)], 0.5, 1e-14);
      EXPECT_NEAR(r[static_cast<std::size_t>(least)], 2.0, 1e-14);
    }
  }
}

// Black (1948): on one issue the c·s weighted median wins or ties the pairwise vote against every
// position; by brute force over the actors' positions (and a grid), it is the leftmost position
// that does.
TEST(ExpectedUtility, TheWeightedMedianWinsEveryPairwiseVote) {
  std::mt19937_64 g(1948);
  for (int trial = 0; trial < 300; ++trial) {
    auto a = random_actors(g, 1 + trial % 9, trial % 2 == 0);
    if (trial % 5 == 0) a.push_back(a.front());  // a position held twice
    auto beats_all = [&](double m) {
      for (const auto& k : a) {
        double total = 0.0;
        for (const auto& voter : a) total += eu::vote(voter, m, k.position, 1.0);
        if (total < -1e-12) return false;
      }
      for (int q = 0; q <= 100; ++q) {
        double total = 0.0;
        for (const auto& voter : a) total += eu::vote(voter, m, q / 100.0, 1.0);
        if (total < -1e-12) return false;
      }
      return true;
    };
    double leftmost = 2.0;
    for (const auto& k : a)
      if (beats_all(k.position)) leftmost = std::min(leftmost, k.position);
    ASSERT_LT(leftmost, 2.0);
    EXPECT_EQ(eu::weighted_median(a), leftmost);
  }
}

// When every actor resists (s = 1), is risk neutral and Q = 1, E_i(U_ij) = 2δ (2 P_ij - 1) =
// -E_j(U_ji): i challenges j exactly when i's position wins their vote, and j capitulates. So
// each actor takes the nearest position that beats its own; none beats the weighted median's, and
// no move crosses it, so the challenges end with every actor at the initial weighted median: the
// median voter result (Black 1948). Capabilities continuous, so no vote ties.
TEST(ExpectedUtility, WhenEveryoneResistsTheChallengesConvergeToTheMedianVoter) {
  std::mt19937_64 g(7);
  for (int trial = 0; trial < 200; ++trial) {
    const auto a = random_actors(g, 2 + trial % 12, true);
    eu::Settings settings;
    settings.risk = eu::Risk::neutral;
    const double median = eu::weighted_median(a);
    // As the rounds stop by default (the forecast still for 5 rounds), the forecast is the median.
    EXPECT_EQ(eu::run(a, settings).forecast, median);
    // Until the positions stop: all at the median.
    settings.settle = settings.max_rounds;
    std::vector<eu::Step> trace;
    const auto result = eu::run(a, settings, &trace);
    ASSERT_TRUE(result.converged);
    EXPECT_LT(result.rounds, settings.max_rounds);
    for (double x : result.positions) EXPECT_EQ(x, median);
    EXPECT_EQ(result.forecast, median);
    // Every accepted offer was a capitulation toward the median, never past it.
    for (const auto& step : trace) {
      EXPECT_EQ(step.move, eu::Move::capitulation);
      EXPECT_LT(std::abs(step.to - median), std::abs(step.from - median));
      EXPECT_GE((step.to - median) * (step.from - median), 0.0);
    }
  }
}

// A run with saliences below 1 and risk from security: positions stay within the initial range,
// the trace accounts for every move, and the same actors in another order give the same
// positions.
TEST(ExpectedUtility, RunsStayInRangeAndDoNotDependOnTheOrder) {
  std::mt19937_64 g(2011);
  for (int trial = 0; trial < 100; ++trial) {
    auto a = random_actors(g, 3 + trial % 8, false);
    eu::Settings settings;
    std::vector<eu::Step> trace;
    const auto result = eu::run(a, settings, &trace);
    const auto [lo, hi] = std::minmax_element(
        a.begin(), a.end(), [](const auto& x, const auto& y) { return x.position < y.position; });
    std::vector<double> at(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) at[i] = a[i].position;
    for (const auto& step : trace) {
      EXPECT_NE(step.move, eu::Move::none);
      at[static_cast<std::size_t>(step.target)] = step.to;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(at[i], result.positions[i]);
      EXPECT_GE(result.positions[i], lo->position);
      EXPECT_LE(result.positions[i], hi->position);
    }
    EXPECT_GE(result.forecast, lo->position);
    EXPECT_LE(result.forecast, hi->position);
    std::vector<eu::Actor> reversed(a.rbegin(), a.rend());
    const auto back = eu::run(reversed, settings);
    EXPECT_EQ(back.rounds, result.rounds);
    for (std::size_t i = 0; i < a.size(); ++i)
      EXPECT_NEAR(back.positions[a.size() - 1 - i], result.positions[i], 1e-9);
  }
}

// Conflicts can pass the positions round a ring (every loser takes its winner's position at
// once). Rebuilt from the trace, round by round: the positions after the last round are those of
// `cycle` rounds before (each within the tolerance, 1e-6 of the range), the forecast is the mean
// of the weighted medians of the cycle's states,
// and the run is not converged; runs without a cycle that stop short of the limit converged.
TEST(ExpectedUtility, ACycleOfPositionsIsFoundAndItsForecastIsTheCyclesMean) {
  std::mt19937_64 g(5);
  int cycles = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const auto a = random_actors(g, 4, false);
    eu::Settings settings;
    std::vector<eu::Step> trace;
    const auto result = eu::run(a, settings, &trace);
    if (result.cycle == 0) {
      if (result.rounds < settings.max_rounds) EXPECT_TRUE(result.converged);
      continue;
    }
    ++cycles;
    EXPECT_FALSE(result.converged);
    // The state after every round.
    std::vector<std::vector<eu::Actor>> states(static_cast<std::size_t>(result.rounds) + 1, a);
    std::size_t s = 0;
    for (int round = 1; round <= result.rounds; ++round) {
      auto& now = states[static_cast<std::size_t>(round)];
      now = states[static_cast<std::size_t>(round) - 1];
      for (; s < trace.size() && trace[s].round == round; ++s)
        now[static_cast<std::size_t>(trace[s].target)].position = trace[s].to;
    }
    const auto p = static_cast<std::size_t>(result.cycle);
    const auto [lo, hi] = std::minmax_element(
        a.begin(), a.end(), [](const auto& x, const auto& y) { return x.position < y.position; });
    const double tolerance = settings.tolerance * (hi->position - lo->position);
    const auto last = static_cast<std::size_t>(result.rounds);
    ASSERT_GE(last, p);
    for (std::size_t j = 0; j < a.size(); ++j) {
      EXPECT_NEAR(states[last][j].position, states[last - p][j].position, tolerance);
      EXPECT_EQ(states[last][j].position, result.positions[j]);
    }
    double mean = 0.0;
    for (std::size_t q = 0; q < p; ++q) mean += eu::weighted_median(states[last - q]);
    EXPECT_NEAR(result.forecast, mean / static_cast<double>(p), 1e-15);
  }
  EXPECT_GT(cycles, 0);
}

// A conflict by lottery: A (x = 0, c = 1, s = 0.2) and B (x = 1, c = 2, s = 0.3), risk neutral.
// Votes for A over B: 0.2 and -0.6, so P_AB = 1/4. E_A(U_AB) = 2 [0.3 (2/4 - 1) + 0.7] = 1.1 and
// E_B(U_BA) = 2 [0.2 (6/4 - 1) + 0.8] = 1.8: both gain, a conflict. The larger expected
// utility, B's, always wins (A takes B's position); by lottery A wins in a quarter of the runs
// (B takes A's position), within 5 standard errors over 40,000 streams.
TEST(ExpectedUtility, ALotteryConflictGoesToTheChallengerWithItsProbabilityOfSuccess) {
  const std::vector<eu::Actor> a = {{0.0, 1.0, 0.2}, {1.0, 2.0, 0.3}};
  EXPECT_DOUBLE_EQ(eu::success_probability(a, 0, 1, 1.0), 0.25);
  eu::Settings settings;
  settings.risk = eu::Risk::neutral;
  settings.max_rounds = 1;
  EXPECT_NEAR(eu::expected_utility(a, 0, 1, 1.0, 0.0, 1.0, settings), 1.1, 1e-15);
  EXPECT_NEAR(eu::expected_utility(a, 1, 0, 1.0, 0.0, 1.0, settings), 1.8, 1e-15);
  const auto larger = eu::run(a, settings);
  const std::vector<double> both_at_b = {1.0, 1.0};
  EXPECT_EQ(larger.positions, both_at_b);
  settings.conflict = eu::Conflict::lottery;
  constexpr int kDraws = 40000;
  int a_wins = 0;
  for (int k = 0; k < kDraws; ++k) {
    parley::random::Stream draws(17, static_cast<std::uint64_t>(k), 1);
    const auto once = eu::run(a, settings, nullptr, &draws);
    const std::vector<double> both_at_a = {0.0, 0.0};
    const bool a_won = once.positions == both_at_a;
    ASSERT_TRUE(a_won || once.positions == both_at_b);
    a_wins += a_won;
  }
  EXPECT_NEAR(static_cast<double>(a_wins) / kDraws, 0.25, 5.0 * std::sqrt(0.25 * 0.75 / kDraws));
}

// The issue space with one issue, w = 1 and σ = s is the published model on that issue: the same
// rounds, moves and forecast (to rounding: the space divides each distance by the range, the line
// the difference of distances) on random actors, risk from security and neutral, both forecasts.
TEST(ExpectedUtilitySpace, OneIssueIsTheModelOnThatIssue) {
  std::mt19937_64 g(1994);
  int compared = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const auto a = random_actors(g, 3 + trial % 9, trial % 3 == 0);
    eu::Settings settings;
    settings.risk = trial % 2 ? eu::Risk::neutral : eu::Risk::security;
    settings.forecast = trial % 4 < 2 ? eu::Forecast::median : eu::Forecast::mean;
    std::vector<eu::SpaceActor> space;
    for (const eu::Actor& x : a)
      space.push_back({{x.position}, {1.0}, {x.salience}, x.capability, x.salience});
    std::vector<eu::Step> line_trace;
    std::vector<eu::SpaceStep> space_trace;
    const auto line = eu::run(a, settings, &line_trace);
    const auto joint = eu::run_space(space, settings, &space_trace);
    ASSERT_EQ(joint.rounds, line.rounds) << trial;
    ASSERT_EQ(joint.cycle, line.cycle) << trial;
    ASSERT_EQ(joint.converged, line.converged) << trial;
    ASSERT_EQ(space_trace.size(), line_trace.size()) << trial;
    for (std::size_t s = 0; s < line_trace.size(); ++s) {
      EXPECT_EQ(space_trace[s].target, line_trace[s].target);
      EXPECT_EQ(space_trace[s].challenger, line_trace[s].challenger);
      EXPECT_EQ(space_trace[s].move, line_trace[s].move);
      EXPECT_NEAR(space_trace[s].to[0], line_trace[s].to, 1e-9);
    }
    EXPECT_NEAR(joint.forecast[0], line.forecast, 1e-9) << trial;
    EXPECT_EQ(joint.challenges, line.challenges);
    ++compared;
  }
  EXPECT_EQ(compared, 200);
}

// Two issues by hand: A at (0, 0) with c = 1 and σ = 0.9, B at (1, 1) with c = 3 and σ = 0.2,
// weights (0.7, 0.3) and (0.2, 0.8), risk neutral. Both distances are 1 (opposite corners), so
// v_A = 0.9, v_B = -0.6, P_AB = 0.6; E_A(U_AB) = 2 - 4 σ_B P_BA = 1.68 and E_B(U_BA) = 2 - 4 σ_A
// P_AB = -0.16: B compromises 0.16 / 1.68 = 2/21 of the way to A's text on both issues at once,
// every round (the distances shrink together), to (19/21)^k after round k. The forecast of each
// issue is the weighted median with the issue saliences, c s = 0.6 and 0.3, then 0.7 and 0.6: A's
// 0 throughout.
TEST(ExpectedUtilitySpace, ACompromiseMovesTheWholeTextByHand) {
  const std::vector<eu::SpaceActor> actors = {{{0.0, 0.0}, {0.7, 0.3}, {0.6, 0.7}, 1.0, 0.9},
                                              {{1.0, 1.0}, {0.2, 0.8}, {0.1, 0.2}, 3.0, 0.2}};
  EXPECT_DOUBLE_EQ(eu::distance(actors[0], actors[0].position, actors[1].position, {1.0, 1.0}),
                   1.0);
  EXPECT_DOUBLE_EQ(eu::distance(actors[1], {0.5, 0.0}, {0.0, 0.5}, {1.0, 2.0}),
                   0.2 * 0.5 + 0.8 * 0.25);
  eu::Settings settings;
  settings.risk = eu::Risk::neutral;
  std::vector<eu::SpaceStep> trace;
  const auto result = eu::run_space(actors, settings, &trace);
  ASSERT_GE(trace.size(), 3u);
  for (std::size_t s = 0; s < trace.size(); ++s) {
    EXPECT_EQ(trace[s].round, static_cast<int>(s) + 1);
    EXPECT_EQ(trace[s].challenger, 0);
    EXPECT_EQ(trace[s].target, 1);
    EXPECT_EQ(trace[s].move, eu::Move::compromise);
    const double at = std::pow(19.0 / 21.0, static_cast<double>(s + 1));
    EXPECT_NEAR(trace[s].to[0], at, 1e-12);
    EXPECT_NEAR(trace[s].to[1], at, 1e-12);
  }
  EXPECT_EQ(result.forecast, (std::vector<double>{0.0, 0.0}));
  EXPECT_TRUE(result.converged);
  EXPECT_EQ(result.compromises, static_cast<int>(trace.size()));
}

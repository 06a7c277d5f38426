// Axiomatic bargaining solutions and the bargaining range against published and derived
// closed forms. Deterministic solvers must match to 1e-6.
#include <gtest/gtest.h>

#include <ostream>

#include <cmath>

#include "parley/protocol/mediated.hpp"
#include "parley/protocol/solve/solver.hpp"
#include "vectors.hpp"

using namespace parley;
using parley::test::vec;
using protocol::Index;
using protocol::Vector;

namespace {

constexpr double kTol = 1e-6;

// Linear value functions on every issue: v = 1 - |x - a|.
model::Preferences linear(const std::vector<std::vector<double>>& ideal,
                          const std::vector<std::vector<double>>& weight) {
  model::Preferences p;
  p.resize(static_cast<Index>(ideal.size()), static_cast<Index>(ideal[0].size()));
  for (std::size_t i = 0; i < ideal.size(); ++i) {
    for (std::size_t k = 0; k < ideal[0].size(); ++k) {
      p.ideal(static_cast<Index>(i), static_cast<Index>(k)) = ideal[i][k];
      p.weight(static_cast<Index>(i), static_cast<Index>(k)) = weight[i][k];
    }
  }
  return p;
}

const std::vector<Index> kTwo = {0, 1};

// docs/model.md, "Axiomatic solutions and the zone of agreement": two issues x, y (shares to player
// 1), u1 = 0.9x + 0.1y, u2 = 0.6(1-x) + 0.4(1-y).
model::Preferences two_issue_problem() {
  return linear({{1, 1}, {0, 0}}, {{0.9, 0.1}, {0.6, 0.4}});
}

}  // namespace

// Nash (Econometrica 1950); the problem and its answer from docs/model.md.
TEST(NashSolution, TwoIssueProblemOfTheReference) {
  const auto p = two_issue_problem();
  protocol::Solver solver(p, protocol::feasible_box(p, kTwo));
  const auto x = solver.nash(kTwo, vec({0, 0}), vec({1, 1}));
  ASSERT_TRUE(x.has_value());
  EXPECT_NEAR((*x)(0), 5.0 / 6.0, kTol);
  EXPECT_NEAR((*x)(1), 0.0, kTol);
  EXPECT_NEAR(model::utility(p, 0, *x), 0.75, kTol);
  EXPECT_NEAR(model::utility(p, 1, *x), 0.5, kTol);
}

// Kalai & Smorodinsky (Econometrica 1975); docs/model.md: x = 2/3, y = 0, u = (0.6, 0.6), a = (1,
// 1).
TEST(KalaiSmorodinsky, TwoIssueProblemOfTheReference) {
  const auto p = two_issue_problem();
  protocol::Solver solver(p, protocol::feasible_box(p, kTwo));
  const auto ks = solver.kalai_smorodinsky(kTwo, vec({0, 0}));
  ASSERT_TRUE(ks.has_value());
  EXPECT_NEAR(ks->aspiration(0), 1.0, kTol);
  EXPECT_NEAR(ks->aspiration(1), 1.0, kTol);
  EXPECT_NEAR(ks->x(0), 2.0 / 3.0, kTol);
  EXPECT_NEAR(ks->x(1), 0.0, kTol);
  EXPECT_NEAR(model::utility(p, 0, ks->x), 0.6, kTol);
  EXPECT_NEAR(model::utility(p, 1, ks->x), 0.6, kTol);
}

// Derived: one pie, u1 = x, u2 = 1 - x, disagreement d: x = d1 + (1 - d1 - d2)/2, and with
// weights α: argmax α1 log(x - d1) + α2 log(1 - x - d2) = d1 + α1/(α1+α2) (1 - d1 - d2).
struct PieCase {
  double d1, d2, a1, a2;
};
// How test names show a case (otherwise the struct's bytes).
void PrintTo(const PieCase& c, std::ostream* os) {
  *os << "d=(" << c.d1 << "," << c.d2 << ") alpha=(" << c.a1 << "," << c.a2 << ")";
}
class WeightedNashOnAPie : public ::testing::TestWithParam<PieCase> {};
TEST_P(WeightedNashOnAPie, MatchesTheClosedForm) {
  const auto c = GetParam();
  const auto p = linear({{1}, {0}}, {{1}, {1}});
  protocol::Solver solver(p, protocol::feasible_box(p, kTwo));
  const auto x = solver.nash(kTwo, vec({c.d1, c.d2}), vec({c.a1, c.a2}));
  ASSERT_TRUE(x.has_value());
  EXPECT_NEAR((*x)(0), c.d1 + c.a1 / (c.a1 + c.a2) * (1 - c.d1 - c.d2), kTol);
}
INSTANTIATE_TEST_SUITE_P(Cases, WeightedNashOnAPie,
                         ::testing::Values(PieCase{0, 0, 1, 1}, PieCase{0.2, 0.3, 1, 1},
                                           PieCase{0, 0, 2, 1}, PieCase{0.1, 0.0, 1, 3},
                                           PieCase{0.45, 0.45, 5, 1}));

// Derived: u1 = 1 - (1 - x)^2 (quadratic, ideal 1), u2 = 1 - x (linear, ideal 0), d = 0.
// d/dx [log(x(2 - x)) + log(1 - x)] = 0  <=>  3x^2 - 6x + 2 = 0  <=>  x = 1 - 1/sqrt(3).
TEST(NashSolution, QuadraticAgainstLinear) {
  auto p = linear({{1}, {0}}, {{1}, {1}});
  p.shape(0, 0) = static_cast<std::int8_t>(model::Shape::quadratic);
  protocol::Solver solver(p, protocol::feasible_box(p, kTwo));
  const auto x = solver.nash(kTwo, vec({0, 0}), vec({1, 1}));
  ASSERT_TRUE(x.has_value());
  EXPECT_NEAR((*x)(0), 1.0 - 1.0 / std::sqrt(3.0), kTol);
}

// Red lines cut the text space: player 1 cannot accept x above 0.4, so the Nash text of
// the pie (0.5 unconstrained) moves to the boundary.
TEST(NashSolution, RespectsRedLines) {
  auto p = linear({{1}, {0}}, {{1}, {1}});
  p.red_hi(1, 0) = 0.4;
  protocol::Solver solver(p, protocol::feasible_box(p, kTwo));
  const auto x = solver.nash(kTwo, vec({0, 0}), vec({1, 1}));
  ASSERT_TRUE(x.has_value());
  EXPECT_NEAR((*x)(0), 0.4, kTol);
  p.red_lo(0, 0) = 0.6;  // now the red lines exclude each other
  const auto box = protocol::feasible_box(p, kTwo);
  EXPECT_TRUE(box.empty());
  EXPECT_EQ(box.empty_issue, 0);
  protocol::Solver none(p, box);
  EXPECT_FALSE(none.nash(kTwo, vec({0, 0}), vec({1, 1})).has_value());
}

// Fearon (International Organization 1995): p = 0.6, c_A = 0.10, c_B = 0.15. With the front
// line at p as the expected war outcome, the BATNAs are p - c_A = 0.5 and 1 - p - c_B = 0.25,
// and every x in [0.50, 0.75] beats war for both.
TEST(FearonRange, BargainingRangeFromBattlefieldBatnas) {
  protocol::Setting setting;
  setting.veto = {true, true};
  setting.is_party = {true, true};
  protocol::Realization r;
  r.resize(2, 1);
  r.prefs = linear({{1}, {0}}, {{1}, {1}});
  r.status_quo << 0.0;
  r.war_cost << 0.10, 0.15;
  protocol::Workspace w;
  w.resize(2, 1);
  Vector batna;
  protocol::batnas(setting, r, 0.6, 1, w, batna);
  EXPECT_NEAR(batna(0), 0.5, 1e-15);
  EXPECT_NEAR(batna(1), 0.25, 1e-15);

  protocol::Solver solver(r.prefs, protocol::feasible_box(r.prefs, kTwo));
  // The ends of the range: each side's best text that the other accepts.
  const auto best_a = solver.best_for(0, kTwo, batna);
  const auto best_b = solver.best_for(1, kTwo, batna);
  ASSERT_TRUE(best_a && best_b);
  EXPECT_NEAR((*best_a)(0), 0.75, kTol);
  EXPECT_NEAR((*best_b)(0), 0.50, kTol);
  // The zone's slack: max_x min(x - 0.5, 0.75 - x) = 0.125 at the middle of the range.
  const auto m = solver.maximin(kTwo, batna, vec({1, 1}));
  EXPECT_NEAR(m.value, 0.125, kTol);
  EXPECT_NEAR(m.x(0), 0.625, kTol);

  // Costs that do not cover the gap (BATNAs summing above the pie) leave no range: no deal.
  const Vector greedy = vec({0.6, 0.5});
  EXPECT_LT(solver.maximin(kTwo, greedy, vec({1, 1})).value, 0.0);
  EXPECT_FALSE(solver.nash(kTwo, greedy, vec({1, 1})).has_value());
  // A's best text that B accepts (x = 0.5) is worth less to A than its war (0.6).
  const auto a_best = solver.best_for(0, kTwo, greedy);
  ASSERT_TRUE(a_best.has_value());
  EXPECT_NEAR((*a_best)(0), 0.5, kTol);
}

// The mediated closed form of docs/model.md: one issue, ideals UA 0, RU 0.8, US 0.55, EU 0.35,
// p·s = 1 each: unbiased target 0.425; a mediator of stake β = 2 and ideal 0.6 moves it to 29/60.
TEST(MediatedClosedForm, WeightedMeanTargets) {
  protocol::Setting setting;
  setting.veto = {true, true, true, true, false};
  setting.is_party = {true, true, true, true, false};
  setting.mediator = 4;
  protocol::Realization r;
  r.resize(5, 1);
  r.prefs.ideal << 0.0, 0.8, 0.55, 0.35, 0.6;
  r.prefs.weight.setOnes();
  protocol::Workspace w;
  w.resize(5, 1);
  const Vector x = vec({0.5});
  Vector z;
  protocol::weighted_mean_target(setting, r, w, x, z);
  EXPECT_NEAR(z(0), 0.425, 1e-12);
  r.mediator_stake = 2.0;
  protocol::weighted_mean_target(setting, r, w, x, z);
  EXPECT_NEAR(z(0), 29.0 / 60.0, 1e-12);
}

// Random three-player, two-issue problems with mixed shapes: the Nash text is at least as good
// as every point of a fine grid, and no small move improves it (first-order optimality).
TEST(NashSolution, BeatsAGridOnRandomProblems) {
  std::uint32_t state = 12345;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return (state >> 8) / 16777216.0;
  };
  const std::vector<Index> three = {0, 1, 2};
  for (int trial = 0; trial < 20; ++trial) {
    model::Preferences p;
    p.resize(3, 2);
    for (Index i = 0; i < 3; ++i) {
      const double w = 0.2 + 0.6 * next();
      p.weight(i, 0) = w;
      p.weight(i, 1) = 1 - w;
      for (Index k = 0; k < 2; ++k) {
        p.ideal(i, k) = next();
        if (next() < 0.5) p.shape(i, k) = static_cast<std::int8_t>(model::Shape::quadratic);
      }
    }
    const Vector d = vec({0.3 * next(), 0.3 * next(), 0.3 * next()});
    protocol::Solver solver(p, protocol::feasible_box(p, three));
    const auto x = solver.nash(three, d, vec({1, 1, 1}));
    auto log_nash = [&](const Vector& at) {
      double f = 0;
      for (Index i = 0; i < 3; ++i) {
        const double g = model::utility(p, i, at) - d(i);
        if (g <= 0) return -1e300;
        f += std::log(g);
      }
      return f;
    };
    double grid_best = -1e300;
    for (int a = 0; a <= 400; ++a) {
      for (int b = 0; b <= 400; ++b)
        grid_best = std::max(grid_best, log_nash(vec({a / 400.0, b / 400.0})));
    }
    if (grid_best <= -1e299) {
      EXPECT_FALSE(x.has_value()) << "trial " << trial;
      continue;
    }
    ASSERT_TRUE(x.has_value()) << "trial " << trial;
    const double f = log_nash(*x);
    EXPECT_GE(f, grid_best - 1e-12) << "trial " << trial;
    for (Index k = 0; k < 2; ++k) {
      for (double step : {1e-6, -1e-6}) {
        Vector moved = *x;
        moved(k) = std::clamp(moved(k) + step, 0.0, 1.0);
        EXPECT_LE(log_nash(moved), f + 1e-12) << "trial " << trial;
      }
    }
  }
}

// Four veto players on a box: issues a, b, c (unit scale), each player weighing two issues ½
// with piecewise-linear values of slope ±½, so that u1 = (a + c)/4, u2 = (1 − a + c)/4,
// u3 = (b + 1 − c)/4, u4 = (2 − b − c)/4 sum to 1 everywhere: a pie in utility space. With
// d = (0.10, 0.20, 0.15, 0.05) and α = (0.4, 0.3, 0.2, 0.1) the weighted Nash solution is the
// pie's, u_i = d_i + α_i (1 − Σ d) = (0.30, 0.35, 0.25, 0.10), at (a, b, c) = (0.4, 0.8, 0.8)
// (the four utilities are independent affine functions of (a, b, c) and their sum, so the text
// is unique).
TEST(NashSolution, WeightedOnFourVetoPlayersReachesThePiesSolution) {
  model::Preferences p;
  p.resize(4, 3);
  const model::PiecewiseLinear up{{0.0, 1.0}, {0.0, 0.5}}, down{{0.0, 1.0}, {0.5, 0.0}};
  p.piecewise = {up, down};
  // Per player: the two issues it weighs and whether it wants each up.
  const int issue[4][2] = {{0, 2}, {0, 2}, {1, 2}, {1, 2}};
  const bool wants_up[4][2] = {{true, true}, {false, true}, {true, false}, {false, false}};
  for (Index i = 0; i < 4; ++i) {
    for (Index k = 0; k < 3; ++k) p.weight(i, k) = 0.0;
    for (int j = 0; j < 2; ++j) {
      const Index k = issue[i][j];
      p.weight(i, k) = 0.5;
      p.shape(i, k) = static_cast<std::int8_t>(model::Shape::piecewise);
      p.piecewise_index(i, k) = wants_up[i][j] ? 0 : 1;
      p.ideal(i, k) = wants_up[i][j] ? 1.0 : 0.0;
    }
  }
  const std::vector<Index> four = {0, 1, 2, 3};
  protocol::Solver solver(p, protocol::feasible_box(p, four));
  const auto x = solver.nash(four, vec({0.10, 0.20, 0.15, 0.05}), vec({0.4, 0.3, 0.2, 0.1}));
  ASSERT_TRUE(x.has_value());
  const double u[4] = {0.30, 0.35, 0.25, 0.10};
  for (Index i = 0; i < 4; ++i) EXPECT_NEAR(model::utility(p, i, *x), u[i], 1e-9) << i;
  EXPECT_NEAR((*x)(0), 0.4, 1e-9);
  EXPECT_NEAR((*x)(1), 0.8, 1e-9);
  EXPECT_NEAR((*x)(2), 0.8, 1e-9);
  // Unweighted, the pie's solution is u_i = d_i + (1 − Σ d)/4: (0.225, 0.325, 0.275, 0.175),
  // so a + c = 0.9, c − a = 0.3 and b = c + 0.1: (a, b, c) = (0.3, 0.7, 0.6).
  const auto y = solver.nash(four, vec({0.10, 0.20, 0.15, 0.05}), vec({1, 1, 1, 1}));
  ASSERT_TRUE(y.has_value());
  EXPECT_NEAR((*y)(0), 0.3, 1e-9);
  EXPECT_NEAR((*y)(1), 0.7, 1e-9);
  EXPECT_NEAR((*y)(2), 0.6, 1e-9);
}

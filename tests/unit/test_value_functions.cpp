// Value functions and additive utilities against hand computations (docs/model.md, "Preferences").
#include <gtest/gtest.h>

#include "parley/model/preferences.hpp"

using namespace parley::model;

TEST(ValueFunction, LinearAndQuadratic) {
  EXPECT_DOUBLE_EQ(linear_value(0.3, 0.5), 0.8);
  EXPECT_DOUBLE_EQ(linear_value(0.9, 0.5), 0.6);
  EXPECT_DOUBLE_EQ(linear_value(0.5, 0.5), 1.0);
  EXPECT_NEAR(quadratic_value(0.3, 0.5), 0.96, 1e-15);
  EXPECT_NEAR(quadratic_value(1.0, 0.0), 0.0, 1e-15);
}

TEST(ValueFunction, PiecewiseLinearInterpolatesAndFindsItsPeak) {
  const PiecewiseLinear pw{{0.0, 0.4, 1.0}, {0.2, 1.0, 0.0}};
  EXPECT_NEAR(pw.value(0.2), 0.6, 1e-15);  // halfway from 0.2 to 1.0
  EXPECT_NEAR(pw.value(0.7), 0.5, 1e-15);  // halfway from 1.0 to 0.0
  EXPECT_DOUBLE_EQ(pw.value(-1.0), 0.2);
  EXPECT_DOUBLE_EQ(pw.value(0.4), 1.0);
  EXPECT_NEAR(pw.slope(0.1), 2.0, 1e-12);
  EXPECT_NEAR(pw.slope(0.5), -1.0 / 0.6, 1e-12);
  EXPECT_DOUBLE_EQ(pw.argmax(), 0.4);
  EXPECT_NEAR(pw.max_on(0.5, 0.9), 1.0 - 0.1 / 0.6, 1e-12);
  EXPECT_DOUBLE_EQ(pw.max_on(0.1, 0.9), 1.0);
}

namespace {
// Two agents, three issues, one of each shape.
Preferences two_agents() {
  Preferences p;
  p.resize(2, 3);
  p.ideal << 0.2, 0.5, 0.0,  //
      0.9, 0.1, 0.0;
  p.weight << 0.5, 0.3, 0.2,  //
      0.1, 0.6, 0.3;
  p.shape(0, 1) = static_cast<std::int8_t>(Shape::quadratic);
  p.shape(1, 2) = static_cast<std::int8_t>(Shape::piecewise);
  p.piecewise.push_back(PiecewiseLinear{{0.0, 0.5, 1.0}, {0.0, 1.0, 0.5}});
  p.piecewise_index(1, 2) = 0;
  p.ideal(1, 2) = 0.5;
  return p;
}
}  // namespace

TEST(Utility, AllAgentsAtOnceMatchHandComputation) {
  const Preferences p = two_agents();
  Vector x(3);
  x << 0.4, 0.7, 0.25;
  Matrix work;
  Vector u;
  utilities(p, x, work, u);
  // Agent 0: 0.5(1-0.2) + 0.3(1-0.04) + 0.2(1-0.25) = 0.4 + 0.288 + 0.15
  const double u0 = 0.5 * 0.8 + 0.3 * 0.96 + 0.2 * 0.75;
  // Agent 1: 0.1(1-0.5) + 0.6(1-0.6) + 0.3 * pw(0.25) = 0.05 + 0.24 + 0.3*0.5
  const double u1 = 0.1 * 0.5 + 0.6 * 0.4 + 0.3 * 0.5;
  EXPECT_NEAR(u(0), u0, 1e-15);
  EXPECT_NEAR(u(1), u1, 1e-15);
  EXPECT_NEAR(utility(p, 0, x), u0, 1e-15);
  EXPECT_NEAR(utility(p, 1, x), u1, 1e-15);
}

// The slopes the mediator's revision objective uses (NashObjective): w_ik · slope_ik is
// ∂u_i/∂x_k, against central finite differences away from the kinks.
TEST(Utility, SlopesMatchFiniteDifferences) {
  const Preferences p = two_agents();
  Vector x(3);
  x << 0.43, 0.61, 0.27;
  for (Index i = 0; i < 2; ++i) {
    for (Index k = 0; k < 3; ++k) {
      Vector up = x, down = x;
      up(k) += 1e-6;
      down(k) -= 1e-6;
      EXPECT_NEAR(p.weight(i, k) * p.slope(i, k, x(k)),
                  (utility(p, i, up) - utility(p, i, down)) / 2e-6, 1e-6)
          << i << "," << k;
    }
  }
}

TEST(Utility, BestInBoxMovesEachIssueTowardTheIdeal) {
  const Preferences p = two_agents();
  Vector lo(3), hi(3);
  lo << 0.3, 0.3, 0.3;
  hi << 0.6, 0.6, 0.6;
  // Agent 0: issue 0 best at 0.3 (v=0.9), issue 1 at 0.5 (v=1), issue 2 at 0.3 (v=0.7).
  EXPECT_NEAR(best_utility_in_box(p, 0, lo, hi), 0.5 * 0.9 + 0.3 * 1.0 + 0.2 * 0.7, 1e-15);
  // Agent 1: issue 0 at 0.6 (0.7), issue 1 at 0.3 (0.8), issue 2 piecewise peak 0.5 inside (1).
  EXPECT_NEAR(best_utility_in_box(p, 1, lo, hi), 0.1 * 0.7 + 0.6 * 0.8 + 0.3 * 1.0, 1e-15);
}

TEST(RedLines, ExcessAndPrincipalObstacle) {
  Preferences p = two_agents();
  p.red_hi(0, 0) = 0.3;  // agent 0 refuses issue 0 above 0.3
  Vector x(3);
  x << 0.45, 0.5, 0.0;
  EXPECT_NEAR(red_line_excess(p, 0, x), 0.15, 1e-15);
  EXPECT_EQ(principal_obstacle(p, 0, x), 0);  // the crossed red line
  x(0) = 0.2;
  x(2) = 1.0;
  EXPECT_DOUBLE_EQ(red_line_excess(p, 0, x), 0.0);
  // No red line crossed: losses w(1-v) are 0.5*0 (issue 0), 0.3*0 (issue 1), 0.2*1 (issue 2).
  EXPECT_EQ(principal_obstacle(p, 0, x), 2);
}

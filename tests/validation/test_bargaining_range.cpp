// What each side would take over fighting on (docs/model.md, "The bargaining range"): an agent's
// reservation on the battlefield issue and the bargaining range there, the other terms of a text
// fixed, against hand computations for each shape of value function, against a fine grid for
// random preferences, texts and floors, and in a run against the closed form of a two-party war.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "parley/protocol/bargaining_range.hpp"

using namespace parley;
using model::Index;
using model::Shape;

namespace {

struct Fixture {
  model::Preferences p;
  protocol::Setting setting;
  protocol::Vector status_quo;
  protocol::Vector scratch;
  std::vector<double> cuts;

  Fixture(Index agents, Index issues) {
    p.resize(agents, issues);
    setting.veto.assign(static_cast<std::size_t>(agents), true);
    setting.is_party.assign(static_cast<std::size_t>(agents), true);
    status_quo = protocol::Vector::Constant(issues, 0.5);
  }
  double range(const protocol::Vector& x, const protocol::Vector& batna) {
    return protocol::bargaining_range(setting, p, status_quo, 0, x, batna, scratch, cuts);
  }
  double reservation(Index i, const protocol::Vector& x, double demand, double toward) {
    return protocol::reservation(p, i, 0, x, demand, toward, scratch, cuts);
  }
};

protocol::Vector text(std::initializer_list<double> v) {
  protocol::Vector x(static_cast<Index>(v.size()));
  Index k = 0;
  for (double e : v) x(k++) = e;
  return x;
}

// The set {y : pass(y)} on [0, 1] by the midpoints of n cells: its length, and the farthest y
// reached from `from` going up (or down) before the first cell that fails.
template <typename Pass>
double grid_length(Pass pass, int n) {
  double length = 0.0;
  for (int j = 0; j < n; ++j) length += pass((j + 0.5) / n) ? 1.0 / n : 0.0;
  return length;
}

}  // namespace

// Two sides over issue 0 (a wants it low, b high) and a second issue. With weighted sums,
// u_a = w_a (1 − y) + (1 − w_a)(1 − |x_1 − c_a|) ≥ r_a iff y ≤ 1 − (r_a − rest_a)/w_a, and b takes
// y ≥ (r_b − rest_b)/w_b: the range is the overlap of [0, hi_a] and [lo_b, 1], and each side's
// reservation the end of its own interval.
TEST(BargainingRange, TwoLinearSidesByHand) {
  Fixture f(2, 2);
  f.p.ideal << 0.0, 0.3, 1.0, 0.9;
  f.p.weight << 0.6, 0.4, 0.7, 0.3;
  const protocol::Vector x = text({0.5, 0.5});
  const double rest_a = 0.4 * (1.0 - 0.2), rest_b = 0.3 * (1.0 - 0.4);
  for (const double ra : {0.2, 0.5, 0.7, 0.95}) {
    for (const double rb : {0.1, 0.45, 0.8}) {
      const double hi = 1.0 - (ra - rest_a) / 0.6, lo = (rb - rest_b) / 0.7;
      const double want = std::max(0.0, std::min(hi, 1.0) - std::max(lo, 0.0));
      EXPECT_NEAR(f.range(x, text({ra, rb})), want, 1e-12) << ra << " " << rb;
      // a's reservation toward b's ideal; NaN where even its ideal falls short.
      const double res_a = f.reservation(0, x, ra, 1.0);
      if (rest_a + 0.6 < ra) {
        EXPECT_TRUE(std::isnan(res_a));
      } else {
        EXPECT_NEAR(res_a, std::min(hi, 1.0), 1e-12);
      }
      const double res_b = f.reservation(1, x, rb, 0.0);
      if (rest_b + 0.7 < rb) {
        EXPECT_TRUE(std::isnan(res_b));
      } else {
        EXPECT_NEAR(res_b, std::max(lo, 0.0), 1e-12);
      }
    }
  }
}

// Quadratic: v = 1 − (y − a)², so y = a ± √(1 − θ); a red line cuts the reservation at its end;
// a red line crossed on another issue leaves none.
TEST(BargainingRange, QuadraticAndRedLines) {
  Fixture f(1, 2);
  f.p.ideal << 0.3, 0.5;
  f.p.weight << 0.5, 0.5;
  f.p.shape(0, 0) = static_cast<std::int8_t>(Shape::quadratic);
  const protocol::Vector x = text({0.3, 0.5});
  const double demand = 0.5 + 0.5 * 0.91;  // θ = 0.91: y = 0.3 ± 0.3
  EXPECT_NEAR(f.reservation(0, x, demand, 1.0), 0.6, 1e-12);
  EXPECT_NEAR(f.reservation(0, x, demand, 0.0), 0.0, 1e-12);
  EXPECT_NEAR(f.range(x, text({demand})), 0.6, 1e-12);
  f.p.red_hi(0, 0) = 0.45;
  EXPECT_NEAR(f.reservation(0, x, demand, 1.0), 0.45, 1e-12);
  EXPECT_NEAR(f.range(x, text({demand})), 0.45, 1e-12);
  f.p.red_hi(0, 1) = 0.4;  // the text's other term crosses it
  EXPECT_TRUE(std::isnan(f.reservation(0, x, demand, 1.0)));
  EXPECT_EQ(f.range(x, text({demand})), 0.0);
}

// A piecewise shape that is not concave, through (0, 1), (0.3, 0.2), (0.6, 0.9), (1, 0), on the
// one issue: at θ = 0.5 the acceptable set is [0, 0.1875] ∪ [3/7, 7/9] (linear interpolation on
// each segment), and the reservation going up from the ideal 0 stops at the first gap.
TEST(BargainingRange, PiecewiseNotConcaveByHand) {
  Fixture f(1, 1);
  f.p.shape(0, 0) = static_cast<std::int8_t>(Shape::piecewise);
  f.p.piecewise.push_back({{0.0, 0.3, 0.6, 1.0}, {1.0, 0.2, 0.9, 0.0}});
  f.p.piecewise_index(0, 0) = 0;
  f.p.ideal(0, 0) = 0.0;
  f.p.weight(0, 0) = 1.0;
  const protocol::Vector x = text({0.5});
  const double lo2 = 0.3 + 0.3 / 0.7 * 0.3, hi2 = 0.6 + 0.4 / 0.9 * 0.4;
  EXPECT_NEAR(f.range(x, text({0.5})), 0.1875 + (hi2 - lo2), 1e-12);
  EXPECT_NEAR(f.reservation(0, x, 0.5, 1.0), 0.1875, 1e-12);
}

// An issue veto holds only for texts that move one of its issues off the status quo: with the
// other term at the status quo the third agent's consent is not needed.
TEST(BargainingRange, AnIssueVetoHoldsOffItsStatusQuo) {
  Fixture f(3, 2);
  f.p.ideal << 0.0, 0.5, 1.0, 0.5, 1.0, 0.0;
  f.p.weight << 1.0, 0.0, 1.0, 0.0, 0.5, 0.5;
  f.setting.veto_issues = {{}, {}, {1}};
  const protocol::Vector batna = text({0.4, 0.3, 0.9});  // a: y ≤ 0.6, b: y ≥ 0.3
  EXPECT_NEAR(f.range(text({0.5, 0.5}), batna), 0.3, 1e-12);
  // Off the status quo, c needs 0.5 y + 0.5 (1 − 0.2) ≥ 0.9: y ≥ 1, never within (0.3, 0.6).
  EXPECT_EQ(f.range(text({0.5, 0.2}), batna), 0.0);
}

// A discrete issue: the share of its options that every side takes.
TEST(BargainingRange, DiscreteIssueCountsOptions) {
  Fixture f(2, 1);
  f.setting.options = {5};  // 0, 0.25, 0.5, 0.75, 1
  f.p.ideal << 0.0, 1.0;
  f.p.weight << 1.0, 1.0;
  // a: 1 − y ≥ 0.3 → y ≤ 0.7; b: y ≥ 0.2: the options 0.25 and 0.5.
  EXPECT_DOUBLE_EQ(f.range(text({0.5}), text({0.3, 0.2})), 2.0 / 5.0);
}

// Random preferences (every shape, red lines, weighted sums and the mean aggregation), texts and
// floors: the range against the length of the passing cells of a grid of 200,000, within the
// cells the cuts can straddle, and each reservation against a walk along the same grid.
TEST(BargainingRange, AgreesWithAFineGrid) {
  std::mt19937_64 rng(20251219);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  constexpr int kCells = 200000;
  for (int trial = 0; trial < 200; ++trial) {
    const Index agents = 2 + trial % 3, issues = 1 + trial % 3;
    Fixture f(agents, issues);
    f.p.mean = trial % 5 == 4;
    for (Index i = 0; i < agents; ++i) {
      double sum = 0.0;
      for (Index k = 0; k < issues; ++k) {
        f.p.ideal(i, k) = u01(rng);
        f.p.weight(i, k) = 0.1 + u01(rng);
        sum += f.p.weight(i, k);
        const int shape = (trial + static_cast<int>(i + k)) % 3;
        f.p.shape(i, k) = static_cast<std::int8_t>(shape);
        if (shape == 2) {
          model::PiecewiseLinear pw{{0.0, 0.25 + 0.5 * u01(rng), 1.0},
                                    {u01(rng), u01(rng), u01(rng)}};
          f.p.piecewise_index(i, k) = static_cast<int>(f.p.piecewise.size());
          f.p.piecewise.push_back(pw);
          f.p.ideal(i, k) = pw.argmax();
        }
        if (u01(rng) < 0.3) {
          const double a = u01(rng), b = u01(rng);
          f.p.red_lo(i, k) = std::min(a, b) * 0.5;
          f.p.red_hi(i, k) = 0.5 + std::max(a, b) * 0.5;
        }
      }
      f.p.weight.row(i) /= sum;
    }
    protocol::Vector x(issues), floor(agents);
    for (Index k = 0; k < issues; ++k) x(k) = u01(rng);
    for (Index i = 0; i < agents; ++i) floor(i) = 0.2 + 0.6 * u01(rng);
    auto takes = [&](Index i, double y) {
      protocol::Vector z = x;
      z(0) = y;
      return model::utility(f.p, i, z) >= floor(i) && model::red_line_excess(f.p, i, z) == 0.0;
    };
    const double grid = grid_length(
        [&](double y) {
          for (Index i = 0; i < agents; ++i)
            if (!takes(i, y)) return false;
          return true;
        },
        kCells);
    // Each agent's verdict changes at most ~8 times along the axis.
    const double slack = 8.0 * static_cast<double>(agents) / kCells;
    EXPECT_NEAR(f.range(x, floor), grid, slack) << "trial " << trial;
    for (Index i = 0; i < agents; ++i) {
      const double a = f.p.ideal(i, 0);
      const double toward = u01(rng);
      const double res = f.reservation(i, x, floor(i), toward);
      if (!takes(i, a)) {
        EXPECT_TRUE(std::isnan(res)) << "trial " << trial << " agent " << i;
        continue;
      }
      // Walk the grid from the ideal until a point fails.
      const bool up = toward != a ? toward > a : a < 0.5;
      double reached = up ? 1.0 : 0.0;
      for (int j = 1; j <= kCells; ++j) {
        const double y = up ? a + (1.0 - a) * j / kCells : a - a * j / kCells;
        if (!takes(i, y)) {
          reached = up ? a + (1.0 - a) * (j - 1) / kCells : a - a * (j - 1) / kCells;
          break;
        }
      }
      EXPECT_NEAR(res, reached, 2.0 / kCells) << "trial " << trial << " agent " << i;
    }
  }
}

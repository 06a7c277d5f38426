// The small simplex against hand-solved programs, and the column-generation path for three
// or more players against the barrier and nested-bisection path it replaces, on random
// problems with every shape.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "parley/protocol/solve/small_lp.hpp"
#include "parley/protocol/solve/solver.hpp"

using namespace parley;
using protocol::Index;
using protocol::SmallLp;
using protocol::Vector;

namespace {

Eigen::VectorXd col(std::initializer_list<double> v) {
  Eigen::VectorXd out(static_cast<Index>(v.size()));
  Index k = 0;
  for (double x : v) out(k++) = x;
  return out;
}

}  // namespace

// max 3x + 2y s.t. x + y <= 4, x + 3y <= 6, x <= 3: vertex (3, 1), value 11; the first and
// third rows bind, with duals 2 and 1 (2·4 + 1·3 = 11), the second is slack (dual 0).
TEST(SmallLp, MaximisesOverLessOrEqualRows) {
  SmallLp lp;
  lp.reset(3);
  lp.set_row(0, SmallLp::Sense::le, 4);
  lp.set_row(1, SmallLp::Sense::le, 6);
  lp.set_row(2, SmallLp::Sense::le, 3);
  lp.add_column(3, col({1, 1, 1}));
  lp.add_column(2, col({1, 3, 0}));
  ASSERT_EQ(lp.solve(), SmallLp::Status::optimal);
  EXPECT_NEAR(lp.value(), 11, 1e-12);
  EXPECT_NEAR(lp.solution()(0), 3, 1e-12);
  EXPECT_NEAR(lp.solution()(1), 1, 1e-12);
  EXPECT_NEAR(lp.duals()(0), 2, 1e-12);
  EXPECT_NEAR(lp.duals()(1), 0, 1e-12);
  EXPECT_NEAR(lp.duals()(2), 1, 1e-12);
}

// min x + y s.t. x + 2y >= 4, 3x + y >= 6: the two rows cross at (8/5, 6/5), x + y = 14/5;
// duals of the maximisation of -x - y: -2/5 and -1/5 (4·(-2/5) + 6·(-1/5) = -14/5).
TEST(SmallLp, GreaterOrEqualRowsNeedPhaseOne) {
  SmallLp lp;
  lp.reset(2);
  lp.set_row(0, SmallLp::Sense::ge, 4);
  lp.set_row(1, SmallLp::Sense::ge, 6);
  lp.add_column(-1, col({1, 3}));
  lp.add_column(-1, col({2, 1}));
  ASSERT_EQ(lp.solve(), SmallLp::Status::optimal);
  EXPECT_NEAR(lp.value(), -14.0 / 5, 1e-12);
  EXPECT_NEAR(lp.solution()(0), 8.0 / 5, 1e-12);
  EXPECT_NEAR(lp.solution()(1), 6.0 / 5, 1e-12);
  EXPECT_NEAR(lp.duals()(0), -2.0 / 5, 1e-12);
  EXPECT_NEAR(lp.duals()(1), -1.0 / 5, 1e-12);
}

// max x - y s.t. x + y = 1, x <= 0.7 (a negative right-hand side flipped: -x >= -0.7).
TEST(SmallLp, EqualityAndNegativeRightHandSide) {
  SmallLp lp;
  lp.reset(2);
  lp.set_row(0, SmallLp::Sense::eq, 1);
  lp.set_row(1, SmallLp::Sense::ge, -0.7);
  lp.add_column(1, col({1, -1}));
  lp.add_column(-1, col({1, 0}));
  ASSERT_EQ(lp.solve(), SmallLp::Status::optimal);
  EXPECT_NEAR(lp.value(), 0.4, 1e-12);
  EXPECT_NEAR(lp.solution()(0), 0.7, 1e-12);
  EXPECT_NEAR(lp.solution()(1), 0.3, 1e-12);
  // Raising the right-hand side of x + y = 1 by ε adds ε to y: the value falls by ε.
  EXPECT_NEAR(lp.duals()(0), -1, 1e-12);
  // Relaxing x <= 0.7 by ε (the row -x >= -0.7 - ε) moves ε from y to x: +2ε.
  EXPECT_NEAR(lp.duals()(1), -2, 1e-12);
}

TEST(SmallLp, ReportsInfeasibleAndUnbounded) {
  SmallLp lp;
  lp.reset(2);
  lp.set_row(0, SmallLp::Sense::le, 1);
  lp.set_row(1, SmallLp::Sense::ge, 2);
  lp.add_column(1, col({1, 1}));
  EXPECT_EQ(lp.solve(), SmallLp::Status::infeasible);
  lp.reset(1);
  lp.set_row(0, SmallLp::Sense::ge, 1);
  lp.add_column(1, col({1}));
  EXPECT_EQ(lp.solve(), SmallLp::Status::unbounded);
}

// Warm starts and Dantzig's rule against fresh solves with Bland's rule, on programs shaped
// like column generation's masters (max t' s.t. -Σ μ_j u_ij + t' <= -t0 on lead rows,
// Σ μ_j u_fj >= floor_f, Σ μ_j = 1): columns join and t0 falls between solves, as in
// Solver::generate, and the floors rise. Each answer must match the fresh solve's optimum, satisfy
// the rows, and carry duals that certify it (strong duality y·b = value, no column priced
// positive).
TEST(SmallLp, WarmStartsAndDantzigsRuleMatchFreshSolves) {
  std::mt19937_64 g(35);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  int warm = 0, solves = 0, reinverted = 0, warm_after_reinversion = 0;
  for (const auto rule : {SmallLp::Rule::bland, SmallLp::Rule::dantzig}) {
    for (int trial = 0; trial < 6; ++trial) {
      const Index lead = 3 + trial, floors = 1 + trial % 4, m = lead + floors + 1;
      std::vector<Eigen::VectorXd> texts;
      auto add_text = [&] {
        Eigen::VectorXd u(m);
        for (Index r = 0; r < lead + floors; ++r) u(r) = u01(g);
        texts.push_back(u);
      };
      for (int j = 0; j < 4; ++j) add_text();
      // Floors the uniform mixture of the first texts clears: feasible from the start.
      Eigen::VectorXd floor_at = Eigen::VectorXd::Zero(floors);
      for (int j = 0; j < 4; ++j)
        floor_at += texts[static_cast<std::size_t>(j)].segment(lead, floors) / 4;
      floor_at.array() -= 0.05;
      auto column = [&](const Eigen::VectorXd& u) {
        Eigen::VectorXd c(m);
        c.head(lead) = -u.head(lead);
        c.segment(lead, floors) = u.segment(lead, floors);
        c(m - 1) = 1.0;
        return c;
      };
      Eigen::VectorXd t_col = Eigen::VectorXd::Zero(m);
      t_col.head(lead).setOnes();
      auto build = [&](SmallLp& lp, double t0, std::size_t upto) {
        lp.reset(m);
        for (Index r = 0; r < lead; ++r) lp.set_row(r, SmallLp::Sense::le, -t0);
        for (Index f = 0; f < floors; ++f) lp.set_row(lead + f, SmallLp::Sense::ge, floor_at(f));
        lp.set_row(m - 1, SmallLp::Sense::eq, 1.0);
        lp.add_column(1.0, t_col);
        for (std::size_t j = 0; j < upto; ++j) lp.add_column(0.0, column(texts[j]));
      };
      auto least = [&] {
        double t0 = 1.0;
        for (const auto& u : texts) t0 = std::min(t0, u.head(lead).minCoeff());
        return t0 - 1.0;
      };
      SmallLp lp;
      lp.set_rule(rule);
      build(lp, least(), texts.size());
      ASSERT_EQ(lp.solve(), SmallLp::Status::optimal);
      for (int step = 0; step < 60; ++step) {
        const std::size_t before = texts.size();
        for (int j = 0; j < 1 + step % 3; ++j) add_text();
        const double t0 = least();
        for (Index r = 0; r < lead; ++r) lp.set_row(r, SmallLp::Sense::le, -t0);
        // Every other step the floors rise (the uniform mixture still clears them): the last
        // basis may fall short of them, and dual simplex pivots restore it.
        if (step % 2 == 1) {
          floor_at.array() += 0.0008;
          for (Index f = 0; f < floors; ++f) lp.set_row(lead + f, SmallLp::Sense::ge, floor_at(f));
        }
        for (std::size_t j = before; j < texts.size(); ++j) lp.add_column(0.0, column(texts[j]));
        // Every third step the kept tableau is computed afresh from its basis (the remedy for
        // round-off that refinement does not cure): the warm solve goes on from it.
        if (step % 3 == 2) {
          ASSERT_TRUE(lp.reinvert());
          ++reinverted;
        }
        ASSERT_EQ(lp.solve(), SmallLp::Status::optimal);
        warm += lp.warm();
        warm_after_reinversion += step % 3 == 2 && lp.warm();
        ++solves;
        SmallLp fresh;
        build(fresh, t0, texts.size());
        ASSERT_EQ(fresh.solve(), SmallLp::Status::optimal);
        ASSERT_NEAR(lp.value(), fresh.value(), 1e-10) << "trial " << trial << " step " << step;
        // The rows hold, and the duals certify the optimum.
        const Eigen::VectorXd& z = lp.solution();
        const Eigen::VectorXd& y = lp.duals();
        Eigen::VectorXd lhs = z(0) * t_col;
        double yb = 0.0;
        for (std::size_t j = 0; j < texts.size(); ++j)
          lhs += z(static_cast<Index>(j + 1)) * column(texts[j]);
        for (Index r = 0; r < lead; ++r) {
          EXPECT_LE(lhs(r), -t0 + 1e-9);
          yb += y(r) * -t0;
        }
        for (Index f = 0; f < floors; ++f) {
          EXPECT_GE(lhs(lead + f), floor_at(f) - 1e-9);
          yb += y(lead + f) * floor_at(f);
        }
        EXPECT_NEAR(lhs(m - 1), 1.0, 1e-9);
        yb += y(m - 1);
        EXPECT_GE(z.minCoeff(), -1e-12);
        EXPECT_NEAR(yb, lp.value(), 1e-9);
        EXPECT_LE(1.0 - y.dot(t_col), 1e-9);
        for (const auto& u : texts) EXPECT_LE(-y.dot(column(u)), 1e-9);
      }
    }
  }
  // Most solves start from the last basis (the others restart by design or on round-off),
  // reinverted ones too.
  EXPECT_GT(warm, solves / 2);
  EXPECT_GT(warm_after_reinversion, reinverted / 2);
}

namespace {

// n agents, k issues, random ideals and weights; each (agent, issue) linear, quadratic or
// piecewise-linear concave (`curved` = false: no quadratics); random red lines that keep a
// common box.
model::Preferences random_problem(std::mt19937_64& g, Index n, Index k, bool curved) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  model::Preferences p;
  p.resize(n, k);
  for (Index i = 0; i < n; ++i) {
    double total = 0.0;
    for (Index j = 0; j < k; ++j) {
      p.ideal(i, j) = u01(g);
      p.weight(i, j) = 0.05 + u01(g);
      total += p.weight(i, j);
      const double pick = u01(g);
      if (curved && pick < 0.25) {
        p.shape(i, j) = static_cast<std::int8_t>(model::Shape::quadratic);
      } else if (pick < 0.5) {
        // Concave through a peak: rising then falling slopes.
        const double peak = p.ideal(i, j);
        model::PiecewiseLinear pw;
        pw.x = {0.0, 0.5 * peak, peak, 0.5 * (1.0 + peak), 1.0};
        const double a = 0.3 + 0.4 * u01(g);
        const double b = 0.3 + 0.4 * u01(g);
        pw.v = {a, a + (1 - a) * (0.6 + 0.3 * u01(g)), 1.0, b + (1 - b) * (0.6 + 0.3 * u01(g)), b};
        // Drop repeated x at the ends (a peak at 0 or 1).
        for (std::size_t q = pw.x.size() - 1; q > 0; --q) {
          if (pw.x[q] <= pw.x[q - 1]) {
            pw.x.erase(pw.x.begin() + static_cast<long>(q));
            pw.v.erase(pw.v.begin() + static_cast<long>(q));
          }
        }
        p.shape(i, j) = static_cast<std::int8_t>(model::Shape::piecewise);
        p.piecewise_index(i, j) = static_cast<int>(p.piecewise.size());
        p.ideal(i, j) = pw.argmax();
        p.piecewise.push_back(pw);
      }
    }
    p.weight.row(i) /= total;
    for (Index j = 0; j < k; ++j) {
      if (u01(g) < 0.2) {
        const double lo = 0.3 * u01(g);
        p.red_lo(i, j) = lo;
        p.red_hi(i, j) = 0.7 + 0.3 * u01(g);
      }
    }
  }
  return p;
}

std::vector<Index> first(Index n) {
  std::vector<Index> players;
  for (Index i = 0; i < n; ++i) players.push_back(i);
  return players;
}

// The same problems as one linear program in another form (the epigraph of each concave
// piecewise-linear value, exact for linear and piecewise shapes), solved by SmallLp:
// variables x_k in the box, z_ik <= every affine piece of v_ik at x_k, and
//   lead >= 0: max t  s.t.  Σ_k w_ik z_ik - c_i >= s_i t  for every player i;
//   lead < 0 is unused; `leader` >= 0: max u_leader s.t. u_j >= c_j for the others.
double epigraph_lp(const model::Preferences& p, const protocol::TextBox& box, Index n,
                   const Vector& c, const Vector& s, Index leader, bool& feasible) {
  const Index k = p.issues();
  // Affine pieces (slope, intercept) of v_ik.
  auto pieces = [&](Index i, Index j) {
    std::vector<std::pair<double, double>> out;
    if (static_cast<model::Shape>(p.shape(i, j)) == model::Shape::linear) {
      const double a = p.ideal(i, j);
      out = {{1.0, 1.0 - a}, {-1.0, 1.0 + a}};
    } else {
      const auto& pw = p.piecewise[static_cast<std::size_t>(p.piecewise_index(i, j))];
      for (std::size_t q = 0; q + 1 < pw.x.size(); ++q) {
        const double slope = (pw.v[q + 1] - pw.v[q]) / (pw.x[q + 1] - pw.x[q]);
        out.emplace_back(slope, pw.v[q] - slope * pw.x[q]);
      }
    }
    return out;
  };
  // Variables: x (k), z (n·k), t' = t + 10 (maximin only).
  const Index vars = k + n * k + 1;
  std::vector<Eigen::VectorXd> rows;
  std::vector<SmallLp::Sense> senses;
  std::vector<double> rhs;
  auto row = [&]() {
    rows.emplace_back(Eigen::VectorXd::Zero(vars));
    return rows.size() - 1;
  };
  for (Index j = 0; j < k; ++j) {
    auto r = row();
    rows[r](j) = 1.0;
    senses.push_back(SmallLp::Sense::le);
    rhs.push_back(box.hi(j));
    r = row();
    rows[r](j) = 1.0;
    senses.push_back(SmallLp::Sense::ge);
    rhs.push_back(box.lo(j));
  }
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < k; ++j) {
      for (const auto& [slope, intercept] : pieces(i, j)) {  // z_ij - slope x_j <= intercept
        const auto r = row();
        rows[r](k + i * k + j) = 1.0;
        rows[r](j) = -slope;
        senses.push_back(SmallLp::Sense::le);
        rhs.push_back(intercept);
      }
    }
  }
  for (Index i = 0; i < n; ++i) {
    if (i == leader) continue;
    const auto r = row();
    for (Index j = 0; j < k; ++j) rows[r](k + i * k + j) = p.weight(i, j);
    if (leader < 0) {  // Σ w z - s t' >= c - 10 s
      rows[r](vars - 1) = -s(i);
      rhs.push_back(c(i) - 10.0 * s(i));
    } else {
      rhs.push_back(c(i));
    }
    senses.push_back(SmallLp::Sense::ge);
  }
  SmallLp lp;
  lp.reset(static_cast<Index>(rows.size()));
  for (std::size_t r = 0; r < rows.size(); ++r)
    lp.set_row(static_cast<Index>(r), senses[r], rhs[r]);
  Eigen::VectorXd column(static_cast<Index>(rows.size()));
  for (Index v = 0; v < vars; ++v) {
    for (std::size_t r = 0; r < rows.size(); ++r) column(static_cast<Index>(r)) = rows[r](v);
    double cost = 0.0;
    if (leader < 0 && v == vars - 1) cost = 1.0;
    if (leader >= 0 && v >= k + leader * k && v < k + (leader + 1) * k)
      cost = p.weight(leader, v - k - leader * k);
    lp.add_column(cost, column);
  }
  const auto status = lp.solve();
  feasible = status == SmallLp::Status::optimal;
  return leader < 0 ? lp.value() - 10.0 : lp.value();
}

struct Paths {
  int generated = 0;
  int problems = 0;
  int old_path_optimal = 0;
  double old_path_worst = 0.0;
};

// Every answer of the column-generation solver on one problem: against the epigraph LP
// where the values are piecewise linear, and against the old path (barrier, nested
// bisection) it replaces.
void compare(const model::Preferences& p, Index n, bool piecewise_linear, std::mt19937_64& g,
             Paths& paths) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  const auto players = first(n);
  const auto box = protocol::feasible_box(p, players);
  ASSERT_FALSE(box.empty());
  protocol::Solver fast(p, box);
  protocol::Solver slow(p, box);
  slow.set_generation(false);
  // Thresholds from a text's utilities, lowered or raised a little: some problems have
  // room, some none.
  Vector at = box.lo + (box.hi - box.lo) * 0.5;
  Vector c(n), s(n);
  for (Index j = 0; j < n; ++j) {
    c(j) = model::utility(p, j, at) + (u01(g) - 0.6) * 0.3;
    s(j) = 0.5 + u01(g);
  }
  ++paths.problems;

  // Maximin: the value is the least slack of the text returned, so it is attained; the
  // old path is never above it.
  const auto mf = fast.maximin(players, c, s);
  paths.generated += fast.last_generated();
  EXPECT_NEAR(protocol::least_slack(p, players, c, s, mf.x), mf.value, 1e-15);
  const auto ms = slow.maximin(players, c, s);
  EXPECT_LE(ms.value, mf.value + 1e-9);
  paths.old_path_worst = std::max(paths.old_path_worst, mf.value - ms.value);
  paths.old_path_optimal += std::abs(mf.value - ms.value) <= 1e-9;
  if (piecewise_linear) {
    bool feasible = false;
    const double exact = epigraph_lp(p, box, n, c, s, -1, feasible);
    ASSERT_TRUE(feasible);
    EXPECT_NEAR(mf.value, exact, 1e-9);
  }

  // The best text for player 0 under the others' floors c.
  const auto bf = fast.best_for(0, players, c);
  const auto bs = slow.best_for(0, players, c);
  ASSERT_EQ(bf.has_value(), bs.has_value());
  if (bf) {
    EXPECT_NEAR(model::utility(p, 0, *bf), model::utility(p, 0, *bs), 1e-9);
    for (Index j = 1; j < n; ++j) EXPECT_GE(model::utility(p, j, *bf), c(j) - 1e-9);
  }
  if (piecewise_linear) {
    bool feasible = false;
    const double exact = epigraph_lp(p, box, n, c, s, 0, feasible);
    ASSERT_EQ(feasible, bf.has_value());
    if (bf) EXPECT_NEAR(model::utility(p, 0, *bf), exact, 1e-9);
  }

  // Weighted Nash: the utilities are unique.
  const Vector d = c.array() - 0.2;
  const Vector alpha = Vector::Ones(n) + Vector::Random(n).abs();
  const auto nf = fast.nash(players, d, alpha);
  const auto ns = slow.nash(players, d, alpha);
  ASSERT_EQ(nf.has_value(), ns.has_value());
  if (nf) {
    for (Index j = 0; j < n; ++j)
      EXPECT_NEAR(model::utility(p, j, *nf), model::utility(p, j, *ns), 1e-9) << "player " << j;
  }

  // Kalai–Smorodinsky: the aspirations, and the common normalised gain at least the
  // maximin level of the normalised problem.
  // (The old path's aspirations cost 52^(n-1) weighted argmaxes each: three players only.)
  const auto kf = fast.kalai_smorodinsky(players, d);
  const auto ks = n == 3 ? slow.kalai_smorodinsky(players, d) : kf;
  ASSERT_EQ(kf.has_value(), ks.has_value());
  if (kf) {
    for (Index j = 0; j < n; ++j) EXPECT_NEAR(kf->aspiration(j), ks->aspiration(j), 1e-9);
    const Vector span = kf->aspiration - d;
    const double level = fast.maximin(players, d, span).value;
    EXPECT_GE(protocol::least_slack(p, players, d, span, kf->x), level - 2e-9);
  }
}

// `count` random problems of three and four players over two to five issues.
Paths trials(std::uint64_t seed, int count, bool curved) {
  std::mt19937_64 g(seed);
  Paths paths;
  for (int trial = 0; trial < count; ++trial) {
    const Index n = 3 + trial % 2;
    const Index k = 2 + trial % 4;
    compare(random_problem(g, n, k, curved), n, !curved, g, paths);
  }
  return paths;
}

// Preferences shaped like scripts/bench.py's synthetic scenarios: n parties with linear values
// over k issues, patterned ideals and saliences, the first two with red lines on the first
// issue.
model::Preferences synthetic_preferences(Index n, Index k) {
  model::Preferences p;
  p.resize(n, k);
  for (Index i = 0; i < n; ++i) {
    double total = 0.0;
    for (Index j = 0; j < k; ++j) {
      const Index a = i + 1;  // as the synthetic scenario numbers its parties
      p.ideal(i, j) = 0.2 + 0.6 * static_cast<double>((a * 7 + j * 3) % 10) / 10.0;
      p.weight(i, j) = static_cast<double>(1 + (a + j) % 3);
      total += p.weight(i, j);
    }
    p.weight.row(i) /= total;
  }
  p.red_hi(0, 0) = 0.6;
  p.red_lo(1, 0) = 0.4;
  return p;
}

}  // namespace

// Two players: the maximin traces the frontier by bisection on one player's weight (its
// argmax laid out once per pair, Solver::frontier_point). Against the epigraph LP where the
// values are piecewise linear (exact), and against random texts of the box where they are
// curved (the maximin is at least the least slack of every text); the value is the least
// slack of the text returned either way.
TEST(TwoPlayerMaximin, MatchesTheEpigraphLpAndNoTextBeatsIt) {
  std::mt19937_64 g(56);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  const auto players = first(2);
  int exact = 0, curved = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const bool with_curves = trial % 3 == 2;
    const Index k = 1 + trial % 6;
    const auto p = random_problem(g, 2, k, with_curves);
    const auto box = protocol::feasible_box(p, players);
    if (box.empty()) continue;
    protocol::Solver solver(p, box);
    const Vector at = box.lo + (box.hi - box.lo) * 0.5;
    Vector c(2), s(2);
    for (Index j = 0; j < 2; ++j) {
      c(j) = model::utility(p, j, at) + (u01(g) - 0.5) * 0.4;
      s(j) = 0.5 + u01(g);
    }
    // Twice on one solver: the pair's laid-out argmax is kept between calls.
    for (int repeat = 0; repeat < 2; ++repeat) {
      const auto m = solver.maximin(players, c, s);
      EXPECT_EQ(protocol::least_slack(p, players, c, s, m.x), m.value);
      Vector x(k);
      for (int sample = 0; sample < 500; ++sample) {
        for (Index j = 0; j < k; ++j) x(j) = box.lo(j) + (box.hi(j) - box.lo(j)) * u01(g);
        EXPECT_LE(protocol::least_slack(p, players, c, s, x), m.value + 1e-12);
      }
      if (!with_curves) {
        bool feasible = false;
        EXPECT_NEAR(m.value, epigraph_lp(p, box, 2, c, s, -1, feasible), 1e-9);
        EXPECT_TRUE(feasible);
        exact += repeat == 0;
      } else {
        curved += repeat == 0;
      }
      c(1) += 0.05;  // the second call on another threshold
    }
  }
  EXPECT_GE(exact, 30);
  EXPECT_GE(curved, 15);
}

// Many players: masters of more than eight rows smooth their duals and stop when the
// Lagrangian bound meets the master's optimum (solver.cpp, Solver::generate). On problems
// shaped like scripts/bench.py's synthetic scenarios (n parties with linear values over k
// issues, patterned ideals and saliences, the first two with red lines on the first issue),
// column generation must answer every maximin and every best text under floors itself (no
// exponential fallback), and match the epigraph LP to 1e-9.
TEST(ColumnGeneration, LargeMastersStayExactWithoutTheFallback) {
  int answered = 0, problems = 0;
  for (const auto& [n, k] : {std::pair<Index, Index>{10, 4}, {12, 6}, {15, 6}, {16, 3}}) {
    const model::Preferences p = synthetic_preferences(n, k);
    const auto players = first(n);
    const auto box = protocol::feasible_box(p, players);
    ASSERT_FALSE(box.empty());
    const Vector mid = box.lo + (box.hi - box.lo) * 0.5;
    Vector c(n);
    // Floors 0.05 below the middle of the box (the synthetic scenario's BATNAs: the status quo
    // less the war's cost): a maximin of 0.05, set by few players, and degenerate duals.
    for (Index j = 0; j < n; ++j) c(j) = model::utility(p, j, mid) - 0.05;
    const Vector s = Vector::Ones(n);
    protocol::Solver solver(p, box);
    const auto m = solver.maximin(players, c, s);
    answered += solver.last_generated();
    ++problems;
    bool feasible = false;
    const double exact = epigraph_lp(p, box, n, c, s, -1, feasible);
    ASSERT_TRUE(feasible);
    EXPECT_NEAR(m.value, exact, 1e-9) << n << " x " << k;
    EXPECT_NEAR(protocol::least_slack(p, players, c, s, m.x), m.value, 1e-15);
    for (Index leader : {Index{0}, n - 1}) {
      protocol::Solver fresh(p, box);
      const auto best = fresh.best_for(leader, players, c);
      const double best_exact = epigraph_lp(p, box, n, c, s, leader, feasible);
      ASSERT_EQ(feasible, best.has_value()) << n << " x " << k;
      if (!best) continue;
      answered += fresh.last_generated();
      ++problems;
      EXPECT_NEAR(model::utility(p, leader, *best), best_exact, 1e-9) << n << " x " << k;
      for (Index j = 0; j < n; ++j) {
        if (j != leader) EXPECT_GE(model::utility(p, j, *best), c(j) - 1e-9);
      }
    }
  }
  EXPECT_EQ(answered, problems);
}

// A master of up to eight rows whose pool of texts has filled over many calls on one box (as
// an alternating-offers equilibrium asks every proposer's best offer round after round) keeps
// its seeds and newest texts and goes on generating: it used to give up at once on every later
// call, handing each to the log barrier (seconds a run at 8 players x 8 issues). Seven
// players over eight issues, best texts under six floors that move from call to call: every
// call answered by generation, each matching the epigraph LP to 1e-9.
TEST(ColumnGeneration, ASmallMasterWhosePoolIsFullGoesOnGenerating) {
  const Index n = 7, k = 8;
  const model::Preferences p = synthetic_preferences(n, k);
  const auto players = first(n);
  const auto box = protocol::feasible_box(p, players);
  ASSERT_FALSE(box.empty());
  const Vector mid = box.lo + (box.hi - box.lo) * 0.5;
  const Vector s = Vector::Ones(n);
  protocol::Solver solver(p, box);
  std::mt19937_64 g(35);
  std::uniform_real_distribution<double> shift(0.02, 0.12);
  int calls = 0, generated = 0;
  for (int round = 0; round < 40; ++round) {
    for (Index leader = 0; leader < n; ++leader) {
      Vector c(n);
      for (Index j = 0; j < n; ++j) c(j) = model::utility(p, j, mid) - shift(g);
      const auto best = solver.best_for(leader, players, c);
      bool feasible = false;
      const double exact = epigraph_lp(p, box, n, c, s, leader, feasible);
      ASSERT_EQ(feasible, best.has_value());
      if (!best) continue;
      ++calls;
      generated += solver.last_generated();
      EXPECT_NEAR(model::utility(p, leader, *best), exact, 1e-9) << round << " " << leader;
      for (Index j = 0; j < n; ++j) {
        if (j != leader) EXPECT_GE(model::utility(p, j, *best), c(j) - 1e-9);
      }
    }
  }
  EXPECT_EQ(generated, calls);
  EXPECT_GT(calls, 200);
}

// The fallback of best_for for more than three floors (used where column generation gives
// up): bisection on the leader's level, each level's feasibility a maximin (here the barrier:
// generation off). Polynomial where the nested bisection of fewer floors is exponential; it
// must meet every floor and match the epigraph LP's optimum to 1e-8.
TEST(ColumnGeneration, BestForFallsBackOnLevelsForManyFloors) {
  std::mt19937_64 g(78);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  int solved = 0;
  for (int trial = 0; trial < 2; ++trial) {
    const Index n = 5 + trial % 2;  // 4 or 5 floors
    const Index k = 2 + trial % 3;
    const auto p = random_problem(g, n, k, false);
    const auto players = first(n);
    const auto box = protocol::feasible_box(p, players);
    ASSERT_FALSE(box.empty());
    const Vector at = box.lo + (box.hi - box.lo) * 0.5;
    Vector c(n);
    for (Index j = 0; j < n; ++j) c(j) = model::utility(p, j, at) - 0.1 * u01(g);
    protocol::Solver slow(p, box);
    slow.set_generation(false);
    const auto best = slow.best_for(0, players, c);
    bool feasible = false;
    const double exact = epigraph_lp(p, box, n, c, Vector::Ones(n), 0, feasible);
    ASSERT_EQ(feasible, best.has_value()) << "trial " << trial;
    if (!best) continue;
    ++solved;
    EXPECT_NEAR(model::utility(p, 0, *best), exact, 1e-8) << "trial " << trial;
    for (Index j = 1; j < n; ++j) EXPECT_GE(model::utility(p, j, *best), c(j)) << "trial " << trial;
  }
  EXPECT_GT(solved, 0);
}

// Piecewise-linear values (linear and piecewise shapes): column generation is exact, so it
// answers every problem itself and matches the epigraph LP to 1e-9.
TEST(ColumnGeneration, ExactOnPiecewiseLinearProblems) {
  const Paths paths = trials(12, 20, false);
  EXPECT_EQ(paths.generated, paths.problems);
  std::printf(
      "old path: maximin within 1e-9 of the optimum in %d of %d problems, at worst %.3g below\n",
      paths.old_path_optimal, paths.problems, paths.old_path_worst);
}

// With quadratic values too: never worse than the old path, and the same Nash utilities.
TEST(ColumnGeneration, NoWorseThanTheOldPathWithCurvedValues) {
  const Paths paths = trials(34, 10, true);
  std::printf(
      "curved values: column generation answered %d of %d maximin problems; old path "
      "within 1e-9 in %d, at worst %.3g below\n",
      paths.generated, paths.problems, paths.old_path_optimal, paths.old_path_worst);
}

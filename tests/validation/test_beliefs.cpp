// Beliefs and screening offers against closed forms: Fearon's (1995) risk-return trade-off, the
// conjugate Normal update, and the calibration of beliefs updated by answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "parley/model/belief.hpp"
#include "parley/random/distributions.hpp"
#include "parley/random/stream.hpp"

using namespace parley;

namespace {

// Fearon (1995): A proposes a division, keeping x and offering B 1 − x. War gives A p − c_A and
// B 1 − p − c_B, with c_B uniform on [0, cbar] and known to B alone. B accepts when
// 1 − x >= 1 − p − c_B. A's first-order condition gives x* = p + (cbar − c_A)/2, clipped to
// [p, p + cbar], and war with probability (x* − p)/cbar.
struct Fearon {
  double p, cbar, c_a;
  double x_star() const { return std::clamp(p + (cbar - c_a) / 2.0, p, p + cbar); }
  double p_war() const { return (x_star() - p) / cbar; }
};

}  // namespace

TEST(Screening, ReproducesFearonsRiskReturnTradeOff) {
  for (const Fearon f : {Fearon{0.5, 0.2, 0.05}, Fearon{0.3, 0.4, 0.3}, Fearon{0.5, 0.3, 0.0},
                         Fearon{0.6, 0.1, 0.2}, Fearon{0.25, 0.5, 0.1}}) {
    // B's threshold on its own share y = 1 − x is t = 1 − p − c_B, uniform on
    // [1 − p − cbar, 1 − p]; B accepts y when t <= y.
    model::Prior prior;
    prior.lo = 1.0 - f.p - f.cbar;
    prior.hi = 1.0 - f.p;
    const model::IntervalBelief threshold(prior);
    const model::ScreeningOffer o = model::screening_offer(
        threshold, [](double y) { return 1.0 - y; }, f.p - f.c_a, 0.0, 1.0);
    EXPECT_NEAR(1.0 - o.offer, f.x_star(), 1e-7) << f.p << " " << f.cbar << " " << f.c_a;
    EXPECT_NEAR(1.0 - o.p_accept, f.p_war(), 1e-7);
    // A's expected value at the optimum, by hand.
    const double war = f.p_war();
    EXPECT_NEAR(o.value, (1.0 - war) * f.x_star() + war * (f.p - f.c_a), 1e-9);
  }
}

TEST(Screening, MatchesABruteForceSearchUnderANormalPrior) {
  model::Prior prior{model::Prior::Kind::normal, 0.2, 0.9, 0.55, 0.15};
  const model::IntervalBelief threshold(prior);
  auto accepted = [](double y) { return 1.0 - y * y; };
  const double rejected = 0.3;
  const model::ScreeningOffer o = model::screening_offer(threshold, accepted, rejected, 0.0, 1.0);
  double best = -1.0, best_x = 0.0;
  for (int k = 0; k <= 1000000; ++k) {
    const double x = k / 1e6;
    const double p = threshold.cdf(x);
    const double v = p * accepted(x) + (1.0 - p) * rejected;
    if (v > best) {
      best = v;
      best_x = x;
    }
  }
  EXPECT_NEAR(o.offer, best_x, 2e-6);
  EXPECT_GE(o.value, best - 1e-12);
}

TEST(Beliefs, PriorCdfsMatchTheirClosedForms) {
  const model::Prior uniform{model::Prior::Kind::uniform, 2.0, 6.0, 0.0, 0.0};
  EXPECT_DOUBLE_EQ(uniform.cdf(3.0), 0.25);
  // Beta(2, 3): F(u) = 1 − (1 − u)^3 (1 + 3u) on [0, 1], here rescaled to [0, 2].
  const model::Prior beta{model::Prior::Kind::beta, 0.0, 2.0, 2.0, 3.0};
  for (const double u : {0.1, 0.4, 0.8}) {
    EXPECT_NEAR(beta.cdf(2.0 * u), 1.0 - std::pow(1.0 - u, 3) * (1.0 + 3.0 * u), 1e-14);
  }
  const model::Prior tri{model::Prior::Kind::triangular, 0.0, 4.0, 1.0, 0.0};
  EXPECT_DOUBLE_EQ(tri.cdf(1.0), 0.25);  // the mode's CDF: (mode − lo)/(hi − lo)
  EXPECT_DOUBLE_EQ(tri.cdf(2.5), 1.0 - 1.5 * 1.5 / (4.0 * 3.0));
  // A Normal truncated symmetrically about its mean has its median there.
  const model::Prior normal{model::Prior::Kind::normal, -1.0, 3.0, 1.0, 0.7};
  EXPECT_NEAR(normal.cdf(1.0), 0.5, 1e-15);
}

TEST(Beliefs, AnswersTruncateThePrior) {
  model::Prior prior{model::Prior::Kind::uniform, 0.0, 1.0, 0.0, 0.0};
  model::IntervalBelief b(prior);
  b.learn_at_least(0.2);  // rejected a text at 0.2
  b.learn_at_most(0.6);   // accepted one at 0.6
  b.learn_at_least(0.7);  // contradicts what is known: ignored
  EXPECT_DOUBLE_EQ(b.lower(), 0.2);
  EXPECT_DOUBLE_EQ(b.upper(), 0.6);
  EXPECT_NEAR(b.cdf(0.3), 0.25, 1e-15);
  EXPECT_NEAR(b.quantile(0.5), 0.4, 1e-11);
}

TEST(Beliefs, ConjugateNormalUpdateByHand) {
  model::NormalBelief b{0.0, 4.0};
  b.observe(2.0, 1.0);
  EXPECT_DOUBLE_EQ(b.variance, 0.8);  // 1 / (1/4 + 1/1)
  EXPECT_DOUBLE_EQ(b.mean, 1.6);      // (0/4 + 2/1) · 0.8
  // n observations one by one equal their mean observed once with noise s²/n.
  model::NormalBelief one{0.5, 2.0}, batch{0.5, 2.0};
  const std::vector<double> ys = {1.0, -0.3, 0.8, 2.2, 0.1};
  double sum = 0.0;
  for (const double y : ys) {
    one.observe(y, 0.5);
    sum += y;
  }
  batch.observe(sum / static_cast<double>(ys.size()), 0.5 / static_cast<double>(ys.size()));
  EXPECT_NEAR(one.mean, batch.mean, 1e-14);
  EXPECT_NEAR(one.variance, batch.variance, 1e-15);
}

TEST(Beliefs, UpdatedByAnswersTheyAreCalibratedAndConcentrate) {
  // A responder's threshold t drawn from Beta(2, 3); texts at random points are accepted when
  // t <= x. The posterior is exact, so its central 95% interval covers t in 95% of runs (to
  // three binomial standard errors), and it narrows as answers accumulate.
  const model::Prior prior{model::Prior::Kind::beta, 0.0, 1.0, 2.0, 3.0};
  const int runs = 4000;
  int covered = 0;
  double width_5 = 0.0, width_20 = 0.0;
  for (int r = 0; r < runs; ++r) {
    random::Stream s(7, static_cast<std::uint64_t>(r), random::purpose_id("test.beliefs"));
    const double t = random::beta(s, 2.0, 3.0);
    model::IntervalBelief b(prior);
    for (int k = 1; k <= 20; ++k) {
      const double x = random::uniform(s, 0.0, 1.0);
      if (t <= x) {
        b.learn_at_most(x);
      } else {
        b.learn_at_least(x);
      }
      if (k != 5 && k != 20) continue;
      const double low = b.quantile(0.025), high = b.quantile(0.975);
      (k == 5 ? width_5 : width_20) += (high - low) / runs;
      if (k == 20) covered += low <= t && t <= high;
    }
  }
  const double coverage = static_cast<double>(covered) / runs;
  EXPECT_NEAR(coverage, 0.95, 3.0 * std::sqrt(0.95 * 0.05 / runs));
  EXPECT_LT(width_20, 0.5 * width_5);
}

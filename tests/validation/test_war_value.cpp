// The value of fighting on, H(s) = (1 − δ) Σ_n δ^n E[v(s_n) | s_0 = s] for the clamped
// Gaussian front line (docs/model.md, "The outside option and the war"), against closed forms
// where they exist and against Monte Carlo of the process itself where they do not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "parley/protocol/war_value.hpp"
#include "parley/random/distributions.hpp"
#include "parley/random/stream.hpp"

using namespace parley;
using model::Shape;

namespace {

model::Preferences one_value(Shape shape, double ideal) {
  model::Preferences p;
  p.resize(1, 1);
  p.shape(0, 0) = static_cast<std::int8_t>(shape);
  p.ideal(0, 0) = ideal;
  p.weight(0, 0) = 1.0;
  return p;
}

double value(Shape shape, double ideal, double x) {
  return shape == Shape::linear ? 1.0 - std::abs(x - ideal) : 1.0 - (x - ideal) * (x - ideal);
}

// E|X − a| for X ~ N(m, s²): the folded normal's mean.
double folded(double m, double s, double a) {
  const double d = m - a;
  if (s == 0.0) return std::abs(d);
  return s * std::sqrt(2.0 / M_PI) * std::exp(-d * d / (2 * s * s)) +
         d * std::erf(d / (s * std::sqrt(2.0)));
}

}  // namespace

// Without drift or volatility the front stays put: H = v.
TEST(WarValue, AStillFrontIsWorthItsValue) {
  for (Shape shape : {Shape::linear, Shape::quadratic}) {
    const auto p = one_value(shape, 0.3);
    protocol::WarValue h;
    h.prepare(p, 0, 0, 0.0, 0.0, 0.9);
    for (double s : {0.0, 0.2, 0.3, 0.77, 1.0}) EXPECT_EQ(h(s), value(shape, 0.3, s));
  }
}

// σ = 0, v(x) = x (linear, ideal 1): the path s + nμ reaches 1 at step N, after which it stays:
// H = (1 − δ) [s Σ_{n<N} δ^n + μ Σ_{n<N} n δ^n] + δ^N.
TEST(WarValue, ADeterministicDriftSumsInClosedForm) {
  const auto p = one_value(Shape::linear, 1.0);
  for (double delta : {0.5, 0.9, 0.97}) {
    for (double s : {0.1, 0.55, 0.98}) {
      const double mu = 0.013;
      protocol::WarValue h;
      h.prepare(p, 0, 0, mu, 0.0, delta);
      const int n_top = static_cast<int>(std::ceil((1.0 - s) / mu));  // first n with s + nμ >= 1
      const double dn = std::pow(delta, n_top);
      const double geometric = (1 - dn) / (1 - delta);
      const double weighted = delta * (1 - n_top * std::pow(delta, n_top - 1) + (n_top - 1) * dn) /
                              ((1 - delta) * (1 - delta));
      const double want = (1 - delta) * (s * geometric + mu * weighted) + dn;
      EXPECT_NEAR(h(s), want, 1e-12) << "delta " << delta << " s " << s;
    }
  }
}

// Far from the bounds (a short horizon, a small σ) the clamp never acts, and with
// s_n ~ N(s + nμ, nσ²):
//   quadratic: E v(s_n) = 1 − (s + nμ − a)² − nσ²  (sums in closed form);
//   linear:    E v(s_n) = 1 − E|s_n − a|, the folded normal, summed term by term here.
TEST(WarValue, MatchesTheUnboundedWalkTo1e6) {
  const double mu = 0.004, sigma = 0.012, a = 0.47;
  for (double delta : {0.6, 0.8}) {
    for (Shape shape : {Shape::quadratic, Shape::linear}) {
      const auto p = one_value(shape, a);
      protocol::WarValue h;
      h.prepare(p, 0, 0, mu, sigma, delta);
      for (double s = 0.35; s < 0.65; s += 0.0073) {  // on and between table entries
        double want = 0.0, weight = 1.0 - delta;
        for (int n = 0; n < 400; ++n, weight *= delta) {
          const double m = s + n * mu, sd = sigma * std::sqrt(static_cast<double>(n));
          want += weight * (shape == Shape::quadratic ? 1.0 - (m - a) * (m - a) - sd * sd
                                                      : 1.0 - folded(m, sd, a));
        }
        EXPECT_NEAR(h(s), want, 1e-6) << (shape == Shape::linear ? "linear" : "quadratic")
                                      << " delta " << delta << " s " << s;
      }
    }
  }
}

// Near a bound, with a long horizon: against the mean of simulated paths of the process
// itself (within 4 standard errors).
TEST(WarValue, MatchesSimulatedPathsNearABound) {
  const double mu = 0.006, sigma = 0.03, delta = 0.9, a = 0.9;
  const auto p = one_value(Shape::linear, a);
  protocol::WarValue h;
  h.prepare(p, 0, 0, mu, sigma, delta);
  for (double s : {0.93, 0.03}) {
    const int paths = 30000;
    double sum = 0.0, sum2 = 0.0;
    for (int k = 0; k < paths; ++k) {
      random::Stream stream(7, static_cast<std::uint64_t>(k), 1);
      double front = s, total = 0.0, weight = 1.0 - delta;
      for (int n = 0; weight > 1e-12; ++n, weight *= delta) {
        total += weight * value(Shape::linear, a, front);
        front = std::clamp(front + mu + sigma * random::standard_normal(stream), 0.0, 1.0);
      }
      sum += total;
      sum2 += total * total;
    }
    const double mean = sum / paths;
    const double se = std::sqrt((sum2 / paths - mean * mean) / paths);
    EXPECT_NEAR(h(s), mean, 4 * se) << "s " << s << " se " << se;
    EXPECT_LT(se, 4e-4);
  }
}

// A front expected to move toward an agent's ideal is worth more to it, and the value changes
// when the belief does (nothing is kept from an earlier belief).
TEST(WarValue, ExpectedGainsRaiseTheValue) {
  const auto p = one_value(Shape::linear, 1.0);
  protocol::WarValue h;
  double last = -1.0;
  for (double mu : {-0.02, -0.005, 0.0, 0.005, 0.02}) {
    h.prepare(p, 0, 0, mu, 0.02, 0.93);
    EXPECT_GT(h(0.4), last) << mu;
    last = h(0.4);
  }
  h.prepare(p, 0, 0, 0.0, 0.02, 0.93);
  const double again = h(0.4);
  protocol::WarValue fresh;
  fresh.prepare(p, 0, 0, 0.0, 0.02, 0.93);
  EXPECT_EQ(again, fresh(0.4));
}

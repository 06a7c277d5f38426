// The value of fighting on, H(s) = E_s[∫ ρ e^{−ρt} v(X_t) dt] for the front line as a Brownian
// motion with drift held in [0, 1] by reflection, ρ = −ln δ (docs/model.md, "The outside option
// and the war"), against closed forms where they exist, an independent finite-difference
// solution of its boundary-value problem, and Monte Carlo of the process itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

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

model::Preferences piecewise_value() {
  model::Preferences p = one_value(Shape::piecewise, 0.0);
  p.piecewise.push_back(model::PiecewiseLinear{{0.1, 0.45, 0.7}, {0.2, 1.0, 0.4}});
  p.piecewise_index(0, 0) = 0;
  return p;
}

// E|X − a| for X ~ N(m, s²): the folded normal's mean.
double folded(double m, double s, double a) {
  const double d = m - a;
  if (s == 0.0) return std::abs(d);
  return s * std::sqrt(2.0 / M_PI) * std::exp(-d * d / (2 * s * s)) +
         d * std::erf(d / (s * std::sqrt(2.0)));
}

// (σ²/2) H'' + μ H' − ρ H = −ρ v on N + 1 nodes i/N by central differences, H'(0) = H'(1) = 0
// by mirrored ghost nodes (second order), solved by the Thomas algorithm.
std::vector<double> finite_differences(const model::Preferences& p, double mu, double sigma,
                                       double rho, int n) {
  const double h = 1.0 / n, diffusion = 0.5 * sigma * sigma / (h * h), advection = mu / (2 * h);
  std::vector<double> lower(n + 1), diag(n + 1), upper(n + 1), rhs(n + 1);
  for (int i = 0; i <= n; ++i) {
    lower[i] = diffusion - advection;
    upper[i] = diffusion + advection;
    diag[i] = -2.0 * diffusion - rho;
    rhs[i] = -rho * p.value(0, 0, i * h);
  }
  upper[0] += lower[0];  // H_{−1} = H_1
  lower[0] = 0.0;
  lower[n] += upper[n];  // H_{N+1} = H_{N−1}
  upper[n] = 0.0;
  for (int i = 1; i <= n; ++i) {
    const double f = lower[i] / diag[i - 1];
    diag[i] -= f * upper[i - 1];
    rhs[i] -= f * rhs[i - 1];
  }
  std::vector<double> out(n + 1);
  out[n] = rhs[n] / diag[n];
  for (int i = n - 1; i >= 0; --i) out[i] = (rhs[i] - upper[i] * out[i + 1]) / diag[i];
  return out;
}

}  // namespace

// Without drift or volatility the front stays put, and without discounting there is no horizon
// to average over: H = v.
TEST(WarValue, AStillFrontIsWorthItsValue) {
  for (Shape shape : {Shape::linear, Shape::quadratic}) {
    const auto p = one_value(shape, 0.3);
    for (const auto& [mu, sigma, delta] :
         {std::tuple{0.0, 0.0, 0.9}, std::tuple{0.01, 0.02, 1.0}, std::tuple{0.01, 0.02, 0.0}}) {
      protocol::WarValue h;
      h.prepare(p, 0, 0, mu, sigma, delta);
      for (double s : {0.0, 0.2, 0.3, 0.77, 1.0})
        EXPECT_NEAR(h(s), p.value(0, 0, s), 1e-15) << mu << " " << sigma << " " << delta;
    }
  }
}

// σ = 0, v(x) = x (linear, ideal 1): the path s + μt reaches the bound b ahead at T = |b − s|/|μ|
// and stays there: H = ρ ∫_0^T e^{−ρt} (s + μt) dt + e^{−ρT} b
//   = s (1 − e^{−ρT}) + μ (1 − e^{−ρT} (1 + ρT)) / ρ + e^{−ρT} b.
TEST(WarValue, ADeterministicDriftIntegratesInClosedForm) {
  const auto p = one_value(Shape::linear, 1.0);
  for (double delta : {0.5, 0.9, 0.97}) {
    const double rho = -std::log(delta);
    for (double mu : {0.013, -0.021}) {
      for (double s : {0.1, 0.55, 0.98}) {
        protocol::WarValue h;
        h.prepare(p, 0, 0, mu, 0.0, delta);
        const double bound = mu > 0 ? 1.0 : 0.0;
        const double t = std::abs(bound - s) / std::abs(mu), e = std::exp(-rho * t);
        const double want = s * (1 - e) + mu * (1 - e * (1 + rho * t)) / rho + e * bound;
        EXPECT_NEAR(h(s), want, 1e-12) << "delta " << delta << " mu " << mu << " s " << s;
      }
    }
  }
}

// Far from the bounds (a short horizon, a small σ, s in [0.3, 0.5]) the reflection never acts (its
// terms are below e^{−15}, λ₊ ≥ 31 and λ₋ ≤ −87 here), and X_t ~ N(s + μt, σ²t):
//   quadratic: ρ ∫ e^{−ρt} (1 − (s + μt − a)² − σ²t) dt = 1 − (s − a)² − 2(s − a)μ/ρ − 2μ²/ρ² −
//   σ²/ρ; linear:    ρ ∫ e^{−ρt} (1 − E|X_t − a|) dt, the folded normal, by Simpson's rule in w =
//   √(ρt).
TEST(WarValue, MatchesTheUnboundedMotionTo1e8) {
  const double mu = 0.004, sigma = 0.012, a = 0.42;
  for (double delta : {0.6, 0.8}) {
    const double rho = -std::log(delta);
    for (Shape shape : {Shape::quadratic, Shape::linear}) {
      const auto p = one_value(shape, a);
      protocol::WarValue h;
      h.prepare(p, 0, 0, mu, sigma, delta);
      for (double s = 0.3; s < 0.5; s += 0.0047) {
        double want;
        if (shape == Shape::quadratic) {
          want = 1 - (s - a) * (s - a) - 2 * (s - a) * mu / rho - 2 * mu * mu / (rho * rho) -
                 sigma * sigma / rho;
        } else {
          // ∫_0^∞ ρ e^{−ρt} F(t) dt = ∫_0^∞ 2w e^{−w²} F(w²/ρ) dw.
          const int m = 20000;
          const double top = 6.5, step = top / m;
          double sum = 0.0;
          for (int k = 0; k <= m; ++k) {
            const double w = k * step, t = w * w / rho;
            const double f =
                2 * w * std::exp(-w * w) * (1.0 - folded(s + mu * t, sigma * std::sqrt(t), a));
            sum += f * (k == 0 || k == m ? 1.0 : (k % 2 == 1 ? 4.0 : 2.0));
          }
          want = sum * step / 3.0;
        }
        EXPECT_NEAR(h(s), want, 1e-8) << (shape == Shape::linear ? "linear" : "quadratic")
                                      << " delta " << delta << " s " << s;
      }
    }
  }
}

// Near the bounds and with a long horizon, for every shape: against the boundary-value problem
// solved by finite differences on 2,000 and 4,000 cells, combined by Richardson extrapolation
// (the scheme's error is O(h²)).
TEST(WarValue, MatchesFiniteDifferencesTo1e6) {
  const std::vector<model::Preferences> shapes = {
      one_value(Shape::linear, 0.9), one_value(Shape::quadratic, 0.2), piecewise_value()};
  for (const auto& p : shapes) {
    for (const auto& [mu, sigma, delta] :
         {std::tuple{0.006, 0.03, 0.9}, std::tuple{-0.01, 0.02, 0.95},
          std::tuple{0.02, 0.05, 0.8}}) {
      const double rho = -std::log(delta);
      const auto coarse = finite_differences(p, mu, sigma, rho, 2000);
      const auto fine = finite_differences(p, mu, sigma, rho, 4000);
      protocol::WarValue h;
      h.prepare(p, 0, 0, mu, sigma, delta);
      for (int i = 0; i <= 2000; i += 25) {
        const double want = (4.0 * fine[2 * i] - coarse[i]) / 3.0;
        EXPECT_NEAR(h(i / 2000.0), want, 1e-6)
            << "shape " << int(p.shape(0, 0)) << " mu " << mu << " s " << i / 2000.0;
      }
    }
  }
}

// Near a bound: against Monte Carlo of the reflected motion itself. H = E[v(X_τ)] with τ an
// exponential time of rate ρ independent of X; X by steps of 0.005 rounds, mirrored at 0 and 1
// (within 4 standard errors).
TEST(WarValue, MatchesSimulatedPathsNearABound) {
  const double mu = 0.006, sigma = 0.03, delta = 0.9, a = 0.9, dt = 0.005;
  const double rho = -std::log(delta);
  const auto p = one_value(Shape::linear, a);
  protocol::WarValue h;
  h.prepare(p, 0, 0, mu, sigma, delta);
  for (double s : {0.97, 0.03}) {
    const int paths = 20000;
    double sum = 0.0, sum2 = 0.0;
    for (int k = 0; k < paths; ++k) {
      random::Stream stream(7, static_cast<std::uint64_t>(k), 1);
      const double tau = -std::log(1.0 - random::uniform(stream, 0.0, 1.0)) / rho;
      double x = s;
      for (double t = 0.0; t < tau; t += dt) {
        const double step = std::min(dt, tau - t);
        x += mu * step + sigma * std::sqrt(step) * random::standard_normal(stream);
        if (x < 0.0) x = -x;
        if (x > 1.0) x = 2.0 - x;
      }
      const double v = p.value(0, 0, x);
      sum += v;
      sum2 += v * v;
    }
    const double mean = sum / paths;
    const double se = std::sqrt((sum2 / paths - mean * mean) / paths);
    EXPECT_NEAR(h(s), mean, 4 * se) << "s " << s << " se " << se;
    EXPECT_LT(se, 2e-3);
  }
}

// A vanishing volatility gives the deterministic path's value (away from the boundary layer).
TEST(WarValue, ASmallVolatilityApproachesThePath) {
  for (Shape shape : {Shape::linear, Shape::quadratic}) {
    const auto p = one_value(shape, 0.6);
    for (double mu : {0.01, -0.01}) {
      protocol::WarValue path, diffusion;
      path.prepare(p, 0, 0, mu, 0.0, 0.9);
      diffusion.prepare(p, 0, 0, mu, 1e-4, 0.9);
      for (double s : {0.2, 0.5, 0.8}) EXPECT_NEAR(diffusion(s), path(s), 1e-5) << mu << " " << s;
    }
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

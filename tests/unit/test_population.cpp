// Posterior runs (docs/model.md, "Posterior runs"): the kernel over a calibrated population keeps
// its weighted mean and covariance, stays in the prior's support, and a population of one point
// gives that point.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "parley/engine/population.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/random/stream.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

TEST(Population, TheKernelKeepsTheWeightedMeanAndCovariance) {
  // Three particles in two dimensions with unequal weights: the mixture the kernel draws from
  // has mean m = Σ w θ and covariance a² Σ + h² Σ = Σ (Liu & West 2001), computed here by hand.
  engine::Population pop;
  pop.parameters = {"x", "y"};
  pop.particles = {0.2, 1.0, 0.5, 3.0, 0.9, 2.0};
  pop.weights = {0.5, 0.3, 0.2};
  const double mx = 0.5 * 0.2 + 0.3 * 0.5 + 0.2 * 0.9, my = 0.5 * 1.0 + 0.3 * 3.0 + 0.2 * 2.0;
  double sxx = 0, syy = 0, sxy = 0;
  for (int j = 0; j < 3; ++j) {
    const double dx = pop.particles[2 * j] - mx, dy = pop.particles[2 * j + 1] - my;
    sxx += pop.weights[j] * dx * dx;
    syy += pop.weights[j] * dy * dy;
    sxy += pop.weights[j] * dx * dy;
  }
  const engine::PopulationKernel kernel(pop, [](const double*) { return true; });
  const int n = 200000;
  std::vector<double> xs(n), ys(n);
  double theta[2];
  for (int r = 0; r < n; ++r) {
    random::Stream stream(1, static_cast<std::uint64_t>(r), 7);
    kernel.draw(stream, theta);
    xs[static_cast<std::size_t>(r)] = theta[0];
    ys[static_cast<std::size_t>(r)] = theta[1];
  }
  auto mean = [&](auto f) {
    double acc = 0;
    for (std::size_t r = 0; r < xs.size(); ++r) acc += f(xs[r], ys[r]);
    return acc / n;
  };
  const double ax = mean([](double x, double) { return x; });
  const double ay = mean([](double, double y) { return y; });
  EXPECT_NEAR(ax, mx, 4 * std::sqrt(sxx / n));
  EXPECT_NEAR(ay, my, 4 * std::sqrt(syy / n));
  // Each (co)variance within 4 standard errors, the error of a mean of products estimated from
  // the draws: a kernel without the shrinkage (a = 1) would add h²Σ, about 6 of them.
  auto check = [&](auto f, double expected, const char* what) {
    const double v = mean(f);
    const double v2 = mean([&](double x, double y) { return f(x, y) * f(x, y); });
    EXPECT_NEAR(v, expected, 4 * std::sqrt((v2 - v * v) / n)) << what;
  };
  check([&](double x, double) { return (x - ax) * (x - ax); }, sxx, "var x");
  check([&](double, double y) { return (y - ay) * (y - ay); }, syy, "var y");
  check([&](double x, double y) { return (x - ax) * (y - ay); }, sxy, "cov x y");
  // Each draw stays near a particle: the kernel's spread is h = √(1 − a²) of Σ's.
  EXPECT_NEAR(kernel.bandwidth(), 0.1425, 1e-4);
}

TEST(Population, DrawsStayInTheSupportAndOnePointGivesThatPoint) {
  engine::Population pop;
  pop.parameters = {"x"};
  pop.particles = {0.0, 0.01, 0.02, 0.9};
  pop.weights = {0.25, 0.25, 0.25, 0.25};
  const engine::PopulationKernel kernel(pop, [](const double* t) { return t[0] >= 0.0; });
  double theta = 0;
  for (std::uint64_t r = 0; r < 20000; ++r) {
    random::Stream stream(3, r, 1);
    kernel.draw(stream, &theta);
    ASSERT_GE(theta, 0.0);
  }
  engine::Population one;
  one.parameters = {"x", "y"};
  one.particles = {0.3, 0.7, 0.3, 0.7};
  one.weights = {0.4, 0.6};
  const engine::PopulationKernel fixed(one, [](const double*) { return true; });
  double both[2];
  random::Stream stream(3, 0, 1);
  fixed.draw(stream, both);
  EXPECT_DOUBLE_EQ(both[0], 0.3);
  EXPECT_DOUBLE_EQ(both[1], 0.7);
  engine::Population bad = one;
  bad.weights = {0.4, -0.1};
  EXPECT_THROW(engine::PopulationKernel(bad, [](const double*) { return true; }),
               std::invalid_argument);
}

TEST(Population, ASamplerRefusesAPopulationOfOtherParametersOrOutsideItsPrior) {
  const auto s = scenario::load_scenario_text(
      "[scenario]\nname = \"p\"\n[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
      "[agents.a]\nreservation = 0.0\nideal = { x = { uniform = [0.2, 0.8] } }\n"
      "salience = { x = 1.0 }\n"
      "[agents.b]\nreservation = 0.0\nideal = { x = 0.0 }\nsalience = { x = 1.0 }\n"
      "[protocol]\nkind = \"nash\"\n",
      "p.toml");
  engine::Sampler sampler(s);
  ASSERT_EQ(sampler.scalar_factors(), 1u);
  engine::Population pop;
  pop.parameters = {"agents.a.ideal.x"};
  pop.particles = {0.5};
  pop.weights = {1.0};
  engine::Population other = pop;
  other.parameters = {"agents.b.ideal.x"};
  EXPECT_THROW(sampler.use_population(other), std::invalid_argument);
  engine::Population outside = pop;
  outside.particles = {0.9};  // the prior is U(0.2, 0.8)
  EXPECT_THROW(sampler.use_population(outside), std::invalid_argument);
  // A population of one point: every run's a.ideal.x is that point.
  sampler.use_population(pop);
  protocol::Realization r;
  std::vector<double> recorded(sampler.columns().size());
  for (std::uint64_t run = 0; run < 50; ++run) {
    sampler.sample(9, run, r, recorded.data());
    EXPECT_DOUBLE_EQ(recorded[0], 0.5);
  }
}

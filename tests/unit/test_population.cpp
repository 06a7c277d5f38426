// Posterior runs (docs/model.md, "Posterior runs"): draws are the calibrated population's
// particles, by weight; a sampler takes only a population of its own parameters inside its prior.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "parley/engine/population.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/random/stream.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

TEST(Population, DrawsAreTheParticlesInProportionToTheirWeights) {
  // Four particles in two dimensions, one of weight 0: every draw is one of the particles
  // exactly (never a point between them), each with frequency w_j within 4 binomial standard
  // errors, and the particle of weight 0 never.
  engine::Population pop;
  pop.parameters = {"x", "y"};
  pop.particles = {0.2, 1.0, 0.5, 3.0, 0.7, 0.1, 0.9, 2.0};
  pop.weights = {0.5, 0.3, 0.0, 0.2};
  const engine::PopulationDraws draws(pop);
  const int n = 200000;
  std::vector<int> count(4, 0);
  double theta[2];
  for (int r = 0; r < n; ++r) {
    random::Stream stream(1, static_cast<std::uint64_t>(r), 7);
    draws.draw(stream, theta);
    int which = -1;
    for (int j = 0; j < 4; ++j)
      if (theta[0] == pop.particles[2 * j] && theta[1] == pop.particles[2 * j + 1]) which = j;
    ASSERT_GE(which, 0) << theta[0] << " " << theta[1];
    ++count[static_cast<std::size_t>(which)];
  }
  for (std::size_t j = 0; j < 4; ++j) {
    const double w = pop.weights[j];
    EXPECT_NEAR(count[j] / static_cast<double>(n), w, 4 * std::sqrt(w * (1 - w) / n)) << j;
  }
  EXPECT_EQ(count[2], 0);
}

TEST(Population, ABadPopulationIsRefused) {
  engine::Population one;
  one.parameters = {"x", "y"};
  one.particles = {0.3, 0.7, 0.3, 0.7};
  one.weights = {0.4, 0.6};
  engine::Population bad = one;
  bad.weights = {0.4, -0.1};
  EXPECT_THROW(engine::PopulationDraws{bad}, std::invalid_argument);
  bad.weights = {0.0, 0.0};
  EXPECT_THROW(engine::PopulationDraws{bad}, std::invalid_argument);
  bad = one;
  bad.particles.pop_back();
  EXPECT_THROW(engine::PopulationDraws{bad}, std::invalid_argument);
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

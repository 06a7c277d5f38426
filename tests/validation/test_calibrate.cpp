// Calibration by ABC-SMC (docs/model.md, "Calibration"): the posterior against the prior runs
// filtered by discrete observations (brute force), against a closed form for a continuous one,
// and the same for any thread count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/engine/study/calibrate.hpp"
#include "parley/scenario/load.hpp"
#include "parley/scenario/observations.hpp"

using namespace parley;

namespace {

// Two parties divide x by the Nash solution within their red lines, a's x ≥ l and b's x ≤ h,
// l and h uniform on [0.2, 0.8]: a deal exactly when l ≤ h. Fixed reservations, so nothing else
// stops one. a's ideal is uniform on [0.2, 0.8] and b's war cost is a parameter that changes
// nothing observed.
const std::string kScenario =
    "[scenario]\nname = \"lines\"\n"
    "[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
    "[issues.y]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
    "[agents.a]\nreservation = 0.0\nideal = { x = { uniform = [0.2, 0.8] }, y = 1.0 }\n"
    "salience = { x = 0.7, y = 0.3 }\nshape = \"linear\"\n"
    "red_lines.x = [{ uniform = [0.2, 0.8] }, 1.0]\n"
    "[agents.b]\nreservation = 0.0\nideal = { x = 0.0, y = 0.0 }\n"
    "salience = { x = 0.5, y = { uniform = [0.2, 0.6] } }\nshape = \"linear\"\n"
    "red_lines.x = [0.0, { uniform = [0.2, 0.8] }]\n"
    "[protocol]\nkind = \"nash\"\n";

struct Weighted {
  double mean = 0.0, sd = 0.0, ess = 0.0;
};

Weighted moments(const engine::Generation& g, std::size_t p, std::size_t f) {
  Weighted m;
  double w2 = 0.0;
  for (std::size_t i = 0; i < g.weights.size(); ++i) {
    m.mean += g.weights[i] * g.particles[i * p + f];
    w2 += g.weights[i] * g.weights[i];
  }
  double var = 0.0;
  for (std::size_t i = 0; i < g.weights.size(); ++i) {
    const double d = g.particles[i * p + f] - m.mean;
    var += g.weights[i] * d * d;
  }
  m.sd = std::sqrt(var);
  m.ess = 1.0 / w2;
  return m;
}

// ABC-SMC on the scenario above with the given observations.
engine::Calibration calibrate_on(const std::string& observations, std::size_t particles,
                                 std::uint64_t seed, int threads, double target = 0.0) {
  const auto s = scenario::load_scenario_text(kScenario, "lines.toml");
  const engine::Sampler sampler(s);
  const auto observed = scenario::load_observations_text(observations, "obs.toml", s);
  engine::CalibrateOptions options;
  options.particles = particles;
  options.seed = seed;
  options.threads = threads;
  options.target = target;
  return engine::calibrate(s, sampler, observed, options);
}

std::size_t index_of(const engine::Calibration& c, const std::string& key) {
  for (std::size_t f = 0; f < c.parameters.size(); ++f)
    if (c.parameters[f] == key) return f;
  ADD_FAILURE() << "no parameter " << key;
  return 0;
}

}  // namespace

TEST(Calibrate, WithDiscreteObservationsTheWeightedPosteriorIsThePriorFilteredByThem) {
  const auto s = scenario::load_scenario_text(kScenario, "lines.toml");
  const engine::Sampler sampler(s);
  const engine::Calibration c = calibrate_on(
      "[[observed]]\nstatistic = \"deal_by\"\nround = 1\nvalue = false\nsource = \"test\"\n", 3000,
      5, 2);
  ASSERT_GE(c.generations.size(), 2u) << c.stopped;
  const engine::Generation& post = c.generations.back();
  EXPECT_EQ(post.tolerance, 0.0) << c.stopped;
  for (const double d : post.distances) ASSERT_EQ(d, 0.0);

  // Brute force: the prior runs of the ordinary engine, kept where no deal was made.
  const std::uint64_t runs = 40000;
  const std::size_t cols = sampler.columns().size();
  std::vector<double> sum(cols, 0.0), squares(cols, 0.0);
  double kept = 0.0;
  engine::EngineOptions eo;
  eo.threads = 2;
  eo.sink = [&](const engine::RunBlock& b) {
    for (std::size_t r = 0; r < b.count; ++r) {
      if (b.agreement[r]) continue;
      kept += 1.0;
      for (std::size_t j = 0; j < cols; ++j) {
        const double v = b.parameters[r * cols + j];
        sum[j] += v;
        squares[j] += v * v;
      }
    }
  };
  engine::run_plan(s, sampler, {99, 0, runs}, eo);
  // l and h: P(no deal) = 1/2, E[l | l > h] = 0.6, E[h | l > h] = 0.4 (order statistics of
  // two uniforms on [0.2, 0.8]); the brute force agrees with that too.
  EXPECT_NEAR(kept / runs, 0.5, 0.01);
  const std::size_t p = c.parameters.size();
  for (std::size_t f = 0; f < p; ++f) {
    std::size_t col = 0;
    for (std::size_t j = 0; j < cols; ++j)
      if (sampler.columns()[j].key == c.parameters[f]) col = j;
    const double brute = sum[col] / kept;
    const double brute_sd = std::sqrt(squares[col] / kept - brute * brute);
    const Weighted m = moments(post, p, f);
    const double se = std::sqrt(m.sd * m.sd / m.ess + brute_sd * brute_sd / kept);
    EXPECT_NEAR(m.mean, brute, 4.0 * se) << c.parameters[f];
    EXPECT_NEAR(m.sd, brute_sd, 4.0 * m.sd / std::sqrt(2.0 * m.ess) + 0.002) << c.parameters[f];
  }
  const Weighted l = moments(post, p, index_of(c, "agents.a.red_lines.x.lo"));
  const Weighted h = moments(post, p, index_of(c, "agents.b.red_lines.x.hi"));
  EXPECT_NEAR(l.mean, 0.6, 4.0 * l.sd / std::sqrt(l.ess));
  EXPECT_NEAR(h.mean, 0.4, 4.0 * h.sd / std::sqrt(h.ess));
}

TEST(Calibrate, AUtilityWithinItsToleranceGivesTheTruncatedPrior) {
  // a's utility of the text (x = 0, y = 1) is 0.7 (1 − m) + 0.3 with m its ideal on x, so
  // |u − o| / scale ≤ τ holds exactly when m lies within τ·scale/0.7 of m_o = 1 − (o − 0.3)/0.7.
  // The prior U(0.2, 0.8) truncated there is uniform: mean m_o, sd (2 τ scale / 0.7)/√12. Every
  // other parameter keeps its prior (b's weight on y: U(0.2, 0.6), mean 0.4, sd 0.4/√12).
  const double o = 0.65, scale = 0.1, tau = 0.3;
  const engine::Calibration c = calibrate_on(
      "[[observed]]\nstatistic = \"utility\"\nagent = \"a\"\ntext = { x = 0.0, y = 1.0 }\n"
      "value = 0.65\nscale = 0.1\nsource = \"test\"\n",
      2000, 8, 2, tau);
  const engine::Generation& post = c.generations.back();
  ASSERT_EQ(post.tolerance, tau) << c.stopped;
  const std::size_t p = c.parameters.size();
  const Weighted m = moments(post, p, index_of(c, "agents.a.ideal.x"));
  const double m_o = 1.0 - (o - 0.3) / 0.7, sd = 2.0 * tau * scale / 0.7 / std::sqrt(12.0);
  EXPECT_NEAR(m.mean, m_o, 4.0 * sd / std::sqrt(m.ess));
  EXPECT_NEAR(m.sd, sd, 4.0 * sd / std::sqrt(2.0 * m.ess));
  const Weighted y = moments(post, p, index_of(c, "agents.b.salience.y"));
  const double y_sd = 0.4 / std::sqrt(12.0);
  EXPECT_NEAR(y.mean, 0.4, 4.0 * y_sd / std::sqrt(y.ess));
  EXPECT_NEAR(y.sd, y_sd, 4.0 * y_sd / std::sqrt(2.0 * y.ess));
}

TEST(Calibrate, GenerationsDoNotDependOnTheThreads) {
  const std::string observed =
      "[[observed]]\nstatistic = \"deal_by\"\nround = 1\nvalue = false\nsource = \"test\"\n"
      "[[observed]]\nstatistic = \"utility\"\nagent = \"a\"\ntext = \"first_draft\"\n"
      "value = 0.6\nscale = 0.2\nsource = \"test\"\n";
  const engine::Calibration one = calibrate_on(observed, 200, 1, 1, 0.1);
  const engine::Calibration three = calibrate_on(observed, 200, 1, 3, 0.1);
  ASSERT_EQ(one.generations.size(), three.generations.size());
  ASSERT_GE(one.generations.size(), 3u) << one.stopped;
  for (std::size_t g = 0; g < one.generations.size(); ++g) {
    EXPECT_EQ(one.generations[g].particles, three.generations[g].particles);
    EXPECT_EQ(one.generations[g].weights, three.generations[g].weights);
    EXPECT_EQ(one.generations[g].simulations, three.generations[g].simulations);
    EXPECT_EQ(one.generations[g].tolerance, three.generations[g].tolerance);
  }
  // Tolerances fall from generation to generation.
  for (std::size_t g = 1; g < one.generations.size(); ++g)
    EXPECT_LT(one.generations[g].tolerance, one.generations[g - 1].tolerance);
}

namespace {

// The Kolmogorov-Smirnov p-value of n values against Uniform(0, 1): Stephens' (1970)
// approximation λ = (√n + 0.12 + 0.11/√n) D in Q(λ) = 2 Σ_k (−1)^{k−1} exp(−2 k² λ²).
double ks_uniform_p(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double k = static_cast<double>(i);
    d = std::max({d, (k + 1.0) / n - x[i], x[i] - k / n});
  }
  const double lambda = (std::sqrt(n) + 0.12 + 0.11 / std::sqrt(n)) * d;
  double q = 0.0;
  for (int k = 1; k <= 100; ++k)
    q += 2.0 * ((k % 2) ? 1.0 : -1.0) * std::exp(-2.0 * k * k * lambda * lambda);
  return std::clamp(q, 0.0, 1.0);
}

}  // namespace

TEST(Calibrate, SimulationBasedCalibrationRanksAreUniform) {
  // Talts et al. (2018): for truths θ* drawn from the prior and data y* simulated at θ*, the
  // rank of θ* among posterior draws is uniform when the posterior is right, so every credible
  // interval has its nominal coverage. The data: whether a deal was made in round 1 (l ≤ h) and
  // a's utility of the text (x = 0, y = 1) observed with a uniform error of ±τ·scale, the error
  // under which the ABC posterior at tolerance τ is the exact posterior.
  const auto s = scenario::load_scenario_text(kScenario, "lines.toml");
  const engine::Sampler sampler(s);
  const double scale = 0.1, tau = 0.3;
  const std::string shape =
      "[[observed]]\nstatistic = \"deal_by\"\nround = 1\nvalue = false\nsource = \"test\"\n"
      "[[observed]]\nstatistic = \"utility\"\nagent = \"a\"\ntext = { x = 0.0, y = 1.0 }\n"
      "value = 0.0\nscale = 0.1\nsource = \"test\"\n";
  const std::size_t truths = 100, p = sampler.scalar_factors();
  std::vector<std::vector<double>> ranks(p);
  for (std::size_t t = 0; t < truths; ++t) {
    random::Stream stream(2018, t, random::purpose_id("test.sbc"));
    std::vector<double> truth(p);
    for (std::size_t f = 0; f < p; ++f) truth[f] = sampler.prior(f).sample(stream);
    // y* at θ*: the deal from a simulation (distance 0 to "deal" or to "no deal"), the utility
    // from its distance to the value 0 (u > 0 here), then the error.
    scenario::Observations observed = scenario::load_observations_text(shape, "obs.toml", s);
    const engine::Distance at = engine::simulate_distance(s, sampler, observed, 7, t, truth.data());
    observed.items[0].value = at.parts[0] == 0.0 ? 0.0 : 1.0;
    observed.items[1].value = at.parts[1] * scale + tau * scale * (2.0 * stream.uniform() - 1.0);
    engine::CalibrateOptions options;
    options.particles = 200;
    options.seed = 1000 + t;
    options.threads = 2;
    options.target = tau;
    const engine::Calibration c = engine::calibrate(s, sampler, observed, options);
    const engine::Generation& post = c.generations.back();
    ASSERT_EQ(post.tolerance, tau) << c.stopped;
    for (std::size_t f = 0; f < p; ++f) {
      double below = 0.0;
      for (std::size_t i = 0; i < post.weights.size(); ++i)
        if (post.particles[i * p + f] < truth[f]) below += post.weights[i];
      ranks[f].push_back(below);
    }
  }
  // One test per parameter, each at 1% / p (Bonferroni): all of them at the 1% level.
  for (std::size_t f = 0; f < p; ++f) {
    const double pv = ks_uniform_p(ranks[f]);
    EXPECT_GT(pv, 0.01 / static_cast<double>(p)) << sampler.factors()[f];
    // Coverage of the central 90% interval: 90 of 100 expected, binomial sd 3.
    int covered = 0;
    for (const double r : ranks[f]) covered += r > 0.05 && r < 0.95;
    EXPECT_NEAR(covered, 90, 4 * 3) << sampler.factors()[f];
  }
}

// Posterior runs respect the observations: the runs here are deterministic given their
// parameters (the Nash text within the red lines, a deal exactly when l <= h), so every run drawn
// from a population calibrated to "no deal" at tolerance 0 must make no deal. (The Liu-West
// kernel that jittered the particles moved runs across l = h.)
TEST(Calibrate, EveryPosteriorRunReproducesTheFactsItsParametersDetermine) {
  const auto s = scenario::load_scenario_text(kScenario, "lines.toml");
  engine::Sampler sampler(s);
  const engine::Calibration c = calibrate_on(
      "[[observed]]\nstatistic = \"deal_by\"\nround = 1\nvalue = false\nsource = \"test\"\n", 1000,
      8, 2);
  const engine::Generation& post = c.generations.back();
  ASSERT_EQ(post.tolerance, 0.0) << c.stopped;
  engine::Population population;
  population.parameters = c.parameters;
  population.particles = post.particles;
  population.weights = post.weights;
  sampler.use_population(population);
  std::uint64_t deals = 0, runs = 0;
  engine::EngineOptions eo;
  eo.threads = 2;
  eo.sink = [&](const engine::RunBlock& b) {
    for (std::size_t r = 0; r < b.count; ++r) deals += b.agreement[r] ? 1 : 0;
    runs += b.count;
  };
  engine::run_plan(s, sampler, {11, 0, 10000}, eo);
  EXPECT_EQ(runs, 10000u);
  EXPECT_EQ(deals, 0u);
}

#pragma once
// Calibration by approximate Bayesian computation, sequential Monte Carlo (ABC-SMC; docs/model.md,
// "Calibration"): the scenario's scalar sampled parameters θ, with their distributions as the
// prior, conditioned on observations of the talks.
//
// Generation 0 draws N particles from the prior and simulates each once. Generation g ≥ 1 has the
// tolerance ε_g, a quantile of generation g − 1's distances (an adaptive schedule as in Del
// Moral, Doucet & Jasra 2012). Its particles are the replenishment of Drovandi & Pettitt (2011):
// each resamples a particle of generation g − 1 within ε_g (by weight) and moves it by R
// Metropolis-Hastings steps of ABC-MCMC (Marjoram et al. 2003), which leave the ABC posterior at
// ε_g invariant: a Gaussian random walk in unbounded coordinates z (each support mapped onto the
// real line), covariance 2.38²/p times the survivors' (Roberts, Gelman & Gilks 1997), a step
// accepted where u < π_z(z')/π_z(z) and its simulation comes within ε_g. R makes a particle stay
// put with probability at most 1% at the last generation's acceptance rate. Weights stay equal.
// (Importance weights w ∝ π/Σ w K, Beaumont et al. 2009, collapse with the default scenario's
// 35 parameters: an effective sample size of 8 of 2,000 particles, docs/model.md.)
// Reproducible for any thread count: particle i of generation g draws from streams keyed by
// (seed, g, i, purpose), and its simulations are the runs 0, 1, … of a seed keyed the same way.
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "parley/engine/sampler.hpp"
#include "parley/engine/share.hpp"
#include "parley/scenario/observations.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::engine {

// The distance of a simulation to the observations: each discrete statistic adds 1 where it
// differs from what was observed, each continuous one |s − o| / scale (infinite where the run
// has no value for it, a deal term without a deal).
struct Distance {
  double total = 0.0;
  std::vector<double> parts;  // per observation
};

// Simulates run `run` of `seed` with the scalar factors at theta (natural units; the prior's
// draws where theta is null) and measures it against the observations.
Distance simulate_distance(const scenario::Scenario& s, const Sampler& sampler,
                           const scenario::Observations& observed, std::uint64_t seed,
                           std::uint64_t run, const double* theta);

struct Generation {
  int index = 0;
  double tolerance = std::numeric_limits<double>::infinity();
  std::vector<double> particles;  // [particle, parameter], natural units
  std::vector<double> weights;    // [particle], summing to 1
  std::vector<double> distances;  // [particle]
  std::uint64_t simulations = 0;  // made in this generation (generation 0: one per particle)
  double acceptance_rate = 1.0;   // steps accepted over steps tried
};

struct CalibrateOptions {
  std::size_t particles = 1000;
  std::uint64_t seed = 1;
  double quantile = 0.5;         // ε_g: this quantile of generation g − 1's distances
  double target = 0.0;           // stop once ε_g is at or below it
  double min_acceptance = 0.01;  // stop after a generation accepting a smaller share
  std::uint64_t budget =
      1000000;  // simulations in all; a generation that would pass it is not made
  int max_generations = 30;
  int threads = 0;  // 0: all hardware threads
  // Called after each generation, in order (progress, checkpoints).
  std::function<void(const Generation&)> on_generation;
  // Called as particles finish within generation `index` (done of `particles`), from the worker
  // threads but never two at a time (a thread that finds it busy goes on without calling).
  std::function<void(int index, std::uint64_t done, std::uint64_t particles)> on_particles;
  const std::atomic<bool>* cancel = nullptr;  // checked between particles, in every generation
  // Under several processes: this one's share of each generation's particles (every process
  // runs the same calibration, and ends with the same generations); on_particles counts them.
  Share share;
};

struct Calibration {
  std::vector<std::string> parameters;  // the scalar factors' keys
  std::vector<Generation> generations;
  std::string stopped;  // why it stopped
};

// Runs ABC-SMC from generation 0, or goes on from `done` (the generations of an interrupted
// calibration with the same scenario, observations and options).
Calibration calibrate(const scenario::Scenario& s, const Sampler& sampler,
                      const scenario::Observations& observed, const CalibrateOptions& options,
                      std::vector<Generation> done = {});

}  // namespace parley::engine

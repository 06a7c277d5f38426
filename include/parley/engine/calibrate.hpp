#pragma once
// Calibration by approximate Bayesian computation, sequential Monte Carlo (ABC-SMC; docs/model.md,
// "Calibration"): the scenario's scalar sampled parameters θ, with their distributions as the
// prior, conditioned on observations of the talks.
//
// Generation 0 draws N particles from the prior and simulates each once. Generation g ≥ 1 has the
// tolerance ε_g, a quantile of generation g − 1's distances (Del Moral, Doucet & Jasra 2012); each
// of its particles is proposed from generation g − 1 (a particle j picked with its weight, moved
// by the Gaussian kernel K with twice that generation's weighted covariance, Beaumont et al.
// 2009), discarded where the prior density is 0, and simulated until the distance of a
// simulation is at most ε_g (Toni et al. 2009). Its weight is
//   w_i ∝ π(θ_i) / Σ_j w_j K(θ_i | θ_j)        (Beaumont et al. 2009).
// The parameters outside θ (each agent's Dirichlet weights) are drawn from their prior in every
// simulation, so the posterior is θ's marginal.
//
// Reproducible for any thread count: particle i of generation g draws from streams keyed by
// (seed, g, i, purpose), and its simulations are the runs 0, 1, … of a seed keyed the same way.
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "parley/engine/sampler.hpp"
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
  std::uint64_t simulations = 0;  // made in this generation
  double acceptance() const {
    return simulations > 0 ? static_cast<double>(weights.size()) / static_cast<double>(simulations)
                           : 0.0;
  }
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
  const std::atomic<bool>* cancel = nullptr;  // checked between particles
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

#pragma once
// Variance-based sensitivity (Sobol' indices) from a Saltelli design: matrices A and B of
// N independent samples of the k factors, and AB_i = A with factor i taken from B. With
// f_A, f_B, f_ABi the model outputs (Saltelli et al. 2010, Computer Physics Comm. 181):
//   first order  S_i  = mean(f_B (f_ABi - f_A)) / V
//   total        ST_i = mean((f_A - f_ABi)^2) / 2V        (Jansen 1999)
// with V the variance of f over A and B. Intervals: percentile bootstrap over the N rows.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "parley/engine/sampler.hpp"

namespace parley::engine {

struct SobolIndex {
  double first = 0.0, first_low = 0.0, first_high = 0.0;
  double total = 0.0, total_low = 0.0, total_high = 0.0;
};

// a, b: N outputs; ab[i]: N outputs of AB_i. `resamples` bootstrap replicates drawn from a
// stream keyed by `seed`; 95% percentile intervals.
std::vector<SobolIndex> sobol_indices(const std::vector<double>& a, const std::vector<double>& b,
                                      const std::vector<std::vector<double>>& ab,
                                      std::uint64_t seed, int resamples = 500);

struct SobolResult {
  std::vector<std::string> factors;   // Sampler::factors()
  std::vector<SobolIndex> agreement;  // indices of the probability of agreement
  std::uint64_t samples = 0;          // N
  double p_agreement = 0.0;           // over A and B
};

// The Saltelli design on a scenario: A_j draws every factor as run j, B_j as run N + j, and
// AB_i,j as run j but factor i as run N + j; the battlefield and the protocol's own draws
// follow the row (j, or N + j for B). N (k + 2) negotiations, in parallel, stored by index.
SobolResult run_sobol(
    const scenario::Scenario& scenario, const Sampler& sampler, std::uint64_t seed,
    std::uint64_t samples, int threads, int resamples,
    const std::function<void(std::uint64_t done, std::uint64_t total)>& progress = {});

}  // namespace parley::engine

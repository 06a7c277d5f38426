#pragma once
// Variance-based sensitivity (Sobol' indices) from a Saltelli design: matrices A and B of
// N independent samples of the k factors, and AB_i = A with factor i taken from B. With
// f_A, f_B, f_ABi the model outputs (Saltelli et al. 2010, Computer Physics Comm. 181):
//   first order  S_i  = mean(f_B (f_ABi - f_A)) / V
//   total        ST_i = mean((f_A - f_ABi)^2) / 2V        (Jansen 1999)
// with V the variance of f over A and B. Intervals: percentile bootstrap over the N rows.
// The rows of A and B (design "sobol-sequence", the default) are the points of a Sobol'
// low-discrepancy sequence in 2s dimensions (s scalar factors; boost::random::sobol, Joe & Kuo
// direction numbers), randomly shifted (Cranley & Patterson 1976) by a stream keyed by the
// seed, each coordinate mapped through its factor's quantile function (Saltelli et al. 2010,
// sect. 3); design "random" draws them as runs j and N + j. Dirichlet weight groups are drawn
// as runs j and N + j in both.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "parley/engine/sampler.hpp"
#include "parley/engine/share.hpp"

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

inline constexpr const char* kSobolSequence = "sobol-sequence";
inline constexpr const char* kSobolRandom = "random";

struct SobolResult {
  std::vector<std::string> factors;   // Sampler::factors()
  std::vector<SobolIndex> agreement;  // indices of the probability of agreement
  std::uint64_t samples = 0;          // N
  double p_agreement = 0.0;           // over A and B
  std::string design = kSobolSequence;
  // The design and the outputs, for re-analysis elsewhere (SALib): A and B as [N][factors]
  // row-major, natural units (NaN for a Dirichlet weight group, drawn rather than designed);
  // y as [k + 2][N]: agreement (0 or 1) of A, B, then AB_i for each factor i.
  std::vector<double> a, b;
  std::vector<std::int8_t> y;
};

// The Saltelli design on a scenario: A_j draws every factor as run j, B_j as run N + j, and
// AB_i,j as run j but factor i as run N + j; the battlefield and the protocol's own draws
// follow the row (j, or N + j for B). N (k + 2) negotiations, in parallel, stored by index.
// Under several processes each computes its `share` of the negotiations (parley/engine/share.hpp);
// `progress` counts those.
SobolResult run_sobol(
    const scenario::Scenario& scenario, const Sampler& sampler, std::uint64_t seed,
    std::uint64_t samples, int threads, int resamples,
    const std::function<void(std::uint64_t done, std::uint64_t total)>& progress = {},
    const std::string& design = kSobolSequence, const Share& share = {});

// The first `n` points of the randomly shifted Sobol' sequence in `dimensions` dimensions,
// [n][dimensions] row-major, each coordinate in (0, 1): the point after the origin first.
std::vector<double> shifted_sobol_points(std::size_t dimensions, std::size_t n, std::uint64_t seed);

}  // namespace parley::engine

#pragma once
// Parley's own distribution transforms. Standard-library distributions differ
// between implementations; these give the same numbers everywhere.
#include <span>

#include "parley/random/stream.hpp"

namespace parley::random {

// Standard normal by inversion (Wichura's AS 241, relative error ~1e-16).
double standard_normal(Stream& s) noexcept;
// Inverse of the standard normal CDF, p in (0, 1).
double normal_quantile(double p) noexcept;
// Standard normal CDF.
double normal_cdf(double x) noexcept;

double uniform(Stream& s, double lo, double hi) noexcept;
// Normal(mean, sd) truncated to [lo, hi], exactly, by inversion of the CDF.
double truncated_normal(Stream& s, double mean, double sd, double lo, double hi) noexcept;
// Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 by the boost U^(1/shape).
double gamma(Stream& s, double shape) noexcept;
// Beta(a, b) as G_a / (G_a + G_b); where both draws underflow (a, b near 0), from their
// logarithms; where even those overflow (subnormal a, b), the limit law, 1 with probability
// a/(a + b), else 0: no concentration gives NaN.
double beta(Stream& s, double a, double b) noexcept;
// Triangular(lo, mode, hi) by inversion.
double triangular(Stream& s, double lo, double mode, double hi) noexcept;
// Dirichlet(alpha) into out (same size as alpha), normalised gammas; where every draw
// underflows, normalised from their logarithms (`logs`, same size, is scratch); where even those
// overflow (subnormal α), the limit law, all weight on component k with probability α_k/Σα.
void dirichlet(Stream& s, std::span<const double> alpha, std::span<double> out,
               std::span<double> logs) noexcept;

}  // namespace parley::random

#include "parley/random/distributions.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace parley::random {

Stream::Stream(std::uint64_t seed, std::uint64_t run, std::uint32_t purpose) noexcept
    : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
      counter_{0u, purpose, static_cast<std::uint32_t>(run),
               static_cast<std::uint32_t>(run >> 32)} {}

void Stream::refill() noexcept {
  r123::Philox4x32 rng;
  r123::Philox4x32::ctr_type ctr = {{counter_[0], counter_[1], counter_[2], counter_[3]}};
  r123::Philox4x32::key_type key = {{key_[0], key_[1]}};
  const auto out = rng(ctr, key);
  for (unsigned i = 0; i < 4; ++i) buffer_[i] = out.v[i];
  ++counter_[0];
  used_ = 0;
}

std::uint32_t Stream::next_u32() noexcept {
  if (used_ == 4) refill();
  return buffer_[used_++];
}

double Stream::uniform() noexcept {
  const std::uint64_t hi = next_u32() >> 5;    // 27 bits
  const std::uint64_t lo = next_u32() >> 6;    // 26 bits
  const std::uint64_t bits = (hi << 26) | lo;  // 53 bits
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

double normal_quantile(double p) noexcept {
  // Wichura, M. J. (1988) Algorithm AS 241, Applied Statistics 37(3):477-484 (PPND16).
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) *
                    r +
                45921.953931549871457) *
                   r +
               13731.693765509461125) *
                  r +
              1971.5909503065514427) *
                 r +
             133.14166789178437745) *
                r +
            3.387132872796366608) /
           (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) *
                    r +
                21213.794301586595867) *
                   r +
               5394.1960214247511077) *
                  r +
              687.1870074920579083) *
                 r +
             42.313330701600911252) *
                r +
            1.0);
  }
  double r = q < 0 ? p : 1.0 - p;
  r = std::sqrt(-std::log(r));
  double val;
  if (r <= 5.0) {
    r -= 1.6;
    val = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r +
                0.24178072517745061177) *
                   r +
               1.27045825245236838258) *
                  r +
              3.64784832476320460504) *
                 r +
             5.7694972214606914055) *
                r +
            4.6303378461565452959) *
               r +
           1.42343711074968357734) /
          (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r +
                0.0151986665636164571966) *
                   r +
               0.14810397642748007459) *
                  r +
              0.68976733498510000455) *
                 r +
             1.6763848301838038494) *
                r +
            2.05319162663775882187) *
               r +
           1.0);
  } else {
    r -= 5.0;
    val = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
                0.0012426609473880784386) *
                   r +
               0.026532189526576123093) *
                  r +
              0.29656057182850489123) *
                 r +
             1.7848265399172913358) *
                r +
            5.4637849111641143699) *
               r +
           6.6579046435011037772) /
          (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r +
                1.8463183175100546818e-5) *
                   r +
               7.868691311456132591e-4) *
                  r +
              0.0148753612908506148525) *
                 r +
             0.13692988092273580531) *
                r +
            0.59983220655588793769) *
               r +
           1.0);
  }
  return q < 0 ? -val : val;
}

double normal_cdf(double x) noexcept {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

double standard_normal(Stream& s) noexcept {
  return normal_quantile(s.uniform());
}

double uniform(Stream& s, double lo, double hi) noexcept {
  return lo + (hi - lo) * s.uniform();
}

double truncated_normal(Stream& s, double mean, double sd, double lo, double hi) noexcept {
  const double pa = normal_cdf((lo - mean) / sd);
  const double pb = normal_cdf((hi - mean) / sd);
  const double p = pa + (pb - pa) * s.uniform();
  const double p_safe = std::clamp(p, 1e-300, 1.0 - 0x1.0p-53);
  return std::clamp(mean + sd * normal_quantile(p_safe), lo, hi);
}

namespace {

// One Gamma(shape, 1) draw, as its value and its logarithm: for shape < 1 the value
// G(a + 1)·U^(1/a) underflows to 0 when a is small (a = 0.001: U^1000), while its logarithm,
// log G(a + 1) + log(U)/a, stays exact; beta and dirichlet fall back on it then.
struct GammaDraw {
  double value;
  double log;
};

GammaDraw gamma_draw(Stream& s, double shape) noexcept {
  if (shape < 1.0) {
    // Marsaglia & Tsang: Gamma(a) = Gamma(a + 1) * U^(1/a).
    const double g = gamma(s, shape + 1.0);
    const double u = s.uniform();
    return {g * std::pow(u, 1.0 / shape), std::log(g) + std::log(u) / shape};
  }
  const double g = gamma(s, shape);
  return {g, std::log(g)};
}

}  // namespace

double gamma(Stream& s, double shape) noexcept {
  if (shape < 1.0) {
    // Marsaglia & Tsang: Gamma(a) = Gamma(a + 1) * U^(1/a).
    const double g = gamma(s, shape + 1.0);
    return g * std::pow(s.uniform(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x;
    double v;
    do {
      x = standard_normal(s);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = s.uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double beta(Stream& s, double a, double b) noexcept {
  const GammaDraw x = gamma_draw(s, a);
  const GammaDraw y = gamma_draw(s, b);
  if (x.value + y.value > 0.0) return x.value / (x.value + y.value);
  // Both underflowed: X / (X + Y) = 1 / (1 + exp(log Y − log X)).
  if (std::isfinite(x.log) || std::isfinite(y.log)) return 1.0 / (1.0 + std::exp(y.log - x.log));
  // Shapes so small (subnormal) that 1/a overflows and both logarithms are −inf: the limit of
  // Beta(a, b) as a, b → 0 with a/(a + b) fixed, 1 with probability a/(a + b), else 0.
  return s.uniform() * (a + b) < a ? 1.0 : 0.0;
}

double triangular(Stream& s, double lo, double mode, double hi) noexcept {
  const double u = s.uniform();
  const double f = (mode - lo) / (hi - lo);
  if (u < f) return lo + std::sqrt(u * (hi - lo) * (mode - lo));
  return hi - std::sqrt((1.0 - u) * (hi - lo) * (hi - mode));
}

void dirichlet(Stream& s, std::span<const double> alpha, std::span<double> out,
               std::span<double> logs) noexcept {
  double total = 0.0;
  double top = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < alpha.size(); ++k) {
    const GammaDraw g = alpha[k] > 0.0 ? gamma_draw(s, alpha[k])
                                       : GammaDraw{0.0, -std::numeric_limits<double>::infinity()};
    out[k] = g.value;
    logs[k] = g.log;
    total += out[k];
    top = std::max(top, g.log);
  }
  if (total > 0.0) {
    for (double& v : out) v /= total;
    return;
  }
  if (top == -std::numeric_limits<double>::infinity()) {
    // Concentrations so small (subnormal) that 1/α_k overflows and every logarithm is −inf:
    // the limit of Dirichlet(α) as α → 0 with α/Σα fixed, all weight on one component, k with
    // probability α_k/Σα.
    double sum = 0.0;
    for (const double a : alpha) sum += a;
    double pick = s.uniform() * sum;
    std::size_t chosen = 0;
    for (std::size_t k = 0; k < alpha.size(); ++k) {
      if (alpha[k] <= 0.0) continue;
      chosen = k;
      if (pick < alpha[k]) break;
      pick -= alpha[k];
    }
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = k == chosen ? 1.0 : 0.0;
    return;
  }
  // Every draw underflowed: normalise exp(log G_k − max) instead.
  total = 0.0;
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = std::exp(logs[k] - top);
    total += out[k];
  }
  for (double& v : out) v /= total;
}

}  // namespace parley::random

#include "parley/engine/study/sobol.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <boost/random/sobol.hpp>

#include "parley/engine/engine.hpp"
#include "parley/protocol/run_context.hpp"
#include "parley/random/stream.hpp"

namespace parley::engine {
namespace {

struct Estimate {
  double first;
  double total;
};

// The estimators over the rows `rows` (a bootstrap sample, or 0..N-1).
Estimate estimate(const std::vector<double>& a, const std::vector<double>& b,
                  const std::vector<double>& ab, const std::vector<std::size_t>& rows) {
  double mean = 0.0;
  for (std::size_t j : rows) mean += a[j] + b[j];
  mean /= 2.0 * static_cast<double>(rows.size());
  double var = 0.0, first = 0.0, total = 0.0;
  for (std::size_t j : rows) {
    var += (a[j] - mean) * (a[j] - mean) + (b[j] - mean) * (b[j] - mean);
    first += b[j] * (ab[j] - a[j]);
    total += (a[j] - ab[j]) * (a[j] - ab[j]);
  }
  const double n = static_cast<double>(rows.size());
  var /= 2.0 * n - 1.0;
  if (var <= 0.0) return {std::nan(""), std::nan("")};
  return {first / n / var, total / (2.0 * n) / var};
}

double percentile(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double at = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(at));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (at - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

std::vector<SobolIndex> sobol_indices(const std::vector<double>& a, const std::vector<double>& b,
                                      const std::vector<std::vector<double>>& ab,
                                      std::uint64_t seed, int resamples) {
  const std::size_t n = a.size();
  std::vector<std::size_t> all(n);
  for (std::size_t j = 0; j < n; ++j) all[j] = j;
  // The same bootstrap rows for every factor.
  std::vector<std::vector<std::size_t>> samples(static_cast<std::size_t>(resamples));
  random::Stream stream(seed, 0, random::purpose_id("sobol.bootstrap"));
  for (auto& rows : samples) {
    rows.resize(n);
    for (auto& r : rows)
      r = std::min(n - 1, static_cast<std::size_t>(stream.uniform() * static_cast<double>(n)));
  }
  std::vector<SobolIndex> out;
  for (const auto& abi : ab) {
    const Estimate point = estimate(a, b, abi, all);
    std::vector<double> firsts, totals;
    for (const auto& rows : samples) {
      const Estimate e = estimate(a, b, abi, rows);
      firsts.push_back(e.first);
      totals.push_back(e.total);
    }
    out.push_back({point.first, percentile(firsts, 0.025), percentile(firsts, 0.975), point.total,
                   percentile(totals, 0.025), percentile(totals, 0.975)});
  }
  return out;
}

std::vector<double> shifted_sobol_points(std::size_t dimensions, std::size_t n,
                                         std::uint64_t seed) {
  std::vector<double> out(dimensions * n);
  if (dimensions == 0 || n == 0) return out;
  boost::random::sobol qrng(dimensions);
  qrng.discard(dimensions);  // the origin, a corner of the cube
  random::Stream stream(seed, 0, random::purpose_id("sobol.shift"));
  std::vector<double> shift(dimensions);
  for (auto& v : shift) v = stream.uniform();
  constexpr double kEdge = 0x1p-54;  // keeps every coordinate inside (0, 1)
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t d = 0; d < dimensions; ++d) {
      // The top 53 bits of the 64-bit integer, at the centre of their cell.
      const double u = std::ldexp(static_cast<double>(qrng() >> 11) + 0.5, -53) + shift[d];
      out[j * dimensions + d] = std::clamp(u - std::floor(u), kEdge, 1.0 - kEdge);
    }
  }
  return out;
}

SobolResult run_sobol(const scenario::Scenario& scenario, const Sampler& sampler,
                      std::uint64_t seed, std::uint64_t samples, int threads, int resamples,
                      const std::function<void(std::uint64_t, std::uint64_t)>& progress,
                      const std::string& design, const Share& share) {
  (void)scenario;
  if (design != kSobolSequence && design != kSobolRandom) {
    throw std::invalid_argument("Sobol design \"" + design +
                                "\" (allowed: sobol-sequence, random)");
  }
  SobolResult result;
  result.factors = sampler.factors();
  result.samples = samples;
  result.design = design;
  const std::size_t k = result.factors.size();
  const std::size_t s = sampler.scalar_factors();
  const std::size_t n = samples;
  // The scalar factors of A and B, [n][s] (natural units).
  std::vector<double> theta_a(n * s), theta_b(n * s);
  if (design == kSobolSequence) {
    const std::vector<double> u = shifted_sobol_points(2 * s, n, seed);
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t f = 0; f < s; ++f) {
        theta_a[j * s + f] = sampler.scalar_quantile(f, u[j * 2 * s + f]);
        theta_b[j * s + f] = sampler.scalar_quantile(f, u[j * 2 * s + s + f]);
      }
    }
  } else {
    for (std::size_t j = 0; j < n; ++j) {
      sampler.draw_scalars(seed, j, theta_a.data() + j * s);
      sampler.draw_scalars(seed, n + j, theta_b.data() + j * s);
    }
  }
  // Rows: [0, n) A, [n, 2n) B, then AB_i for i = 0..k-1.
  std::vector<double> y((k + 2) * n, 0.0);
  const int workers = threads > 0 ? threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(workers));
  // This process's share of the negotiations, [first, last).
  const auto [first, last] = share.range(y.size());
  // In slices, so that progress can be reported between them (from this thread only).
  const std::size_t slice = std::max<std::size_t>(4096, (last - first) / 100);
  for (std::size_t from = first; from < last; from += slice) {
    tbb::parallel_for(from, std::min(last, from + slice), [&](std::size_t e) {
      thread_local protocol::Realization r;
      thread_local protocol::Workspace w;
      thread_local protocol::RunResult out;
      thread_local std::vector<double> recorded;
      thread_local std::vector<double> theta;
      recorded.resize(sampler.columns().size());
      const std::size_t matrix = e / n;
      const std::uint64_t j = e % n;
      const std::uint64_t run = matrix == 1 ? n + j : j;
      const std::size_t factor = matrix >= 2 ? matrix - 2 : k;
      // A_j, B_j, or A_j with factor i from B_j (a Dirichlet group: drawn as in run n + j).
      const double* row = (matrix == 1 ? theta_b.data() : theta_a.data()) + j * s;
      theta.assign(row, row + s);
      if (factor < s) theta[factor] = theta_b[j * s + factor];
      sampler.sample_mixed(seed, run, n + j, factor < s ? k : factor, r, recorded.data(),
                           theta.data());
      protocol::RunStreams streams = run_streams(seed, run);
      protocol::negotiate({sampler.setting(), r, streams, w, out, nullptr});
      y[e] = out.outcome == protocol::Outcome::agreement ? 1.0 : 0.0;
    });
    if (progress) progress(std::min(last, from + slice) - first, last - first);
  }
  share.put_together(y, 1);
  const std::vector<double> a(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n));
  const std::vector<double> b(y.begin() + static_cast<std::ptrdiff_t>(n),
                              y.begin() + static_cast<std::ptrdiff_t>(2 * n));
  std::vector<std::vector<double>> ab;
  for (std::size_t i = 0; i < k; ++i) {
    const auto from = y.begin() + static_cast<std::ptrdiff_t>((2 + i) * n);
    ab.emplace_back(from, from + static_cast<std::ptrdiff_t>(n));
  }
  for (std::size_t j = 0; j < 2 * n; ++j) result.p_agreement += y[j];
  result.p_agreement /= 2.0 * static_cast<double>(n);
  result.agreement = sobol_indices(a, b, ab, seed, resamples);
  // The design and the outputs, as stored.
  const double nan = std::nan("");
  result.a.assign(n * k, nan);
  result.b.assign(n * k, nan);
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t f = 0; f < s; ++f) {
      result.a[j * k + f] = theta_a[j * s + f];
      result.b[j * k + f] = theta_b[j * s + f];
    }
  }
  result.y.reserve(y.size());
  for (const double v : y) result.y.push_back(v > 0.5 ? std::int8_t{1} : std::int8_t{0});
  return result;
}

}  // namespace parley::engine

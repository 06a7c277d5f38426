#include "parley/engine/sobol.hpp"

#include <algorithm>
#include <cmath>

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

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

SobolResult run_sobol(const scenario::Scenario& scenario, const Sampler& sampler,
                      std::uint64_t seed, std::uint64_t samples, int threads, int resamples,
                      const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  (void)scenario;
  SobolResult result;
  result.factors = sampler.factors();
  result.samples = samples;
  const std::size_t k = result.factors.size();
  const std::size_t n = samples;
  // Rows: [0, n) A, [n, 2n) B, then AB_i for i = 0..k-1.
  std::vector<double> y((k + 2) * n, 0.0);
  const int workers = threads > 0 ? threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(workers));
  // In slices, so that progress can be reported between them (from this thread only).
  const std::size_t slice = std::max<std::size_t>(4096, y.size() / 100);
  for (std::size_t from = 0; from < y.size(); from += slice) {
    tbb::parallel_for(from, std::min(y.size(), from + slice), [&](std::size_t e) {
      thread_local protocol::Realization r;
      thread_local protocol::Workspace w;
      thread_local protocol::RunResult out;
      thread_local std::vector<double> recorded;
      recorded.resize(sampler.columns().size());
      const std::size_t matrix = e / n;
      const std::uint64_t j = e % n;
      const std::uint64_t run = matrix == 1 ? n + j : j;
      const std::size_t factor = matrix >= 2 ? matrix - 2 : k;
      sampler.sample_mixed(seed, run, n + j, factor, r, recorded.data());
      protocol::RunStreams streams = run_streams(seed, run);
      protocol::negotiate(sampler.setting(), r, streams, w, out, nullptr);
      y[e] = out.outcome == protocol::Outcome::agreement ? 1.0 : 0.0;
    });
    if (progress) progress(std::min(y.size(), from + slice), y.size());
  }
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
  return result;
}

}  // namespace parley::engine

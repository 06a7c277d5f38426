#include "parley/engine/calibrate.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "parley/engine/engine.hpp"
#include "parley/model/preferences.hpp"
#include "parley/protocol/run_context.hpp"
#include "parley/random/distributions.hpp"

namespace parley::engine {
namespace {

using scenario::Statistic;

const std::uint32_t kPropose = random::purpose_id("calibrate.propose");
const std::uint32_t kSimulations = random::purpose_id("calibrate.simulations");

struct SimulationState {
  protocol::Realization realization;
  protocol::Workspace workspace;
  protocol::RunResult result;
  protocol::Trace trace;
  std::vector<double> recorded;
  model::Matrix values;
  model::Vector x, u, shortfall;
  protocol::Realization at_round;  // the run's parameters with the red lines of one round
  protocol::Workspace scratch;
};

// Particle i of generation g: its key in every stream of the calibration.
std::uint64_t particle_key(int generation, std::size_t particle) {
  return (static_cast<std::uint64_t>(generation) << 32) | static_cast<std::uint64_t>(particle);
}

// The seed of particle i's simulations in generation g, drawn from its own stream.
std::uint64_t simulation_seed(std::uint64_t seed, int generation, std::size_t particle) {
  random::Stream s(seed, particle_key(generation, particle), kSimulations);
  const std::uint64_t hi = s.next_u32();
  return (hi << 32) | s.next_u32();
}

// The 1-based round t's record in the trace (the last one of that round), or null.
const protocol::TraceRound* round_of(const protocol::Trace& trace, int t) {
  const protocol::TraceRound* found = nullptr;
  for (const auto& r : trace.rounds)
    if (r.round == t) found = &r;
  return found;
}

}  // namespace

Distance simulate_distance(const scenario::Scenario& s, const Sampler& sampler,
                           const scenario::Observations& observed, std::uint64_t seed,
                           std::uint64_t run, const double* theta) {
  thread_local SimulationState st;
  st.recorded.resize(sampler.columns().size());
  if (theta)
    sampler.sample_given(seed, run, theta, st.realization, st.recorded.data());
  else
    sampler.sample(seed, run, st.realization, st.recorded.data());
  // The preferences drawn for the run: negotiate() works on a copy of them.
  const model::Preferences& prefs = st.realization.prefs;
  bool traced = false;
  for (const auto& o : observed.items)
    traced = traced || o.statistic == Statistic::answer || o.statistic == Statistic::obstacle;
  st.trace.rounds.clear();
  protocol::RunStreams streams = run_streams(seed, run);
  protocol::negotiate(sampler.setting(), st.realization, streams, st.workspace, st.result,
                      traced ? &st.trace : nullptr);
  const protocol::RunResult& res = st.result;
  const bool deal =
      res.outcome == protocol::Outcome::agreement || res.outcome == protocol::Outcome::partial;
  auto unit_text = [&](const std::vector<double>& natural) {
    st.x.resize(static_cast<Eigen::Index>(natural.size()));
    for (std::size_t k = 0; k < natural.size(); ++k)
      st.x(static_cast<Eigen::Index>(k)) = s.issues[k].to_unit(natural[k]);
  };
  Distance d;
  for (const scenario::Observation& o : observed.items) {
    double part = 0.0;
    switch (o.statistic) {
      case Statistic::deal_by: {
        const bool by = res.outcome == protocol::Outcome::agreement && res.round <= o.round;
        part = (by ? 1.0 : 0.0) != o.value;
        break;
      }
      case Statistic::outcome:
        part = static_cast<double>(static_cast<int>(res.outcome)) != o.value;
        break;
      case Statistic::obstacle: {
        // The issue with the largest shortfall of round t's text (docs/model.md, "Obstacle
        // attribution"), from the answers and red lines of that round; none where every party
        // accepted it or the run had ended.
        const protocol::TraceRound* r = round_of(st.trace, o.round);
        double found = -1.0;
        if (r) {
          protocol::Realization& at = st.at_round;
          at = st.realization;
          at.prefs.red_lo = r->red_lo;
          at.prefs.red_hi = r->red_hi;
          protocol::Workspace& w = st.scratch;
          w.x = r->text;
          w.u = r->utility;
          w.demand = r->demand;
          w.accepts.assign(r->accepts.begin(), r->accepts.end());
          protocol::shortfalls(sampler.setting(), at, w, st.shortfall);
          for (Eigen::Index k = 0; k < st.shortfall.size(); ++k) {
            if (st.shortfall(k) > 0.0 &&
                (found < 0.0 || st.shortfall(k) > st.shortfall(static_cast<Eigen::Index>(found))))
              found = static_cast<double>(k);
          }
        }
        part = found != o.value;
        break;
      }
      case Statistic::answer: {
        // u_i(x) against the demand of round t, and x within the red lines as they stood then;
        // a run that ended before round t gave no answer there: a difference.
        const protocol::TraceRound* r = round_of(st.trace, o.round);
        if (!r) {
          part = 1.0;
          break;
        }
        unit_text(o.text);
        const auto i = static_cast<Eigen::Index>(o.agent);
        bool accepts = model::utility(prefs, i, st.x) >= r->demand(i);
        for (Eigen::Index k = 0; k < st.x.size(); ++k)
          accepts = accepts && st.x(k) >= r->red_lo(i, k) && st.x(k) <= r->red_hi(i, k);
        part = (accepts ? 1.0 : 0.0) != o.value;
        break;
      }
      case Statistic::utility: {
        unit_text(o.text);
        part = std::abs(model::utility(prefs, static_cast<Eigen::Index>(o.agent), st.x) - o.value) /
               o.scale;
        break;
      }
      case Statistic::deal: {
        const auto k = static_cast<Eigen::Index>(o.issue);
        if (!deal || res.bracketed[o.issue]) {
          part = std::numeric_limits<double>::infinity();
          break;
        }
        part = std::abs(s.issues[o.issue].to_natural(res.final_text(k)) - o.value) / o.scale;
        break;
      }
    }
    d.parts.push_back(part);
    d.total += part;
  }
  return d;
}

Calibration calibrate(const scenario::Scenario& s, const Sampler& sampler,
                      const scenario::Observations& observed, const CalibrateOptions& options,
                      std::vector<Generation> done) {
  const std::size_t n = options.particles, p = sampler.scalar_factors();
  Calibration out;
  const std::vector<std::string> factors = sampler.factors();
  out.parameters.assign(factors.begin(), factors.begin() + static_cast<long>(p));
  out.generations = std::move(done);
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::global_control control(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
  auto cancelled = [&] { return options.cancel && options.cancel->load(); };
  auto prior_density = [&](const double* theta) {
    double density = 1.0;
    for (std::size_t f = 0; f < p && density > 0.0; ++f)
      density *= sampler.prior(f).density(theta[f]);
    return density;
  };
  std::uint64_t total = 0;
  for (const Generation& g : out.generations) total += g.simulations;
  auto finish = [&](Generation&& g) {
    total += g.simulations;
    out.generations.push_back(std::move(g));
    if (options.on_generation) options.on_generation(out.generations.back());
  };

  if (out.generations.empty()) {
    // Generation 0: the prior, each particle simulated once.
    if (options.budget < n) {
      out.stopped = "the simulation budget is smaller than one generation";
      return out;
    }
    Generation g;
    g.particles.resize(n * p);
    g.weights.assign(n, 1.0 / static_cast<double>(n));
    g.distances.resize(n);
    g.simulations = n;
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
      random::Stream stream(options.seed, particle_key(0, i), kPropose);
      double* theta = g.particles.data() + i * p;
      for (std::size_t f = 0; f < p; ++f) theta[f] = sampler.prior(f).sample(stream);
      g.distances[i] =
          simulate_distance(s, sampler, observed, simulation_seed(options.seed, 0, i), 0, theta)
              .total;
    });
    if (cancelled()) {
      out.stopped = "interrupted";
      return out;
    }
    finish(std::move(g));
  }

  for (;;) {
    const Generation& last = out.generations.back();
    if (last.index > 0 && last.tolerance <= options.target) {
      out.stopped = "the target tolerance is reached";
      break;
    }
    if (last.index > 0 && last.acceptance() < options.min_acceptance) {
      out.stopped = "the acceptance rate fell below the minimum";
      break;
    }
    if (last.index + 1 >= options.max_generations) {
      out.stopped = "the last generation allowed is made";
      break;
    }
    // ε: the quantile of the last distances, below the last tolerance; where ties keep it there,
    // the largest distance below it.
    std::vector<double> sorted = last.distances;
    std::sort(sorted.begin(), sorted.end());
    double eps = sorted[static_cast<std::size_t>(options.quantile * static_cast<double>(n - 1))];
    if (!(eps < last.tolerance)) {
      const auto below = std::lower_bound(sorted.begin(), sorted.end(), last.tolerance);
      if (below == sorted.begin()) {
        out.stopped = "every distance is at the tolerance: it cannot fall further";
        break;
      }
      eps = *(below - 1);
    }
    eps = std::max(eps, options.target);
    if (!std::isfinite(eps)) {
      out.stopped = "no simulation came within a finite distance of the observations";
      break;
    }
    // The kernel: a Gaussian with twice the weighted covariance of the last generation
    // (Beaumont et al. 2009), kept positive definite by a small ridge.
    Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> theta(
        last.particles.data(), static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p));
    Eigen::Map<const Eigen::VectorXd> w(last.weights.data(), static_cast<Eigen::Index>(n));
    const Eigen::RowVectorXd mean = w.transpose() * theta;
    const Eigen::MatrixXd centred = theta.rowwise() - mean;
    Eigen::MatrixXd cov = 2.0 * centred.transpose() * w.asDiagonal() * centred;
    double ridge = 0.0;
    for (std::size_t f = 0; f < p; ++f) {
      const auto& prior = sampler.prior(f);
      const double span = prior.support_max() - prior.support_min();
      ridge = std::max(ridge, 1e-12 * span * span);
    }
    cov.diagonal().array() += ridge;
    const Eigen::LLT<Eigen::MatrixXd> llt(cov);
    const Eigen::MatrixXd lower = llt.matrixL();
    std::vector<double> cumulative(n);
    double sum = 0.0;
    for (std::size_t j = 0; j < n; ++j) cumulative[j] = (sum += last.weights[j]);
    if (total >= options.budget || options.budget - total < n) {
      out.stopped = "the simulation budget is spent";
      break;
    }
    // Each particle may make as many simulations as the budget left allows it.
    const std::uint64_t cap = (options.budget - total) / n;
    const int gi = last.index + 1;
    Generation g;
    g.index = gi;
    g.tolerance = eps;
    g.particles.resize(n * p);
    g.distances.resize(n);
    std::vector<double> density(n, 0.0);
    std::vector<std::uint64_t> sims(n, 0);
    std::atomic<bool> short_of_budget{false};
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
      random::Stream stream(options.seed, particle_key(gi, i), kPropose);
      const std::uint64_t sim_seed = simulation_seed(options.seed, gi, i);
      double* out_theta = g.particles.data() + i * p;
      Eigen::VectorXd z(static_cast<Eigen::Index>(p)), moved(static_cast<Eigen::Index>(p));
      std::uint64_t proposals = 0;
      for (;;) {
        if (sims[i] >= cap || proposals >= 1000 * cap || short_of_budget.load() || cancelled()) {
          short_of_budget = true;
          return;
        }
        ++proposals;
        const double u = random::uniform(stream, 0.0, sum);
        const std::size_t j = static_cast<std::size_t>(
            std::lower_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
        for (std::size_t f = 0; f < p; ++f)
          z(static_cast<Eigen::Index>(f)) = random::standard_normal(stream);
        moved = theta.row(static_cast<Eigen::Index>(std::min(j, n - 1))).transpose() + lower * z;
        const double pi = prior_density(moved.data());
        if (!(pi > 0.0)) continue;
        const double dist =
            simulate_distance(s, sampler, observed, sim_seed, sims[i], moved.data()).total;
        ++sims[i];
        if (dist <= eps) {
          std::copy(moved.data(), moved.data() + p, out_theta);
          g.distances[i] = dist;
          density[i] = pi;
          return;
        }
      }
    });
    if (cancelled()) {
      out.stopped = "interrupted";
      break;
    }
    if (short_of_budget) {
      out.stopped = "the simulation budget is spent";
      break;
    }
    for (const std::uint64_t k : sims) g.simulations += k;
    // w_i ∝ π(θ_i) / Σ_j w_j K(θ_i | θ_j), in logs (the kernel's constant cancels).
    std::vector<double> log_w(n);
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
      Eigen::Map<const Eigen::VectorXd> at(g.particles.data() + i * p,
                                           static_cast<Eigen::Index>(p));
      Eigen::VectorXd diff(static_cast<Eigen::Index>(p));
      double top = -std::numeric_limits<double>::infinity();
      std::vector<double> terms(n);
      for (std::size_t j = 0; j < n; ++j) {
        diff = at - theta.row(static_cast<Eigen::Index>(j)).transpose();
        const Eigen::VectorXd y = lower.triangularView<Eigen::Lower>().solve(diff);
        terms[j] = std::log(last.weights[j]) - 0.5 * y.squaredNorm();
        top = std::max(top, terms[j]);
      }
      double acc = 0.0;
      for (const double t : terms) acc += std::exp(t - top);
      log_w[i] = std::log(density[i]) - (top + std::log(acc));
    });
    const double top = *std::max_element(log_w.begin(), log_w.end());
    g.weights.resize(n);
    double norm = 0.0;
    for (std::size_t i = 0; i < n; ++i) norm += (g.weights[i] = std::exp(log_w[i] - top));
    for (double& x : g.weights) x /= norm;
    finish(std::move(g));
  }
  return out;
}

}  // namespace parley::engine

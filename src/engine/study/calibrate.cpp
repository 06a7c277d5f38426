#include "parley/engine/study/calibrate.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <mutex>

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

// The move of ABC-SMC happens in unbounded coordinates z (docs/model.md, "Calibration"): each
// parameter's support [a, b] maps to the real line by z = logit((θ − a)/(b − a)), a half-line
// by z = ±log(±(θ − a)), the real line by z = θ. A Gaussian move in z never leaves the support,
// where in θ a move of 35 parameters would leave it nearly always. The prior density of z is
// π(θ(z)) |dθ/dz|.
struct Coordinate {
  double lo, hi;
  double to_z(double theta) const {
    const bool low = std::isfinite(lo), high = std::isfinite(hi);
    if (low && high) {
      const double u = std::clamp((theta - lo) / (hi - lo), 1e-15, 1.0 - 1e-15);
      return std::log(u) - std::log1p(-u);
    }
    if (low) return std::log(std::max(theta - lo, 1e-300));
    if (high) return std::log(std::max(hi - theta, 1e-300));
    return theta;
  }
  double to_theta(double z) const {
    const bool low = std::isfinite(lo), high = std::isfinite(hi);
    if (low && high) return lo + (hi - lo) / (1.0 + std::exp(-z));
    if (low) return lo + std::exp(z);
    if (high) return hi - std::exp(z);
    return z;
  }
  double log_jacobian(double z) const {  // log |dθ/dz|
    const bool low = std::isfinite(lo), high = std::isfinite(hi);
    if (low && high) return std::log(hi - lo) - std::log1p(std::exp(-z)) - std::log1p(std::exp(z));
    if (low || high) return z;
    return 0.0;
  }
};

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
  st.trace.challenges.clear();
  protocol::RunStreams streams = run_streams(seed, run);
  protocol::negotiate({sampler.setting(), st.realization, streams, st.workspace, st.result,
                       traced ? &st.trace : nullptr});
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
  // This process's share of each generation's particles, [first, last); every process then
  // holds every particle (Share::put_together), and an interruption of any stops them all.
  const Share& share = options.share;
  const auto [mine_first, mine_end] = share.range(n);
  const std::uint64_t own = mine_end - mine_first;
  // Progress within a generation: a count of finished particles, reported by one thread at a
  // time.
  std::atomic<std::uint64_t> particles_done{0};
  std::mutex reporting;
  auto particle_done = [&](int index) {
    const std::uint64_t finished = ++particles_done;
    if (!options.on_particles) return;
    std::unique_lock<std::mutex> lock(reporting, std::try_to_lock);
    if (lock.owns_lock()) options.on_particles(index, finished, own);
  };
  std::vector<Coordinate> coordinates;
  for (std::size_t f = 0; f < p; ++f)
    coordinates.push_back({sampler.prior(f).support_min(), sampler.prior(f).support_max()});
  // log π_z(z) and θ(z); −inf where the prior density is 0.
  auto log_prior_z = [&](const double* z, double* theta) {
    double log_density = 0.0;
    for (std::size_t f = 0; f < p; ++f) {
      theta[f] = coordinates[f].to_theta(z[f]);
      log_density +=
          std::log(sampler.prior(f).density(theta[f])) + coordinates[f].log_jacobian(z[f]);
    }
    return log_density;
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
    g.acceptance_rate = 1.0;
    particles_done = 0;
    tbb::parallel_for(mine_first, mine_end, [&](std::size_t i) {
      if (cancelled()) return;
      random::Stream stream(options.seed, particle_key(0, i), kPropose);
      double* theta = g.particles.data() + i * p;
      for (std::size_t f = 0; f < p; ++f) theta[f] = sampler.prior(f).sample(stream);
      g.distances[i] =
          simulate_distance(s, sampler, observed, simulation_seed(options.seed, 0, i), 0, theta)
              .total;
      particle_done(0);
    });
    if (share.any_of(cancelled())) {
      out.stopped = "interrupted";
      return out;
    }
    share.put_together(g.particles, p);
    share.put_together(g.distances, 1);
    finish(std::move(g));
  }

  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  for (;;) {
    const Generation& last = out.generations.back();
    if (last.index > 0 && last.tolerance <= options.target) {
      out.stopped = "the target tolerance is reached";
      break;
    }
    if (last.index > 0 && last.acceptance_rate < options.min_acceptance) {
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
    // The survivors: the particles within ε, with their weights (Drovandi & Pettitt 2011).
    std::vector<double> cumulative(n, 0.0);
    double sum = 0.0;
    for (std::size_t j = 0; j < n; ++j)
      cumulative[j] = (sum += last.distances[j] <= eps ? last.weights[j] : 0.0);
    // The move: a Gaussian random walk in z with the survivors' weighted covariance scaled by
    // 2.38² / p (Roberts, Gelman & Gilks 1997), kept positive definite by a small ridge. z is
    // computed from the stored θ, so a resumed calibration goes on as an uninterrupted one.
    RowMajor z_last(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t f = 0; f < p; ++f)
        z_last(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f)) =
            coordinates[f].to_z(last.particles[i * p + f]);
    Eigen::VectorXd w(static_cast<Eigen::Index>(n));
    for (std::size_t j = 0; j < n; ++j)
      w(static_cast<Eigen::Index>(j)) = last.distances[j] <= eps ? last.weights[j] / sum : 0.0;
    const Eigen::RowVectorXd mean = w.transpose() * z_last;
    const Eigen::MatrixXd centred = z_last.rowwise() - mean;
    Eigen::MatrixXd cov =
        (2.38 * 2.38 / static_cast<double>(p)) * centred.transpose() * w.asDiagonal() * centred;
    cov.diagonal().array() += 1e-12;
    const Eigen::MatrixXd lower = Eigen::LLT<Eigen::MatrixXd>(cov).matrixL();
    // Moves per particle: enough that a particle stays put with probability at most 1%, at the
    // last generation's acceptance rate (Drovandi & Pettitt 2011, section 3), from 1 to 50.
    const double a_last = last.index == 0 ? 0.5 : std::clamp(last.acceptance_rate, 1e-3, 0.999);
    const int moves =
        std::clamp(static_cast<int>(std::ceil(std::log(0.01) / std::log(1.0 - a_last))), 1, 50);
    if (total >= options.budget || options.budget - total < n * static_cast<std::uint64_t>(moves)) {
      out.stopped = "the simulation budget is spent";
      break;
    }
    const int gi = last.index + 1;
    Generation g;
    g.index = gi;
    g.tolerance = eps;
    g.particles.resize(n * p);
    g.distances.resize(n);
    g.weights.assign(n, 1.0 / static_cast<double>(n));
    // Counts per particle (exact in a double, for gathering).
    std::vector<double> sims(n, 0.0), accepted(n, 0.0);
    particles_done = 0;
    tbb::parallel_for(mine_first, mine_end, [&](std::size_t i) {
      if (cancelled()) return;
      random::Stream stream(options.seed, particle_key(gi, i), kPropose);
      const std::uint64_t sim_seed = simulation_seed(options.seed, gi, i);
      // Resampled from the survivors by weight, then moved by Metropolis-Hastings steps that
      // leave the ABC posterior at ε invariant (Marjoram et al. 2003): a step is accepted where
      // u < π_z(z')/π_z(z) (checked first, so that a rejected step costs no simulation) and the
      // simulation at z' comes within ε.
      const double u = random::uniform(stream, 0.0, sum);
      const std::size_t j = std::min<std::size_t>(
          static_cast<std::size_t>(std::lower_bound(cumulative.begin(), cumulative.end(), u) -
                                   cumulative.begin()),
          n - 1);
      Eigen::VectorXd z = z_last.row(static_cast<Eigen::Index>(j)).transpose();
      Eigen::VectorXd step(static_cast<Eigen::Index>(p)), moved(static_cast<Eigen::Index>(p));
      std::vector<double> theta(p), at(p);
      double log_pi = log_prior_z(z.data(), theta.data());
      double dist = last.distances[j];
      std::copy(last.particles.begin() + static_cast<long>(j * p),
                last.particles.begin() + static_cast<long>((j + 1) * p), theta.begin());
      for (int m = 0; m < moves; ++m) {
        for (std::size_t f = 0; f < p; ++f)
          step(static_cast<Eigen::Index>(f)) = random::standard_normal(stream);
        moved = z + lower * step;
        const double log_pi_moved = log_prior_z(moved.data(), at.data());
        const double v = stream.uniform();
        if (!(std::log(v) < log_pi_moved - log_pi)) continue;
        sims[i] += 1.0;
        const double d = simulate_distance(s, sampler, observed, sim_seed,
                                           static_cast<std::uint64_t>(m), at.data())
                             .total;
        if (d <= eps) {
          z = moved;
          log_pi = log_pi_moved;
          theta = at;
          dist = d;
          accepted[i] += 1.0;
        }
      }
      std::copy(theta.begin(), theta.end(), g.particles.begin() + static_cast<long>(i * p));
      g.distances[i] = dist;
      particle_done(gi);
    });
    if (share.any_of(cancelled())) {
      out.stopped = "interrupted";
      break;
    }
    share.put_together(g.particles, p);
    share.put_together(g.distances, 1);
    share.put_together(sims, 1);
    share.put_together(accepted, 1);
    std::uint64_t moved_count = 0;
    for (std::size_t i = 0; i < n; ++i) {
      g.simulations += static_cast<std::uint64_t>(sims[i]);
      moved_count += static_cast<std::uint64_t>(accepted[i]);
    }
    // Steps accepted over steps tried (a step refused on the prior ratio needs no simulation).
    g.acceptance_rate = static_cast<double>(moved_count) /
                        static_cast<double>(n * static_cast<std::uint64_t>(moves));
    finish(std::move(g));
  }
  return out;
}

}  // namespace parley::engine

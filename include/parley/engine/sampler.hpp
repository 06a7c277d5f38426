#pragma once
// Draws the Realization of run i from the scenario: every sampled parameter from
// its own stream keyed by (seed, i, the parameter's key), so the draws of a run
// depend on nothing else (not on threads, order, or other parameters).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "parley/engine/population.hpp"
#include "parley/protocol/realization.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::engine {

// One recorded per-run parameter: its dotted scenario key and natural unit.
struct SampledColumn {
  std::string key;
  std::string unit;
};

class Sampler {
 public:
  explicit Sampler(const scenario::Scenario& scenario);

  const protocol::Setting& setting() const noexcept { return setting_; }
  // The parameters' central values (distribution means), unit scales.
  const protocol::Realization& central() const noexcept { return base_; }
  // Names of the per-run values `sample` records, in order.
  const std::vector<SampledColumn>& columns() const noexcept { return columns_; }

  // Fills `out` for run `run`; `recorded` receives columns().size() natural-unit values. With a
  // population in use, the scalar factors are drawn from it (its kernel, from the run's stream
  // "posterior") rather than from their priors.
  void sample(std::uint64_t seed, std::uint64_t run, protocol::Realization& out,
              double* recorded) const;

  // The independent random factors: every sampled parameter, and each agent's Dirichlet
  // weights as one group ("agents.<id>.weight").
  std::vector<std::string> factors() const;
  // As sample(), but factor `factor` is drawn as in run `other_run` (a Saltelli AB_i row);
  // factor >= factors().size() draws everything from `run`. With `theta` (scalar_factors()
  // values, natural units: a quasi-random design's row), the scalar factors take those values
  // and only the Dirichlet weights are drawn, group `factor` as in `other_run`.
  void sample_mixed(std::uint64_t seed, std::uint64_t run, std::uint64_t other_run,
                    std::size_t factor, protocol::Realization& out, double* recorded,
                    const double* theta = nullptr) const;

  // Calibration (docs/model.md, "Calibration"): the scalar factors, the first
  // scalar_factors() of factors() (each agent's Dirichlet weights are not among them), and the
  // prior of each.
  std::size_t scalar_factors() const noexcept { return slots_.size(); }
  const scenario::Distribution& prior(std::size_t factor) const { return slots_.at(factor).dist; }
  // As sample(), with every scalar factor f at theta[f] (natural units) rather than drawn; the
  // Dirichlet weights are drawn as in run `run`.
  void sample_given(std::uint64_t seed, std::uint64_t run, const double* theta,
                    protocol::Realization& out, double* recorded) const;
  // Posterior runs (docs/model.md, "Posterior runs"): from now on sample() draws the scalar
  // factors from `population`. Throws std::invalid_argument, saying what is wrong, unless the
  // population's parameters are the scalar factors, in order, and every particle lies in the
  // prior's support.
  void use_population(const Population& population);
  // The checks of use_population alone (calibrate --resume goes on from a population).
  void check_population(const Population& population) const;
  // The scalar factors as run `run` draws them (natural units), into theta[scalar_factors()]:
  // sample_mixed(seed, run, ..., theta) then realises exactly sample(seed, run).
  void draw_scalars(std::uint64_t seed, std::uint64_t run, double* theta) const;
  // The scalar factor's value at quantile u of its distribution (a quasi-random design).
  double scalar_quantile(std::size_t factor, double u) const {
    return slots_.at(factor).dist.quantile(u);
  }

 private:
  using Field = protocol::Field;
  struct Slot {
    scenario::Distribution dist;
    Field field;
    model::Index agent;
    model::Index issue;
    double offset;  // unit = (natural - offset) * scale
    double scale;
    std::uint32_t stream;
    std::size_t column;  // where the drawn value is recorded
    int shock = -1;      // >= 0: the draw is the value of that shock, not a parameter
  };
  struct Target {  // where a parameter lives in a Realization
    Field field;
    model::Index agent;
    model::Index issue;
    double offset;
    double scale;
    double valid_lo, valid_hi;  // natural units
  };
  struct Concentration {  // Dirichlet(κ·w) over an agent's weights
    model::Index agent;
    double kappa;
    std::uint32_t stream;
    std::size_t first_column;
    std::vector<bool> recorded;  // per issue: whether its weight is a recorded column
  };

  void add(const scenario::ParameterRef& ref);
  void fill(std::uint64_t seed, std::uint64_t run, std::uint64_t other_run, std::size_t factor,
            const double* theta, protocol::Realization& out, double* recorded) const;
  static void normalise_weights(protocol::Realization& r, model::Index agent);
  void fix_weights(protocol::Realization& r, model::Index agent) const;

  protocol::Setting setting_;
  protocol::Realization base_;
  std::vector<Slot> slots_;
  std::map<std::string, Target> targets_;
  std::vector<Concentration> concentrations_;
  // Per agent: each issue's fixed normalised weight, NaN where free (empty: none fixed).
  std::vector<std::vector<double>> fixed_weight_;
  std::vector<char> weights_drawn_;  // per agent: 1 when its weights are a Dirichlet draw
  std::vector<SampledColumn> columns_;
  std::shared_ptr<const PopulationDraws> posterior_;
};

}  // namespace parley::engine

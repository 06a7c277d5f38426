#include "parley/engine/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "parley/engine/purposes.hpp"
#include "parley/engine/setting.hpp"
#include "parley/engine/shards.hpp"
#include "parley/random/distributions.hpp"

namespace parley::engine {

using model::Index;

void Sampler::add(const scenario::ParameterRef& ref) {
  const scenario::Param& p = *ref.param;
  const auto agent = static_cast<Index>(ref.agent);
  const auto issue = static_cast<Index>(ref.issue);
  base_.set(ref.field, agent, issue, (p.central() - ref.offset) * ref.scale);
  targets_[p.key] = {ref.field, agent, issue, ref.offset, ref.scale, p.valid_lo, p.valid_hi};
  if (p.dist.is_fixed()) return;
  slots_.push_back({p.dist, ref.field, agent, issue, ref.offset, ref.scale,
                    random::purpose_id(p.key), columns_.size()});
  columns_.push_back({p.key, ref.unit});
}

void Sampler::normalise_weights(protocol::Realization& r, Index agent) {
  const double total = r.prefs.weight.row(agent).sum();
  if (total > 0.0) r.prefs.weight.row(agent) /= total;
}

void Sampler::fix_weights(protocol::Realization& r, Index agent) const {
  // Weights held fixed (scenario key weight.<issue>): the free ones are scaled to fill the rest.
  // Applied to a Dirichlet draw, this is the Dirichlet's conditional given the fixed weights, as
  // the free weights' shares among themselves are independent of the others (complete
  // neutrality; Connor & Mosimann 1969).
  const auto a = static_cast<std::size_t>(agent);
  if (a >= fixed_weight_.size() || fixed_weight_[a].empty()) return;
  const std::vector<double>& fixed = fixed_weight_[a];
  double fixed_sum = 0.0, free_sum = 0.0;
  for (std::size_t k = 0; k < fixed.size(); ++k) {
    if (std::isnan(fixed[k]))
      free_sum += r.prefs.weight(agent, static_cast<Index>(k));
    else
      fixed_sum += fixed[k];
  }
  const double scale = free_sum > 0.0 ? std::max(0.0, 1.0 - fixed_sum) / free_sum : 0.0;
  for (std::size_t k = 0; k < fixed.size(); ++k) {
    double& w = r.prefs.weight(agent, static_cast<Index>(k));
    w = std::isnan(fixed[k]) ? w * scale : fixed[k];
  }
}

Sampler::Sampler(const scenario::Scenario& s) {
  const auto n_agents = static_cast<Index>(s.agents.size());
  const auto n_issues = static_cast<Index>(s.issues.size());
  base_.resize(n_agents, n_issues);

  setting_ = make_setting(s);
  for (Index k = 0; k < n_issues; ++k) {
    const auto& issue = s.issues[static_cast<std::size_t>(k)];
    base_.status_quo(k) = issue.to_unit(issue.status_quo);
  }
  base_.prefs.mean = s.aggregation == scenario::Aggregation::mean;
  base_.contest = s.battlefield.contest.has_value();
  fixed_weight_.resize(static_cast<std::size_t>(n_agents));
  weights_drawn_.assign(static_cast<std::size_t>(n_agents), 0);
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    const auto& weight = s.agents[i].weight;
    if (std::none_of(weight.begin(), weight.end(), [](const auto& w) { return w.has_value(); }))
      continue;
    for (const auto& w : weight)
      fixed_weight_[i].push_back(w ? *w : std::numeric_limits<double>::quiet_NaN());
  }

  // Value functions first: an option's value is set into its issue's piecewise function.
  for (Index i = 0; i < n_agents; ++i) {
    const auto& a = s.agents[static_cast<std::size_t>(i)];
    for (Index k = 0; k < n_issues; ++k) {
      const auto sk = static_cast<std::size_t>(k);
      if (a.shape[sk] == model::Shape::piecewise) {
        model::PiecewiseLinear unit_pw = a.piecewise[sk];
        for (double& x : unit_pw.x) x = s.issues[sk].to_unit(x);
        base_.prefs.piecewise_index(i, k) = static_cast<int>(base_.prefs.piecewise.size());
        base_.prefs.ideal(i, k) = unit_pw.argmax();
        base_.prefs.piecewise.push_back(std::move(unit_pw));
      }
      base_.prefs.shape(i, k) = static_cast<std::int8_t>(a.shape[sk]);
    }
  }

  // Every parameter from the scenario's registry: each agent's (then its weights' Dirichlet
  // group, when it has one), then the negotiation's. The columns follow this order.
  const std::vector<scenario::ParameterRef> registry = s.parameters();
  std::size_t next = 0;
  for (Index i = 0; i < n_agents; ++i) {
    const auto& a = s.agents[static_cast<std::size_t>(i)];
    for (; next < registry.size() && model::of_agent(registry[next].field) &&
           registry[next].agent == static_cast<std::size_t>(i);
         ++next) {
      add(registry[next]);
    }
    normalise_weights(base_, i);
    if (a.salience_concentration) {
      Concentration c{i,
                      *a.salience_concentration,
                      random::purpose_id("agents." + a.id + ".weight"),
                      columns_.size(),
                      {}};
      for (std::size_t k = 0; k < s.issues.size(); ++k) {
        c.recorded.push_back(a.salience[k].has_value());
        if (a.salience[k])
          columns_.push_back({"agents." + a.id + ".weight." + s.issues[k].id, "1"});
      }
      concentrations_.push_back(std::move(c));
      weights_drawn_[static_cast<std::size_t>(i)] = 1;
    }
  }
  for (; next < registry.size(); ++next) {
    if (model::of_agent(registry[next].field))
      throw std::logic_error("the parameter registry lists " + registry[next].param->key +
                             " out of its agent's order");
    add(registry[next]);
  }

  // Shocks: a change of a parameter from the round its trigger fires, the value itself possibly
  // drawn. A new value maps to the unit scale as the parameter does, a difference without the
  // offset, a factor not at all.
  const auto& front_issue = s.issues[s.battlefield.issue];
  for (std::size_t j = 0; j < s.shocks.size(); ++j) {
    const auto& shock = s.shocks[j];
    const Target& t = targets_.at(shock.key);
    protocol::Shock out;
    out.round = shock.round;
    out.field = t.field;
    out.agent = t.agent;
    out.issue = t.issue;
    out.op = shock.op;
    out.when = shock.when;
    out.by = static_cast<Index>(shock.by);
    out.count = shock.count;
    out.threshold = front_issue.to_unit(shock.threshold);
    out.offset = t.offset;
    out.scale = t.scale;
    out.lo = (t.valid_lo - t.offset) * t.scale;
    out.hi = (t.valid_hi - t.offset) * t.scale;
    const double offset = shock.op == scenario::ShockOp::set ? t.offset : 0.0;
    const double scale = shock.op == scenario::ShockOp::scale ? 1.0 : t.scale;
    out.value = (shock.value.central() - offset) * scale;
    base_.shocks.push_back(out);
    if (shock.value.dist.is_fixed()) continue;
    const std::string key = "shocks." + std::to_string(j) + ".value";
    slots_.push_back({shock.value.dist, t.field, t.agent, t.issue, offset, scale,
                      random::purpose_id(key), columns_.size(), static_cast<int>(j)});
    columns_.push_back({key, ""});
  }

  // No two purposes of a run may share a stream id (a 32-bit hash of the name): they would draw
  // the same numbers, and their parameters be silently correlated.
  std::unordered_map<std::uint32_t, std::string> streams;
  auto claim = [&](const std::string& name) {
    const auto [at, fresh] = streams.emplace(random::purpose_id(name), name);
    if (!fresh && at->second != name) {
      throw PlanError("the random streams of '" + at->second + "' and '" + name +
                      "' have the same id (a 32-bit hash of their names) and would draw the "
                      "same numbers (allowed: names whose ids differ; rename an agent, an issue "
                      "or a design in one of them)");
    }
  };
  for (const std::string_view name : purpose::kOfEveryRun) claim(std::string(name));
  for (const Slot& slot : slots_) claim(columns_[slot.column].key);
  for (const Concentration& c : concentrations_)
    claim("agents." + s.agents[static_cast<std::size_t>(c.agent)].id + ".weight");
}

void Sampler::sample(std::uint64_t seed, std::uint64_t run, protocol::Realization& out,
                     double* recorded) const {
  if (posterior_) {
    static const std::uint32_t kPosterior = random::purpose_id(purpose::posterior);
    thread_local std::vector<double> theta;
    theta.resize(slots_.size());
    random::Stream stream(seed, run, kPosterior);
    posterior_->draw(stream, theta.data());
    sample_given(seed, run, theta.data(), out, recorded);
    return;
  }
  sample_mixed(seed, run, run, slots_.size() + concentrations_.size(), out, recorded);
}

void Sampler::draw_scalars(std::uint64_t seed, std::uint64_t run, double* theta) const {
  // As fill() draws them: factor f from the stream (seed, run, its key).
  for (std::size_t f = 0; f < slots_.size(); ++f) {
    random::Stream stream(seed, run, slots_[f].stream);
    theta[f] = slots_[f].dist.sample(stream);
  }
}

void Sampler::check_population(const Population& population) const {
  const std::vector<std::string> keys = factors();
  const std::vector<std::string> scalar(keys.begin(),
                                        keys.begin() + static_cast<long>(slots_.size()));
  if (population.parameters != scalar) {
    // Name the difference: what only one side has, or else the order.
    auto missing = [](const std::vector<std::string>& from, const std::vector<std::string>& in) {
      std::string out;
      for (const auto& k : from)
        if (std::find(in.begin(), in.end(), k) == in.end()) out += (out.empty() ? "" : ", ") + k;
      return out;
    };
    const std::string only_population = missing(population.parameters, scalar);
    const std::string only_scenario = missing(scalar, population.parameters);
    std::string problem;
    if (!only_population.empty())
      problem += "calibrated but not sampled by the scenario: " + only_population;
    if (!only_scenario.empty())
      problem += std::string(problem.empty() ? "" : "; ") +
                 "sampled by the scenario but not calibrated: " + only_scenario;
    if (problem.empty()) problem = "the same parameters in another order";
    throw std::invalid_argument(
        "the population's parameters are not the scenario's sampled parameters (" + problem + ")");
  }
  const std::size_t p = slots_.size();
  if (population.particles.size() != population.size() * p)
    throw std::invalid_argument("the population's particles and weights disagree in number");
  for (std::size_t j = 0; j < population.size(); ++j) {
    const double* theta = population.particles.data() + j * p;
    for (std::size_t f = 0; f < p; ++f) {
      if (!(slots_[f].dist.density(theta[f]) > 0.0)) {
        throw std::invalid_argument("particle " + std::to_string(j) + " has " + scalar[f] + " = " +
                                    std::to_string(theta[f]) +
                                    ", where the scenario's prior is 0 (allowed: " +
                                    std::to_string(slots_[f].dist.support_min()) + " to " +
                                    std::to_string(slots_[f].dist.support_max()) + ")");
      }
    }
  }
}

void Sampler::use_population(const Population& population) {
  check_population(population);
  posterior_ = std::make_shared<const PopulationDraws>(population);
}

std::vector<std::string> Sampler::factors() const {
  std::vector<std::string> out;
  for (const Slot& slot : slots_) out.push_back(columns_[slot.column].key);
  for (const Concentration& c : concentrations_) {
    const std::string& first = columns_[c.first_column].key;  // agents.<id>.weight.<issue>
    out.push_back(first.substr(0, first.rfind('.')));
  }
  return out;
}

void Sampler::sample_mixed(std::uint64_t seed, std::uint64_t run, std::uint64_t other_run,
                           std::size_t factor, protocol::Realization& out, double* recorded,
                           const double* theta) const {
  fill(seed, run, other_run, factor, theta, out, recorded);
}

void Sampler::sample_given(std::uint64_t seed, std::uint64_t run, const double* theta,
                           protocol::Realization& out, double* recorded) const {
  fill(seed, run, run, slots_.size() + concentrations_.size(), theta, out, recorded);
}

void Sampler::fill(std::uint64_t seed, std::uint64_t run, std::uint64_t other_run,
                   std::size_t factor, const double* theta, protocol::Realization& out,
                   double* recorded) const {
  out = base_;  // same sizes every run: Eigen copies without reallocating
  for (std::size_t f = 0; f < slots_.size(); ++f) {
    const Slot& slot = slots_[f];
    random::Stream stream(seed, f == factor ? other_run : run, slot.stream);
    const double natural = theta ? theta[f] : slot.dist.sample(stream);
    recorded[slot.column] = natural;
    const double unit_value = (natural - slot.offset) * slot.scale;
    if (slot.shock >= 0) {
      out.shocks[static_cast<std::size_t>(slot.shock)].value = unit_value;
    } else {
      out.set(slot.field, slot.agent, slot.issue, unit_value);
    }
  }
  for (Index i = 0; i < out.prefs.agents(); ++i) {
    normalise_weights(out, i);
    // An agent whose weights are drawn has its fixed ones set after the draw, which centres
    // on the weights as the scenario gives them.
    if (!weights_drawn_[static_cast<std::size_t>(i)]) fix_weights(out, i);
  }
  thread_local std::vector<double> alpha;
  thread_local std::vector<double> drawn;
  thread_local std::vector<double> logs;
  for (std::size_t g = 0; g < concentrations_.size(); ++g) {
    const Concentration& c = concentrations_[g];
    // w' ~ Dirichlet(κ·w) around the (sampled, normalised) weights w (docs/model.md,
    // "Preferences").
    const auto n = static_cast<std::size_t>(out.prefs.issues());
    alpha.resize(n);
    drawn.resize(n);
    logs.resize(n);
    for (std::size_t k = 0; k < n; ++k)
      alpha[k] = c.kappa * out.prefs.weight(c.agent, static_cast<Index>(k));
    random::Stream stream(seed, slots_.size() + g == factor ? other_run : run, c.stream);
    random::dirichlet(stream, alpha, drawn, logs);
    for (std::size_t k = 0; k < n; ++k) out.prefs.weight(c.agent, static_cast<Index>(k)) = drawn[k];
    fix_weights(out, c.agent);
    std::size_t col = c.first_column;
    for (std::size_t k = 0; k < n; ++k) {
      if (c.recorded[k]) recorded[col++] = out.prefs.weight(c.agent, static_cast<Index>(k));
    }
  }
}

}  // namespace parley::engine

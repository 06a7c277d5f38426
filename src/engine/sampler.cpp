#include "parley/engine/sampler.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "parley/engine/purposes.hpp"
#include "parley/engine/shards.hpp"
#include "parley/random/distributions.hpp"

namespace parley::engine {

// The scenario's and the run's shock enums list the same cases in the same order.
static_assert(static_cast<int>(scenario::ShockWhen::no_deal_by) ==
              static_cast<int>(protocol::ShockWhen::no_deal_by));
static_assert(static_cast<int>(scenario::ShockOp::scale) ==
              static_cast<int>(protocol::ShockOp::scale));
static_assert(static_cast<int>(scenario::Information::learning) ==
              static_cast<int>(protocol::Information::learning));
static_assert(static_cast<int>(scenario::Sessions::joint) ==
              static_cast<int>(protocol::Sessions::joint));

using model::Index;
using scenario::Role;

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

namespace {

// The common prior of a parameter on issue `issue`'s unit scale.
model::Prior unit_prior(const scenario::Distribution& d, const scenario::Issue& issue) {
  using K = scenario::Distribution::Kind;
  model::Prior p;
  switch (d.kind) {
    case K::fixed:
      p.lo = p.hi = issue.to_unit(d.a);
      break;
    case K::uniform:
      p.lo = issue.to_unit(d.a);
      p.hi = issue.to_unit(d.b);
      break;
    case K::normal:
      p.kind = model::Prior::Kind::normal;
      p.lo = issue.to_unit(d.lo);
      p.hi = issue.to_unit(d.hi);
      p.a = issue.to_unit(d.a);
      p.b = d.b / (issue.hi - issue.lo);
      break;
    case K::beta: {
      // Beta(κm, κ(1 − m)) on [lo, hi], as Distribution::sample draws it.
      const double m = (d.a - d.lo) / (d.hi - d.lo);
      p.kind = model::Prior::Kind::beta;
      p.lo = issue.to_unit(d.lo);
      p.hi = issue.to_unit(d.hi);
      p.a = d.b * m;
      p.b = d.b * (1.0 - m);
      break;
    }
    case K::triangular:
      p.kind = model::Prior::Kind::triangular;
      p.lo = issue.to_unit(d.a);
      p.hi = issue.to_unit(d.b);
      p.a = issue.to_unit(d.c);
      break;
  }
  return p;
}

// The deciding parties' red-line ends that only they know (docs/model.md, "Private information
// and beliefs"): drawn per run, or conceding toward a limit they may pass. An issue veto's on its
// issues only.
std::vector<protocol::PrivateEnd> private_ends(const scenario::Scenario& s,
                                               const protocol::Setting& setting) {
  std::vector<protocol::PrivateEnd> out;
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    const scenario::Agent& a = s.agents[i];
    if (!setting.is_party[i] || !setting.decides(i)) continue;
    for (std::size_t k = 0; k < s.issues.size(); ++k) {
      if (!a.red_line[k]) continue;
      if (setting.issue_veto(i) &&
          std::find(setting.veto_issues[i].begin(), setting.veto_issues[i].end(),
                    static_cast<Index>(k)) == setting.veto_issues[i].end())
        continue;
      for (const bool upper : {false, true}) {
        const scenario::Param& end = upper ? a.red_line[k]->hi : a.red_line[k]->lo;
        protocol::PrivateEnd e;
        e.agent = static_cast<Index>(i);
        e.issue = static_cast<Index>(k);
        e.upper = upper;
        e.initial = unit_prior(end.dist, s.issues[k]);
        if (a.red_line_limit[k]) {
          const scenario::Distribution& limit =
              upper ? a.red_line_limit[k]->hi.dist : a.red_line_limit[k]->lo.dist;
          // It moves only toward a limit beyond it.
          e.concedes = upper ? limit.support_max() > end.dist.support_min()
                             : limit.support_min() < end.dist.support_max();
          e.limit = unit_prior(limit, s.issues[k]);
        }
        if (e.concedes || !end.dist.is_fixed()) out.push_back(e);
      }
    }
  }
  return out;
}

}  // namespace

void Sampler::normalise_weights(protocol::Realization& r, Index agent) {
  const double total = r.prefs.weight.row(agent).sum();
  if (total > 0.0) r.prefs.weight.row(agent) /= total;
}

Sampler::Sampler(const scenario::Scenario& s) {
  const auto n_agents = static_cast<Index>(s.agents.size());
  const auto n_issues = static_cast<Index>(s.issues.size());
  base_.resize(n_agents, n_issues);

  setting_.veto.resize(s.agents.size());
  setting_.is_party.resize(s.agents.size());
  setting_.mediator = s.mediator() ? static_cast<Index>(*s.mediator()) : -1;
  setting_.battlefield_issue = static_cast<Index>(s.battlefield.issue);
  setting_.max_rounds = s.protocol.max_rounds;
  setting_.durability_horizon = s.durability.horizon;
  for (const auto& stage : s.protocol.agenda)
    setting_.stages.emplace_back(stage.begin(), stage.end());
  setting_.binding = s.protocol.binding;
  if (s.ceasefire.issue) {
    // Interim ceasefires, on unit scales.
    const scenario::Issue& c = s.issues[*s.ceasefire.issue];
    const scenario::Issue& b = s.issues[s.battlefield.issue];
    const double nan = std::numeric_limits<double>::quiet_NaN();
    setting_.ceasefire_issue = static_cast<Index>(*s.ceasefire.issue);
    for (const scenario::CeasefireDesign& d : s.ceasefire.designs) {
      setting_.ceasefire_designs.push_back(
          {(d.at - c.lo) / (c.hi - c.lo), d.drift ? *d.drift / (b.hi - b.lo) : nan,
           d.volatility ? *d.volatility / (b.hi - b.lo) : nan, d.war_cost, d.withdrawal});
    }
    if (s.ceasefire.in_force)
      setting_.ceasefire_in_force = static_cast<Index>(*s.ceasefire.in_force);
  }
  setting_.walkout_patience = s.protocol.walkout_patience;
  setting_.revision_steps = s.protocol.revision_steps;
  switch (s.protocol.kind) {
    case scenario::ProtocolKind::mediated:
      setting_.kind = protocol::Kind::mediated;
      break;
    case scenario::ProtocolKind::alternating:
      setting_.kind = protocol::Kind::alternating;
      break;
    case scenario::ProtocolKind::nash:
      setting_.kind = protocol::Kind::nash;
      break;
    case scenario::ProtocolKind::kalai:
      setting_.kind = protocol::Kind::kalai;
      break;
  }
  setting_.recognition_by_order = s.protocol.recognition == scenario::Recognition::order;
  setting_.quota = s.protocol.quota;
  setting_.pie = s.space == scenario::Space::pie;
  for (std::size_t k : s.own_share) setting_.own_share.push_back(static_cast<Index>(k));
  setting_.revision = s.protocol.revision == scenario::Revision::nash
                          ? protocol::Revision::nash
                          : protocol::Revision::weighted_mean;

  for (Index k = 0; k < n_issues; ++k) {
    const auto& issue = s.issues[static_cast<std::size_t>(k)];
    base_.status_quo(k) = issue.to_unit(issue.status_quo);
    setting_.options.push_back(issue.discrete() ? static_cast<int>(issue.options.size()) : 0);
  }
  for (const auto& c : s.constraints) {
    protocol::TextConstraint tc;
    tc.excludes = c.kind == scenario::Constraint::Kind::excludes;
    for (const auto& l : c.literals) {
      tc.literals.emplace_back(static_cast<Index>(l.issue),
                               s.issues[l.issue].to_unit(static_cast<double>(l.option)));
    }
    setting_.constraints.push_back(std::move(tc));
  }
  setting_.clause_changes = s.protocol.clause_changes;
  setting_.bracketing = s.protocol.bracketing;
  setting_.bracket_after = s.protocol.bracket_after;
  setting_.max_bracketed = s.protocol.max_bracketed;
  // Concession is worked out each round only where something concedes or an aspiration stands.
  for (const auto& a : s.agents) {
    for (const auto& limit : a.red_line_limit)
      setting_.concession = setting_.concession || limit.has_value();
    setting_.concession = setting_.concession || a.aspiration.has_value();
  }
  base_.prefs.mean = s.aggregation == scenario::Aggregation::mean;
  // Private information belongs to the mediated protocol and to alternating offers. In
  // alternating offers every offer and answer is made at one table: its sessions are joint.
  if (s.protocol.kind == scenario::ProtocolKind::mediated ||
      s.protocol.kind == scenario::ProtocolKind::alternating) {
    setting_.information = static_cast<protocol::Information>(s.protocol.information);
    setting_.sessions = s.protocol.kind == scenario::ProtocolKind::alternating
                            ? protocol::Sessions::joint
                            : static_cast<protocol::Sessions>(s.protocol.sessions);
  }

  // Value functions first: an option's value is set into its issue's piecewise function.
  for (Index i = 0; i < n_agents; ++i) {
    const auto& a = s.agents[static_cast<std::size_t>(i)];
    setting_.veto[static_cast<std::size_t>(i)] = a.veto;
    // An issue veto is the mediated protocol's: elsewhere it is a veto (docs/model.md,
    // "Mediated single negotiating text").
    if (s.protocol.kind == scenario::ProtocolKind::mediated)
      setting_.veto_issues.emplace_back(a.veto_issues.begin(), a.veto_issues.end());
    else
      setting_.veto_issues.emplace_back();
    setting_.is_party[static_cast<std::size_t>(i)] = a.role == Role::party;
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

  if (setting_.information != protocol::Information::complete)
    setting_.private_ends = private_ends(s, setting_);

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
    out.op = static_cast<protocol::ShockOp>(shock.op);
    out.when = static_cast<protocol::ShockWhen>(shock.when);
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
    if (shock.when == scenario::ShockWhen::round) setting_.scheduled.push_back(j);
    if (shock.value.dist.is_fixed()) continue;
    const std::string key = "shocks." + std::to_string(j) + ".value";
    slots_.push_back({shock.value.dist, t.field, t.agent, t.issue, offset, scale,
                      random::purpose_id(key), columns_.size(), static_cast<int>(j)});
    columns_.push_back({key, ""});
  }
  std::stable_sort(
      setting_.scheduled.begin(), setting_.scheduled.end(),
      [&](std::size_t a, std::size_t b) { return base_.shocks[a].round < base_.shocks[b].round; });

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
  for (Index i = 0; i < out.prefs.agents(); ++i) normalise_weights(out, i);
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
    std::size_t col = c.first_column;
    for (std::size_t k = 0; k < n; ++k) {
      out.prefs.weight(c.agent, static_cast<Index>(k)) = drawn[k];
      if (c.recorded[k]) recorded[col++] = drawn[k];
    }
  }
}

}  // namespace parley::engine

#include "parley/protocol/beliefs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "parley/random/distributions.hpp"

namespace parley::protocol {
namespace {

// Below this a probability counts as zero in log P (its logarithm stays finite).
constexpr double kTiny = 1e-300;

// P(the end admits position v): a low end at most v, a high end at least v.
double admits(const model::IntervalBelief& b, bool upper, double v) {
  const double below = b.cdf(v);
  return upper ? 1.0 - below : below;
}

double log_admits(const model::IntervalBelief& b, bool upper, double v) {
  return std::log(std::max(admits(b, upper, v), kTiny));
}

double interval_width(const model::IntervalBelief& b) {
  return b.quantile(0.95) - b.quantile(0.05);
}

bool set_aside(const std::vector<std::int8_t>& bracketed, Index k) {
  return static_cast<std::size_t>(k) < bracketed.size() && bracketed[static_cast<std::size_t>(k)];
}

// What an answer says of one end for certain: that it admits position v (a low end at most v, a
// high end at least v), or that it excludes v.
void learn_admits(model::IntervalBelief& b, bool upper, double v) {
  if (upper) {
    b.learn_at_least(v);
  } else {
    b.learn_at_most(v);
  }
}

void learn_excludes(model::IntervalBelief& b, bool upper, double v) {
  if (upper) {
    b.learn_at_most(v);
  } else {
    b.learn_at_least(v);
  }
}

double true_end(const model::Preferences& truth, const PrivateEnd& e) {
  return e.upper ? truth.red_hi(e.agent, e.issue) : truth.red_lo(e.agent, e.issue);
}

}  // namespace

void RedLineBeliefs::start(const Setting& setting, random::Stream& stream) {
  const std::size_t n = setting.private_ends.size();
  if (beliefs_.size() != n) beliefs_.assign(n, model::IntervalBelief(model::Prior{}));
  prior_width_.resize(n);
  for (std::size_t j = 0; j < n; ++j) {
    const PrivateEnd& e = setting.private_ends[j];
    model::Prior& prior = beliefs_[j].prior();
    if (e.concedes) {
      draws_.resize(kEndParticles);
      for (double& d : draws_) {
        const double set = e.initial.draw(stream);
        const double limit = e.limit.draw(stream);
        const double share = random::uniform(stream, 0.0, 1.0);
        const double way = e.upper ? std::max(limit - set, 0.0) : std::min(limit - set, 0.0);
        d = set + share * way;
      }
      prior.set_particles(draws_);
    } else {
      prior = e.initial;
    }
    beliefs_[j].forget_all();
    prior_width_[j] = interval_width(beliefs_[j]);
  }
}

void RedLineBeliefs::open_round(const Setting& setting) {
  for (std::size_t j = 0; j < beliefs_.size(); ++j) {
    const PrivateEnd& e = setting.private_ends[j];
    if (!e.concedes) continue;
    if (e.upper) {
      beliefs_[j].forget_above(e.limit.hi);
    } else {
      beliefs_[j].forget_below(e.limit.lo);
    }
  }
}

void RedLineBeliefs::learn(const Setting& setting, const model::Preferences& truth,
                           const std::vector<std::int8_t>& bracketed, Index i, const Vector& x,
                           bool accepted, double utility_reason) {
  // A yes, or (in separate sessions) a no for the utility: x is within every red line.
  auto within_all = [&] {
    for (std::size_t j = 0; j < beliefs_.size(); ++j) {
      const PrivateEnd& e = setting.private_ends[j];
      if (e.agent != i || set_aside(bracketed, e.issue)) continue;
      learn_admits(beliefs_[j], e.upper, x(e.issue));
    }
  };
  if (accepted) return within_all();
  if (setting.sessions == Sessions::separate) {
    // The reason: the red line x breaks by the most (its principal obstacle, docs/model.md,
    // "Obstacle attribution"), or its utility where it breaks none.
    if (model::red_line_excess(truth, i, x) <= 0.0) return within_all();
    const Index named = model::principal_obstacle(truth, i, x);
    const bool upper = x(named) > truth.red_hi(i, named);
    for (std::size_t j = 0; j < beliefs_.size(); ++j) {
      const PrivateEnd& e = setting.private_ends[j];
      if (e.agent == i && e.issue == named && e.upper == upper)
        learn_excludes(beliefs_[j], e.upper, x(e.issue));
    }
    return;
  }
  // A joint table: a no without a reason. A public end that x breaks explains it.
  auto is_private = [&](Index k, bool upper) {
    for (const PrivateEnd& e : setting.private_ends) {
      if (e.agent == i && e.issue == k && e.upper == upper) return true;
    }
    return false;
  };
  for (Index k = 0; k < truth.issues(); ++k) {
    if ((x(k) < truth.red_lo(i, k) && !is_private(k, false)) ||
        (x(k) > truth.red_hi(i, k) && !is_private(k, true)))
      return;
  }
  std::size_t candidate = beliefs_.size();
  for (std::size_t j = 0; j < beliefs_.size(); ++j) {
    const PrivateEnd& e = setting.private_ends[j];
    if (e.agent != i || set_aside(bracketed, e.issue)) continue;
    // May the end exclude x, by what is known?
    const double at = x(e.issue);
    const bool may = e.upper ? at > beliefs_[j].lower() : at < beliefs_[j].upper();
    if (!may) continue;
    if (candidate < beliefs_.size()) return;  // two ends may: the no is not about one of them
    candidate = j;
  }
  if (candidate == beliefs_.size() || utility_reason >= 1.0) return;
  const PrivateEnd& e = setting.private_ends[candidate];
  model::IntervalBelief& b = beliefs_[candidate];
  const double at = x(e.issue);
  if (utility_reason <= 0.0) {
    learn_excludes(b, e.upper, at);  // not for the utility: the end excludes x for certain
  } else if (e.upper) {
    b.weigh_above(at, utility_reason);  // a high end admits x where it is at least x
  } else {
    b.weigh_below(at, utility_reason);  // a low end admits x where it is at most x
  }
}

void RedLineBeliefs::view(const Setting& setting, const std::vector<std::int8_t>& bracketed,
                          model::Preferences& view) const {
  for (std::size_t j = 0; j < beliefs_.size(); ++j) {
    const PrivateEnd& e = setting.private_ends[j];
    if (set_aside(bracketed, e.issue)) continue;
    if (e.upper) {
      view.red_hi(e.agent, e.issue) = beliefs_[j].upper();
    } else {
      view.red_lo(e.agent, e.issue) = beliefs_[j].lower();
    }
  }
}

void RedLineBeliefs::view_at(const Setting& setting, const std::vector<bool>& who, double q,
                             model::Preferences& view) const {
  for (std::size_t j = 0; j < beliefs_.size(); ++j) {
    const PrivateEnd& e = setting.private_ends[j];
    if (!who[static_cast<std::size_t>(e.agent)]) continue;
    const model::IntervalBelief& b = beliefs_[j];
    // A low end admits v with probability F(v): v = F⁻¹(q); a high end with 1 − F(v).
    const double p = e.upper ? 1.0 - q : q;
    const double at = p <= 0.0 ? b.lower() : p >= 1.0 ? b.upper() : b.quantile(p);
    (e.upper ? view.red_hi : view.red_lo)(e.agent, e.issue) = at;
  }
}

double RedLineBeliefs::acceptance(const Setting& setting, const std::vector<bool>& who,
                                  const Vector& x) const {
  double p = 1.0;
  for (std::size_t j = 0; j < beliefs_.size(); ++j) {
    const PrivateEnd& e = setting.private_ends[j];
    if (who[static_cast<std::size_t>(e.agent)]) p *= admits(beliefs_[j], e.upper, x(e.issue));
  }
  return p;
}

double RedLineBeliefs::log_acceptance(const Setting& setting,
                                      const std::vector<std::int8_t>& bracketed, const Vector& x,
                                      Vector* grad) const {
  constexpr double h = 1e-6;
  double total = 0.0;
  for (std::size_t j = 0; j < beliefs_.size(); ++j) {
    const PrivateEnd& e = setting.private_ends[j];
    if (set_aside(bracketed, e.issue)) continue;
    const double v = x(e.issue);
    const double p = admits(beliefs_[j], e.upper, v);
    total += std::log(std::max(p, kTiny));
    if (grad) {
      // d log P / dx = P'(x) / P(x), P' by central differences.
      const double a = std::max(v - h, 0.0), b = std::min(v + h, 1.0);
      (*grad)(e.issue) +=
          p > kTiny
              ? (admits(beliefs_[j], e.upper, b) - admits(beliefs_[j], e.upper, a)) / ((b - a) * p)
              : (log_admits(beliefs_[j], e.upper, b) - log_admits(beliefs_[j], e.upper, a)) /
                    (b - a);
    }
  }
  return total;
}

bool RedLineBeliefs::revealed(const Setting& setting,
                              const std::vector<std::int8_t>& bracketed) const {
  double p = 1.0;
  std::vector<bool> done(setting.options.size(), false);
  for (const PrivateEnd& on : setting.private_ends) {
    const Index k = on.issue;
    const auto sk = static_cast<std::size_t>(k);
    if (done[sk] || set_aside(bracketed, k)) continue;
    done[sk] = true;
    const int n = setting.options[sk] > 0 ? setting.options[sk] : 201;
    // Outside [the greatest least value of a low end, the least greatest value of a high end]
    // some end excludes the position for certain: only the grid points inside are tried.
    double from = 0.0, to = 1.0;
    for (std::size_t j = 0; j < beliefs_.size(); ++j) {
      const PrivateEnd& e = setting.private_ends[j];
      if (e.issue != k) continue;
      if (e.upper) {
        to = std::min(to, beliefs_[j].upper());
      } else {
        from = std::max(from, beliefs_[j].lower());
      }
    }
    double best = 0.0;
    const int first = std::max(0, static_cast<int>(std::floor(from * (n - 1))));
    const int last = std::min(n - 1, static_cast<int>(std::ceil(to * (n - 1))));
    for (int g = first; g <= last; ++g) {
      const double v = static_cast<double>(g) / (n - 1);
      double q = 1.0;
      for (std::size_t j = 0; j < beliefs_.size(); ++j) {
        const PrivateEnd& e = setting.private_ends[j];
        if (e.issue == k) q *= admits(beliefs_[j], e.upper, v);
      }
      best = std::max(best, q);
    }
    p *= best;
  }
  return p >= kRevealedProbability;
}

void RedLineBeliefs::medians(const Setting& setting, TraceRound& round) const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  round.belief_lo = model::Matrix::Constant(round.red_lo.rows(), round.red_lo.cols(), nan);
  round.belief_hi = round.belief_lo;
  for (std::size_t j = 0; j < beliefs_.size(); ++j) {
    const PrivateEnd& e = setting.private_ends[j];
    (e.upper ? round.belief_hi : round.belief_lo)(e.agent, e.issue) = beliefs_[j].quantile(0.5);
  }
}

BeliefSummary RedLineBeliefs::summary(const Setting& setting, const model::Preferences& truth,
                                      const std::vector<std::int8_t>& bracketed) const {
  BeliefSummary s;
  int n = 0;
  for (std::size_t j = 0; j < beliefs_.size(); ++j) {
    const PrivateEnd& e = setting.private_ends[j];
    if (set_aside(bracketed, e.issue)) continue;
    const model::IntervalBelief& b = beliefs_[j];
    const double end = true_end(truth, e);
    const double q05 = b.quantile(0.05), q95 = b.quantile(0.95);
    s.width += prior_width_[j] > 0.0 ? (q95 - q05) / prior_width_[j] : 0.0;
    s.error += std::abs(b.quantile(0.5) - end);
    s.covered += end >= q05 && end <= q95 ? 1.0 : 0.0;
    ++n;
  }
  if (n == 0) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan, nan};
  }
  s.width /= n;
  s.error /= n;
  s.covered /= n;
  return s;
}

}  // namespace parley::protocol

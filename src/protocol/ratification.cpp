#include "parley/protocol/ratification.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace parley::protocol {
namespace {

double logit(const Realization& r, Index i, const Vector& x) {
  return r.ratify_intercept(i) + (r.ratify_slope.row(i).transpose() * x).sum();
}

// Whether agent i's constituency votes on x.
bool votes(const Setting& setting, const Realization& r, Index i, const Vector& x) {
  return !std::isnan(r.ratify_intercept(i)) &&
         setting.needs_consent(static_cast<std::size_t>(i), x, r.status_quo);
}

// log σ(z) = −log(1 + e^{−z}), without overflow for large |z|.
double log_sigmoid(double z) {
  return z >= 0.0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z));
}

// A demand above any utility (utilities lie in [0, 1]).
constexpr double kUnreachable = 2.0;

}  // namespace

double ratification_probability(const Realization& r, Index i, const Vector& x) {
  if (std::isnan(r.ratify_intercept(i))) return 1.0;
  return 1.0 / (1.0 + std::exp(-logit(r, i, x)));
}

double passing_probability(const Setting& setting, const Realization& r, const Vector& x) {
  if (!setting.ratification) return 1.0;
  return std::exp(log_passing(setting, r, x, nullptr));
}

double log_passing(const Setting& setting, const Realization& r, const Vector& x, Vector* grad) {
  if (!setting.ratification) return 0.0;
  double total = 0.0;
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    if (!votes(setting, r, i, x)) continue;
    const double z = logit(r, i, x);
    total += log_sigmoid(z);
    // d log σ(z) / dz = 1 − σ(z) = σ(−z).
    if (grad) *grad += r.ratify_slope.row(i).transpose() * (1.0 / (1.0 + std::exp(z)));
  }
  return total;
}

double signing_threshold(double demand, double batna, double pass) {
  if (!(demand > batna)) return demand;
  if (pass <= 0.0) return std::numeric_limits<double>::infinity();
  return batna + (demand - batna) / pass;
}

void anticipate_vote(const Setting& setting, const Realization& r, Workspace& w) {
  if (!setting.ratification) return;
  const double pass = passing_probability(setting, r, w.x);
  for (Index i = 0; i < r.prefs.agents(); ++i)
    w.demand(i) = std::min(signing_threshold(w.demand(i), w.batna(i), pass), kUnreachable);
}

Index ratify(const Setting& setting, const Realization& r, const Vector& x, random::Stream& stream,
             RunResult& out, std::vector<bool>& accepts) {
  Index first = -1;
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    const auto si = static_cast<std::size_t>(i);
    if (!votes(setting, r, i, x)) continue;
    const double p = ratification_probability(r, i, x);
    out.ratification(i) = p;
    if (stream.uniform() < p) continue;
    accepts[si] = false;
    ++out.refusals[si];
    if (first < 0) first = i;
  }
  return first;
}

void settle_one_shot(const Run& run, double front, Outcome outcome) {
  const Setting& setting = run.setting;
  Workspace& w = run.w;
  RunResult& out = run.out;
  const Realization& r = w.shocked;
  answer(r, w.demand, w);
  note_round(setting, r, 1, -1, front, w, out, run.trace);
  out.outcome = outcome;
  if (outcome == Outcome::agreement && setting.ratification &&
      ratify(setting, r, w.x, run.streams.ratification, out, w.accepts) >= 0)
    out.outcome = Outcome::refused;
  out.blocker = -1;
  conclude(setting, r, w, 1, front, w.demand, out);
}

}  // namespace parley::protocol

#include "parley/protocol/run_context.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "parley/model/concession.hpp"
#include "parley/protocol/alternating.hpp"
#include "parley/protocol/axiomatic.hpp"
#include "parley/protocol/mediated.hpp"
#include "parley/random/distributions.hpp"

namespace parley::protocol {

void Workspace::resize(Index agents, Index issues) {
  for (Vector* v : {&x, &x_war, &trial, &best, &grad, &lo, &hi, &target}) v->setZero(issues);
  for (Vector* v : {&u, &u_war, &batna, &batna_estimate, &gap}) v->setZero(agents);
  values.setZero(agents, issues);
  below.setZero(agents);
  accepts.assign(static_cast<std::size_t>(agents), false);
  left.assign(static_cast<std::size_t>(agents), false);
  counted.assign(static_cast<std::size_t>(agents), false);
  bracketed.assign(static_cast<std::size_t>(issues), 0);
  war_values.resize(static_cast<std::size_t>(agents));
}

void batnas(const Setting& setting, const Realization& r, double front_line, int round,
            Workspace& w, Vector& out) {
  w.x_war = r.status_quo;
  const Index b = setting.battlefield_issue;
  w.x_war(b) = front_line;
  model::utilities(r.prefs, w.x_war, w.values, w.u_war);
  out.resize(r.prefs.agents());
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    if (!std::isnan(r.reservation(i))) {
      out(i) = r.reservation(i);
      continue;
    }
    const double d = r.discount(i);
    double u = w.u_war(i);
    // The battlefield issue at its expected value over the war to come (additive utilities).
    if (!r.prefs.mean && r.prefs.weight(i, b) != 0.0) {
      const double drift =
          std::isnan(r.expected_drift(i)) ? r.battlefield_drift : r.expected_drift(i);
      WarValue& h = w.war_values[static_cast<std::size_t>(i)];
      h.prepare(r.prefs, i, b, drift, r.battlefield_volatility, d);
      u += r.prefs.weight(i, b) * (h(front_line) - w.values(i, b));  // v_ib(s) from utilities
    }
    // (1 − δ) Σ_n δ^n c(t + n) with c changed by shocks in later rounds R: each change Δ adds
    // (1 − δ) Σ_{n ≥ R − t} δ^n Δ = δ^{R − t} Δ. Shocks are sorted by round.
    double cost = r.war_cost(i);
    if (d < 1.0) {
      double level = r.war_cost(i);
      for (const Shock& s : r.shocks) {
        if (s.round <= round || s.field != Field::war_cost || s.agent != i) continue;
        cost += std::pow(d, s.round - round) * (s.value - level);
        level = s.value;
      }
    }
    out(i) = u - cost;
  }
}

double move_front(const Realization& r, double front, random::Stream& stream) {
  return std::clamp(
      front + r.battlefield_drift + r.battlefield_volatility * random::standard_normal(stream), 0.0,
      1.0);
}

void apply_shocks(Realization& r, int round) {
  for (const Shock& s : r.shocks) {
    if (s.round == round) r.set(s.field, s.agent, s.issue, s.value);
  }
}

void concede(const Setting& setting, Realization& r, int round) {
  if (!setting.concession) return;
  const int deadline = setting.max_rounds - 1;
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    // Faratin et al. (1998), the polynomial time-dependent tactic with κ = 0: α = 0 in the
    // first round, 1 in the last (no time to concede in a one-round protocol).
    const double alpha =
        deadline > 0 ? model::polynomial_alpha(round - 1, deadline, 0.0, r.concession_beta(i))
                     : 0.0;
    for (Index k = 0; k < r.prefs.issues(); ++k) {
      const double lo = r.red_lo_set(i, k), hi = r.red_hi_set(i, k);
      if (!std::isnan(r.red_lo_limit(i, k)))
        r.prefs.red_lo(i, k) = lo + alpha * (std::min(r.red_lo_limit(i, k), lo) - lo);
      if (!std::isnan(r.red_hi_limit(i, k)))
        r.prefs.red_hi(i, k) = hi + alpha * (std::max(r.red_hi_limit(i, k), hi) - hi);
    }
  }
}

double open_round(const Setting& setting, Realization& r, int round, double front,
                  RunStreams& streams, Workspace& w, RunResult& out) {
  apply_shocks(r, round);
  concede(setting, r, round);
  front = move_front(r, front, streams.battlefield);
  batnas(setting, r, front, round, w, w.batna);
  if (round == 1) out.batna_first = w.batna;
  return front;
}

void answer(const Realization& r, const Vector& threshold, Workspace& w) {
  model::utilities(r.prefs, w.x, w.values, w.u);
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    w.accepts[static_cast<std::size_t>(i)] =
        w.u(i) >= threshold(i) && model::red_line_excess(r.prefs, i, w.x) == 0.0;
  }
}

Index largest_shortfall(const Setting& setting, const Realization& r, const Workspace& w) {
  Index blocker = -1;
  double worst = -1.0;
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    const auto si = static_cast<std::size_t>(i);
    if (!setting.decides(si) || w.accepts[si]) continue;
    const double shortfall =
        std::max(w.batna(i) - w.u(i), 0.0) + model::red_line_excess(r.prefs, i, w.x);
    if (shortfall > worst) {
      worst = shortfall;
      blocker = i;
    }
  }
  return blocker;
}

Index least_slack_player(const Setting& setting, const Realization& r, const Workspace& w,
                         const Vector& price) {
  Index blocker = -1;
  double worst = -std::numeric_limits<double>::infinity();
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    if (!setting.decides(static_cast<std::size_t>(i))) continue;
    const double shortfall = price(i) - w.u(i) + model::red_line_excess(r.prefs, i, w.x);
    if (shortfall > worst) {
      worst = shortfall;
      blocker = i;
    }
  }
  return blocker;
}

void conclude(const Setting& setting, const Realization& r, const Workspace& w, int round,
              double front, const Vector& price, RunResult& out) {
  const Index n_agents = r.prefs.agents();
  out.final_text = w.x;
  out.utility = w.u;
  out.batna = w.batna;
  out.battlefield = front;
  if (out.outcome == Outcome::agreement || out.outcome == Outcome::partial) {
    out.round = round;
    out.blocker = -1;
    out.obstacle = -1;
    out.utility_pv = r.discount.pow(static_cast<double>(round)) * w.u;
    return;
  }
  out.round = -1;
  out.utility_pv.setConstant(n_agents, std::numeric_limits<double>::quiet_NaN());
  if (out.outcome != Outcome::walk_out) {
    out.blocker = largest_shortfall(setting, r, w);
    // Every one would take the last text at its BATNA: the talks failed on what the parties
    // demanded beyond it (alternating offers) or on a text that no protocol step offered.
    if (out.blocker < 0) out.blocker = least_slack_player(setting, r, w, price);
  }
  out.obstacle = out.blocker >= 0 ? model::principal_obstacle(r.prefs, out.blocker, w.x) : -1;
}

void negotiate(const Setting& setting, const Realization& r, RunStreams& streams, Workspace& w,
               RunResult& out, Trace* trace) {
  if (w.x.size() != r.prefs.issues() || w.u.size() != r.prefs.agents()) {
    w.resize(r.prefs.agents(), r.prefs.issues());
  }
  out.bracketed.assign(static_cast<std::size_t>(r.prefs.issues()), 0);
  switch (setting.kind) {
    case Kind::mediated:
      negotiate_mediated(setting, r, streams, w, out, trace);
      return;
    case Kind::alternating:
      negotiate_alternating(setting, r, streams, w, out, trace);
      return;
    case Kind::nash:
    case Kind::kalai:
      negotiate_axiomatic(setting, r, streams, w, out, trace);
      return;
  }
}

}  // namespace parley::protocol

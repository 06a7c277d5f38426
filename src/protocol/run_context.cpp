#include "parley/protocol/run_context.hpp"

#include "parley/protocol/durability.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "parley/model/concession.hpp"
#include "parley/protocol/alternating.hpp"
#include "parley/protocol/axiomatic.hpp"
#include "parley/protocol/bargaining_range.hpp"
#include "parley/protocol/ceasefire.hpp"
#include "parley/protocol/diagnostics.hpp"
#include "parley/protocol/expected_utility.hpp"
#include "parley/protocol/mediated.hpp"
#include "parley/random/distributions.hpp"

namespace parley::protocol {

void Workspace::resize(Index agents, Index issues) {
  for (Vector* v : {&x, &x_war, &trial, &best, &grad, &lo, &hi, &target, &range_text, &joint_trial})
    v->setZero(issues);
  for (Vector* v : {&u, &u_war, &batna, &batna_estimate, &estimate_error, &gap, &drift_offset,
                    &drift_precision, &valued_drift, &valued_sd, &voice})
    v->setZero(agents);
  values.setZero(agents, issues);
  below.setZero(agents);
  accepts.assign(static_cast<std::size_t>(agents), false);
  left.assign(static_cast<std::size_t>(agents), false);
  payment.setZero(agents);
  counted.assign(static_cast<std::size_t>(agents), false);
  bracketed.assign(static_cast<std::size_t>(issues), 0);
  demand.setZero(agents);
  rejections.setZero(agents);
  concession.resize(agents, issues);
}

void ConcessionState::resize(Index agents, Index issues) {
  for (Vector* v : {&pressure, &cost_before, &share, &aspiration_moved, &aspiration, &next_share,
                    &next_aspiration_moved})
    v->setZero(agents);
  for (model::Matrix* m : {&moved_lo, &moved_hi, &next_lo, &next_hi}) m->setZero(agents, issues);
}

namespace {

// Per agent: `level` where it has the instrument (its maximum is set), NaN elsewhere.
Vector players(const Vector& max, const Vector& level) {
  return max.array().isNaN().select(max, level);
}

// The front's drift in force: under the war, the efforts' (a contest) or the scenario's; under
// an interim ceasefire, its design's (swapped in; docs/model.md, "Interim ceasefires").
double war_drift(const Realization& r, const Workspace& w) {
  return w.regime == 0 ? r.war_drift() : r.battlefield_drift;
}

// Whether agent i learns the drift: a prior spread to learn from.
bool learns(const Realization& r, Index i) {
  return r.drift_sd(i) > 0.0;
}

}  // namespace

void learn_drift(const Realization& r, int round, bool fought, double before, double after,
                 Workspace& w) {
  const Index n = r.prefs.agents();
  if (round <= 1) {
    for (Index i = 0; i < n; ++i) {
      w.drift_offset(i) =
          std::isnan(r.expected_drift(i)) ? 0.0 : r.expected_drift(i) - r.war_drift();
      w.drift_precision(i) = learns(r, i) ? 1.0 / (r.drift_sd(i) * r.drift_sd(i))
                                          : std::numeric_limits<double>::infinity();
    }
  }
  if (!fought || after <= 0.0 || after >= 1.0) return;
  // What the move says about the offset: y − μ(efforts) ~ N(b, σ²).
  const double sigma = r.battlefield_volatility, surprise = after - before - r.war_drift();
  for (Index i = 0; i < n; ++i) {
    if (std::isinf(w.drift_precision(i))) continue;
    if (sigma == 0.0) {
      w.drift_offset(i) = surprise;
      w.drift_precision(i) = std::numeric_limits<double>::infinity();
      continue;
    }
    const double data = 1.0 / (sigma * sigma), prior = w.drift_precision(i);
    w.drift_precision(i) = prior + data;
    w.drift_offset(i) = (prior * w.drift_offset(i) + data * surprise) / w.drift_precision(i);
  }
}

double public_drift(const Realization& r, const Workspace& w, double players_aid,
                    double players_sanctions) {
  return w.regime == 0 ? r.war_drift(players_aid, players_sanctions) : r.battlefield_drift;
}

void batnas(const Setting& setting, const Realization& r, double front_line, int round,
            Workspace& w, Vector& out) {
  batnas_at(setting, r, front_line, round, war_drift(r, w), w, out);
}

void batnas_at(const Setting& setting, const Realization& r, double front_line, int round,
               double drift_in_force, Workspace& w, Vector& out, const Vector* only) {
  w.x_war = r.status_quo;
  const Index b = setting.battlefield_issue;
  w.x_war(b) = front_line;
  model::utilities(r.prefs, w.x_war, w.values, w.u_war);
  out.resize(r.prefs.agents());
  // The round's own valuation records the drift each agent valued the war with; a hypothetical
  // one (`only`) leaves that record as it is.
  const bool record = only == nullptr;
  if (record) {
    w.valued_drift.setConstant(r.prefs.agents(), std::numeric_limits<double>::quiet_NaN());
    w.valued_sd.setConstant(r.prefs.agents(), std::numeric_limits<double>::quiet_NaN());
  }
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    if (only != nullptr && (*only)(i) == 0.0) {
      out(i) = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    if (!std::isnan(r.reservation(i))) {
      out(i) = r.reservation(i);
      continue;
    }
    const double d = r.discount(i);
    double u = w.u_war(i);
    // The battlefield issue at its expected value over the war to come (additive utilities).
    if (!r.prefs.mean && r.prefs.weight(i, b) != 0.0) {
      // The war's own drift where the agent knows it (it states none and does not learn, or an
      // interim ceasefire made it public), else the war's drift plus its belief about the offset:
      // fixed, or learnt (learn_drift).
      double drift = drift_in_force, spread = 0.0;
      if (!std::isnan(r.expected_drift(i)) || (w.regime == 0 && learns(r, i))) {
        drift += w.drift_offset(i);
        if (learns(r, i)) spread = 1.0 / std::sqrt(w.drift_precision(i));
      }
      if (record) {
        w.valued_drift(i) = drift;
        w.valued_sd(i) = spread;
      }
      WarValue& h = w.war_value;
      h.prepare(r.prefs, i, b, drift, r.battlefield_volatility, d);
      u += r.prefs.weight(i, b) * (h(front_line) - w.values(i, b));  // v_ib(s) from utilities
    }
    // (1 − δ) Σ_n δ^n c(t + n) with c changed by shocks in later rounds R: each change Δ adds
    // (1 − δ) Σ_{n ≥ R − t} δ^n Δ = δ^{R − t} Δ. Only shocks at a fixed round are foreseen;
    // whether a trigger will fire is not.
    double cost = r.war_cost(i);
    if (d < 1.0) {
      double level = r.war_cost(i);
      for (const std::size_t j : setting.scheduled) {
        const Shock& s = r.shocks[j];
        if (s.round <= round || s.field != Field::war_cost || s.agent != i) continue;
        const double next = s.applied(level);
        cost += std::pow(d, s.round - round) * (next - level);
        level = next;
      }
    }
    out(i) = u - cost;
  }
}

void opening_batnas(const Setting& setting, const Realization& r, Workspace& w, Vector& out) {
  w.resize(r.prefs.agents(), r.prefs.issues());
  learn_drift(r, 1, false, r.battlefield_start, r.battlefield_start, w);
  batnas(setting, r, r.battlefield_start, 1, w, out);
}

double move_front(const Realization& r, double front, Workspace& w, random::Stream& stream) {
  double step = war_drift(r, w);
  if (w.withdrawal_left > 0) {
    step += (w.withdrawal_target - front) / w.withdrawal_left;
    --w.withdrawal_left;
  }
  return std::clamp(front + step + r.battlefield_volatility * random::standard_normal(stream), 0.0,
                    1.0);
}

void apply_shocks(Realization& r, int round, double front, Workspace& w) {
  if (round <= 1) {
    w.fired.assign(r.shocks.size(), -1);
    w.rejections.setZero(r.prefs.agents());
  } else if (!r.shocks.empty()) {
    for (Index i = 0; i < r.prefs.agents(); ++i)
      w.rejections(i) += w.accepts[static_cast<std::size_t>(i)] ? 0 : 1;
  }
  for (std::size_t j = 0; j < r.shocks.size(); ++j) {
    const Shock& s = r.shocks[j];
    if (w.fired[j] >= 0 || !s.fires(round, w.rejections, front)) continue;
    r.set(s.field, s.agent, s.issue, s.applied(r.get(s.field, s.agent, s.issue)));
    w.fired[j] = round;
  }
}

namespace {

// The mean of `of(j)` over the deciders j ≠ i for which `counts(j)`; 0 when there are none.
template <class Counts, class Of>
double mean_of_others(const Setting& setting, Index n, Index i, Counts counts, Of of) {
  double sum = 0.0;
  int k = 0;
  for (Index j = 0; j < n; ++j) {
    if (j == i || !setting.decides(static_cast<std::size_t>(j)) || !counts(j)) continue;
    sum += of(j);
    ++k;
  }
  return k > 0 ? sum / k : 0.0;
}

}  // namespace

void concede(const Setting& setting, Realization& r, int round, double front, Workspace& w) {
  if (!setting.concession) return;
  ConcessionState& c = w.concession;
  const Index n = r.prefs.agents(), m = r.prefs.issues(), b = setting.battlefield_issue;
  if (round <= 1) {
    c.pressure.setZero();
    c.share.setZero();
    c.moved_lo.setZero();
    c.moved_hi.setZero();
    c.aspiration_moved.setZero();
  } else {
    c.pressure += c.cost_before;
  }
  c.cost_before = r.war_cost;
  const int deadline = setting.deadline - 1;  // a known deadline; none: no concession by time
  // Whether an agent concedes anything (the others' relative tit-for-tat counts only those).
  auto moves_lo = [&](Index i, Index k) { return r.red_lo_limit(i, k) < r.red_lo_set(i, k); };
  auto moves_hi = [&](Index i, Index k) { return r.red_hi_limit(i, k) > r.red_hi_set(i, k); };
  auto moves_aspiration = [&](Index i) { return r.aspiration_limit(i) < r.aspiration(i); };
  auto concedes = [&](Index j) {
    for (Index k = 0; k < m; ++k)
      if (moves_lo(j, k) || moves_hi(j, k)) return true;
    return moves_aspiration(j);
  };
  for (Index i = 0; i < n; ++i) {
    const double w_time = r.tactic_time(i), w_res = r.tactic_resource(i),
                 w_rel = r.tactic_relative(i), w_abs = r.tactic_absolute(i);
    const double total = w_time + w_res + w_rel + w_abs;
    // Time-dependent: Faratin et al. (1998), the polynomial family with κ = 0 (α = 0 in the first
    // round, 1 in the last; no time to concede in a one-round protocol).
    const double a_time =
        deadline > 0 ? model::polynomial_alpha(round - 1, deadline, 0.0, r.concession_beta(i))
                     : 0.0;
    // Resource-dependent: α = e^{−resource}, the resource the rounds of war the agent can still
    // bear, (E_i − P_i)⁺ / c_i, with P_i the war's cost so far and the battlefield value lost
    // since the talks began (a gain lowers it).
    double a_res = 0.0;
    if (w_res > 0.0 && !std::isnan(r.endurance(i))) {
      double pressure = c.pressure(i);
      if (!r.prefs.mean) {
        pressure += r.prefs.weight(i, b) *
                    (r.prefs.value(i, b, r.battlefield_start) - r.prefs.value(i, b, front));
      }
      const double left = std::max(r.endurance(i) - pressure, 0.0);
      const double cost = r.war_cost(i);
      const double resource = cost > 0.0   ? left / cost
                              : left > 0.0 ? std::numeric_limits<double>::infinity()
                                           : 0.0;
      a_res = model::resource_alpha(resource, 0.0);
    }
    // Relative tit-for-tat: the others' share of the way gone in the last round (Faratin's
    // relative imitation on what is left to concede, 1 − α, which telescopes to this).
    const double a_rel =
        w_rel > 0.0 ? mean_of_others(setting, n, i, concedes, [&](Index j) { return c.share(j); })
                    : 0.0;
    const double common = w_time * a_time + w_res * a_res + w_rel * a_rel;
    // An end's α, with the absolute tit-for-tat term: the distance the others' facing ends had
    // moved, as a share of this end's way to its limit.
    // `counts` and `moved` say which of the others face this end and how far they have moved.
    auto alpha = [&](auto counts, auto moved, double span) {
      if (total <= 0.0) return 0.0;
      const double a_abs =
          w_abs > 0.0 ? std::min(mean_of_others(setting, n, i, counts, moved) / span, 1.0) : 0.0;
      return std::clamp((common + w_abs * a_abs) / total, 0.0, 1.0);
    };
    double shares = 0.0;
    int ends = 0;
    for (Index k = 0; k < m; ++k) {
      c.next_lo(i, k) = 0.0;
      c.next_hi(i, k) = 0.0;
      // A bracketed issue's red lines no longer count (mediated bracketing): leave them so.
      if (static_cast<std::size_t>(k) < w.bracketed.size() &&
          w.bracketed[static_cast<std::size_t>(k)])
        continue;
      if (moves_lo(i, k)) {
        const double span = r.red_lo_set(i, k) - r.red_lo_limit(i, k);
        const double a = alpha([&](Index j) { return moves_hi(j, k); },
                               [&](Index j) { return c.moved_hi(j, k); }, span);
        r.prefs.red_lo(i, k) = r.red_lo_set(i, k) - a * span;
        c.next_lo(i, k) = a * span;
        shares += a;
        ++ends;
      } else if (!std::isnan(r.red_lo_limit(i, k))) {
        r.prefs.red_lo(i, k) = r.red_lo_set(i, k);
      }
      if (moves_hi(i, k)) {
        const double span = r.red_hi_limit(i, k) - r.red_hi_set(i, k);
        const double a = alpha([&](Index j) { return moves_lo(j, k); },
                               [&](Index j) { return c.moved_lo(j, k); }, span);
        r.prefs.red_hi(i, k) = r.red_hi_set(i, k) + a * span;
        c.next_hi(i, k) = a * span;
        shares += a;
        ++ends;
      } else if (!std::isnan(r.red_hi_limit(i, k))) {
        r.prefs.red_hi(i, k) = r.red_hi_set(i, k);
      }
    }
    c.next_aspiration_moved(i) = 0.0;
    c.aspiration(i) = r.aspiration(i);
    if (moves_aspiration(i)) {
      const double span = r.aspiration(i) - r.aspiration_limit(i);
      const double a = alpha(
          moves_aspiration, [&](Index j) { return c.aspiration_moved(j); }, span);
      c.aspiration(i) = r.aspiration(i) - a * span;
      c.next_aspiration_moved(i) = a * span;
      shares += a;
      ++ends;
    }
    c.next_share(i) = ends > 0 ? shares / ends : 0.0;
  }
  c.share.swap(c.next_share);
  c.moved_lo.swap(c.next_lo);
  c.moved_hi.swap(c.next_hi);
  c.aspiration_moved.swap(c.next_aspiration_moved);
}

double open_round(const Setting& setting, Realization& r, int round, double front,
                  RunStreams& streams, Workspace& w, RunResult& out) {
  apply_shocks(r, round, front, w);
  concede(setting, r, round, front, w);
  const bool fought = w.regime == 0 && w.withdrawal_left == 0;
  const double before = front;
  front = move_front(r, front, w, streams.battlefield);
  learn_drift(r, round, fought, before, front, w);
  batnas(setting, r, front, round, w, w.batna);
  if (round == 1) {
    out.batna_first = w.batna;
    out.drift_first = w.valued_drift;
    out.drift_sd_first = w.valued_sd;
  }
  out.drift_last = w.valued_drift;
  out.drift_sd_last = w.valued_sd;
  // The players' levels in force in this round (docs/model.md, "Instruments: aid, sanctions,
  // disengagement"), summed for their means over the run.
  if (setting.instruments) {
    if (round == 1) {
      w.aid_sum.setZero(r.prefs.agents());
      w.sanctions_sum.setZero(r.prefs.agents());
    }
    w.aid_sum += r.aid_level;
    w.sanctions_sum += r.sanctions_level;
  }
  w.demand = w.batna;
  if (setting.concession) {
    for (Index i = 0; i < r.prefs.agents(); ++i)
      w.demand(i) = model::demand(w.batna(i), w.concession.aspiration(i));
  }
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
    if (!setting.needs_consent(si, w.x, r.status_quo) || w.accepts[si]) continue;
    const double shortfall =
        std::max(w.demand(i) - w.u(i), 0.0) + model::red_line_excess(r.prefs, i, w.x);
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
    if (!setting.needs_consent(static_cast<std::size_t>(i), w.x, r.status_quo)) continue;
    const double shortfall = price(i) - w.u(i) + model::red_line_excess(r.prefs, i, w.x);
    if (shortfall > worst) {
      worst = shortfall;
      blocker = i;
    }
  }
  return blocker;
}

void shortfalls(const Setting& setting, const Realization& r, const Workspace& w, Vector& out) {
  const model::Preferences& p = r.prefs;
  out.setZero(p.issues());
  for (Index i = 0; i < p.agents(); ++i) {
    const auto si = static_cast<std::size_t>(i);
    if (!setting.needs_consent(si, w.x, r.status_quo) || w.accepts[si]) continue;
    for (Index k = 0; k < p.issues(); ++k) out(k) += model::issue_red_line_excess(p, i, k, w.x(k));
    const double s = std::max(w.demand(i) - w.u(i), 0.0);
    if (s <= 0.0) continue;
    if (p.mean) {
      out(model::principal_obstacle(p, i, w.x)) += s;
      continue;
    }
    double total = 0.0;
    for (Index k = 0; k < p.issues(); ++k) total += model::issue_loss(p, i, k, w.x(k));
    if (total <= 0.0) continue;
    for (Index k = 0; k < p.issues(); ++k) out(k) += s * model::issue_loss(p, i, k, w.x(k)) / total;
  }
}

void note_round(const Setting& setting, const Realization& r, int round, Index proposer,
                double front, Workspace& w, RunResult& out, Trace* trace) {
  const Index b = setting.battlefield_issue;
  if (round == 1 || trace != nullptr) {
    const double range = bargaining_range(setting, r.prefs, r.status_quo, b, w.x, w.batna,
                                          w.range_text, w.range_cuts);
    if (round == 1) out.range_first = range;
    if (trace == nullptr) return;
    trace->record(round, proposer, front, w.x, w.u, w.batna, w.demand, w.valued_drift, r.prefs,
                  w.accepts);
    TraceRound& traced = trace->rounds.back();
    traced.range = range;
    if (setting.instruments) {
      traced.aid = players(r.aid_max, r.aid_level);
      traced.sanctions = players(r.sanctions_max, r.sanctions_level);
    }
    // Each agent's reservation toward the mean ideal of the other deciders on b.
    const std::vector<Index> deciders = setting.deciders();
    traced.reservation.resize(r.prefs.agents());
    for (Index i = 0; i < r.prefs.agents(); ++i) {
      double sum = 0.0;
      int others = 0;
      for (const Index j : deciders) {
        if (j == i) continue;
        sum += r.prefs.ideal(j, b);
        ++others;
      }
      const double toward = others > 0 ? sum / others : 0.5;
      traced.reservation(i) =
          reservation(r.prefs, i, b, w.x, w.demand(i), toward, w.range_text, w.range_cuts);
    }
    // The zone of agreement with this round's red lines and BATNAs (traced runs only: it solves
    // a maximin).
    TextSolver solver(setting, r.prefs, feasible_box(r.prefs, deciders));
    traced.zone = zone_of_agreement(solver, deciders, w.batna);
  }
}

namespace {

// The indices of the largest and second-largest positive entries of v (the first of equal ones),
// -1 where there are fewer.
void largest_two(const Vector& v, Index& first, Index& second) {
  first = -1;
  second = -1;
  for (Index k = 0; k < v.size(); ++k) {
    if (v(k) <= 0.0) continue;
    if (first < 0 || v(k) > v(first)) {
      second = first;
      first = k;
    } else if (second < 0 || v(k) > v(second)) {
      second = k;
    }
  }
}

}  // namespace

void conclude(const Setting& setting, const Realization& r, Workspace& w, int round, double front,
              const Vector& price, RunResult& out) {
  const Index n_agents = r.prefs.agents();
  out.range_last = bargaining_range(setting, r.prefs, r.status_quo, setting.battlefield_issue, w.x,
                                    w.batna, w.range_text, w.range_cuts);
  out.last_round = round;
  out.final_text = w.x;
  out.utility = w.u;
  out.batna = w.batna;
  out.battlefield = front;
  out.shock_round.assign(w.fired.begin(), w.fired.end());
  if (setting.instruments) {
    out.aid = players(r.aid_max, w.aid_sum / round);
    out.sanctions = players(r.sanctions_max, w.sanctions_sum / round);
  }
  if (out.outcome == Outcome::agreement || out.outcome == Outcome::partial) {
    out.round = round;
    out.blocker = -1;
    out.obstacle = -1;
    out.obstacle_second = -1;
    out.shortfall.setConstant(r.prefs.issues(), std::numeric_limits<double>::quiet_NaN());
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
  // The obstacles: the issues with the largest and second-largest shortfall; where no one whose
  // consent the text needs rejects it, the blocker's principal obstacle.
  shortfalls(setting, r, w, out.shortfall);
  largest_two(out.shortfall, out.obstacle, out.obstacle_second);
  // A text refused at home (every decider accepted it, so no shortfall): the terms that cost the
  // refusing constituency most support, −b_ik x_k (docs/model.md, "Ratification at home").
  if (out.outcome == Outcome::refused && out.blocker >= 0) {
    const Vector cost = -(r.ratify_slope.row(out.blocker).transpose() * w.x);
    largest_two(cost, out.obstacle, out.obstacle_second);
  }
  if (out.obstacle < 0 && out.blocker >= 0)
    out.obstacle = model::principal_obstacle(r.prefs, out.blocker, w.x);
}

std::optional<Outcome> talks_end(const Setting& setting, const Realization& r, int round,
                                 int rejected, random::Stream& talks) {
  if (setting.deadline > 0 && round >= setting.deadline) return Outcome::deadline;
  const double hazard =
      std::min(1.0, r.collapse_hazard + r.collapse_escalation * static_cast<double>(rejected));
  if (talks.uniform() < hazard) return Outcome::collapse;
  if (round >= setting.max_rounds) return Outcome::censored;
  return std::nullopt;
}

void negotiate(const Run& run) {
  const Setting& setting = run.setting;
  const Realization& r = run.drawn;
  Workspace& w = run.w;
  RunResult& out = run.out;
  if (w.x.size() != r.prefs.issues() || w.u.size() != r.prefs.agents()) {
    w.resize(r.prefs.agents(), r.prefs.issues());
  }
  out.bracketed.assign(static_cast<std::size_t>(r.prefs.issues()), 0);
  out.ratification.setConstant(r.prefs.agents(), std::numeric_limits<double>::quiet_NaN());
  out.refusals.assign(static_cast<std::size_t>(r.prefs.agents()), 0);
  out.payment.setZero(r.prefs.agents());
  out.aid.setConstant(r.prefs.agents(), std::numeric_limits<double>::quiet_NaN());
  out.sanctions.setConstant(r.prefs.agents(), std::numeric_limits<double>::quiet_NaN());
  out.disengaged = -1;
  std::fill(w.bracketed.begin(), w.bracketed.end(), std::int8_t{0});
  // Only the mediated protocol under private information holds beliefs.
  out.revealed = -1;
  out.stages_agreed = -1;
  out.challenge_rounds = out.challenges = -1;
  out.conflicts = out.compromises = out.capitulations = -1;
  out.ceasefire_round = out.ceasefire_design = -1;
  w.withdrawal_left = 0;
  w.regime = 0;
  out.belief_width = out.belief_error = out.belief_covered =
      std::numeric_limits<double>::quiet_NaN();
  switch (setting.kind) {
    case ProtocolKind::mediated:
      negotiate_mediated(run);
      break;
    case ProtocolKind::alternating:
      negotiate_alternating(run);
      break;
    case ProtocolKind::nash:
    case ProtocolKind::kalai:
      negotiate_axiomatic(run);
      break;
    case ProtocolKind::expected_utility:
      negotiate_expected_utility(run);
      break;
  }
  out.breakdown = -1;
  out.breakdown_cause = -1;
  const bool deal = out.outcome == Outcome::agreement || out.outcome == Outcome::partial;
  // The design of the ceasefire term a deal settles (docs/model.md, "Interim ceasefires").
  if (const Index c = setting.ceasefire_issue;
      deal && c >= 0 && out.ceasefire_design < 0 && !out.bracketed[static_cast<std::size_t>(c)])
    out.ceasefire_design = static_cast<int>(setting.design_of(out.final_text(c)));
  if (deal && setting.durability_horizon > 0) {
    // A breakdown resumes the war as it stood before any interim ceasefire.
    if (out.ceasefire_round >= 0) swap_war(w.shocked, w);
    follow_deal(setting, run.streams.durability, out.round, out.battlefield, w, out);
    if (out.ceasefire_round >= 0) swap_war(w.shocked, w);
  }
}

void conclude_beliefs(const Setting& setting, const Realization& r, const Workspace& w,
                      RunResult& out) {
  const BeliefSummary b = w.beliefs.summary(setting, r.prefs, w.bracketed);
  out.belief_width = b.width;
  out.belief_error = b.error;
  out.belief_covered = b.covered;
}

}  // namespace parley::protocol

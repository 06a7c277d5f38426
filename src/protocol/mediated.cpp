#include "parley/protocol/mediated.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "parley/protocol/ceasefire.hpp"
#include "parley/protocol/delegation.hpp"
#include "parley/protocol/instruments.hpp"
#include "parley/protocol/ratification.hpp"
#include "parley/protocol/side_payment.hpp"
#include "parley/random/distributions.hpp"

namespace parley::protocol {
namespace {

// Trust region around x, within the unit box; discrete issues are held where they are (the
// mediator changes them one option at a time, see change_clauses).
void trust_box(const Setting& setting, const std::vector<std::int8_t>& bracketed, const Vector& x,
               double radius, Vector& lo, Vector& hi) {
  lo = (x - radius).max(0.0);
  hi = (x + radius).min(1.0);
  for (std::size_t k = 0; k < bracketed.size(); ++k) {
    if (bracketed[k])
      lo(static_cast<Index>(k)) = hi(static_cast<Index>(k)) = x(static_cast<Index>(k));
  }
  for (std::size_t k = 0; k < setting.options.size(); ++k) {
    if (setting.options[k] > 0)
      lo(static_cast<Index>(k)) = hi(static_cast<Index>(k)) = x(static_cast<Index>(k));
  }
}

bool private_information(const Setting& setting) {
  return setting.information != Information::complete;
}

// The red lines as the mediator knows them: the true ones under complete information, else
// w.known (RedLineBeliefs::view, made each round before the revision).
const model::Preferences& known_red_lines(const Setting& setting, const Realization& r,
                                          const Workspace& w) {
  return private_information(setting) ? w.known : r.prefs;
}

// F(x) of docs/model.md ("Mediated single negotiating text", step 4) evaluated directly, for any
// aggregation (the packed NashObjective serves the gradient ascent on continuous issues); under
// private information plus log P(x passes the private red lines), the log of the acceptance
// probability that multiplies the value of the text (docs/model.md, "Private information and
// beliefs").
double mediator_objective(const Setting& setting, const Realization& r, Workspace& w,
                          const Vector& x) {
  const model::Preferences& known = known_red_lines(setting, r, w);
  model::utilities(r.prefs, x, w.values, w.u);
  double theta_total = 0.0;
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    const auto si = static_cast<std::size_t>(i);
    if (setting.is_party[si] && !w.left[si]) theta_total += w.voice(i);
  }
  if (theta_total <= 0.0) theta_total = 1.0;
  double f = 0.0;
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    const auto si = static_cast<std::size_t>(i);
    if (!setting.is_party[si] || w.left[si]) continue;
    const double g = w.u(i) - model::red_line_excess(known, i, x) - w.batna_estimate(i) +
                     NashObjective::kEpsilon + r.payment_value(i) * w.payment(i);
    f += w.voice(i) / theta_total * NashObjective::phi(g);
  }
  if (setting.mediator >= 0) f += r.mediator_stake * w.u(setting.mediator);
  if (setting.side_payments) f -= r.mediator_stake * r.payment_cost * w.payment.sum();
  if (private_information(setting)) f += w.beliefs.log_acceptance(setting, w.bracketed, x, nullptr);
  f += log_passing(setting, r, x, nullptr);
  return f;
}

// The mediator's moves on discrete issues: up to clause_changes times, the one-issue change
// (a clause added or dropped, an option changed) that raises F most among the texts the
// constraints allow; none when no change raises it.
void change_clauses(const Setting& setting, const Realization& r, Workspace& w, Vector& x) {
  double current = mediator_objective(setting, r, w, x);
  for (int move = 0; move < setting.clause_changes; ++move) {
    double best = current;
    Index best_k = -1;
    double best_at = 0.0;
    for (std::size_t k = 0; k < setting.options.size(); ++k) {
      const int n = setting.options[k];
      if (n <= 0 || w.bracketed[k]) continue;
      const auto kk = static_cast<Index>(k);
      const double keep = x(kk);
      for (int j = 0; j < n; ++j) {
        const double at = static_cast<double>(j) / (n - 1);
        if (at == keep) continue;
        x(kk) = at;
        if (setting.allows(x)) {
          const double v = mediator_objective(setting, r, w, x);
          if (v > best + 1e-12) {
            best = v;
            best_k = kk;
            best_at = at;
          }
        }
      }
      x(kk) = keep;
    }
    if (best_k < 0) return;
    x(best_k) = best_at;
    current = best;
  }
}

// The best utility agent i can reach in one revision from x: continuous issues anywhere in
// the box, and at most clause_changes discrete issues changed (constraints aside).
double best_reachable(const Setting& setting, const Realization& r, Index i, const Vector& x,
                      const Vector& lo, const Vector& hi) {
  const model::Preferences& p = r.prefs;
  if (!setting.discrete()) return model::best_utility_in_box(p, i, lo, hi);
  if (!p.mean) {
    // Additive: the continuous part separately, plus the largest gains of single changes.
    double u = model::best_utility_in_box(p, i, lo, hi);
    std::vector<double> gains;
    for (std::size_t k = 0; k < setting.options.size(); ++k) {
      const int n = setting.options[k];
      if (n <= 0) continue;
      const auto kk = static_cast<Index>(k);
      double top = 0.0;
      for (int j = 0; j < n; ++j)
        top = std::max(top, p.value(i, kk, static_cast<double>(j) / (n - 1)));
      gains.push_back(p.weight(i, kk) * (top - p.value(i, kk, x(kk))));
    }
    std::sort(gains.rbegin(), gains.rend());
    for (std::size_t c = 0;
         c < gains.size() && c < static_cast<std::size_t>(setting.clause_changes); ++c)
      u += std::max(gains[c], 0.0);
    return u;
  }
  // The mean: the best one-clause changes, one after the other.
  Vector y = x;
  double u = model::utility(p, i, y);
  for (int move = 0; move < setting.clause_changes; ++move) {
    Index best_k = -1;
    for (Index k = 0; k < y.size(); ++k) {
      y(k) = 1.0 - y(k);
      const double v = model::utility(p, i, y);
      if (v > u + 1e-12) {
        u = v;
        best_k = k;
      }
      y(k) = 1.0 - y(k);
    }
    if (best_k < 0) break;
    y(best_k) = 1.0 - y(best_k);
  }
  return u;
}

// Issue k off the table: frozen where it is, and no red line on it counts.
void set_aside(Realization& r, Workspace& w, Index k) {
  w.bracketed[static_cast<std::size_t>(k)] = 1;
  r.prefs.red_lo.col(k).setZero();
  r.prefs.red_hi.col(k).setOnes();
}

// Sets issue k aside (bracketing, docs/model.md, "Mediated single negotiating text"): no agent
// weighs it any more (each agent's other weights are renormalised, so BATNAs follow), no red line
// on it counts, and it stays where it is (a clause: out of the text).
void bracket(Realization& r, Workspace& w, Index k) {
  set_aside(r, w, k);
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    r.prefs.weight(i, k) = 0.0;
    const double total = r.prefs.weight.row(i).sum();
    if (total > 0.0) r.prefs.weight.row(i) /= total;
  }
  if (r.prefs.mean) w.x(k) = 0.0;
}

// Agendas in stages (docs/model.md, "Agendas in stages"). An issue of a later stage waits at its
// status quo, its red lines set aside as for bracketing; its weight stays, so a party judges a
// stage's text with the rest as it stands. An issue of an earlier, agreed stage stays as agreed:
// frozen like a bracketed one, its red lines (met when it was agreed) still in force.
void hold_pending(Realization& r, Workspace& w, Index k) {
  set_aside(r, w, k);
  w.x(k) = r.status_quo(k);
}

// The next stage's issue comes to the table: at the first draft, with its red lines as set (an
// end that concedes is placed anew at the next round's start).
void open_issue(Realization& r, Workspace& w, Index k) {
  w.bracketed[static_cast<std::size_t>(k)] = 0;
  r.prefs.red_lo.col(k) = r.red_lo_set.col(k);
  r.prefs.red_hi.col(k) = r.red_hi_set.col(k);
  w.x(k) = r.first_draft(k);
}

// The issue that blocks most: the principal obstacle of the rejecting veto player with the
// largest shortfall max(r_i - u_i, 0) + red-line excess; -1 when none is left to bracket.
Index blocking_issue(const Setting& setting, const Realization& r, const Workspace& w) {
  const Index blocker = largest_shortfall(setting, r, w);
  if (blocker < 0) return -1;
  const Index k = model::principal_obstacle(r.prefs, blocker, w.x);
  return w.bracketed[static_cast<std::size_t>(k)] ? -1 : k;
}

// The red lines the mediator knows bound its revision where the veto parties still at the
// table share an interval [L_k, H_k] on a continuous issue: the trust region is cut to it, or
// to its end nearest to it, [clamp(L_k, lo_k, hi_k), clamp(H_k, lo_k, hi_k)] (docs/model.md,
// "Mediated single negotiating text"). A projected ascent on F alone would only approach a
// narrow interval, and never reach a single point, through the subgradient of the excess.
void within_common_red_lines(const Setting& setting, const Realization& r, Workspace& w) {
  const model::Preferences& known = known_red_lines(setting, r, w);
  for (Index k = 0; k < r.prefs.issues(); ++k) {
    if (!setting.options.empty() && setting.options[static_cast<std::size_t>(k)] > 0) continue;
    double lo = 0.0;
    double hi = 1.0;
    for (Index i = 0; i < r.prefs.agents(); ++i) {
      const auto si = static_cast<std::size_t>(i);
      if (!setting.veto[si] || !setting.is_party[si] || w.left[si]) continue;
      if (setting.issue_veto(si) &&
          std::find(setting.veto_issues[si].begin(), setting.veto_issues[si].end(), k) ==
              setting.veto_issues[si].end())
        continue;  // an issue veto binds the text on its issues only
      lo = std::max(lo, known.red_lo(i, k));
      hi = std::min(hi, known.red_hi(i, k));
    }
    if (lo > hi) continue;  // they exclude each other here: nothing to keep to
    const double cut_lo = std::clamp(lo, w.lo(k), w.hi(k));
    const double cut_hi = std::clamp(hi, w.lo(k), w.hi(k));
    w.lo(k) = cut_lo;
    w.hi(k) = cut_hi;
  }
}

// The positions on issue k within the red lines of the deciding parties at the table other than
// i, as `known` has them: false where they exclude each other (an issue veto counts on its own
// issues only).
bool within_others(const Setting& setting, const model::Preferences& known,
                   const std::vector<bool>& left, Index i, Index k, double& lo, double& hi) {
  lo = 0.0;
  hi = 1.0;
  for (Index j = 0; j < known.agents(); ++j) {
    const auto sj = static_cast<std::size_t>(j);
    if (j == i || !setting.decides(sj) || !setting.is_party[sj] || left[sj]) continue;
    if (setting.issue_veto(sj) &&
        std::find(setting.veto_issues[sj].begin(), setting.veto_issues[sj].end(), k) ==
            setting.veto_issues[sj].end())
      continue;
    lo = std::max(lo, known.red_lo(j, k));
    hi = std::min(hi, known.red_hi(j, k));
  }
  return lo <= hi;
}

// At a joint table each party has heard every answer, so it knows the texts the others will
// surely reject: it demands no more than the best it can have among the rest,
// d_i = max(r_i, min(a_i, max u_i over the others' known red lines)) (docs/model.md, "Private
// information and beliefs"). w.lo and w.hi are scratch here.
void temper_aspirations(const Setting& setting, const Realization& r, Workspace& w) {
  if (r.prefs.mean) return;
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    const auto si = static_cast<std::size_t>(i);
    const double aspiration = w.concession.aspiration(i);
    if (!setting.is_party[si] || w.left[si] || std::isnan(aspiration)) continue;
    for (Index k = 0; k < r.prefs.issues(); ++k) {
      if (!within_others(setting, w.known, w.left, i, k, w.lo(k), w.hi(k))) {
        w.lo(k) = 0.0;
        w.hi(k) = 1.0;
      }
    }
    const double best = model::best_utility_in_box(r.prefs, i, w.lo, w.hi);
    w.demand(i) = model::demand(w.batna(i), std::min(aspiration, best));
  }
}

// The mediator's probability that agent i's no to w.x is for its utility: P(u_i(x) < d_i)
// with its estimate of the demand d_i off by its BATNA estimate's last error and as uncertain
// as that estimate, Φ((d_i + (r̂_i − r_i) − u_i(x)) / σ); with σ = 0 it knows whether.
double utility_reason(const Realization& r, const Workspace& w, Index i) {
  const double shortfall = w.demand(i) + w.estimate_error(i) - w.u(i);
  if (r.batna_noise <= 0.0) return shortfall > 0.0 ? 1.0 : 0.0;
  return random::normal_cdf(shortfall / r.batna_noise);
}

bool in_stage(const std::vector<Index>& stage, Index k) {
  return std::find(stage.begin(), stage.end(), k) != stage.end();
}

}  // namespace

void weighted_mean_target(const Setting& setting, const Realization& r, Workspace& w,
                          const Vector& x, Vector& target) {
  const Index n = r.prefs.issues();
  target.resize(n);
  voices(setting, r.power, w.left, w.voice);
  // A delegation's members weigh in with its joint position for their ideals (docs/model.md,
  // "Delegations").
  joint_positions(setting, r, w, x, nullptr);
  for (Index k = 0; k < n; ++k) {
    double num = 0.0;
    double den = 0.0;
    for (Index i = 0; i < r.prefs.agents(); ++i) {
      if (!setting.is_party[static_cast<std::size_t>(i)]) continue;
      const Index d = delegation_of(setting, i);
      const double position = d < 0 ? r.prefs.ideal(i, k) : w.joint[static_cast<std::size_t>(d)](k);
      num += w.voice(i) * r.prefs.weight(i, k) * position;
      den += w.voice(i) * r.prefs.weight(i, k);
    }
    if (setting.mediator >= 0) {
      num += r.mediator_stake * r.prefs.ideal(setting.mediator, k);
      den += r.mediator_stake;
    }
    target(k) = den > 0.0 ? num / den : r.first_draft(k);
  }
}

void revise(const Setting& setting, const Realization& r, Workspace& w, Vector& x) {
  trust_box(setting, w.bracketed, x, r.trust_region, w.lo, w.hi);
  if (setting.revision == Revision::weighted_mean) {
    weighted_mean_target(setting, r, w, x, w.target);
    x = (x + r.step * (w.target - x)).max(w.lo).min(w.hi);
    return;
  }
  within_common_red_lines(setting, r, w);
  // The mediator weighs each party by its voice: its power, or its share of its delegation's
  // (docs/model.md, "Delegations").
  voices(setting, r.power, w.left, w.voice);
  // A delegation with a member that rejects amends as one, toward its joint position.
  w.amending.assign(setting.delegations.size(), 0);
  for (std::size_t d = 0; d < setting.delegations.size(); ++d) {
    for (Index i : setting.delegations[d].members) {
      const auto si = static_cast<std::size_t>(i);
      if (!w.left[si] && !w.accepts[si]) w.amending[d] = 1;
    }
  }
  joint_positions(setting, r, w, x, &w.amending);
  auto amends = [&](Index i, Index d) {
    const auto si = static_cast<std::size_t>(i);
    if (!setting.is_party[si] || w.left[si]) return false;
    return d >= 0 ? w.amending[static_cast<std::size_t>(d)] != 0 : !w.accepts[si];
  };
  // Start from the amendments: each rejecting party (each member of a rejecting delegation)
  // moves the text toward its ideal (its delegation's joint position) on the issues it weighs
  // most (step = its assertiveness) and back inside its red lines.
  w.trial = x;
  double amend_total = 0.0;
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    if (amends(i, delegation_of(setting, i))) amend_total += w.voice(i);
  }
  const bool joint = private_information(setting) && setting.sessions == Sessions::joint;
  if (amend_total > 0.0) {
    for (Index i = 0; i < r.prefs.agents(); ++i) {
      const Index d = delegation_of(setting, i);
      if (!amends(i, d)) continue;
      const double top = r.prefs.weight.row(i).maxCoeff();
      for (Index k = 0; k < x.size(); ++k) {
        if (!setting.options.empty() && setting.options[static_cast<std::size_t>(k)] > 0)
          continue;  // discrete issues move by the mediator's clause changes
        const double pull = top > 0.0 ? r.prefs.weight(i, k) / top : 0.0;
        const double toward = d < 0 ? r.prefs.ideal(i, k) : w.joint[static_cast<std::size_t>(d)](k);
        double amended = x(k) + r.assertiveness(i) * pull * (toward - x(k));
        // At a joint table a party has heard every answer: it keeps its amendment within
        // what the others' answers leave possible (where they leave something), then
        // within its own red lines.
        if (double lo, hi; joint && within_others(setting, w.known, w.left, i, k, lo, hi))
          amended = std::clamp(amended, lo, hi);
        amended = std::clamp(amended, r.prefs.red_lo(i, k), r.prefs.red_hi(i, k));
        w.trial(k) += w.voice(i) / amend_total * (amended - x(k));
      }
    }
  }
  w.trial = w.trial.max(w.lo).min(w.hi);

  // Projected (sub)gradient ascent on F from the amended text, keeping the best text seen.
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    const auto si = static_cast<std::size_t>(i);
    w.counted[si] = setting.is_party[si] && !w.left[si];
  }
  if (r.prefs.mean) {
    // Every issue is a clause: no continuous ascent, only clause changes.
    change_clauses(setting, r, w, x);
    return;
  }
  // With side payments each party's gain includes its payment: its BATNA estimate less it
  // (docs/model.md, "Side payments").
  if (setting.side_payments) w.shifted = w.batna_estimate - r.payment_value * w.payment;
  w.objective.pack(known_red_lines(setting, r, w), w.counted, w.voice,
                   setting.side_payments ? w.shifted : w.batna_estimate, setting.mediator,
                   r.mediator_stake);
  // F plus, under private information, log P(the private red lines admit the text), and with
  // constituencies log P(the text passes at home) (docs/model.md, "Ratification at home").
  auto evaluate = [&](const Vector& at) {
    double v = w.objective.evaluate(at, w.grad);
    if (private_information(setting))
      v += w.beliefs.log_acceptance(setting, w.bracketed, at, &w.grad);
    if (setting.ratification) v += log_passing(setting, r, at, &w.grad);
    return v;
  };
  w.best = w.trial;
  double best_value = evaluate(w.trial);
  const double radius = std::max(r.trust_region, 1e-9);
  for (int step = 0; step < setting.revision_steps; ++step) {
    const double scale = w.grad.abs().maxCoeff();
    if (scale <= 0.0) break;
    const double eta = 0.5 * radius / std::sqrt(1.0 + step);
    bool moved = false;
    for (Index k = 0; k < x.size(); ++k) {
      const double next = std::clamp(w.trial(k) + (eta / scale) * w.grad(k), w.lo(k), w.hi(k));
      moved |= next != w.trial(k);
      w.trial(k) = next;
    }
    // A step that moves nothing leaves every later step where it is (same gradient, same
    // clamps), so the ascent has ended.
    if (!moved) break;
    const double v = evaluate(w.trial);
    if (v > best_value) {
      best_value = v;
      w.best = w.trial;
    }
  }
  x = w.best;
  if (setting.discrete()) change_clauses(setting, r, w, x);
  // The payments for the revised text: one block of a coordinate ascent on F over the text and
  // the payments, the text's block above.
  if (setting.side_payments) choose_payments(r, known_red_lines(setting, r, w), x, w);
}

void negotiate_mediated(const Run& run) {
  const Setting& setting = run.setting;
  RunStreams& streams = run.streams;
  Workspace& w = run.w;
  RunResult& out = run.out;
  Trace* const trace = run.trace;
  Realization& r = w.shocked;
  r = run.drawn;
  const Index n_agents = r.prefs.agents();
  std::fill(w.left.begin(), w.left.end(), false);
  std::fill(w.bracketed.begin(), w.bracketed.end(), std::int8_t{0});
  int n_bracketed = 0;
  w.below.setZero();
  w.estimate_error.setZero();
  w.x = r.first_draft;
  w.payment.setZero(n_agents);
  double front = r.battlefield_start;
  out.outcome = Outcome::censored;
  out.round = -1;
  int rejected = 0;  // rounds whose text was rejected
  out.blocker = -1;
  // Private information: the mediator starts from the common prior of the private red-line
  // ends (docs/model.md, "Private information and beliefs").
  const bool beliefs = private_information(setting);
  const bool learning = setting.information == Information::learning;
  if (beliefs) w.beliefs.start(setting, streams.beliefs);
  // A ceasefire agreed before the talks: its issue settled at the design's term, its red lines
  // met; a phased withdrawal ends on the first draft's line (docs/model.md, "Interim ceasefires").
  if (setting.ceasefire_in_force >= 0) {
    const Index c = setting.ceasefire_issue;
    w.x(c) = setting.ceasefire_designs[static_cast<std::size_t>(setting.ceasefire_in_force)].at;
    set_aside(r, w, c);
    start_ceasefire(setting, r, w, 0, true, out);
  }
  // An agenda: the first stage's issues on the table, every later one's waiting.
  std::size_t stage = 0;
  for (std::size_t s = 1; s < setting.stages.size(); ++s) {
    for (const Index k : setting.stages[s]) hold_pending(r, w, k);
  }
  int t = 1;
  for (;; ++t) {
    if (w.stop_requested()) return;  // interrupted: the run is discarded
    // 1. Shocks apply, the battlefield moves and every BATNA follows it.
    front = open_round(setting, r, t, front, streams, w, out);
    if (learning && t > 1) {
      w.beliefs.open_round(setting);
      if (setting.sessions == Sessions::joint && setting.concession)
        temper_aspirations(setting, r, w);
    }

    // 2.-3. Each agent answers the text, anticipating the vote at home on it; all veto players
    // must accept. The mediator learns from the answers (in separate sessions, with the reasons
    // for a rejection).
    anticipate_vote(setting, r, w);
    // A payment attached to the text counts toward what its receiver demands of it.
    if (setting.side_payments) w.demand -= r.payment_value * w.payment;
    answer(r, w.demand, w);
    if (learning) {
      for (Index i = 0; i < n_agents; ++i) {
        const auto si = static_cast<std::size_t>(i);
        if (setting.is_party[si] && !w.left[si]) {
          w.beliefs.learn(setting, r.prefs, w.bracketed, i, w.x, w.accepts[si],
                          utility_reason(r, w, i));
        }
      }
    }
    // (Beliefs that learn nothing reveal at round 1 or never.)
    if (beliefs && out.revealed < 0 && (learning || t == 1) &&
        w.beliefs.revealed(setting, w.bracketed))
      out.revealed = t;
    note_round(setting, r, t, -1, front, w, out, trace);
    if (trace && beliefs) w.beliefs.medians(setting, trace->rounds.back());
    if (trace && setting.side_payments) trace->rounds.back().payment = w.payment;
    bool deal = true;
    for (Index i = 0; i < n_agents; ++i) {
      const auto si = static_cast<std::size_t>(i);
      if (setting.needs_consent(si, w.x, r.status_quo) && !w.accepts[si]) deal = false;
    }
    if (deal && stage + 1 < setting.stages.size()) {
      // A stage agreed: its issues stay as they are, and the next stage's come to the table in
      // the next round.
      for (const Index k : setting.stages[stage]) w.bracketed[static_cast<std::size_t>(k)] = 1;
      // A stage that settles the ceasefire term changes the war from the next round on
      // (docs/model.md, "Interim ceasefires").
      if (in_stage(setting.stages[stage], setting.ceasefire_issue)) {
        bool line_agreed = false;
        for (std::size_t s = 0; s <= stage; ++s)
          line_agreed = line_agreed || in_stage(setting.stages[s], setting.battlefield_issue);
        start_ceasefire(setting, r, w, t, line_agreed, out);
      }
      ++stage;
      for (const Index k : setting.stages[stage]) open_issue(r, w, k);
      if (const auto end = talks_end(setting, r, t, rejected, streams.talks)) {
        out.outcome = *end;
        break;
      }
      continue;
    }
    // The signed text goes home (docs/model.md, "Ratification at home"): a refusal counts as its
    // party's rejection, and ends the talks or they go on.
    if (deal && setting.ratification &&
        ratify(setting, r, w.x, streams.ratification, out, w.accepts) >= 0) {
      if (setting.refusal_ends) {
        out.outcome = Outcome::refused;
        break;
      }
      deal = false;
    }
    if (deal) {
      out.outcome = n_bracketed > 0 ? Outcome::partial : Outcome::agreement;
      if (!setting.stages.empty()) ++stage;
      break;
    }

    // 5. Walk-outs: the best text reachable in one revision stays below the BATNA.
    trust_box(setting, w.bracketed, w.x, r.trust_region, w.lo, w.hi);
    Index walker = -1;
    for (Index i = 0; i < n_agents; ++i) {
      const auto si = static_cast<std::size_t>(i);
      if (!setting.is_party[si] || w.left[si]) continue;
      const double reachable = best_reachable(setting, r, i, w.x, w.lo, w.hi) +
                               (setting.side_payments ? r.payment_value(i) * w.payment(i) : 0.0);
      w.below(i) = reachable < w.batna(i) ? w.below(i) + 1 : 0;
      if (w.below(i) >= setting.walkout_patience) {
        w.left[si] = true;
        // An issue veto does not end the talks by leaving (its consent is still asked for
        // texts that move its issues).
        if (setting.veto[si] && !setting.issue_veto(si) && walker < 0) walker = i;
      }
    }
    if (walker >= 0) {
      out.outcome = Outcome::walk_out;
      out.blocker = walker;
      break;
    }
    if (const auto end = talks_end(setting, r, t, ++rejected, streams.talks)) {
      out.outcome = *end;
      break;
    }

    // Bracketing: after every bracket_after rounds without a deal, the issue that blocks
    // most is set aside and the talks go on over the rest.
    if (setting.bracketing && n_bracketed < setting.max_bracketed &&
        t % setting.bracket_after == 0) {
      if (const Index k = blocking_issue(setting, r, w); k >= 0) {
        bracket(r, w, k);
        ++n_bracketed;
      }
    }

    // 4. The mediator revises on noisy estimates r̂_i of the BATNAs and, under private
    // information, on the red lines as it knows them.
    if (beliefs) {
      w.known = r.prefs;
      w.beliefs.view(setting, w.bracketed, w.known);
    }
    for (Index i = 0; i < n_agents; ++i) {
      w.estimate_error(i) =
          r.batna_noise > 0.0 ? r.batna_noise * random::standard_normal(streams.mediator) : 0.0;
      w.batna_estimate(i) = w.batna(i) + w.estimate_error(i);
    }
    revise(setting, r, w, w.x);

    // 6. Players set their aid and sanctions for the next round, and the mediator weighs leaving
    // (docs/model.md, "Instruments: aid, sanctions, disengagement").
    if ((setting.instruments || setting.disengagement) &&
        choose_instruments(setting, r, t, front, w)) {
      out.disengaged = t;
      w.left[static_cast<std::size_t>(setting.mediator)] = true;
      if (setting.disengagement_ends) {
        out.outcome = Outcome::abandoned;
        answer(r, w.demand, w);  // the text given up on, for the blocker and the obstacles
        break;
      }
      // A neutral chair goes on with the text: no stake of its own, no payments.
      r.mediator_stake = 0.0;
      r.payment_budget = 0.0;
      w.payment.setZero();
    }
  }
  // Talks that end in a later stage: under a binding agenda the stages agreed stand, a partial
  // deal; otherwise nothing is agreed until everything is.
  const bool staged = !setting.stages.empty();
  if (staged && stage > 0 && stage < setting.stages.size() && setting.binding &&
      out.outcome != Outcome::censored) {
    out.outcome = Outcome::partial;
    // What stands: the stages agreed, the rest at its status quo (as the parties judge it).
    for (std::size_t s = stage; s < setting.stages.size(); ++s) {
      for (const Index k : setting.stages[s]) hold_pending(r, w, k);
    }
    answer(r, w.demand, w);
  }
  conclude(setting, r, w, t, front, w.demand, out);
  if (setting.side_payments) out.payment = w.payment;
  out.bracketed = w.bracketed;
  if (setting.ceasefire_in_force >= 0)
    out.bracketed[static_cast<std::size_t>(setting.ceasefire_issue)] = 0;  // settled, not aside
  if (staged) {
    out.stages_agreed = static_cast<int>(stage);
    // The issues a partial deal settles are the agreed stages'; no others are set aside.
    for (std::size_t s = 0; s < setting.stages.size(); ++s) {
      for (const Index k : setting.stages[s])
        out.bracketed[static_cast<std::size_t>(k)] = out.outcome == Outcome::partial && s >= stage;
    }
  }
  if (beliefs) conclude_beliefs(setting, r, w, out);
}

}  // namespace parley::protocol

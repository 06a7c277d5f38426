#include "parley/protocol/alternating.hpp"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>

#include "parley/protocol/instruments.hpp"
#include "parley/protocol/ratification.hpp"
#include "parley/protocol/solve/text_solver.hpp"

namespace parley::protocol {
namespace {

constexpr int kMaxIterations = 5000;
constexpr double kConverged = 1e-13;
// With curved values the texts, and so the values, are exact only to the solver's tolerance
// (its column generation stops within 1e-12 of the optimum): the moves fall to a floor of
// 1e-12 to 1e-10 and wander there, never below 1e-13. Once below kNoiseFloor, moves that have
// not halved in kStallIterations iterations mean the values have settled as far as the texts
// allow.
constexpr double kNoiseFloor = 1e-9;
constexpr int kStallIterations = 10;
constexpr double kTie = 1e-12;

// All subsets of `pool` of size `size`, in lexicographic order.
void combinations(const std::vector<Index>& pool, std::size_t size, std::size_t from,
                  std::vector<Index>& chosen, std::vector<std::vector<Index>>& out) {
  if (chosen.size() == size) {
    out.push_back(chosen);
    return;
  }
  for (std::size_t j = from; j < pool.size(); ++j) {
    chosen.push_back(pool[j]);
    combinations(pool, size, j + 1, chosen, out);
    chosen.pop_back();
  }
}

// The proposer's best text among those every coalition member accepts (thresholds c per
// agent, red lines as in `prefs`); nothing when no text does. On a pie each member gets exactly
// its threshold share and the proposer keeps the rest (Baron & Ferejohn 1989;
// PieSolver::best_for).
std::optional<Vector> best_offer(const Setting& setting, const model::Preferences& prefs,
                                 Index proposer, const std::vector<Index>& coalition,
                                 const Vector& c) {
  std::vector<Index> players = coalition;
  players.insert(players.begin(), proposer);
  Vector thresholds(static_cast<Index>(players.size()));
  for (std::size_t j = 0; j < players.size(); ++j)
    thresholds(static_cast<Index>(j)) = c(players[j]);
  TextSolver solver(setting, prefs, feasible_box(prefs, players));
  return solver.best_for(proposer, players, thresholds);
}

// The coalitions a proposer may need: every veto party, and each choice of the others that
// brings it to the quota (lexicographic order).
std::vector<std::vector<Index>> coalitions(const Setting& setting,
                                           const std::vector<Index>& parties, Index proposer) {
  std::vector<Index> required, optional_members;
  for (Index i : parties) {
    if (i == proposer) continue;
    (setting.veto[static_cast<std::size_t>(i)] ? required : optional_members).push_back(i);
  }
  const auto extra = static_cast<std::size_t>(
      std::max<long>(0, static_cast<long>(setting.quota) - 1 - static_cast<long>(required.size())));
  std::vector<std::vector<Index>> choices, out;
  std::vector<Index> chosen;
  if (extra <= optional_members.size()) combinations(optional_members, extra, 0, chosen, choices);
  for (const auto& choice : choices) {
    out.push_back(required);
    out.back().insert(out.back().end(), choice.begin(), choice.end());
  }
  return out;
}

// The proposer's best texts over its coalitions at thresholds c (ties within 1e-12: equally
// good coalitions), and its utility of them in `best`; empty when no coalition has a text.
std::vector<Vector> proposer_offers(const Setting& setting, const model::Preferences& prefs,
                                    const std::vector<Index>& parties, Index proposer,
                                    const Vector& c, double& best) {
  best = -1e300;
  std::vector<Vector> best_texts;
  for (const auto& coalition : coalitions(setting, parties, proposer)) {
    const auto x = best_offer(setting, prefs, proposer, coalition, c);
    if (!x) continue;
    const double u = model::utility(prefs, proposer, *x);
    if (u > best + kTie) {
      best = u;
      best_texts.assign(1, *x);
    } else if (u >= best - kTie) {
      best_texts.push_back(*x);
    }
  }
  return best_texts;
}

// Anderson acceleration (type II, depth 3) of the fixed-point iteration v <- F(v), with a
// safeguard: when the residual grows, the history is dropped and a plain step is taken.
// The fixed point is the same; only the number of iterations changes.
class Anderson {
 public:
  model::Matrix step(const model::Matrix& v, const model::Matrix& fv) {
    const Eigen::Map<const Eigen::VectorXd> x(v.data(), v.size());
    const Eigen::Map<const Eigen::VectorXd> f(fv.data(), fv.size());
    const Eigen::VectorXd g = f - x;
    if (last_residual_ >= 0.0 && g.norm() > last_residual_) {
      dg_.clear();
      df_.clear();
    } else if (g_prev_.size() != 0) {
      dg_.push_back(g - g_prev_);
      df_.push_back(f - f_prev_);
      if (dg_.size() > kDepth) {
        dg_.erase(dg_.begin());
        df_.erase(df_.begin());
      }
    }
    last_residual_ = g.norm();
    g_prev_ = g;
    f_prev_ = f;
    Eigen::VectorXd next = f;
    if (!dg_.empty()) {
      Eigen::MatrixXd G(g.size(), static_cast<Index>(dg_.size()));
      Eigen::MatrixXd F(g.size(), static_cast<Index>(df_.size()));
      for (std::size_t j = 0; j < dg_.size(); ++j) {
        G.col(static_cast<Index>(j)) = dg_[j];
        F.col(static_cast<Index>(j)) = df_[j];
      }
      const Eigen::VectorXd gamma = G.colPivHouseholderQr().solve(g);
      if (gamma.allFinite()) next = f - F * gamma;
    }
    model::Matrix out(v.rows(), v.cols());
    Eigen::Map<Eigen::VectorXd>(out.data(), out.size()) = next;
    return out;
  }

 private:
  static constexpr std::size_t kDepth = 3;
  std::vector<Eigen::VectorXd> dg_, df_;
  Eigen::VectorXd g_prev_, f_prev_;
  double last_residual_ = -1.0;
};

// Under private information the proposer does not know which texts cross the private red lines
// of its coalition. It screens (Fearon 1995; docs/model.md, "Private information and beliefs"):
// x_q is its best offer (as in the equilibrium) to red lines that each admit x_q with
// probability at least q (RedLineBeliefs::view_at; its own red lines as they are), and it
// offers the x_q that maximises
//   g(q) = P(the coalition's private red lines admit x_q) · (u_s(x_q) − c_s),
// its expected gain over c_s, its value of the round passing. q runs over 9 levels 0, 1/8, …, 1;
// golden-section search then narrows the best level's neighbourhood (6 steps), and one step of
// parabolic interpolation through the best three levels tried finishes (exact where g is a
// parabola in q, as in Fearon's uniform case). Among equal gains (within 1e-12) the likelier
// text wins. False when no x_q reaches c_s: the round passes.
// The red lines at a higher level are nested within those at a lower one, so an x_q' (q' < q)
// within the red lines at level q is x_q, and where there is no x_q' there is no x_q: such
// levels need no solve. w.known's red lines serve as scratch; the offer goes into w.x.
bool screening_offer(const Setting& setting, const Realization& r, const Vector& c,
                     const std::vector<Index>& parties, Index proposer, Workspace& w) {
  struct Candidate {
    double q = 0.0, gain = -1.0, p = 0.0;  // gain < 0: x_q does not reach c_s, or none
    bool exists = false;                   // whether there is an x_q at all
    Vector x;
  };
  auto better = [](const Candidate& a, const Candidate& b) {
    return a.gain > b.gain + kTie || (a.gain >= b.gain - kTie && a.p > b.p);
  };
  std::vector<Candidate> seen;  // every level tried for the coalition, solved or not
  std::vector<bool> who(static_cast<std::size_t>(r.prefs.agents()), false);
  Candidate best;
  for (const auto& coalition : coalitions(setting, parties, proposer)) {
    std::fill(who.begin(), who.end(), false);
    for (Index i : coalition) who[static_cast<std::size_t>(i)] = true;
    seen.clear();
    Candidate here;  // the best level so far
    auto at = [&](double q) {
      w.known.red_lo = r.prefs.red_lo;
      w.known.red_hi = r.prefs.red_hi;
      w.beliefs.view_at(setting, who, q, w.known);
      Candidate o;
      bool known = false;
      for (const Candidate& lower : seen) {
        if (lower.q > q) continue;
        bool inside = lower.exists;
        for (std::size_t j = 0; inside && j < coalition.size(); ++j)
          inside = model::red_line_excess(w.known, coalition[j], lower.x) <= 0.0;
        if (inside || !lower.exists) {
          o = lower;
          known = true;
          break;
        }
      }
      if (!known) {
        if (const auto x = best_offer(setting, w.known, proposer, coalition, c)) {
          o.exists = true;
          o.x = *x;
          const double u = model::utility(r.prefs, proposer, *x);
          if (u >= c(proposer) - kTie) {
            o.p = w.beliefs.acceptance(setting, who, *x);
            o.gain = o.p * std::max(u - c(proposer), 0.0);
          }
        }
      }
      o.q = q;
      seen.push_back(o);
      if (o.gain >= 0.0 && (here.gain < 0.0 || better(o, here))) here = o;
      return o;
    };
    // A text best for the proposer at the bounds it is sure of that passes for certain is the
    // offer: no level does better.
    if (const Candidate o = at(0.0); !(o.gain >= 0.0 && o.p >= 1.0)) {
      constexpr int kLevels = 8;
      for (int k = 1; k <= kLevels; ++k) at(static_cast<double>(k) / kLevels);
      if (here.gain < 0.0) continue;
      const double phi = 0.5 * (std::sqrt(5.0) - 1.0);
      double a = std::max(here.q - 1.0 / kLevels, 0.0), b = std::min(here.q + 1.0 / kLevels, 1.0);
      double q1 = b - phi * (b - a), q2 = a + phi * (b - a);
      double g1 = at(q1).gain, g2 = at(q2).gain;
      for (int step = 0; step < 6; ++step) {
        if (g1 >= g2) {
          b = q2, q2 = q1, g2 = g1;
          q1 = b - phi * (b - a);
          g1 = at(q1).gain;
        } else {
          a = q1, q1 = q2, g1 = g2;
          q2 = a + phi * (b - a);
          g2 = at(q2).gain;
        }
      }
      // The vertex of the parabola through the best level and its nearest neighbours tried.
      const Candidate* left = nullptr;
      const Candidate* right = nullptr;
      for (const Candidate& tried : seen) {
        if (tried.gain < 0.0) continue;
        if (tried.q < here.q && (!left || tried.q > left->q)) left = &tried;
        if (tried.q > here.q && (!right || tried.q < right->q)) right = &tried;
      }
      if (left && right) {
        const double x0 = left->q, x1 = here.q, x2 = right->q;
        const double y0 = left->gain, y1 = here.gain, y2 = right->gain;
        const double num = (x1 - x0) * (x1 - x0) * (y1 - y2) - (x1 - x2) * (x1 - x2) * (y1 - y0);
        const double den = (x1 - x0) * (y1 - y2) - (x1 - x2) * (y1 - y0);
        if (den != 0.0) {
          const double vertex = x1 - 0.5 * num / den;
          if (vertex > x0 && vertex < x2) at(vertex);
        }
      }
    }
    if (here.gain >= 0.0 && (best.gain < 0.0 || better(here, best))) best = here;
  }
  if (best.gain < 0.0) return false;
  w.x = best.x;
  return true;
}

}  // namespace

double Equilibrium::passing(const Realization& r, const Vector& batna, std::size_t state,
                            Index agent) const {
  const double w = continuation(static_cast<Index>(state), agent);
  const double h = r.collapse_hazard;
  return r.discount(agent) * (h > 0.0 ? (1.0 - h) * w + h * batna(agent) : w);
}

double Equilibrium::threshold(const Realization& r, const Vector& batna, std::size_t state,
                              Index agent) const {
  return std::max(batna(agent), passing(r, batna, state, agent));
}

Equilibrium stationary_equilibrium(const Setting& setting, const Realization& r,
                                   const Vector& batna, const Equilibrium* warm_start,
                                   const model::Preferences* known) {
  const model::Preferences& prefs = known ? *known : r.prefs;
  Equilibrium eq;
  const Index n_agents = r.prefs.agents();
  for (Index i = 0; i < n_agents; ++i) {
    if (setting.is_party[static_cast<std::size_t>(i)]) eq.parties.push_back(i);
  }
  const std::size_t m = eq.parties.size();
  double total_power = 0.0;
  for (Index i : eq.parties) total_power += r.power(i);
  for (Index i : eq.parties) {
    eq.recognition.push_back(total_power > 0.0 ? r.power(i) / total_power
                                               : 1.0 / static_cast<double>(m));
  }
  eq.offers.assign(m, {});
  eq.value.setZero(static_cast<Index>(m), n_agents);
  if (warm_start && warm_start->value.rows() == static_cast<Index>(m)) eq.value = warm_start->value;
  eq.continuation.setZero(static_cast<Index>(m), n_agents);

  auto update_continuation = [&] {
    for (std::size_t s = 0; s < m; ++s) {
      const auto ss = static_cast<Index>(s);
      if (setting.recognition_by_order) {
        eq.continuation.row(ss) = eq.value.row(static_cast<Index>((s + 1) % m));
      } else {
        eq.continuation.row(ss).setZero();
        for (std::size_t q = 0; q < m; ++q) {
          eq.continuation.row(ss) += eq.recognition[q] * eq.value.row(static_cast<Index>(q));
        }
      }
    }
  };
  update_continuation();

  Vector c(n_agents);
  model::Matrix next(static_cast<Index>(m), n_agents);
  Anderson accelerator;
  double least_moved = kNoiseFloor;  // the smallest move below the noise floor so far
  int stalled = 0;                   // iterations since it last halved
  for (eq.iterations = 1; eq.iterations <= kMaxIterations; ++eq.iterations) {
    for (std::size_t s = 0; s < m; ++s) {
      const Index proposer = eq.parties[s];
      for (Index i = 0; i < n_agents; ++i) c(i) = eq.threshold(r, batna, s, i);
      // The coalition: every veto party, and the cheapest others up to the quota. Among the
      // proposer's best coalitions (ties within 1e-12), it picks one at random: values average
      // over them, as in Baron & Ferejohn's symmetric equilibrium.
      double best = 0.0;
      const std::vector<Vector> best_texts =
          proposer_offers(setting, prefs, eq.parties, proposer, c, best);
      const auto ss = static_cast<Index>(s);
      if (best_texts.empty() || best < c(proposer) - kTie) {
        // No acceptable offer is worth more to the proposer than waiting: the round passes.
        eq.offers[s].clear();
        for (Index i = 0; i < n_agents; ++i) next(ss, i) = eq.passing(r, batna, s, i);
        continue;
      }
      eq.offers[s] = best_texts;
      next.row(ss).setZero();
      for (const Vector& x : best_texts) {
        for (Index i = 0; i < n_agents; ++i) next(ss, i) += model::utility(prefs, i, x);
      }
      next.row(ss) /= static_cast<double>(best_texts.size());
    }
    const double moved = (next - eq.value).abs().maxCoeff();
    if (moved < 0.5 * least_moved) {
      least_moved = moved;
      stalled = 0;
    } else if (moved < kNoiseFloor) {
      ++stalled;
    }
    if (moved < kConverged || stalled >= kStallIterations) {
      eq.value = next;
      update_continuation();
      eq.converged = true;
      break;
    }
    eq.value = accelerator.step(eq.value, next);
    update_continuation();
  }
  return eq;
}

void negotiate_alternating(const Run& run) {
  const Setting& setting = run.setting;
  RunStreams& streams = run.streams;
  Workspace& w = run.w;
  RunResult& out = run.out;
  Trace* const trace = run.trace;
  Realization& r = w.shocked;
  r = run.drawn;
  const Index n_agents = r.prefs.agents();
  w.x = r.first_draft;
  double front = r.battlefield_start;
  out.outcome = Outcome::censored;
  out.blocker = -1;
  int rejected = 0;  // rounds without a deal
  std::optional<Equilibrium> eq;
  Vector threshold(n_agents);  // each agent's price in the current round
  // Private information: the parties start from the common prior of the private red-line ends,
  // and every answer is heard by all (docs/model.md, "Private information and beliefs").
  const bool beliefs = setting.information != Information::complete;
  const bool learning = setting.information == Information::learning;
  if (beliefs) w.beliefs.start(setting, streams.beliefs);
  int t = 1;
  for (;; ++t) {
    if (w.stop_requested()) return;  // interrupted: the run is discarded
    front = open_round(setting, r, t, front, streams, w, out);
    if (learning && t > 1) w.beliefs.open_round(setting);
    // The equilibrium of the round's demands (BATNAs, or aspirations above them), recomputed
    // after every failed round as the war, the shocks and concession move them. Under private
    // information its values are those of the red lines commonly known: every private end at
    // the bound the answers so far make certain.
    if (beliefs) {
      w.known = r.prefs;
      w.beliefs.view(setting, w.bracketed, w.known);
    }
    eq = stationary_equilibrium(setting, r, w.demand, eq ? &*eq : nullptr,
                                beliefs ? &w.known : nullptr);

    std::size_t state;
    if (setting.recognition_by_order) {
      state = static_cast<std::size_t>(t - 1) % eq->parties.size();
    } else {
      const double u = streams.recognition.uniform();
      double cumulative = 0.0;
      state = eq->parties.size() - 1;
      for (std::size_t s = 0; s < eq->parties.size(); ++s) {
        cumulative += eq->recognition[s];
        if (u < cumulative) {
          state = s;
          break;
        }
      }
    }
    const Index proposer = eq->parties[state];
    // Each agent's price: what the round passing is worth to it, max(d_i, δ_i W_i). In the last
    // round before a known deadline no round follows, so it is the demand alone (the one-shot
    // game: Fearon 1995's screening offer x* = (b + c_A)/2 in the uniform case, not one raised
    // by δ·W). The simulation's horizon is no such round: the parties do not know it.
    const bool last = setting.deadline > 0 && t >= setting.deadline;
    for (Index i = 0; i < n_agents; ++i)
      threshold(i) = last ? w.demand(i) : eq->threshold(r, w.demand, state, i);
    bool offered = false;
    std::vector<Vector> last_offers;
    if (!beliefs && last) {
      double best = 0.0;
      last_offers = proposer_offers(setting, r.prefs, eq->parties, proposer, threshold, best);
      if (best < threshold(proposer) - kTie) last_offers.clear();  // passing is worth more
    }
    if (beliefs) {
      offered = screening_offer(setting, r, threshold, eq->parties, proposer, w);
    } else {
      const auto& offers = last ? last_offers : eq->offers[state];
      offered = !offers.empty();
      if (offers.size() == 1) {
        w.x = offers.front();
      } else if (offers.size() > 1) {
        // Equally good coalitions: the proposer picks one at random.
        const auto pick = static_cast<std::size_t>(streams.recognition.uniform() *
                                                   static_cast<double>(offers.size()));
        w.x = offers[std::min(pick, offers.size() - 1)];
      }
    }
    // The offer gives each coalition member exactly its threshold; its utility, computed
    // from the text, may round a few ulps below it, which is no reason to reject.
    threshold.array() -= kTie;
    answer(r, threshold, w);
    w.accepts[static_cast<std::size_t>(proposer)] = offered;
    // Everyone learns from every answer. The thresholds are common knowledge, so a no to a text
    // that meets the party's threshold is about its red lines, and one to a text below it
    // teaches nothing.
    if (learning && offered) {
      for (Index i : eq->parties) {
        if (i == proposer) continue;
        const auto si = static_cast<std::size_t>(i);
        w.beliefs.learn(setting, r.prefs, w.bracketed, i, w.x, w.accepts[si],
                        w.u(i) < threshold(i) ? 1.0 : 0.0);
      }
    }
    if (beliefs && out.revealed < 0 && (learning || t == 1) &&
        w.beliefs.revealed(setting, w.bracketed))
      out.revealed = t;
    note_round(setting, r, t, proposer, front, w, out, trace);
    if (trace && beliefs) w.beliefs.medians(setting, trace->rounds.back());
    int yes = 0;
    bool veto_ok = true;
    for (Index i : eq->parties) {
      const bool accepts = w.accepts[static_cast<std::size_t>(i)];
      yes += accepts;
      if (setting.veto[static_cast<std::size_t>(i)] && !accepts) veto_ok = false;
    }
    if (offered && veto_ok && yes >= setting.quota) {
      // The accepted proposal goes home (docs/model.md, "Ratification at home"); the round's
      // prices do not anticipate the vote. A refusal ends the talks or counts as a rejection.
      const bool refused = setting.ratification &&
                           ratify(setting, r, w.x, streams.ratification, out, w.accepts) >= 0;
      if (!refused) {
        out.outcome = Outcome::agreement;
        break;
      }
      if (setting.refusal_ends) {
        out.outcome = Outcome::refused;
        break;
      }
    }
    if (const auto end = talks_end(setting, r, t, ++rejected, streams.talks)) {
      out.outcome = *end;
      answer(r, w.demand, w);  // attribute the failure against the demands
      break;
    }
    // Players set their aid and sanctions for the next round against the last proposal (docs/
    // model.md, "Instruments: aid, sanctions, disengagement"; no mediator here to leave).
    if (setting.instruments) choose_instruments(setting, r, t, front, w);
  }
  conclude(setting, r, w, t, front, threshold, out);
  if (beliefs) conclude_beliefs(setting, r, w, out);
}

}  // namespace parley::protocol

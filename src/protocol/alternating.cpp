#include "parley/protocol/alternating.hpp"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>

#include "parley/protocol/text_solver.hpp"

namespace parley::protocol {
namespace {

constexpr int kMaxIterations = 5000;
constexpr double kConverged = 1e-13;
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
// agent); nothing when no text does. On a pie each member gets exactly its threshold share
// and the proposer keeps the rest (Baron & Ferejohn 1989; PieSolver::best_for).
std::optional<Vector> best_offer(const Setting& setting, const Realization& r, Index proposer,
                                 const std::vector<Index>& coalition, const Vector& c) {
  std::vector<Index> players = coalition;
  players.insert(players.begin(), proposer);
  Vector thresholds(static_cast<Index>(players.size()));
  for (std::size_t j = 0; j < players.size(); ++j)
    thresholds(static_cast<Index>(j)) = c(players[j]);
  TextSolver solver(setting, r.prefs, feasible_box(r.prefs, players));
  return solver.best_for(proposer, players, thresholds);
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

}  // namespace

double Equilibrium::threshold(const Realization& r, const Vector& batna, std::size_t state,
                              Index agent) const {
  return std::max(batna(agent), r.discount(agent) * continuation(static_cast<Index>(state), agent));
}

Equilibrium stationary_equilibrium(const Setting& setting, const Realization& r,
                                   const Vector& batna, const Equilibrium* warm_start) {
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
  for (eq.iterations = 1; eq.iterations <= kMaxIterations; ++eq.iterations) {
    for (std::size_t s = 0; s < m; ++s) {
      const Index proposer = eq.parties[s];
      for (Index i = 0; i < n_agents; ++i) c(i) = eq.threshold(r, batna, s, i);
      // The coalition: every veto party, and the cheapest others up to the quota.
      std::vector<Index> required, optional_members;
      for (Index i : eq.parties) {
        if (i == proposer) continue;
        (setting.veto[static_cast<std::size_t>(i)] ? required : optional_members).push_back(i);
      }
      const auto extra = static_cast<std::size_t>(std::max<long>(
          0, static_cast<long>(setting.quota) - 1 - static_cast<long>(required.size())));
      std::vector<std::vector<Index>> choices;
      std::vector<Index> chosen;
      if (extra <= optional_members.size())
        combinations(optional_members, extra, 0, chosen, choices);
      // Among the proposer's best coalitions (ties within 1e-12), it picks one at random:
      // values average over them, as in Baron & Ferejohn's symmetric equilibrium.
      double best = -1e300;
      std::vector<Vector> best_texts;
      for (const auto& choice : choices) {
        std::vector<Index> coalition = required;
        coalition.insert(coalition.end(), choice.begin(), choice.end());
        const auto x = best_offer(setting, r, proposer, coalition, c);
        if (!x) continue;
        const double u = model::utility(r.prefs, proposer, *x);
        if (u > best + kTie) {
          best = u;
          best_texts.assign(1, *x);
        } else if (u >= best - kTie) {
          best_texts.push_back(*x);
        }
      }
      const auto ss = static_cast<Index>(s);
      if (best_texts.empty() || best < c(proposer) - kTie) {
        // No acceptable offer is worth more to the proposer than waiting: the round passes.
        eq.offers[s].clear();
        for (Index i = 0; i < n_agents; ++i) next(ss, i) = r.discount(i) * eq.continuation(ss, i);
        continue;
      }
      eq.offers[s] = best_texts;
      next.row(ss).setZero();
      for (const Vector& x : best_texts) {
        for (Index i = 0; i < n_agents; ++i) next(ss, i) += model::utility(r.prefs, i, x);
      }
      next.row(ss) /= static_cast<double>(best_texts.size());
    }
    const double moved = (next - eq.value).abs().maxCoeff();
    if (moved < kConverged) {
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

void negotiate_alternating(const Setting& setting, const Realization& run_parameters,
                           RunStreams& streams, Workspace& w, RunResult& out, Trace* trace) {
  Realization& r = w.shocked;
  r = run_parameters;
  const Index n_agents = r.prefs.agents();
  w.x = r.first_draft;
  double front = r.battlefield_start;
  out.outcome = Outcome::deadline;
  out.blocker = -1;
  std::optional<Equilibrium> eq;
  Vector threshold(n_agents);  // each agent's price in the current round
  int t = 1;
  for (;; ++t) {
    front = open_round(setting, r, t, front, streams, w, out);
    // The equilibrium of the round's demands (BATNAs, or aspirations above them), recomputed
    // after every failed round as the war, the shocks and concession move them.
    eq = stationary_equilibrium(setting, r, w.demand, eq ? &*eq : nullptr);

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
    const auto& offers = eq->offers[state];
    if (offers.size() == 1) {
      w.x = offers.front();
    } else if (offers.size() > 1) {
      // Equally good coalitions: the proposer picks one at random.
      const auto pick = static_cast<std::size_t>(streams.recognition.uniform() *
                                                 static_cast<double>(offers.size()));
      w.x = offers[std::min(pick, offers.size() - 1)];
    }
    // The offer gives each coalition member exactly its threshold; its utility, computed
    // from the text, may round a few ulps below it, which is no reason to reject.
    for (Index i = 0; i < n_agents; ++i) threshold(i) = eq->threshold(r, w.demand, state, i) - kTie;
    answer(r, threshold, w);
    w.accepts[static_cast<std::size_t>(proposer)] = !offers.empty();
    if (trace) trace->record(t, proposer, front, w.x, w.u, w.batna, w.demand, r.prefs, w.accepts);
    int yes = 0;
    bool veto_ok = true;
    for (Index i : eq->parties) {
      const bool accepts = w.accepts[static_cast<std::size_t>(i)];
      yes += accepts;
      if (setting.veto[static_cast<std::size_t>(i)] && !accepts) veto_ok = false;
    }
    if (!offers.empty() && veto_ok && yes >= setting.quota) {
      out.outcome = Outcome::agreement;
      break;
    }
    if (t >= setting.max_rounds) {
      answer(r, w.demand, w);  // attribute the failure against the demands
      break;
    }
  }
  conclude(setting, r, w, t, front, threshold, out);
}

}  // namespace parley::protocol

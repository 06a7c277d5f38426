#include "parley/protocol/solve/text_solver.hpp"

#include <cmath>
#include <limits>

#include "parley/protocol/solve/pie_solver.hpp"
#include "parley/random/stream.hpp"

namespace parley::protocol {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

TextSolver::TextSolver(const Setting& setting, const model::Preferences& p, TextBox box)
    : setting_(setting), p_(p), box_(std::move(box)) {
  for (std::size_t k = 0; k < setting.options.size(); ++k) {
    const int n = setting.options[k];
    if (n <= 0) {
      continuous_rest_ = true;
      continue;
    }
    const auto kk = static_cast<Index>(k);
    std::vector<double> positions;
    for (int j = 0; j < n; ++j) {
      const double at = static_cast<double>(j) / (n - 1);
      // Within the players' red lines (a small tolerance for the unit mapping).
      if (box_.empty() || (at >= box_.lo(kk) - 1e-12 && at <= box_.hi(kk) + 1e-12)) {
        positions.push_back(at);
      }
    }
    if (positions.empty() && !box_.empty()) box_.empty_issue = kk;
    discrete_.push_back(kk);
    values_.push_back(std::move(positions));
    count_ = std::min<std::size_t>(count_ * std::max<std::size_t>(values_.back().size(), 1),
                                   kExactLimit + 1);
  }
  if (setting.options.empty()) continuous_rest_ = true;
  exact_ = count_ <= kExactLimit;
}

std::string TextSolver::method() const {
  if (setting_.pie) return "shares of a pie, closed form (exact)";
  if (discrete_.empty()) return "continuous (exact)";
  if (exact_) return "enumeration of up to " + std::to_string(count_) + " texts (exact)";
  return "local search over one-issue changes, " + std::to_string(kRestarts) + " restarts";
}

int TextSolver::violations(const Vector& x) const {
  int bad = 0;
  for (const TextConstraint& c : setting_.constraints) bad += c.broken_by(x);
  return bad;
}

bool TextSolver::allowed(const Vector& x) const {
  return violations(x) == 0;
}

template <typename Complete, typename Score>
std::optional<Vector> TextSolver::search(Complete&& complete, Score&& score) {
  if (box_.empty()) return std::nullopt;
  Vector x = 0.5 * (box_.lo + box_.hi);
  std::optional<Vector> best;
  double best_score = -kInf;
  // The score of the current assignment, its continuous issues completed.
  auto evaluate = [&](Vector& text) -> double {
    if (continuous_rest_) {
      TextBox fixed = box_;
      for (Index k : discrete_) fixed.lo(k) = fixed.hi(k) = text(k);
      Solver inner(p_, fixed);
      const std::optional<Vector> done = complete(inner);
      if (!done) return -kInf;
      for (Index k = 0; k < text.size(); ++k) text(k) = (*done)(k);
      for (Index k : discrete_) text(k) = fixed.lo(k);  // exactly on the option
    }
    return score(text);
  };
  auto consider = [&](Vector text) {
    if (!allowed(text)) return;
    const double v = evaluate(text);
    if (v > best_score) {
      best_score = v;
      best = text;
    }
  };
  const std::size_t m = discrete_.size();
  if (exact_) {
    // Depth first over the discrete issues; constraints checked once their issues are set.
    std::vector<bool> set(static_cast<std::size_t>(x.size()), false);
    for (Index k = 0; k < x.size(); ++k) set[static_cast<std::size_t>(k)] = true;
    for (Index k : discrete_) set[static_cast<std::size_t>(k)] = false;
    auto decided_and_broken = [&]() {
      for (const TextConstraint& c : setting_.constraints) {
        bool decided = true;
        for (const auto& l : c.literals)
          decided = decided && set[static_cast<std::size_t>(l.first)];
        if (decided && c.broken_by(x)) return true;
      }
      return false;
    };
    auto walk = [&](auto&& self, std::size_t depth) -> void {
      if (depth == m) {
        consider(x);
        return;
      }
      const Index k = discrete_[depth];
      set[static_cast<std::size_t>(k)] = true;
      for (double at : values_[depth]) {
        x(k) = at;
        if (!decided_and_broken()) self(self, depth + 1);
      }
      set[static_cast<std::size_t>(k)] = false;
    };
    walk(walk, 0);
    return best;
  }
  // Local search: best-improvement one-issue changes; infeasible texts rank below feasible
  // ones by their number of broken constraints, so a start that breaks some is repaired first.
  auto ranked = [&](Vector& text) {
    const int bad = violations(text);
    const double v = evaluate(text);
    return bad > 0 ? -1e12 * bad + (std::isfinite(v) ? v : -1e6) : v;
  };
  random::Stream starts(0x7061726c6579ULL, 0, random::purpose_id("solver.restarts"));
  for (int restart = 0; restart < kRestarts; ++restart) {
    for (std::size_t d = 0; d < m; ++d) {
      const auto& opts = values_[d];
      std::size_t j = 0;
      if (restart == 1) j = opts.size() - 1;  // the last option (a clause: in) everywhere
      if (restart >= 2)
        j = static_cast<std::size_t>(starts.uniform() * static_cast<double>(opts.size()));
      x(discrete_[d]) = opts[std::min(j, opts.size() - 1)];
    }
    double current = ranked(x);
    for (;;) {
      double best_move = current;
      std::size_t move_d = m, move_j = 0;
      for (std::size_t d = 0; d < m; ++d) {
        const Index k = discrete_[d];
        const double keep = x(k);
        for (std::size_t j = 0; j < values_[d].size(); ++j) {
          if (values_[d][j] == keep) continue;
          x(k) = values_[d][j];
          Vector trial = x;
          const double v = ranked(trial);
          if (v > best_move + 1e-15) {
            best_move = v;
            move_d = d;
            move_j = j;
          }
        }
        x(k) = keep;
      }
      if (move_d == m) break;
      x(discrete_[move_d]) = values_[move_d][move_j];
      current = best_move;
    }
    consider(x);
  }
  return best;
}

Solver::Maximin TextSolver::maximin(const std::vector<Index>& players, const Vector& c,
                                    const Vector& s) {
  if (const PieSolver pie(setting_, p_, box_); pie.applies(players))
    return pie.maximin(players, c, s);
  if (discrete_.empty() && !p_.mean) return Solver(p_, box_).maximin(players, c, s);
  auto value_at = [&](const Vector& at) { return least_slack(p_, players, c, s, at); };
  const auto x =
      search([&](Solver& inner) { return std::optional<Vector>(inner.maximin(players, c, s).x); },
             value_at);
  if (!x) return {-kInf, 0.5 * (box_.lo + box_.hi)};
  return {value_at(*x), *x};
}

std::optional<Vector> TextSolver::nash(const std::vector<Index>& players, const Vector& d,
                                       const Vector& alpha) {
  if (const PieSolver pie(setting_, p_, box_); pie.applies(players))
    return pie.nash(players, d, alpha);
  if (discrete_.empty() && !p_.mean) return Solver(p_, box_).nash(players, d, alpha);
  return search([&](Solver& inner) { return inner.nash(players, d, alpha); },
                [&](const Vector& at) {
                  double v = 0.0;
                  for (std::size_t j = 0; j < players.size(); ++j) {
                    const auto jj = static_cast<Index>(j);
                    const double gain = model::utility(p_, players[j], at) - d(jj);
                    if (gain <= 0.0) return -kInf;
                    v += alpha(jj) * std::log(gain);
                  }
                  return v;
                });
}

std::optional<Vector> TextSolver::best_for(Index leader, const std::vector<Index>& players,
                                           const Vector& c) {
  if (const PieSolver pie(setting_, p_, box_); pie.applies(players))
    return pie.best_for(leader, players, c);
  if (discrete_.empty() && !p_.mean) return Solver(p_, box_).best_for(leader, players, c);
  return search([&](Solver& inner) { return inner.best_for(leader, players, c); },
                [&](const Vector& at) {
                  for (std::size_t j = 0; j < players.size(); ++j) {
                    if (players[j] == leader) continue;
                    if (model::utility(p_, players[j], at) < c(static_cast<Index>(j))) return -kInf;
                  }
                  return model::utility(p_, leader, at);
                });
}

std::optional<Solver::KalaiSmorodinsky> TextSolver::kalai_smorodinsky(
    const std::vector<Index>& players, const Vector& d) {
  if (const PieSolver pie(setting_, p_, box_); pie.applies(players))
    return pie.kalai_smorodinsky(players, d);
  if (discrete_.empty() && !p_.mean) return Solver(p_, box_).kalai_smorodinsky(players, d);
  // On a discrete space: the aspirations a_i (i's best text that gives the others at least
  // d), then the text maximising the least normalised gain (u_i - d_i) / (a_i - d_i).
  Solver::KalaiSmorodinsky ks;
  ks.aspiration.resize(static_cast<Index>(players.size()));
  for (std::size_t j = 0; j < players.size(); ++j) {
    const auto best = best_for(players[j], players, d);
    if (!best) return std::nullopt;
    ks.aspiration(static_cast<Index>(j)) = model::utility(p_, players[j], *best);
  }
  const Vector scale = (ks.aspiration - d).max(1e-12);
  const Solver::Maximin m = maximin(players, d, scale);
  if (!(m.value > 0.0)) return std::nullopt;
  ks.x = m.x;
  return ks;
}

}  // namespace parley::protocol

#include "parley/protocol/expected_utility.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>
#include <utility>

#include "parley/protocol/ratification.hpp"

namespace parley::protocol::eu {
namespace {
// Run: the rounds back in which a repeated state is found (cycles up to this period).
constexpr std::size_t kCycleWindow = 8;
// classify: "positive" and "larger" beyond rounding (the utilities lie in [-2, 2]).
constexpr double kTie = 1e-12;
// Both sides gain by challenging each other: a conflict.
bool both_gain(double e_ij, double e_ji) {
  return e_ij > 0.0 && e_ji > 0.0 && std::max(e_ij, e_ji) > kTie;
}
}  // namespace

double vote(const Actor& voter, double a, double b, double range) {
  return voter.capability * voter.salience *
         (std::abs(voter.position - b) - std::abs(voter.position - a)) / range;
}

double weighted_median(const std::vector<Actor>& actors) {
  if (actors.empty()) return 0.0;
  std::vector<std::size_t> order(actors.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return actors[a].position < actors[b].position;
  });
  double total = 0.0;
  for (const Actor& a : actors) total += a.capability * a.salience;
  if (!(total > 0.0)) return actors[order.front()].position;
  // The leftmost position whose weight at or left of it reaches half the total: at most half lies
  // left of it, and at most half right of it.
  double below = 0.0;
  for (std::size_t s = 0; s < order.size();) {
    const double x = actors[order[s]].position;
    double here = 0.0;
    for (; s < order.size() && actors[order[s]].position == x; ++s)
      here += actors[order[s]].capability * actors[order[s]].salience;
    if (2.0 * (below + here) >= total) return x;
    below += here;
  }
  return actors[order.back()].position;
}

double weighted_mean(const std::vector<Actor>& actors) {
  double total = 0.0, sum = 0.0;
  for (const Actor& a : actors) {
    total += a.capability * a.salience;
    sum += a.capability * a.salience * a.position;
  }
  return total > 0.0 ? sum / total : weighted_median(actors);
}

double forecast(const std::vector<Actor>& actors, Forecast how) {
  return how == Forecast::median ? weighted_median(actors) : weighted_mean(actors);
}

double success_probability(const std::vector<Actor>& actors, std::size_t i, std::size_t j,
                           double range) {
  double pro = 0.0, all = 0.0;
  for (const Actor& k : actors) {
    const double v = vote(k, actors[i].position, actors[j].position, range);
    if (v > 0.0) pro += v;
    all += std::abs(v);
  }
  return all > 0.0 ? pro / all : 0.0;
}

Utilities utilities(double xi, double xj, double mu, double r, double range) {
  const double delta = std::abs(xi - xj) / range;
  const double shift = 0.25 * (std::abs(xi - mu) + std::abs(xi - xj)) / range;
  auto u = [r](double base) { return 2.0 - 4.0 * std::pow(base, r); };
  return {u(0.5 - 0.5 * delta), u(0.5 + 0.5 * delta), u(0.5), u(0.5 - shift), u(0.5 + shift)};
}

namespace {

// The probabilities of success of every ordered pair, p[i * n + j] = P_ij (0 on the diagonal):
// a round computes them once, for the risk exponents, the expected utilities and the lotteries.
std::vector<double> success_probabilities(const std::vector<Actor>& actors, double range) {
  const std::size_t n = actors.size();
  std::vector<double> p(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j)
      if (j != i) p[i * n + j] = success_probability(actors, i, j, range);
  }
  return p;
}

// expected_utility with P_ij given.
double expected_utility_at(double p, const std::vector<Actor>& actors, std::size_t i, std::size_t j,
                           double r, double mu, double range, const Settings& settings) {
  const Utilities u = utilities(actors[i].position, actors[j].position, mu, r, range);
  const double s = actors[j].salience;
  const double q = settings.status_quo;
  const double t = settings.improvement;
  return s * (p * u.success + (1.0 - p) * u.failure) + (1.0 - s) * u.success - q * u.status_quo -
         (1.0 - q) * (t * u.better + (1.0 - t) * u.worse);
}

// risk_exponents with the probabilities of success given (success_probabilities).
std::vector<double> risk_exponents_at(const std::vector<double>& p,
                                      const std::vector<Actor>& actors, double mu, double range,
                                      const Settings& settings) {
  const std::size_t n = actors.size();
  std::vector<double> r(n, 1.0);
  if (settings.risk == Risk::neutral || n < 2) return r;
  std::vector<double> danger(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (j != i)
        danger[i] += expected_utility_at(p[j * n + i], actors, j, i, 1.0, mu, range, settings);
    }
  }
  const auto [lo, hi] = std::minmax_element(danger.begin(), danger.end());
  const double spread = *hi - *lo;
  if (!(spread > 0.0)) return r;
  for (std::size_t i = 0; i < n; ++i) {
    const double big_r = (2.0 * danger[i] - *hi - *lo) / spread;
    r[i] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0);
  }
  return r;
}

}  // namespace

double expected_utility(const std::vector<Actor>& actors, std::size_t i, std::size_t j, double r,
                        double mu, double range, const Settings& settings) {
  return expected_utility_at(success_probability(actors, i, j, range), actors, i, j, r, mu, range,
                             settings);
}

std::vector<double> risk_exponents(const std::vector<Actor>& actors, double mu, double range,
                                   const Settings& settings) {
  if (settings.risk == Risk::neutral) return std::vector<double>(actors.size(), 1.0);
  return risk_exponents_at(success_probabilities(actors, range), actors, mu, range, settings);
}

Move classify(double e_ij, double e_ji) {
  // Beyond rounding (the utilities lie in [-2, 2]): E_ij = |E_ji| is where compromise meets
  // capitulation, and every case of saliences of 1 at r = 1 sits there (E_ji = -E_ij); equal gains
  // are a standoff, and a tied vote no challenge.
  if (!(e_ij > kTie)) return Move::none;
  if (e_ji > 0.0) return e_ij > e_ji + kTie ? Move::conflict : Move::none;
  return e_ij > std::abs(e_ji) + kTie ? Move::compromise : Move::capitulation;
}

Result run(std::vector<Actor> actors, const Settings& settings, std::vector<Step>* trace,
           random::Stream* draws) {
  const std::size_t n = actors.size();
  Result out;
  double lo = 0.0, hi = 0.0;
  if (n > 0) {
    const auto [a, b] =
        std::minmax_element(actors.begin(), actors.end(),
                            [](const Actor& x, const Actor& y) { return x.position < y.position; });
    lo = a->position;
    hi = b->position;
  }
  const double range = hi - lo;
  std::vector<double> e(n * n, 0.0);  // e[i * n + j] = E_i(U_ij)
  std::vector<double> next(n);
  std::vector<std::int8_t> beats(n * n, 0);  // beats[i * n + j]: i won its conflict with j
  out.converged = !(range > 0.0);            // one position, or none: nothing to move
  const double tolerance = settings.tolerance * range;
  double mu = forecast(actors, settings.forecast);
  int still = 0;  // rounds in a row in which the forecast moved within settle_tolerance
  // The states of the last rounds (positions, forecast), newest last, to find a cycle.
  std::deque<std::pair<std::vector<double>, double>> history;
  auto positions = [&] {
    std::vector<double> x(n);
    for (std::size_t j = 0; j < n; ++j) x[j] = actors[j].position;
    return x;
  };
  history.emplace_back(positions(), mu);
  while (!out.converged && out.cycle == 0 && out.rounds < settings.max_rounds) {
    ++out.rounds;
    const std::vector<double> prob = success_probabilities(actors, range);
    const std::vector<double> r = risk_exponents_at(prob, actors, mu, range, settings);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        e[i * n + j] =
            i == j || actors[i].position == actors[j].position
                ? 0.0
                : expected_utility_at(prob[i * n + j], actors, i, j, r[i], mu, range, settings);
        out.challenges += classify(e[i * n + j], 0.0) != Move::none;
      }
    }
    // Conflicts drawn by lottery: one draw a pair, in the pairs' order; i wins with P_ij.
    if (settings.conflict == Conflict::lottery) {
      std::fill(beats.begin(), beats.end(), std::int8_t{0});
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
          if (!both_gain(e[i * n + j], e[j * n + i])) continue;
          const bool i_wins = draws->uniform() < prob[i * n + j];
          beats[i_wins ? i * n + j : j * n + i] = 1;
        }
      }
    }
    double moved = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      const double xj = actors[j].position;
      next[j] = xj;
      int best = -1;
      double best_move = 0.0, best_e = 0.0;
      Move best_kind = Move::none;
      for (std::size_t i = 0; i < n; ++i) {
        const double e_ij = e[i * n + j];
        const double e_ji = e[j * n + i];
        Move kind = classify(e_ij, e_ji);
        if (settings.conflict == Conflict::lottery && both_gain(e_ij, e_ji))
          kind = beats[i * n + j] ? Move::conflict : Move::none;
        if (kind == Move::none) continue;
        const double xi = actors[i].position;
        const double to = kind == Move::compromise ? xj + (xi - xj) * std::abs(e_ji / e_ij) : xi;
        const double move = std::abs(to - xj);
        if (best < 0 || move < best_move || (move == best_move && e_ij > best_e)) {
          best = static_cast<int>(i);
          best_move = move;
          best_e = e_ij;
          best_kind = kind;
          next[j] = to;
        }
      }
      if (best >= 0) {
        moved = std::max(moved, best_move);
        out.conflicts += best_kind == Move::conflict;
        out.compromises += best_kind == Move::compromise;
        out.capitulations += best_kind == Move::capitulation;
        if (trace)
          trace->push_back({out.rounds, best, static_cast<int>(j), best_kind, xj, next[j]});
      }
    }
    for (std::size_t j = 0; j < n; ++j) actors[j].position = next[j];
    const double now = forecast(actors, settings.forecast);
    still = std::abs(now - mu) <= settings.settle_tolerance * range ? still + 1 : 0;
    mu = now;
    out.converged = moved <= tolerance || still >= settings.settle;
    // The positions of p rounds ago again, each within the tolerance (conflicts passing them
    // round a ring): a cycle, whose forecast is the mean of its p states' forecasts; one whose
    // forecasts all lie within the forecast's precision has settled it.
    for (std::size_t p = 2; !out.converged && p <= history.size(); ++p) {
      const std::vector<double>& before = history[history.size() - p].first;
      bool same = true;
      for (std::size_t j = 0; same && j < n; ++j) same = std::abs(before[j] - next[j]) <= tolerance;
      if (!same) continue;
      double sum = now, lowest = now, highest = now;
      for (std::size_t q = 1; q < p; ++q) {
        const double f = history[history.size() - q].second;
        sum += f;
        lowest = std::min(lowest, f);
        highest = std::max(highest, f);
      }
      if (highest - lowest <= settings.settle_tolerance * range) {
        out.converged = true;
      } else {
        out.cycle = static_cast<int>(p);
        out.forecast = sum / static_cast<double>(p);
      }
      break;
    }
    history.emplace_back(next, now);
    if (history.size() > kCycleWindow) history.pop_front();
  }
  out.positions = positions();
  if (out.cycle == 0) out.forecast = forecast(actors, settings.forecast);
  return out;
}

}  // namespace parley::protocol::eu

namespace parley::protocol {

void negotiate_expected_utility(const Run& run) {
  const Setting& setting = run.setting;
  Workspace& w = run.w;
  RunResult& out = run.out;
  Realization& r = w.shocked;
  r = run.drawn;
  const double front = open_round(setting, r, 1, r.battlefield_start, run.streams, w, out);
  const Index n = r.prefs.agents();
  eu::Settings settings;
  settings.risk = setting.eu_risk;
  settings.forecast = setting.eu_forecast;
  settings.max_rounds = setting.challenge_rounds;
  settings.conflict = setting.eu_conflict;
  // Each agent's salience on an issue: its weight there relative to its largest weight (its most
  // important issue has salience 1), or its weight times its attention (its saliences sum to
  // its attention; docs/model.md, "The expected-utility model").
  const bool attention = setting.eu_salience == model::SalienceScale::attention;
  Vector top = Vector::Zero(n);
  for (Index i = 0; i < n; ++i) top(i) = r.prefs.weight.row(i).maxCoeff();
  const auto salience = [&](Index i, Index k) {
    if (attention) return r.prefs.weight(i, k) * r.attention(i);
    return top(i) > 0.0 ? r.prefs.weight(i, k) / top(i) : 0.0;
  };
  std::vector<eu::Actor> actors(static_cast<std::size_t>(n));
  std::vector<eu::Step> steps;
  bool settled = true;
  out.challenge_rounds = 0;
  out.challenges = 0;
  out.conflicts = out.compromises = out.capitulations = 0;
  for (Index k = 0; k < r.prefs.issues(); ++k) {
    for (Index i = 0; i < n; ++i) {
      actors[static_cast<std::size_t>(i)] = {r.prefs.ideal(i, k), r.power(i), salience(i, k)};
    }
    steps.clear();
    const eu::Result issue =
        eu::run(actors, settings, run.trace ? &steps : nullptr, &run.streams.challenges);
    if (run.trace) {
      for (const eu::Step& s : steps) {
        run.trace->challenges.push_back(
            {s.round, k, s.challenger, s.target, static_cast<std::int8_t>(s.move), s.from, s.to});
      }
    }
    w.x(k) = issue.forecast;
    settled = settled && issue.converged;
    out.challenge_rounds = std::max(out.challenge_rounds, issue.rounds);
    out.challenges += issue.challenges;
    out.conflicts += issue.conflicts;
    out.compromises += issue.compromises;
    out.capitulations += issue.capitulations;
  }
  answer(r, w.demand, w);
  note_round(setting, r, 1, -1, front, w, out, run.trace);
  out.outcome = settled ? Outcome::agreement : Outcome::censored;
  // A settled forecast goes home like a one-shot solution (docs/model.md, "Ratification at
  // home"): a refusal ends the talks.
  if (settled && setting.ratification &&
      ratify(setting, r, w.x, run.streams.ratification, out, w.accepts) >= 0)
    out.outcome = Outcome::refused;
  out.blocker = -1;
  conclude(setting, r, w, 1, front, w.demand, out);
}

}  // namespace parley::protocol

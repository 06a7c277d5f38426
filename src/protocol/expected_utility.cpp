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

// E_i(U_ij) from P_ij, i's utilities and the probability s that j resists.
double combine(double p, const Utilities& u, double s, const Settings& settings) {
  const double q = settings.status_quo;
  const double t = settings.improvement;
  return s * (p * u.success + (1.0 - p) * u.failure) + (1.0 - s) * u.success - q * u.status_quo -
         (1.0 - q) * (t * u.better + (1.0 - t) * u.worse);
}

// expected_utility with P_ij given.
double expected_utility_at(double p, const std::vector<Actor>& actors, std::size_t i, std::size_t j,
                           double r, double mu, double range, const Settings& settings) {
  const Utilities u = utilities(actors[i].position, actors[j].position, mu, r, range);
  return combine(p, u, actors[j].salience, settings);
}

// The risk exponents of n actors (Scholz et al. 2011): 1 for all when risk neutral; else from
// each actor's danger S_i = Σ_{j≠i} E_j(U_ji), `challenge(j, i)` giving E_j(U_ji) at r = 1:
// R_i = (2 S_i − max S − min S)/(max S − min S), r_i = (1 − R_i/3)/(1 + R_i/3); 1 for all when
// the dangers are equal.
template <class Challenge>
std::vector<double> exponents_of(std::size_t n, const Settings& settings, Challenge challenge) {
  std::vector<double> r(n, 1.0);
  if (settings.risk == Risk::neutral || n < 2) return r;
  std::vector<double> danger(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j)
      if (j != i) danger[i] += challenge(j, i);
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

// risk_exponents with the probabilities of success given (success_probabilities).
std::vector<double> risk_exponents_at(const std::vector<double>& p,
                                      const std::vector<Actor>& actors, double mu, double range,
                                      const Settings& settings) {
  const std::size_t n = actors.size();
  return exponents_of(n, settings, [&](std::size_t j, std::size_t i) {
    return expected_utility_at(p[j * n + i], actors, j, i, 1.0, mu, range, settings);
  });
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

namespace {

// The rounds of challenges over any space of positions (docs/model.md, "The expected-utility
// model"): G gives the positions (Point), their forecast, the probabilities of success, the
// risk exponents, the expected utilities, a compromise's text and the distance that the stopping
// rule measures (in units of scale()).
template <class G>
BasicResult<typename G::Point> play(G& g, const Settings& settings,
                                    std::vector<BasicStep<typename G::Point>>* trace,
                                    random::Stream* draws) {
  using Point = typename G::Point;
  const std::size_t n = g.size();
  BasicResult<Point> out;
  std::vector<double> e(n * n, 0.0);  // e[i * n + j] = E_i(U_ij)
  std::vector<Point> next(n);
  std::vector<std::int8_t> beats(n * n, 0);  // beats[i * n + j]: i won its conflict with j
  out.converged = !(g.spread() > 0.0);       // one position, or none: nothing to move
  const double tolerance = settings.tolerance * g.scale();
  Point mu = g.forecast();
  int still = 0;  // rounds in a row in which the forecast moved within settle_tolerance
  // The states of the last rounds (positions, forecast), newest last, to find a cycle.
  std::deque<std::pair<std::vector<Point>, Point>> history;
  auto positions = [&] {
    std::vector<Point> x(n);
    for (std::size_t j = 0; j < n; ++j) x[j] = g.at(j);
    return x;
  };
  history.emplace_back(positions(), mu);
  while (!out.converged && out.cycle == 0 && out.rounds < settings.max_rounds) {
    ++out.rounds;
    const std::vector<double> prob = g.probabilities();
    const std::vector<double> r = g.exponents(prob, mu);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        e[i * n + j] = i == j || g.same(i, j) ? 0.0 : g.expected(prob[i * n + j], i, j, r[i], mu);
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
      const Point& xj = g.at(j);
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
        Point to =
            kind == Move::compromise ? g.toward(xj, g.at(i), std::abs(e_ji / e_ij)) : g.at(i);
        const double move = g.gap(to, xj);
        if (best < 0 || move < best_move || (move == best_move && e_ij > best_e)) {
          best = static_cast<int>(i);
          best_move = move;
          best_e = e_ij;
          best_kind = kind;
          next[j] = std::move(to);
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
    for (std::size_t j = 0; j < n; ++j) g.set(j, next[j]);
    Point now = g.forecast();
    still = g.gap(now, mu) <= settings.settle_tolerance * g.scale() ? still + 1 : 0;
    mu = now;
    out.converged = moved <= tolerance || still >= settings.settle;
    // The positions of p rounds ago again, each within the tolerance (conflicts passing them
    // round a ring): a cycle, whose forecast is the mean of its p states' forecasts; one whose
    // forecasts all lie within the forecast's precision has settled it.
    for (std::size_t p = 2; !out.converged && p <= history.size(); ++p) {
      const std::vector<Point>& before = history[history.size() - p].first;
      bool same = true;
      for (std::size_t j = 0; same && j < n; ++j) same = g.gap(before[j], next[j]) <= tolerance;
      if (!same) continue;
      std::vector<Point> forecasts = {now};
      for (std::size_t q = 1; q < p; ++q) forecasts.push_back(history[history.size() - q].second);
      if (g.spread_of(forecasts) <= settings.settle_tolerance * g.scale()) {
        out.converged = true;
      } else {
        out.cycle = static_cast<int>(p);
        out.forecast = g.mean_of(forecasts);
      }
      break;
    }
    history.emplace_back(next, now);
    if (history.size() > kCycleWindow) history.pop_front();
  }
  out.positions = positions();
  if (out.cycle == 0) out.forecast = g.forecast();
  return out;
}

// One issue (the published model): positions are numbers, distances over the initial range.
struct Line {
  using Point = double;
  std::vector<Actor>& actors;
  const Settings& settings;
  double range = 0.0;
  std::size_t size() const { return actors.size(); }
  double spread() const { return range; }
  double scale() const { return range; }
  double forecast() const { return eu::forecast(actors, settings.forecast); }
  std::vector<double> probabilities() const { return success_probabilities(actors, range); }
  std::vector<double> exponents(const std::vector<double>& p, double mu) const {
    return risk_exponents_at(p, actors, mu, range, settings);
  }
  bool same(std::size_t i, std::size_t j) const { return actors[i].position == actors[j].position; }
  double expected(double p, std::size_t i, std::size_t j, double r, double mu) const {
    return expected_utility_at(p, actors, i, j, r, mu, range, settings);
  }
  const double& at(std::size_t j) const { return actors[j].position; }
  double toward(double xj, double xi, double share) const { return xj + (xi - xj) * share; }
  double gap(double a, double b) const { return std::abs(a - b); }
  void set(std::size_t j, double x) { actors[j].position = x; }
  double spread_of(const std::vector<double>& f) const {
    double lowest = f.front(), highest = f.front();
    for (std::size_t q = 1; q < f.size(); ++q) {
      lowest = std::min(lowest, f[q]);
      highest = std::max(highest, f[q]);
    }
    return highest - lowest;
  }
  double mean_of(const std::vector<double>& f) const {
    double sum = f.front();
    for (std::size_t q = 1; q < f.size(); ++q) sum += f[q];
    return sum / static_cast<double>(f.size());
  }
};

// The issue space: positions are texts, distances each actor's own (distance()).
struct Space {
  using Point = std::vector<double>;
  std::vector<SpaceActor>& actors;
  const Settings& settings;
  std::vector<double> ranges;  // of the initial positions, per issue
  std::size_t size() const { return actors.size(); }
  double spread() const {
    double most = 0.0;
    for (double d : ranges) most = std::max(most, d);
    return most;
  }
  double scale() const { return 1.0; }
  Point forecast() const {
    Point mu(ranges.size());
    std::vector<Actor> line(actors.size());
    for (std::size_t k = 0; k < ranges.size(); ++k) {
      for (std::size_t i = 0; i < actors.size(); ++i)
        line[i] = {actors[i].position[k], actors[i].capability, actors[i].salience[k]};
      mu[k] = eu::forecast(line, settings.forecast);
    }
    return mu;
  }
  // v_k(x_i, x_j) = c_k σ_k (d_k(x_k, x_j) − d_k(x_k, x_i)), each voter's distances to every
  // text computed once a round.
  std::vector<double> probabilities() const {
    const std::size_t n = actors.size();
    std::vector<double> from(n * n);  // from[k * n + i] = d_k(x_k, x_i)
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t i = 0; i < n; ++i)
        from[k * n + i] = distance(actors[k], actors[k].position, actors[i].position, ranges);
    }
    std::vector<double> p(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i) continue;
        double pro = 0.0, all = 0.0;
        for (std::size_t k = 0; k < n; ++k) {
          const double v =
              actors[k].capability * actors[k].resolve * (from[k * n + j] - from[k * n + i]);
          if (v > 0.0) pro += v;
          all += std::abs(v);
        }
        p[i * n + j] = all > 0.0 ? pro / all : 0.0;
      }
    }
    return p;
  }
  double expected(double p, std::size_t i, std::size_t j, double r, const Point& mu) const {
    const SpaceActor& a = actors[i];
    const Utilities u = utilities(0.0, distance(a, a.position, actors[j].position, ranges),
                                  distance(a, a.position, mu, ranges), r, 1.0);
    return combine(p, u, actors[j].resolve, settings);
  }
  std::vector<double> exponents(const std::vector<double>& p, const Point& mu) const {
    const std::size_t n = actors.size();
    return exponents_of(n, settings, [&](std::size_t j, std::size_t i) {
      return expected(p[j * n + i], j, i, 1.0, mu);
    });
  }
  bool same(std::size_t i, std::size_t j) const { return actors[i].position == actors[j].position; }
  const Point& at(std::size_t j) const { return actors[j].position; }
  Point toward(const Point& xj, const Point& xi, double share) const {
    Point to(xj.size());
    for (std::size_t k = 0; k < xj.size(); ++k) to[k] = xj[k] + (xi[k] - xj[k]) * share;
    return to;
  }
  // The largest move on any issue, over its range.
  double gap(const Point& a, const Point& b) const {
    double most = 0.0;
    for (std::size_t k = 0; k < ranges.size(); ++k)
      if (ranges[k] > 0.0) most = std::max(most, std::abs(a[k] - b[k]) / ranges[k]);
    return most;
  }
  void set(std::size_t j, const Point& x) { actors[j].position = x; }
  double spread_of(const std::vector<Point>& f) const {
    double most = 0.0;
    for (const Point& a : f)
      for (const Point& b : f) most = std::max(most, gap(a, b));
    return most;
  }
  Point mean_of(const std::vector<Point>& f) const {
    Point sum = f.front();
    for (std::size_t q = 1; q < f.size(); ++q)
      for (std::size_t k = 0; k < sum.size(); ++k) sum[k] += f[q][k];
    for (double& x : sum) x /= static_cast<double>(f.size());
    return sum;
  }
};

}  // namespace

Result run(std::vector<Actor> actors, const Settings& settings, std::vector<Step>* trace,
           random::Stream* draws) {
  double lo = 0.0, hi = 0.0;
  if (!actors.empty()) {
    const auto [a, b] =
        std::minmax_element(actors.begin(), actors.end(),
                            [](const Actor& x, const Actor& y) { return x.position < y.position; });
    lo = a->position;
    hi = b->position;
  }
  Line line{actors, settings, hi - lo};
  return play(line, settings, trace, draws);
}

double distance(const SpaceActor& who, const std::vector<double>& a, const std::vector<double>& b,
                const std::vector<double>& ranges) {
  double d = 0.0;
  for (std::size_t k = 0; k < ranges.size(); ++k)
    if (ranges[k] > 0.0) d += who.weight[k] * std::abs(a[k] - b[k]) / ranges[k];
  return d;
}

SpaceResult run_space(std::vector<SpaceActor> actors, const Settings& settings,
                      std::vector<SpaceStep>* trace, random::Stream* draws) {
  const std::size_t issues = actors.empty() ? 0 : actors.front().position.size();
  std::vector<double> ranges(issues, 0.0);
  for (std::size_t k = 0; k < issues; ++k) {
    const auto [a, b] = std::minmax_element(
        actors.begin(), actors.end(),
        [k](const SpaceActor& x, const SpaceActor& y) { return x.position[k] < y.position[k]; });
    ranges[k] = b->position[k] - a->position[k];
  }
  Space space{actors, settings, std::move(ranges)};
  return play(space, settings, trace, draws);
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
  bool settled = true;
  out.challenge_rounds = 0;
  out.challenges = 0;
  out.conflicts = out.compromises = out.capitulations = 0;
  const auto count = [&out](const auto& result) {
    out.challenge_rounds = std::max(out.challenge_rounds, result.rounds);
    out.challenges += result.challenges;
    out.conflicts += result.conflicts;
    out.compromises += result.compromises;
    out.capitulations += result.capitulations;
  };
  if (setting.eu_on == model::ChallengesOn::space) {
    // Whole texts: each agent's distance weighs the issues by its weights, its resolve σ is its
    // attention (or 1: the talks are all it cares about), its saliences weigh the forecast.
    std::vector<eu::SpaceActor> agents(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) {
      eu::SpaceActor& a = agents[static_cast<std::size_t>(i)];
      for (Index k = 0; k < r.prefs.issues(); ++k) {
        a.position.push_back(r.prefs.ideal(i, k));
        a.weight.push_back(r.prefs.weight(i, k));
        a.salience.push_back(salience(i, k));
      }
      a.capability = r.power(i);
      a.resolve = attention ? r.attention(i) : 1.0;
    }
    std::vector<eu::SpaceStep> moves;
    const eu::SpaceResult result = eu::run_space(
        std::move(agents), settings, run.trace ? &moves : nullptr, &run.streams.challenges);
    // The trace holds a move once for every issue on which it moved the text.
    for (const eu::SpaceStep& s : moves) {
      for (Index k = 0; k < r.prefs.issues(); ++k) {
        const auto kk = static_cast<std::size_t>(k);
        if (s.from[kk] != s.to[kk])
          run.trace->challenges.push_back({s.round, k, s.challenger, s.target,
                                           static_cast<std::int8_t>(s.move), s.from[kk], s.to[kk]});
      }
    }
    for (Index k = 0; k < r.prefs.issues(); ++k)
      w.x(k) = result.forecast[static_cast<std::size_t>(k)];
    settled = result.converged;
    count(result);
  }
  std::vector<eu::Actor> actors(static_cast<std::size_t>(n));
  std::vector<eu::Step> steps;
  for (Index k = 0; setting.eu_on == model::ChallengesOn::issue && k < r.prefs.issues(); ++k) {
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
    count(issue);
  }
  // A settled forecast goes home like a one-shot solution (docs/model.md, "Ratification at
  // home"): a refusal ends the talks.
  settle_one_shot(run, front, settled ? Outcome::agreement : Outcome::censored);
}

}  // namespace parley::protocol

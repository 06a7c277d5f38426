#include "parley/protocol/solve/solver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace parley::protocol {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kBisections = 56;
constexpr int kOuterBisections = 52;
// Solver::frontier_point: how far from 0 (relative to the larger of 1 and |F| at the ends) F
// must be for its sign to be beyond rounding, and the regula falsi steps before the bisection.
constexpr double kSureSide = 1e-12;
constexpr int kLocateSteps = 12;
constexpr int kMaxSweeps = 4000;
// Line searches over at most this many players evaluate ahead (bisect_sign).
constexpr std::size_t kAheadTerms = 4;
constexpr double kStepTolerance = 1e-13;
// Barrier weights, driven down level by level with warm starts.
constexpr double kBarrierLevels[] = {1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12};
// Column generation: it stops when no text's reduced cost exceeds the tolerance (so the
// optimum is at most that far above the one found), and gives up past these limits.
constexpr double kGenerationTolerance = 1e-12;
// Both grow with the players in the master (its rows): a cutting-plane method needs more
// columns to pin down more duals. With up to 8 rows the limits are 200 and 400, as they were.
int generation_iterations(Index rows) {
  return 200 + 25 * static_cast<int>(std::max<Index>(rows - 8, 0));
}
// Masters of more rows than this smooth their duals (Solver::generate), with this weight on
// the centre.
constexpr Index kSmoothRows = 8;
constexpr double kSmoothing = 0.8;
constexpr int kStallIterations = 30;
constexpr double kStallGap = 1e-10;
// Solver::best_for falls back on nested bisection (exact, exponential in the floors) for at most
// this many floors, and on bisection of the leader's level over maximins (polynomial) beyond.
constexpr std::size_t kNestedLimit = 3;
std::size_t pool_limit(Index rows) {
  return 400 + 50 * static_cast<std::size_t>(std::max<Index>(rows - 8, 0));
}

// Appends the kinks of v_ik: a linear shape's ideal, a piecewise shape's points (a quadratic
// shape is smooth).
void add_kinks(const model::Preferences& p, Index i, Index k, std::vector<double>& kinks) {
  switch (static_cast<model::Shape>(p.shape(i, k))) {
    case model::Shape::linear:
      kinks.push_back(p.ideal(i, k));
      break;
    case model::Shape::quadratic:
      break;
    case model::Shape::piecewise: {
      const auto& pw = p.piecewise[static_cast<std::size_t>(p.piecewise_index(i, k))];
      kinks.insert(kinks.end(), pw.x.begin(), pw.x.end());
      break;
    }
  }
}

// v_ik's term in the derivative α + β z of Σ_j c_j v_jk(z) on a piece between kinks (`mid` its
// middle): g, which adds c g to α for a linear or piecewise shape, and for a quadratic one (g its
// ideal) 2 c g to α and -2 c to β. Solver::weighted_argmax and Solver::lay_out_pair share it.
void slope_term(const model::Preferences& p, Index i, Index k, double mid, double& g,
                bool& quadratic) {
  quadratic = false;
  switch (static_cast<model::Shape>(p.shape(i, k))) {
    case model::Shape::linear:
      g = mid < p.ideal(i, k) ? 1.0 : -1.0;
      return;
    case model::Shape::quadratic:
      g = p.ideal(i, k);
      quadratic = true;
      return;
    case model::Shape::piecewise:
      break;
  }
  g = p.piecewise[static_cast<std::size_t>(p.piecewise_index(i, k))].slope(mid);
}

void add_slope(double g, bool quadratic, double c, double& alpha, double& beta) {
  if (quadratic) {
    alpha += 2.0 * c * g;
    beta -= 2.0 * c;
  } else {
    alpha += c * g;
  }
}

// Where the derivative α + β z of a piece [a, b] turns non-positive: at a (1), inside it at
// z = -α/β clamped to the piece (2), or not on it (0).
int turn_on_piece(double alpha, double beta, double a, double b, double& z) {
  if (alpha + beta * a <= 0.0) {
    z = a;
    return 1;
  }
  if (alpha + beta * b <= 0.0) {
    z = std::clamp(-alpha / beta, a, b);
    return 2;
  }
  return 0;
}

// Right derivative of v_ik at z (the slope on [z, z + dz)).
double right_slope(const model::Preferences& p, Index i, Index k, double z) {
  const double a = p.ideal(i, k);
  switch (static_cast<model::Shape>(p.shape(i, k))) {
    case model::Shape::linear:
      return z < a ? 1.0 : -1.0;
    case model::Shape::quadratic:
      return 2.0 * (a - z);
    case model::Shape::piecewise:
      break;
  }
  return p.piecewise[static_cast<std::size_t>(p.piecewise_index(i, k))].slope(z);
}

// Left derivative of v_ik at z (the slope on (z - dz, z]).
double left_slope(const model::Preferences& p, Index i, Index k, double z) {
  const double a = p.ideal(i, k);
  switch (static_cast<model::Shape>(p.shape(i, k))) {
    case model::Shape::linear:
      return z <= a ? 1.0 : -1.0;
    case model::Shape::quadratic:
      return 2.0 * (a - z);
    case model::Shape::piecewise:
      break;
  }
  const auto& pw = p.piecewise[static_cast<std::size_t>(p.piecewise_index(i, k))];
  if (z <= pw.x.front() || z > pw.x.back()) return 0.0;
  const auto j =
      static_cast<std::size_t>(std::lower_bound(pw.x.begin(), pw.x.end(), z) - pw.x.begin());
  return (pw.v[j] - pw.v[j - 1]) / (pw.x[j] - pw.x[j - 1]);
}

// Between texts lo (where the predicate `above` is false) and hi (where it is true): bisect
// the segment for the switch. Returns a text on the `above` side. close_segment_with takes the
// predicate of θ, for the text lo + θ (hi - lo).
template <typename AboveAt>
Vector close_segment_with(AboveAt&& above_at, const Vector& lo, const Vector& hi) {
  double s = 0.0;
  double e = 1.0;
  for (int step = 0; step < kOuterBisections; ++step) {
    const double mid = 0.5 * (s + e);
    (above_at(mid) ? e : s) = mid;
  }
  return lo + e * (hi - lo);
}

template <typename Above>
Vector close_segment(Above&& above, const Vector& lo, const Vector& hi) {
  return close_segment_with([&](double mid) { return above(Vector(lo + mid * (hi - lo))); }, lo,
                            hi);
}

// Along a path of texts x(θ), θ in [0, 1], where the predicate `above` turns from false
// (at `lo` = x(0)) to true (at `hi` = x(1)): bisect θ for the switch, then close the last
// gap on the segment between the two sides. Returns a text on the `above` side.
template <typename Solve, typename Above>
Vector bisect_frontier(Solve&& solve, Above&& above, Vector lo, Vector hi) {
  double a = 0.0;
  double b = 1.0;
  for (int step = 0; step < kOuterBisections && b - a > 1e-17; ++step) {
    const double mid = 0.5 * (a + b);
    Vector x = solve(mid);
    if (above(x)) {
      b = mid;
      hi = std::move(x);
    } else {
      a = mid;
      lo = std::move(x);
    }
  }
  return close_segment(above, lo, hi);
}

// Bisects [lo, hi] for the switch of a sign that is +1 left of it and -1 right of it:
// kBisections halvings, fewer when the interval closes; returns the last point on the + side.
// `signs(z, count, out)` gives the signs at `count` points (1 or 3). With `ahead`, each step
// evaluates its midpoint and both midpoints the next step may take: three independent
// evaluations overlap in the processor where two in a row would wait on each other, which pays
// where one evaluation is short (few players) and costs where it is long. The points and signs
// are those of halving one step at a time either way, so the result is the same bit for bit.
template <typename Signs>
double bisect_sign(Signs&& signs, double lo, double hi, bool ahead) {
  int step = 0;
  while (step < kBisections && hi - lo > 0.0) {
    const double mid = 0.5 * (lo + hi);
    double z[3] = {mid, 0.5 * (lo + mid), 0.5 * (mid + hi)};
    int sign[3];
    signs(z, ahead ? 3 : 1, sign);
    (sign[0] > 0 ? lo : hi) = mid;
    ++step;
    if (!ahead || !(step < kBisections && hi - lo > 0.0)) continue;
    // The next midpoint, 0.5 * (lo + hi) with the new end, is z[2] after a + and z[1] after a -.
    const int next = sign[0] > 0 ? 2 : 1;
    (sign[next] > 0 ? lo : hi) = z[next];
    ++step;
  }
  return lo;
}

}  // namespace

TextBox feasible_box(const model::Preferences& p, const std::vector<Index>& agents) {
  TextBox box;
  box.lo.setZero(p.issues());
  box.hi.setOnes(p.issues());
  for (Index i : agents) {
    box.lo = box.lo.max(p.red_lo.row(i).transpose());
    box.hi = box.hi.min(p.red_hi.row(i).transpose());
  }
  box.find_empty();
  return box;
}

void TextBox::find_empty() {
  empty_issue = -1;
  for (Index k = 0; k < lo.size(); ++k) {
    if (lo(k) > hi(k)) {
      empty_issue = k;
      return;
    }
  }
}

// maximise  t_weight·t + Σ_i α_i log((u_i(x) - c_i)/s_i - t)  (t fixed at 0 when t_weight is 0).
struct Solver::Program {
  std::vector<Index> players;
  Vector c, s, alpha;  // per player
  double t_weight = 0.0;
};

Solver::Solver(const model::Preferences& p, TextBox box) : p_(p), box_(std::move(box)) {}

// Exact maximisation along issue k. The function is concave along the line, so its
// right derivative is non-increasing: bisect on its sign. Points where a barrier
// argument is not positive lie outside an interval around the current value.
//
// Each player's part of the line (its utility, weight, value at the current text and the
// program's constants) is read once into line_terms_, so that the bisection's evaluations touch
// one contiguous row per player; the arithmetic is the same, term for term, as evaluating
// u_i + w_ik (v_ik(z) - v_ik(x_k)) from the preferences at every step.
double Solver::line_maximise(Program& prog, Index k, Vector& x, double t) {
  const double xk = x(k);
  const auto n = prog.players.size();
  line_terms_.resize(n);
  for (std::size_t j = 0; j < n; ++j) {
    const Index i = prog.players[j];
    const auto jj = static_cast<Index>(j);
    LineTerm& term = line_terms_[j];
    term.agent = i;
    term.shape = static_cast<model::Shape>(p_.shape(i, k));
    term.ideal = p_.ideal(i, k);
    term.points = p_.points(i, k);
    term.u = u_(i);
    term.w = p_.weight(i, k);
    term.v_at_x = p_.value(i, k, xk);
    term.c = prog.c(jj);
    term.s = prog.s(jj);
    term.alpha = prog.alpha(jj);
  }
  auto h_of = [&](const LineTerm& term, double z) {
    const double v = model::shaped_value(term.shape, term.ideal, term.points, z);
    const double ui = term.u + term.w * (v - term.v_at_x);
    return (ui - term.c) / term.s - t;
  };
  // +1: the maximum lies to the right of z; -1: at or to the left. From the right derivative at
  // z, or (`from_left`) the left one: at the upper end of the interval only the left one
  // speaks of the interval (beyond an end of its domain a value's slope is 0). `signs` gives
  // it at `count` points (bisect_sign's) in one pass over the players.
  auto signs = [&](const double* zs, int count, int* sign, bool from_left = false) {
    double d[3] = {0.0, 0.0, 0.0};
    bool outside[3] = {false, false, false};
    for (const LineTerm& term : line_terms_) {
      bool all_outside = true;
      for (int q = 0; q < count; ++q) {
        const double h = h_of(term, zs[q]);
        outside[q] = outside[q] || h <= 0.0;
        all_outside = all_outside && outside[q];
        const double slope = from_left ? left_slope(p_, term.agent, k, zs[q])
                                       : right_slope(p_, term.agent, k, zs[q]);
        d[q] += term.alpha / h * term.w * slope / term.s;
      }
      if (all_outside) break;  // the signs are settled
    }
    for (int q = 0; q < count; ++q)
      sign[q] = outside[q] ? (zs[q] < xk ? 1 : -1) : (d[q] > 0.0 ? 1 : -1);
  };
  auto direction = [&](double z, bool from_left = false) {
    int sign;
    signs(&z, 1, &sign, from_left);
    return sign;
  };
  double lo = box_.lo(k);
  double hi = box_.hi(k);
  // Already at the maximum along k (right derivative <= 0, left derivative >= 0): stay.
  bool inside = true;
  for (const LineTerm& term : line_terms_) inside = inside && h_of(term, xk) > 0.0;
  if (inside && direction(xk) < 0) {
    if (xk <= lo) return 0.0;
    double left = 0.0;
    for (const LineTerm& term : line_terms_) {
      left += term.alpha / h_of(term, xk) * term.w * left_slope(p_, term.agent, k, xk) / term.s;
    }
    if (left >= 0.0) return 0.0;
    hi = xk;
  } else if (inside) {
    lo = xk;
  }
  double z;
  if (direction(lo) < 0) {
    z = lo;
  } else if (direction(hi, true) > 0) {
    z = hi;
  } else {
    z = bisect_sign(signs, lo, hi, n <= kAheadTerms);
  }
  for (const LineTerm& term : line_terms_) {
    if (h_of(term, z) <= 0.0) return 0.0;  // never leave the barrier's domain
  }
  for (Index i = 0; i < p_.agents(); ++i)
    u_(i) += p_.weight(i, k) * (p_.value(i, k, z) - p_.value(i, k, xk));
  x(k) = z;
  return std::abs(z - xk);
}

// Exact maximisation over t: the derivative t_weight - Σ α_i/(h_i - t) decreases.
double Solver::maximise_t(const Program& prog) const {
  double min_h = kInf;
  double alpha_sum = 0.0;
  for (std::size_t j = 0; j < prog.players.size(); ++j) {
    const auto jj = static_cast<Index>(j);
    min_h = std::min(min_h, (u_(prog.players[j]) - prog.c(jj)) / prog.s(jj));
    alpha_sum += prog.alpha(jj);
  }
  double lo = min_h - alpha_sum / prog.t_weight - 1.0;
  double hi = min_h;
  for (int step = 0; step < 200 && hi - lo > 1e-16 * std::max(1.0, std::abs(min_h)); ++step) {
    const double mid = 0.5 * (lo + hi);
    double d = prog.t_weight;
    for (std::size_t j = 0; j < prog.players.size(); ++j) {
      const auto jj = static_cast<Index>(j);
      d -= prog.alpha(jj) / ((u_(prog.players[j]) - prog.c(jj)) / prog.s(jj) - mid);
    }
    (d > 0.0 ? lo : hi) = mid;
  }
  return lo;
}

double Solver::line_along(Program& prog, const Vector& d, Vector& x, double t) {
  const auto n = prog.players.size();
  // The largest step that stays in the box.
  double top = kInf;
  for (Index k = 0; k < x.size(); ++k) {
    if (d(k) > 0.0) top = std::min(top, (box_.hi(k) - x(k)) / d(k));
    if (d(k) < 0.0) top = std::min(top, (box_.lo(k) - x(k)) / d(k));
  }
  if (!(top > 0.0) || !std::isfinite(top)) return 0.0;
  // The right derivative of the objective at x + λd (`from_left`: the left one, which alone
  // speaks of the segment at its far end, where coordinates meet the box and their values'
  // slopes beyond it are 0): concave along the line, so it does not increase; outside the
  // barrier's domain (some h_j <= 0) the maximum lies behind.
  // `signs` gives it at `count` points (bisect_sign's) in one pass over the players and issues.
  auto signs = [&](const double* ls, int count, int* sign, bool from_left = false) {
    double total[3] = {0.0, 0.0, 0.0};
    bool outside[3] = {false, false, false};
    for (std::size_t j = 0; j < n; ++j) {
      const Index i = prog.players[j];
      double u[3] = {0.0, 0.0, 0.0}, slope[3] = {0.0, 0.0, 0.0};
      for (Index k = 0; k < x.size(); ++k) {
        // Moving along d(k) > 0, the right derivative takes the slope right of z; d(k) < 0,
        // the slope left of it. The left derivative the reverse.
        const bool right_of_z = (d(k) > 0.0) != from_left;
        for (int q = 0; q < count; ++q) {
          const double z = x(k) + ls[q] * d(k);
          u[q] += p_.weight(i, k) * p_.value(i, k, z);
          if (d(k) != 0.0) {
            slope[q] += p_.weight(i, k) * d(k) *
                        (right_of_z ? right_slope(p_, i, k, z) : left_slope(p_, i, k, z));
          }
        }
      }
      bool all_outside = true;
      for (int q = 0; q < count; ++q) {
        const double h = (u[q] - prog.c(static_cast<Index>(j))) / prog.s(static_cast<Index>(j)) - t;
        outside[q] = outside[q] || h <= 0.0;
        all_outside = all_outside && outside[q];
        total[q] +=
            prog.alpha(static_cast<Index>(j)) / h * slope[q] / prog.s(static_cast<Index>(j));
      }
      if (all_outside) break;  // the signs are settled
    }
    for (int q = 0; q < count; ++q) sign[q] = outside[q] ? -1 : (total[q] > 0.0 ? 1 : -1);
  };
  auto direction = [&](double lambda, bool from_left = false) {
    int sign;
    signs(&lambda, 1, &sign, from_left);
    return sign;
  };
  if (direction(0.0) < 0) return 0.0;
  double lo = 0.0, hi = top, lambda;
  if (direction(hi, true) > 0) {
    lambda = hi;
  } else {
    lambda = bisect_sign(signs, lo, hi, n <= kAheadTerms);
  }
  if (!(lambda > 0.0)) return 0.0;
  trial_ = (x + lambda * d).max(box_.lo).min(box_.hi);
  model::utilities(p_, trial_, work_, trial_u_);
  for (std::size_t j = 0; j < n; ++j) {
    const Index i = prog.players[j];
    if ((trial_u_(i) - prog.c(static_cast<Index>(j))) / prog.s(static_cast<Index>(j)) - t <= 0.0)
      return 0.0;  // never leave the barrier's domain
  }
  const double moved = (trial_ - x).abs().maxCoeff();
  x = trial_;
  u_ = trial_u_;
  return moved;
}

void Solver::ascend(Program& prog, Vector& x, double& t) {
  model::utilities(p_, x, work_, u_);
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    before_ = x;
    double moved = 0.0;
    for (Index k = 0; k < x.size(); ++k) moved = std::max(moved, line_maximise(prog, k, x, t));
    // Coordinate sweeps zig-zag along a ridge that no axis follows; a step along the sweep's
    // own move follows it (with t fixed, an ascent step like the others).
    if (moved >= kStepTolerance && x.size() > 1) {
      step_ = x - before_;
      moved = std::max(moved, line_along(prog, step_, x, t));
    }
    if (prog.t_weight > 0.0) {
      const double next = maximise_t(prog);
      moved = std::max(moved, std::abs(next - t));
      t = next;
    }
    if (moved < kStepTolerance) break;
  }
}

void Solver::weighted_argmax(const std::vector<Index>& agents, const std::vector<double>& weights,
                             Vector& x) const {
  // Per issue, f(z) = Σ_j c_j v_jk(z) is concave and piecewise smooth, with kinks at the
  // linear shapes' ideals and the piecewise shapes' points; between kinks its derivative
  // is affine, α + β z. Walk the pieces left to right to where the derivative turns
  // non-positive: the leftmost maximiser, exactly.
  x.resize(p_.issues());
  std::vector<double>& kinks = kinks_;
  for (Index k = 0; k < p_.issues(); ++k) {
    const double lo = box_.lo(k);
    const double hi = box_.hi(k);
    kinks.assign(1, lo);
    for (std::size_t j = 0; j < agents.size(); ++j) {
      const Index i = agents[j];
      if (weights[j] == 0.0 || p_.weight(i, k) == 0.0) continue;
      add_kinks(p_, i, k, kinks);
    }
    kinks.push_back(hi);
    std::sort(kinks.begin(), kinks.end());
    double z = hi;
    for (std::size_t s = 0; s + 1 < kinks.size(); ++s) {
      const double a = std::max(kinks[s], lo);
      const double b = std::min(kinks[s + 1], hi);
      if (b < a || (b == a && s + 2 < kinks.size())) continue;
      // The derivative on (a, b): α + β z.
      const double mid = 0.5 * (a + b);
      double alpha = 0.0;
      double beta = 0.0;
      for (std::size_t j = 0; j < agents.size(); ++j) {
        const Index i = agents[j];
        const double c = weights[j] * p_.weight(i, k);
        if (c == 0.0) continue;
        double g;
        bool quadratic;
        slope_term(p_, i, k, mid, g, quadratic);
        add_slope(g, quadratic, c, alpha, beta);
      }
      if (turn_on_piece(alpha, beta, a, b, z) != 0) break;
    }
    x(k) = z;
  }
}

void Solver::lay_out_pair(Index a, Index b) {
  if (pair_a_ == a && pair_b_ == b) return;
  pair_a_ = a;
  pair_b_ = b;
  pair_pieces_.clear();
  pair_first_.assign(1, 0);
  pair_hi_values_.clear();
  const Index agents[2] = {a, b};
  std::vector<double>& kinks = kinks_;
  for (Index k = 0; k < p_.issues(); ++k) {
    // weighted_argmax's kinks and pieces with both weights positive.
    const double lo = box_.lo(k);
    const double hi = box_.hi(k);
    kinks.assign(1, lo);
    for (const Index i : agents) {
      if (p_.weight(i, k) == 0.0) continue;
      add_kinks(p_, i, k, kinks);
    }
    kinks.push_back(hi);
    std::sort(kinks.begin(), kinks.end());
    for (std::size_t s = 0; s + 1 < kinks.size(); ++s) {
      PairPiece piece{std::max(kinks[s], lo),
                      std::min(kinks[s + 1], hi),
                      {0.0, 0.0},
                      {false, false},
                      {0.0, 0.0}};
      if (piece.b < piece.a || (piece.b == piece.a && s + 2 < kinks.size())) continue;
      const double mid = 0.5 * (piece.a + piece.b);
      for (int j = 0; j < 2; ++j) {
        piece.v_a[j] = p_.value(agents[j], k, piece.a);
        slope_term(p_, agents[j], k, mid, piece.g[j], piece.quadratic[j]);
      }
      pair_pieces_.push_back(piece);
    }
    pair_first_.push_back(pair_pieces_.size());
    for (const Index i : agents) pair_hi_values_.push_back(p_.value(i, k, hi));
  }
}

void Solver::pair_argmax(double weight_a, double weight_b, Vector& x, double u[2]) const {
  // weighted_argmax's walk, term for term (slope_term, add_slope, turn_on_piece), the agents in
  // the same order; then u_j += w_jk v_jk.
  x.resize(p_.issues());
  u[0] = 0.0;
  u[1] = 0.0;
  const Index agents[2] = {pair_a_, pair_b_};
  for (Index k = 0; k < p_.issues(); ++k) {
    const double w[2] = {p_.weight(pair_a_, k), p_.weight(pair_b_, k)};
    const double c[2] = {weight_a * w[0], weight_b * w[1]};
    const auto kk = static_cast<std::size_t>(k);
    double z = box_.hi(k);
    double v[2] = {pair_hi_values_[2 * kk], pair_hi_values_[2 * kk + 1]};
    for (std::size_t s = pair_first_[kk]; s < pair_first_[kk + 1]; ++s) {
      const PairPiece& piece = pair_pieces_[s];
      double alpha = 0.0;
      double beta = 0.0;
      for (int j = 0; j < 2; ++j) {
        if (c[j] != 0.0) add_slope(piece.g[j], piece.quadratic[j], c[j], alpha, beta);
      }
      const int turn = turn_on_piece(alpha, beta, piece.a, piece.b, z);
      if (turn == 1) {
        v[0] = piece.v_a[0];
        v[1] = piece.v_a[1];
        break;
      }
      if (turn == 2) {
        v[0] = p_.value(agents[0], k, z);
        v[1] = p_.value(agents[1], k, z);
        break;
      }
    }
    x(k) = z;
    u[0] += w[0] * v[0];
    u[1] += w[1] * v[1];
  }
}

void Solver::pair_utilities(const Vector& x, double u[2]) const {
  u[0] = model::utility(p_, pair_a_, x);
  u[1] = model::utility(p_, pair_b_, x);
}

template <typename G>
std::optional<Vector> Solver::frontier_point(Index a, Index b, double sa, double sb, G&& g) {
  // Every Pareto text of two concave utilities maximises some λ h_A + (1 - λ) h_B, and
  // F(x(λ)) grows with λ: bisect on λ, then on the segment between the two sides, along
  // which both utilities are affine (their weighted sum is flat there).
  const std::vector<Index> both = {a, b};
  std::vector<double> weights(2);
  lay_out_pair(a, b);
  // pair_argmax's sums are model::utility's but for the mean of clauses.
  const bool summed = !p_.mean;
  auto f = [&](const Vector& x) {
    double u[2];
    pair_utilities(x, u);
    return g(u[0], u[1]);
  };
  auto at = [&](double lambda, Vector& x) {
    weights[0] = lambda / sa;
    weights[1] = (1.0 - lambda) / sb;
    if (!(weights[0] > 0.0 && weights[1] > 0.0)) {
      weighted_argmax(both, weights, x);
      return f(x);
    }
    double u[2];
    pair_argmax(weights[0], weights[1], x, u);
    if (!summed) pair_utilities(x, u);
    return g(u[0], u[1]);
  };
  Vector x_lo, x_hi;
  const double f_hi = at(1.0, x_hi);
  if (f_hi <= 0.0) return x_hi;
  const double f_lo = at(0.0, x_lo);
  if (f_lo > 0.0) return std::nullopt;
  // The bisection's answer depends only on the sign of F at the midpoints it visits, and F
  // grows with λ: a midpoint below a λ where F is surely negative (below -margin, far beyond
  // the rounding of F) is on the low side without a solve, one above a λ where F is surely
  // positive on the high side. Regula falsi (Illinois variant) first narrows those sure
  // bounds where F is smooth in λ; the bisection then solves only at the midpoints between
  // them, and its result is the same text, bit for bit.
  const double margin = kSureSide * std::max({1.0, std::abs(f_lo), std::abs(f_hi)});
  double sure_low = 0.0, sure_high = 1.0;  // F < -margin at sure_low, F > margin at sure_high
  double la = 0.0, fa = f_lo, lb = 1.0, fb = f_hi;
  int last_side = 0;
  for (int step = 0; step < kLocateSteps; ++step) {
    double l = (la * fb - lb * fa) / (fb - fa);
    if (!(l > la && l < lb)) l = 0.5 * (la + lb);
    if (!(l > la && l < lb)) break;
    const double fl = at(l, scratch_);
    if (std::abs(fl) <= margin) break;  // near the switch: the bisection decides from here
    if (fl > 0.0) {
      sure_high = lb = l;
      fb = fl;
      if (last_side == 1) fa *= 0.5;
      last_side = 1;
    } else {
      sure_low = la = l;
      fa = fl;
      if (last_side == -1) fb *= 0.5;
      last_side = -1;
    }
  }
  double lo_lambda = 0.0, hi_lambda = 1.0;
  bool lo_solved = true, hi_solved = true;
  for (int step = 0; step < kOuterBisections && hi_lambda - lo_lambda > 1e-17; ++step) {
    const double mid = 0.5 * (lo_lambda + hi_lambda);
    if (mid < sure_low) {
      lo_lambda = mid;
      lo_solved = false;
    } else if (mid > sure_high) {
      hi_lambda = mid;
      hi_solved = false;
    } else if (at(mid, scratch_) > 0.0) {
      hi_lambda = mid;
      x_hi = scratch_;
      hi_solved = true;
    } else {
      lo_lambda = mid;
      x_lo = scratch_;
      lo_solved = true;
    }
  }
  if (!lo_solved) at(lo_lambda, x_lo);
  if (!hi_solved) at(hi_lambda, x_hi);
  if (!summed) return close_segment([&](const Vector& x) { return f(x) > 0.0; }, x_lo, x_hi);
  // close_segment, with each issue's terms w_jk v_jk of model::utility kept where x_lo and x_hi
  // agree (there lo + θ (hi - lo) is lo), so only the issues that move are evaluated again.
  const Index n = p_.issues();
  const Index agents[2] = {a, b};
  pair_terms_.resize(2 * static_cast<std::size_t>(n));
  std::vector<Index>& moving = pair_moving_;
  moving.clear();
  for (Index k = 0; k < n; ++k) {
    if (x_lo(k) != x_hi(k)) moving.push_back(k);
    for (int j = 0; j < 2; ++j) {
      pair_terms_[2 * static_cast<std::size_t>(k) + static_cast<std::size_t>(j)] =
          p_.weight(agents[j], k) * p_.value(agents[j], k, x_lo(k));
    }
  }
  return close_segment_with(
      [&](double theta) {
        for (const Index k : moving) {
          const double xk = x_lo(k) + theta * (x_hi(k) - x_lo(k));
          for (int j = 0; j < 2; ++j) {
            pair_terms_[2 * static_cast<std::size_t>(k) + static_cast<std::size_t>(j)] =
                p_.weight(agents[j], k) * p_.value(agents[j], k, xk);
          }
        }
        double u[2] = {0.0, 0.0};
        for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k) {
          u[0] += pair_terms_[2 * k];
          u[1] += pair_terms_[2 * k + 1];
        }
        return g(u[0], u[1]) > 0.0;
      },
      x_lo, x_hi);
}

double least_slack(const model::Preferences& p, const std::vector<Index>& players, const Vector& c,
                   const Vector& s, const Vector& x) {
  double v = kInf;
  for (std::size_t j = 0; j < players.size(); ++j) {
    const auto jj = static_cast<Index>(j);
    v = std::min(v, (model::utility(p, players[j], x) - c(jj)) / s(jj));
  }
  return v;
}

Solver::Maximin Solver::maximin(const std::vector<Index>& players, const Vector& c,
                                const Vector& s) {
  auto value_at = [&](const Vector& at) { return least_slack(p_, players, c, s, at); };
  if (box_.empty()) return {-kInf, 0.5 * (box_.lo + box_.hi)};
  if (players.size() == 1) {
    Vector x;
    weighted_argmax(players, {1.0}, x);
    return {value_at(x), x};
  }
  if (players.size() == 2) {
    const Index a = players[0];
    const Index b = players[1];
    const auto x = frontier_point(a, b, s(0), s(1), [&](double ua, double ub) {
      return (ua - c(0)) / s(0) - (ub - c(1)) / s(1);
    });
    // F(x(0)) > 0 means B's best text still leaves A ahead: the maximin is B's best.
    if (x) return {value_at(*x), *x};
    Vector best_b;
    weighted_argmax({a, b}, {0.0, 1.0 / s(1)}, best_b);
    return {value_at(best_b), best_b};
  }
  if (generation_) {
    if (const auto x = generate(players, c, s, {}, Vector())) {
      last_generated_ = true;
      return {value_at(*x), *x};
    }
  }
  last_generated_ = false;
  return barrier_maximin(players, c, s);
}

Solver::Maximin Solver::barrier_maximin(const std::vector<Index>& players, const Vector& c,
                                        const Vector& s) {
  Program prog;
  prog.players = players;
  prog.c = c;
  prog.s = s;
  prog.t_weight = 1.0;
  Vector x = 0.5 * (box_.lo + box_.hi);
  model::Matrix work;
  model::utilities(p_, x, work, u_);
  // Any t below every slack is strictly feasible: no phase 1 is needed.
  double t = kInf;
  for (std::size_t j = 0; j < players.size(); ++j) {
    const auto jj = static_cast<Index>(j);
    t = std::min(t, (u_(players[j]) - c(jj)) / s(jj));
  }
  t -= 1.0;
  for (double tau : kBarrierLevels) {
    prog.alpha.setConstant(static_cast<Index>(players.size()), tau);
    ascend(prog, x, t);
  }
  return {least_slack(p_, players, c, s, x), x};
}

void Solver::add_column(const Vector& x) {
  Column col;
  col.x = x;
  model::utilities(p_, x, work_, col.u);
  pool_.push_back(std::move(col));
}

std::optional<Vector> Solver::generate(const std::vector<Index>& lead, const Vector& c,
                                       const Vector& s, const std::vector<Index>& floored,
                                       const Vector& floor) {
  // The master over the columns x_1..x_m (texts) and t' = t - t0 >= 0:
  //   max t'  s.t.  Σ_j μ_j (-h_i(x_j)) + t' <= -t0   (i in lead, h_i = (u_i - c_i)/s_i)
  //                 Σ_j μ_j u_f(x_j) >= floor_f        (f in floored)
  //                 Σ_j μ_j = 1,  μ >= 0.
  // Its duals y weigh the players in the pricing problem max_x Σ_i y_i h_i(x) - Σ_f y_f u_f(x),
  // solved exactly by weighted_argmax; a text whose reduced cost is positive joins the master.
  // At the end t* <= t_LP + (largest reduced cost), and x̄ = Σ μ_j x_j, whose utilities are at
  // least the μ-mixture of the columns' (concavity), attains t_LP.
  const auto n_lead = lead.size();
  const auto n_floor = floored.size();
  const auto rows = static_cast<Index>(n_lead + n_floor + 1);
  std::vector<Index> agents = lead;
  agents.insert(agents.end(), floored.begin(), floored.end());
  std::vector<double> weights(agents.size(), 1.0);
  Vector x;
  if (pool_.empty()) {
    for (std::size_t j = 0; j < agents.size(); ++j) {
      std::fill(weights.begin(), weights.end(), 0.0);
      weights[j] = 1.0;
      weighted_argmax(agents, weights, x);
      add_column(x);
    }
    seeds_ = pool_.size();
  }
  // Dual smoothing, for masters of more than kSmoothRows rows (smaller ones converge fast
  // without it).
  const bool smooth = rows > kSmoothRows;
  const std::size_t limit = pool_limit(rows);
  if (pool_.size() > (smooth ? limit / 2 : limit)) {
    // A pool filled by earlier calls (a Kalai–Smorodinsky solution's aspirations, one call a
    // player; an alternating-offers equilibrium's best offers, many calls a proposer) keeps its
    // seeds (each player's ideal text) and its newest texts. (Small masters keep their whole
    // pool while it is within the limit, as they always did; past it every later call on the
    // box gave up at once, and the barrier took each of them over, seconds a run at 8 x 8.)
    const std::size_t keep = std::max(limit / 2, seeds_) - seeds_;
    pool_.erase(pool_.begin() + static_cast<std::ptrdiff_t>(seeds_),
                pool_.end() - static_cast<std::ptrdiff_t>(std::min(keep, pool_.size() - seeds_)));
  }
  auto h = [&](std::size_t i, const Vector& u) {
    const auto ii = static_cast<Index>(i);
    return (u(lead[i]) - c(ii)) / s(ii);
  };
  Eigen::VectorXd column(rows);
  // The smoothing's centre ȳ and its bound on the optimum.
  Eigen::VectorXd center, smoothed;
  std::vector<double> smooth_weights(agents.size());
  double center_bound = kInf;
  double least_gap = kInf;  // the least gap between the bound and the master's optimum so far
  int since_least = 0;      // iterations since it last fell by a tenth
  bool stalled = false;     // tailed off within kStallGap
  // The master's program: t' is its column t_column (after the texts then in the pool), and
  // the pool's first in_program texts are in it.
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::size_t t_column = kNone, in_program = 0;
  // Text j's variable in the program (t' sits before the texts that joined after it).
  auto variable = [&](std::size_t j) { return static_cast<Index>(j < t_column ? j : j + 1); };
  // The pricing weights of duals d (lead and floor rows), as below for y.
  auto weights_at = [&](const Eigen::VectorXd& d, std::vector<double>& w) {
    for (std::size_t i = 0; i < n_lead; ++i)
      w[i] = std::max(d(static_cast<Index>(i)), 0.0) / s(static_cast<Index>(i));
    for (std::size_t f = 0; f < n_floor; ++f)
      w[n_lead + f] = std::max(-d(static_cast<Index>(n_lead + f)), 0.0);
  };
  // Duals d with π_i = max(d_i, 0) on the lead rows and ρ_f = max(−d_f, 0) on the floors bound
  // the optimum by max_x Σ π_i h_i(x) + Σ ρ_f (u_f(x) − floor_f), over Σ π_i (the Lagrangian
  // relaxation, normalised so that the lead weights sum to 1); u are the utilities at the
  // maximiser. The duals of the least bound become the centre.
  auto update_center = [&](const Eigen::VectorXd& d, const Vector& u) {
    double lead_sum = 0.0, value = 0.0;
    for (std::size_t i = 0; i < n_lead; ++i) {
      const double pi = std::max(d(static_cast<Index>(i)), 0.0);
      lead_sum += pi;
      value += pi * h(i, u);
    }
    for (std::size_t f = 0; f < n_floor; ++f) {
      const auto ff = static_cast<Index>(n_lead + f);
      value += std::max(-d(ff), 0.0) * (u(floored[f]) - floor(static_cast<Index>(f)));
    }
    if (!(lead_sum > 0.0)) return;
    if (value / lead_sum < center_bound) {
      center_bound = value / lead_sum;
      center = d;
    }
  };
  for (int iteration = 0; iteration < generation_iterations(rows); ++iteration) {
    if (pool_.size() > limit) {
      if (t_column == kNone) return std::nullopt;
      // The texts out of the last basis (μ_j = 0) go, but for the seeds and those priced
      // since: the master's optimum stays, and the program starts afresh.
      const Eigen::VectorXd& mu = lp_.solution();
      std::size_t kept = seeds_;
      for (std::size_t j = seeds_; j < pool_.size(); ++j) {
        if (j >= in_program || mu(variable(j)) > 0.0) pool_[kept++] = std::move(pool_[j]);
      }
      pool_.resize(kept);
      t_column = kNone;
      if (pool_.size() > limit) return std::nullopt;
    }
    double t0 = kInf;
    for (const Column& col : pool_) {
      for (std::size_t i = 0; i < n_lead; ++i) t0 = std::min(t0, h(i, col.u));
    }
    t0 -= 1.0;
    auto add_texts = [&](std::size_t from) {
      for (std::size_t j = from; j < pool_.size(); ++j) {
        const Vector& u = pool_[j].u;
        for (std::size_t i = 0; i < n_lead; ++i) column(static_cast<Index>(i)) = -h(i, u);
        for (std::size_t f = 0; f < n_floor; ++f)
          column(static_cast<Index>(n_lead + f)) = u(floored[f]);
        column(rows - 1) = 1.0;
        lp_.add_column(0.0, column);
      }
    };
    if (!smooth || t_column == kNone) {
      lp_.reset(rows);
      lp_.set_rule(smooth ? SmallLp::Rule::dantzig : SmallLp::Rule::bland);
      for (std::size_t i = 0; i < n_lead; ++i)
        lp_.set_row(static_cast<Index>(i), SmallLp::Sense::le, -t0);
      for (std::size_t f = 0; f < n_floor; ++f)
        lp_.set_row(static_cast<Index>(n_lead + f), SmallLp::Sense::ge,
                    floor(static_cast<Index>(f)));
      lp_.set_row(rows - 1, SmallLp::Sense::eq, 1.0);
      add_texts(0);
      column.setZero();
      column.head(static_cast<Index>(n_lead)).setOnes();
      lp_.add_column(1.0, column);
      t_column = pool_.size();
    } else {
      // Large masters keep their program: the texts priced since join it, t0's shift moves
      // the lead rows' right-hand sides (t' absorbs it, so the last basis stays feasible), and
      // SmallLp warm-starts from the last optimal basis.
      for (std::size_t i = 0; i < n_lead; ++i)
        lp_.set_row(static_cast<Index>(i), SmallLp::Sense::le, -t0);
      add_texts(in_program);
    }
    in_program = pool_.size();
    if (lp_.solve() != SmallLp::Status::optimal) return std::nullopt;
    if (smooth) {
      // Tailing off: a gap between the bound and the master's optimum that has not fallen by
      // a tenth in kStallIterations iterations will not close (the master's programs have
      // become too degenerate for the simplex's tolerances). The fallback takes over, unless
      // the gap is within kStallGap: the master's text is then that close to the optimum,
      // closer than the barrier would come (a 31-player Kalai–Smorodinsky aspiration stalled
      // at 6.5e-12 and the barrier took 8 s over it). (Halving was asked before: at 32
      // players and 32 issues the gap still fell steadily, by 0.55 in 30 iterations, and the
      // barrier it handed over to cost seconds a call.)
      const double gap = center_bound - (lp_.value() + t0);
      if (gap < 0.9 * least_gap) {
        least_gap = gap;
        since_least = 0;
      } else if (++since_least >= kStallIterations) {
        if (!(gap <= kStallGap)) return std::nullopt;
        stalled = true;
      }
    }

    const Eigen::VectorXd& mu = lp_.solution();
    const Eigen::VectorXd& y = lp_.duals();
    Vector mixed = Vector::Zero(p_.issues());
    for (std::size_t j = 0; j < pool_.size(); ++j) mixed += mu(variable(j)) * pool_[j].x;
    mixed = mixed.max(box_.lo).min(box_.hi);
    if (stalled) return mixed;
    // Pricing: the weights are y_i / s_i on the lead players and -y_f on the floored ones.
    double offset = y(rows - 1);
    for (std::size_t i = 0; i < n_lead; ++i) {
      const auto ii = static_cast<Index>(i);
      weights[i] = std::max(y(ii), 0.0) / s(ii);
      offset += std::max(y(ii), 0.0) * c(ii) / s(ii);
    }
    for (std::size_t f = 0; f < n_floor; ++f)
      weights[n_lead + f] = std::max(-y(static_cast<Index>(n_lead + f)), 0.0);
    if (smooth) {
      // Large masters: price first at the smoothed duals α ȳ + (1 − α) y (Wentges 1997), ȳ the
      // duals of the best bound so far; a text that prices out under y joins the master. A
      // mispricing falls through to the exact pricing at y, whose test ends the generation as
      // for small masters.
      if (center.size() != 0) {
        smoothed = kSmoothing * center + (1.0 - kSmoothing) * y.head(rows - 1);
        weights_at(smoothed, smooth_weights);
        weighted_argmax(agents, smooth_weights, x);
        add_column(x);
        const Vector& u = pool_.back().u;
        update_center(smoothed, u);
        if (center_bound - (lp_.value() + t0) <= kGenerationTolerance) {
          pool_.pop_back();
          return mixed;  // the bound meets the master's optimum
        }
        double reduced = -offset;
        for (std::size_t j = 0; j < agents.size(); ++j) reduced += weights[j] * u(agents[j]);
        if (reduced > kGenerationTolerance) {
          add_column(mixed);
          continue;
        }
        pool_.pop_back();
      }
    }
    weighted_argmax(agents, weights, x);
    add_column(x);
    const Vector& u = pool_.back().u;
    if (smooth) {
      update_center(y.head(rows - 1), u);
      if (center_bound - (lp_.value() + t0) <= kGenerationTolerance) {
        pool_.pop_back();
        return mixed;
      }
    }
    double reduced = -offset;
    for (std::size_t j = 0; j < agents.size(); ++j) reduced += weights[j] * u(agents[j]);
    if (reduced <= kGenerationTolerance) {
      pool_.pop_back();
      return mixed;
    }
    add_column(mixed);  // the mixture's own utilities lie above the columns' mixture
  }
  return std::nullopt;
}

std::optional<Vector> Solver::nash(const std::vector<Index>& players, const Vector& d,
                                   const Vector& alpha) {
  if (box_.empty()) return std::nullopt;
  const Vector ones = Vector::Ones(static_cast<Index>(players.size()));
  Maximin start = maximin(players, d, ones);
  if (!(start.value > 0.0)) return std::nullopt;
  Program prog;
  prog.players = players;
  prog.c = d;
  prog.s = ones;
  prog.alpha = alpha;
  double t = 0.0;
  ascend(prog, start.x, t);
  return start.x;
}

std::optional<Vector> Solver::best_for(Index leader, const std::vector<Index>& players,
                                       const Vector& c) {
  if (box_.empty()) return std::nullopt;
  std::vector<Index> others;
  std::vector<double> thresholds;
  for (std::size_t j = 0; j < players.size(); ++j) {
    if (players[j] == leader) continue;
    others.push_back(players[j]);
    thresholds.push_back(c(static_cast<Index>(j)));
  }
  Vector floor(static_cast<Index>(others.size()));
  for (std::size_t j = 0; j < others.size(); ++j) floor(static_cast<Index>(j)) = thresholds[j];
  std::optional<Maximin> feasible;
  if (others.size() >= 2 && generation_) {
    // Whether any text meets every floor, and one that does: the maximin of the others.
    feasible = maximin(others, floor, Vector::Ones(static_cast<Index>(others.size())));
    if (feasible->value < -kGenerationTolerance) return std::nullopt;
    add_column(feasible->x);
    if (const auto x = generate({leader}, Vector::Zero(1), Vector::Ones(1), others, floor)) {
      last_generated_ = true;
      return x;
    }
  }
  last_generated_ = false;
  if (others.size() > kNestedLimit) {
    if (!feasible)
      feasible = maximin(others, floor, Vector::Ones(static_cast<Index>(others.size())));
    if (feasible->value < -kGenerationTolerance) return std::nullopt;
    return level_best(leader, others, floor, feasible->x);
  }
  return constrained_best({leader}, {1.0}, others, thresholds, others.size());
}

Vector Solver::level_best(Index leader, const std::vector<Index>& others, const Vector& floor,
                          Vector x) {
  // The leader's utility level v is attainable with every floor met iff the maximin of the
  // slacks (u_L − v, u_j − c_j) is at least 0, which falls as v rises: bisect v between the
  // level of x (a text that meets the floors) and the leader's best over the box.
  std::vector<Index> players = {leader};
  players.insert(players.end(), others.begin(), others.end());
  Vector c(static_cast<Index>(players.size()));
  c.tail(static_cast<Index>(others.size())) = floor;
  const Vector ones = Vector::Ones(c.size());
  Vector top;
  weighted_argmax({leader}, {1.0}, top);
  double lo = model::utility(p_, leader, x);
  double hi = model::utility(p_, leader, top);
  for (int step = 0; step < kOuterBisections && hi - lo > kGenerationTolerance; ++step) {
    c(0) = 0.5 * (lo + hi);
    const Maximin m = maximin(players, c, ones);
    if (m.value >= 0.0) {
      lo = c(0);
      x = m.x;
    } else {
      hi = c(0);
    }
  }
  return x;
}

std::optional<Vector> Solver::constrained_best(std::vector<Index> lead, std::vector<double> weights,
                                               const std::vector<Index>& constrained,
                                               const std::vector<double>& floor, std::size_t m) {
  if (m == 0) {
    Vector x;
    weighted_argmax(lead, weights, x);
    return x;
  }
  // Lagrange on the last constraint b: maximise (1 - θ) Σ lead + θ u_b under the others.
  // u_b at the optimum grows with θ, so bisect θ until u_b reaches its floor, then close
  // the last gap on the segment between the two sides (concave constraints stay met there).
  const Index b = constrained[m - 1];
  const double cb = floor[m - 1];
  const std::vector<double> base = weights;
  lead.push_back(b);
  weights.push_back(0.0);
  auto solve = [&](double theta) {
    for (std::size_t j = 0; j + 1 < weights.size(); ++j) weights[j] = (1.0 - theta) * base[j];
    weights.back() = theta;
    return constrained_best(lead, weights, constrained, floor, m - 1);
  };
  auto gap = [&](const Vector& x) { return model::utility(p_, b, x) - cb; };
  std::optional<Vector> lo = solve(0.0);
  if (!lo) return std::nullopt;
  if (gap(*lo) >= 0.0) return lo;
  std::optional<Vector> hi = solve(1.0);
  if (!hi || gap(*hi) < 0.0) return std::nullopt;
  return bisect_frontier([&](double theta) { return *solve(theta); },
                         [&](const Vector& x) { return gap(x) >= 0.0; }, std::move(*lo),
                         std::move(*hi));
}

std::optional<Solver::KalaiSmorodinsky> Solver::kalai_smorodinsky(const std::vector<Index>& players,
                                                                  const Vector& d) {
  if (box_.empty()) return std::nullopt;
  const auto n = static_cast<Index>(players.size());
  KalaiSmorodinsky ks;
  ks.aspiration.resize(n);
  for (Index j = 0; j < n; ++j) {
    const auto best = best_for(players[static_cast<std::size_t>(j)], players, d);
    if (!best) return std::nullopt;
    ks.aspiration(j) = model::utility(p_, players[static_cast<std::size_t>(j)], *best);
  }
  const Vector span = (ks.aspiration - d).max(1e-300);
  const Maximin m = maximin(players, d, span);
  if (!(m.value > 0.0)) return std::nullopt;
  // On to the Pareto frontier without lowering anyone's normalised gain below the
  // maximin level: the Nash point of the problem whose disagreement is that level.
  const Vector floor = d + (m.value - 1e-9) * span;
  const auto pareto = nash(players, floor, Vector::Ones(n));
  ks.x = pareto ? *pareto : m.x;
  return ks;
}

}  // namespace parley::protocol

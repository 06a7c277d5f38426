#include "parley/protocol/solve/pie_solver.hpp"

#include <algorithm>
#include <limits>

namespace parley::protocol {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The smallest τ with Σ_i clamp(a_i + b_i τ, lo_i, hi_i) = budget (b_i > 0), given
// Σ lo_i <= budget <= Σ hi_i. The sum is piecewise linear and non-decreasing in τ, with
// breakpoints where a share meets a bound: walk them, then interpolate on the last piece.
double fill(const Vector& a, const Vector& b, const Vector& lo, const Vector& hi, double budget) {
  auto total = [&](double tau) { return (a + b * tau).max(lo).min(hi).sum(); };
  std::vector<double> points;
  for (Index i = 0; i < a.size(); ++i) {
    if (b(i) <= 0.0) continue;  // a share that does not move
    points.push_back((lo(i) - a(i)) / b(i));
    points.push_back((hi(i) - a(i)) / b(i));
  }
  if (points.empty()) return 0.0;
  std::sort(points.begin(), points.end());
  double left = points.front();
  if (total(left) >= budget) return left;
  for (double right : points) {
    const double at_right = total(right);
    if (at_right >= budget) {
      const double at_left = total(left);
      return at_right > at_left ? left + (right - left) * (budget - at_left) / (at_right - at_left)
                                : right;
    }
    left = right;
  }
  return points.back();
}

}  // namespace

PieSolver::PieSolver(const Setting& setting, const model::Preferences& p, const TextBox& box)
    : setting_(setting), p_(p), box_(box) {}

bool PieSolver::applies(const std::vector<Index>& players) const {
  if (!setting_.pie || players.empty()) return false;
  return std::all_of(players.begin(), players.end(), [&](Index i) {
    return setting_.is_party[static_cast<std::size_t>(i)] &&
           static_cast<std::size_t>(i) < setting_.own_share.size();
  });
}

double PieSolver::budget(const std::vector<Index>& players) const {
  double rest = 1.0;
  for (Index k = 0; k < p_.issues(); ++k) {
    if (std::none_of(players.begin(), players.end(), [&](Index i) { return share(i) == k; }))
      rest -= box_.lo(k);
  }
  return rest;
}

Vector PieSolver::text(const std::vector<Index>& players, const Vector& x) const {
  Vector out = box_.lo;
  for (std::size_t j = 0; j < players.size(); ++j)
    out(share(players[j])) = x(static_cast<Index>(j));
  return out;
}

void PieSolver::bounds(const std::vector<Index>& players, Vector& lo, Vector& hi) const {
  const auto n = static_cast<Index>(players.size());
  lo.resize(n);
  hi.resize(n);
  for (Index j = 0; j < n; ++j) {
    lo(j) = box_.lo(share(players[static_cast<std::size_t>(j)]));
    hi(j) = box_.hi(share(players[static_cast<std::size_t>(j)]));
  }
}

Solver::Maximin PieSolver::maximin(const std::vector<Index>& players, const Vector& c,
                                   const Vector& s) const {
  Vector lo, hi;
  bounds(players, lo, hi);
  const double room = budget(players);
  if (box_.empty() || lo.sum() > room) return {-kInf, 0.5 * (box_.lo + box_.hi)};
  // The caps bound t; within them the budget may bind first.
  const double cap = ((hi - c) / s).minCoeff();
  double t = cap;
  if ((c + s * cap).max(lo).min(hi).sum() > room) t = fill(c, s, lo, hi, room);
  const Vector x = text(players, (c + s * t).max(lo).min(hi));
  return {least_slack(p_, players, c, s, x), x};
}

std::optional<Vector> PieSolver::nash(const std::vector<Index>& players, const Vector& d,
                                      const Vector& alpha) const {
  const auto n = static_cast<Index>(players.size());
  if (!(maximin(players, d, Vector::Ones(n)).value > 0.0)) return std::nullopt;
  Vector lo, hi;
  bounds(players, lo, hi);
  const double room = budget(players);
  if (hi.sum() <= room) return text(players, hi);
  const double tau = fill(d, alpha, lo, hi, room);
  return text(players, (d + alpha * tau).max(lo).min(hi));
}

std::optional<Vector> PieSolver::best_for(Index leader, const std::vector<Index>& players,
                                          const Vector& c) const {
  const auto n = static_cast<Index>(players.size());
  Vector x(n);
  double rest = budget(players);
  Index lead = -1;
  for (Index j = 0; j < n; ++j) {
    const Index i = players[static_cast<std::size_t>(j)];
    const Index k = share(i);
    if (i == leader) {
      lead = j;
      continue;
    }
    x(j) = std::max(c(j), box_.lo(k));
    if (x(j) > box_.hi(k)) return std::nullopt;
    rest -= x(j);
  }
  if (lead < 0) return std::nullopt;
  const Index k = share(leader);
  if (rest < box_.lo(k) - 1e-12) return std::nullopt;  // (rounding aside)
  x(lead) = std::clamp(rest, box_.lo(k), box_.hi(k));
  return text(players, x);
}

std::optional<Solver::KalaiSmorodinsky> PieSolver::kalai_smorodinsky(
    const std::vector<Index>& players, const Vector& d) const {
  const auto n = static_cast<Index>(players.size());
  Solver::KalaiSmorodinsky ks;
  ks.aspiration.resize(n);
  for (Index j = 0; j < n; ++j) {
    const Index i = players[static_cast<std::size_t>(j)];
    const auto best = best_for(i, players, d);
    if (!best) return std::nullopt;
    ks.aspiration(j) = model::utility(p_, i, *best);
  }
  const Vector span = (ks.aspiration - d).max(1e-300);
  const Solver::Maximin m = maximin(players, d, span);
  if (!(m.value > 0.0)) return std::nullopt;
  ks.x = m.x;
  return ks;
}

}  // namespace parley::protocol

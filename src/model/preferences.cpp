#include "parley/model/preferences.hpp"

#include <algorithm>
#include <cmath>

namespace parley::model {

void Preferences::resize(Index agents, Index issues) {
  ideal.setZero(agents, issues);
  weight.setZero(agents, issues);
  red_lo.setZero(agents, issues);
  red_hi.setOnes(agents, issues);
  shape.setConstant(agents, issues, static_cast<std::int8_t>(Shape::linear));
  piecewise_index.setConstant(agents, issues, -1);
}

const PiecewiseLinear* Preferences::points(Index agent, Index issue) const noexcept {
  if (static_cast<Shape>(shape(agent, issue)) != Shape::piecewise) return nullptr;
  return &piecewise[static_cast<std::size_t>(piecewise_index(agent, issue))];
}

double Preferences::value(Index agent, Index issue, double x) const noexcept {
  return shaped_value(static_cast<Shape>(shape(agent, issue)), ideal(agent, issue),
                      points(agent, issue), x);
}

double Preferences::slope(Index agent, Index issue, double x) const noexcept {
  const double a = ideal(agent, issue);
  switch (static_cast<Shape>(shape(agent, issue))) {
    case Shape::linear:
      return x < a ? 1.0 : (x > a ? -1.0 : 0.0);
    case Shape::quadratic:
      return 2.0 * (a - x);
    case Shape::piecewise:
      break;
  }
  return piecewise[static_cast<std::size_t>(piecewise_index(agent, issue))].slope(x);
}

void values(const Preferences& p, const Vector& x, Matrix& out) {
  // Linear and quadratic shapes for all agents at once; piecewise entries patched after.
  // In place, so that evaluating utilities allocates nothing: out = |a - x|, then v.
  static_assert(kShapes == 3, "values(): give a new shape its own case here");
  out.resize(p.agents(), p.issues());
  out = (p.ideal.rowwise() - x.transpose()).abs();
  out =
      (p.shape == static_cast<std::int8_t>(Shape::quadratic)).select(1.0 - out.square(), 1.0 - out);
  if (p.piecewise.empty()) return;
  for (Index i = 0; i < p.agents(); ++i) {
    for (Index k = 0; k < p.issues(); ++k) {
      if (p.piecewise_index(i, k) >= 0) out(i, k) = p.value(i, k, x(k));
    }
  }
}

void utilities(const Preferences& p, const Vector& x, Matrix& work, Vector& u) {
  if (p.mean) {
    u.resize(p.agents());
    for (Index i = 0; i < p.agents(); ++i) u(i) = utility(p, i, x);
    return;
  }
  values(p, x, work);
  u = (p.weight * work).rowwise().sum();
}

double utility(const Preferences& p, Index agent, const Vector& x) {
  if (p.mean) {
    // The mean of the agent's values of the clauses in the text.
    double sum = 0.0;
    int in = 0;
    for (Index k = 0; k < p.issues(); ++k) {
      if (x(k) < 0.5) continue;
      sum += p.value(agent, k, x(k));
      ++in;
    }
    return in > 0 ? sum / in : 0.0;
  }
  double u = 0.0;
  for (Index k = 0; k < p.issues(); ++k) u += p.weight(agent, k) * p.value(agent, k, x(k));
  return u;
}

double issue_red_line_excess(const Preferences& p, Index agent, Index k, double xk) {
  return std::max({0.0, p.red_lo(agent, k) - xk, xk - p.red_hi(agent, k)});
}

double issue_loss(const Preferences& p, Index agent, Index k, double xk) {
  return p.weight(agent, k) * (1.0 - p.value(agent, k, xk));
}

double red_line_excess(const Preferences& p, Index agent, const Vector& x) {
  double excess = 0.0;
  for (Index k = 0; k < p.issues(); ++k) excess += issue_red_line_excess(p, agent, k, x(k));
  return excess;
}

double best_utility_in_box(const Preferences& p, Index agent, const Vector& lo, const Vector& hi) {
  double u = 0.0;
  for (Index k = 0; k < p.issues(); ++k) {
    double best;
    if (p.piecewise_index(agent, k) >= 0) {
      best =
          p.piecewise[static_cast<std::size_t>(p.piecewise_index(agent, k))].max_on(lo(k), hi(k));
    } else {
      // Single-peaked at the ideal: the point of the interval nearest to it.
      best = p.value(agent, k, std::clamp(p.ideal(agent, k), lo(k), hi(k)));
    }
    u += p.weight(agent, k) * best;
  }
  return u;
}

Index principal_obstacle(const Preferences& p, Index agent, const Vector& x) {
  Index worst_red = -1;
  double worst_excess = 0.0;
  Index worst_loss = 0;
  double largest_loss = -1.0;
  for (Index k = 0; k < p.issues(); ++k) {
    const double excess = issue_red_line_excess(p, agent, k, x(k));
    if (excess > worst_excess) {
      worst_excess = excess;
      worst_red = k;
    }
    const double loss = issue_loss(p, agent, k, x(k));
    if (loss > largest_loss) {
      largest_loss = loss;
      worst_loss = k;
    }
  }
  if (worst_red < 0 && p.mean) {
    // Under the mean, the clause in the text that pulls the agent's mean down most.
    Index lowest = -1;
    for (Index k = 0; k < p.issues(); ++k) {
      if (x(k) >= 0.5 &&
          (lowest < 0 || p.value(agent, k, x(k)) < p.value(agent, lowest, x(lowest))))
        lowest = k;
    }
    if (lowest >= 0) return lowest;
  }
  return worst_red >= 0 ? worst_red : worst_loss;
}

}  // namespace parley::model

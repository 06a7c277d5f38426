#include "parley/protocol/side_payment.hpp"

#include <algorithm>

#include "parley/model/preferences.hpp"
#include "parley/protocol/solve/nash_objective.hpp"

namespace parley::protocol {
namespace {

// s_i at the price λ of a unit (docs/model.md, "Side payments").
double payment_at(double theta, double gain, double value, double price) {
  if (theta <= 0.0 || value <= 0.0) return 0.0;
  const double target = theta * value / price;  // the gain at which θ v φ'(gain) = λ
  if (target < NashObjective::kLinearBelow) return 0.0;
  return std::max(0.0, target - gain) / value;
}

double total_at(const Vector& theta, const Vector& gain, const Vector& value, double price) {
  double total = 0.0;
  for (Index i = 0; i < theta.size(); ++i) total += payment_at(theta(i), gain(i), value(i), price);
  return total;
}

}  // namespace

void water_fill(const Vector& theta, const Vector& gain, const Vector& value, double unit_cost,
                double budget, Vector& s) {
  s.setZero(theta.size());
  if (budget <= 0.0) return;
  // No payment is positive at a price above max θ_i v_i / kLinearBelow: the bisection's upper end.
  double hi = 0.0;
  for (Index i = 0; i < theta.size(); ++i)
    hi = std::max(hi, 2.0 * theta(i) * value(i) / NashObjective::kLinearBelow);
  if (hi <= 0.0) return;
  double price = unit_cost;
  if (!(unit_cost > 0.0) || total_at(theta, gain, value, unit_cost) > budget) {
    double lo = std::max(unit_cost, 0.0);
    for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; ++it) {
      const double mid = 0.5 * (lo + hi);
      (total_at(theta, gain, value, mid) > budget ? lo : hi) = mid;
    }
    price = hi;  // the payments at hi fit the budget
  }
  for (Index i = 0; i < theta.size(); ++i) s(i) = payment_at(theta(i), gain(i), value(i), price);
}

void choose_payments(const Realization& r, const model::Preferences& known, const Vector& x,
                     Workspace& w) {
  const Index n = r.prefs.agents();
  model::utilities(r.prefs, x, w.values, w.payment_gain);
  w.payment_theta.setZero(n);
  double theta_total = 0.0;
  for (Index i = 0; i < n; ++i) {
    if (w.counted[static_cast<std::size_t>(i)]) theta_total += w.voice(i);
  }
  if (theta_total <= 0.0) theta_total = 1.0;
  for (Index i = 0; i < n; ++i) {
    if (!w.counted[static_cast<std::size_t>(i)]) continue;
    w.payment_theta(i) = w.voice(i) / theta_total;
    w.payment_gain(i) +=
        -model::red_line_excess(known, i, x) - w.batna_estimate(i) + NashObjective::kEpsilon;
  }
  water_fill(w.payment_theta, w.payment_gain, r.payment_value, r.mediator_stake * r.payment_cost,
             r.payment_budget, w.payment);
}

}  // namespace parley::protocol

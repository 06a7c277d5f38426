#include "parley/protocol/solve/nash_objective.hpp"

#include <algorithm>
#include <cmath>

namespace parley::protocol {

double NashObjective::phi(double g) noexcept {
  return g >= kLinearBelow ? std::log(g)
                           : std::log(kLinearBelow) + (g - kLinearBelow) / kLinearBelow;
}

double NashObjective::phi_slope(double g) noexcept {
  return g >= kLinearBelow ? 1.0 / g : 1.0 / kLinearBelow;
}

void NashObjective::pack(const model::Preferences& prefs, const std::vector<bool>& counted,
                         const Eigen::ArrayXd& theta, const Eigen::ArrayXd& estimate,
                         Index mediator, double stake) {
  prefs_ = &prefs;
  issues_ = prefs.issues();
  agent_.clear();
  double theta_total = 0.0;
  for (Index i = 0; i < prefs.agents(); ++i) {
    if (!counted[static_cast<std::size_t>(i)]) continue;
    agent_.push_back(i);
    theta_total += theta(i);
  }
  if (theta_total <= 0.0) theta_total = 1.0;
  parties_ = static_cast<Index>(agent_.size());
  mediator_ = stake > 0.0 ? mediator : -1;
  stake_ = mediator_ >= 0 ? stake : 0.0;
  const Index n = (parties_ + 1) * issues_;
  for (Eigen::ArrayXd* a : {&weight_, &ideal_, &red_lo_, &red_hi_, &slope_}) {
    if (a->size() < n) a->resize(n);
  }
  if (theta_.size() < parties_) {
    theta_.resize(parties_);
    offset_.resize(parties_);
  }
  all_linear_ = true;
  for (Index j = 0; j < parties_; ++j) {
    const Index i = agent_[static_cast<std::size_t>(j)];
    theta_(j) = theta(i) / theta_total;
    offset_(j) = kEpsilon - estimate(i);
    for (Index k = 0; k < issues_; ++k) {
      const Index e = j * issues_ + k;
      weight_(e) = prefs.weight(i, k);
      ideal_(e) = prefs.ideal(i, k);
      red_lo_(e) = prefs.red_lo(i, k);
      red_hi_(e) = prefs.red_hi(i, k);
      all_linear_ &= prefs.shape(i, k) == static_cast<std::int8_t>(model::Shape::linear);
    }
  }
  if (mediator_ >= 0) {
    for (Index k = 0; k < issues_; ++k) {
      weight_(parties_ * issues_ + k) = prefs.weight(mediator_, k);
      ideal_(parties_ * issues_ + k) = prefs.ideal(mediator_, k);
      all_linear_ &= prefs.shape(mediator_, k) == static_cast<std::int8_t>(model::Shape::linear);
    }
  }
}

double NashObjective::evaluate(const Eigen::ArrayXd& x, Eigen::ArrayXd& grad) {
  return all_linear_ ? evaluate_impl<true>(x, grad) : evaluate_impl<false>(x, grad);
}

template <bool AllLinear>
double NashObjective::evaluate_impl(const Eigen::ArrayXd& x, Eigen::ArrayXd& grad) {
  const double* xs = x.data();
  double f = 0.0;
  grad.setZero(issues_);
  for (Index j = 0; j < parties_; ++j) {
    const Index row = j * issues_;
    const double* w = weight_.data() + row;
    const double* a = ideal_.data() + row;
    const double* lo = red_lo_.data() + row;
    const double* hi = red_hi_.data() + row;
    double* d = slope_.data() + row;
    // g_j = Σ_k [w v(x_k) - excess] - r̂_j + ε; d_jk = ∂g_j/∂x_k (docs/model.md, "Mediated single
    // negotiating text").
    double g = offset_(j);
    for (Index k = 0; k < issues_; ++k) {
      const double below = std::max(lo[k] - xs[k], 0.0);
      const double above = std::max(xs[k] - hi[k], 0.0);
      double value, slope;
      if constexpr (AllLinear) {
        const double dx = xs[k] - a[k];
        value = 1.0 - std::abs(dx);  // v = 1 - |x - a|, branch-free
        slope = static_cast<double>(dx < 0.0) - static_cast<double>(dx > 0.0);
      } else {
        const Index i = agent_[static_cast<std::size_t>(j)];
        value = prefs_->value(i, k, xs[k]);
        slope = prefs_->slope(i, k, xs[k]);
      }
      g += w[k] * value - below - above;
      d[k] = w[k] * slope + static_cast<double>(xs[k] < lo[k]) - static_cast<double>(xs[k] > hi[k]);
    }
    f += theta_(j) * phi(g);
    const double c = theta_(j) * phi_slope(g);
    for (Index k = 0; k < issues_; ++k) grad(k) += c * d[k];
  }
  if (mediator_ >= 0) {
    // β u_M(x) = β Σ_k w_Mk v_Mk(x_k); its row is packed after the parties'.
    const Index row = parties_ * issues_;
    const double* w = weight_.data() + row;
    const double* a = ideal_.data() + row;
    double u = 0.0;
    for (Index k = 0; k < issues_; ++k) {
      double value, slope;
      if constexpr (AllLinear) {
        const double dx = xs[k] - a[k];
        value = 1.0 - std::abs(dx);
        slope = static_cast<double>(dx < 0.0) - static_cast<double>(dx > 0.0);
      } else {
        value = prefs_->value(mediator_, k, xs[k]);
        slope = prefs_->slope(mediator_, k, xs[k]);
      }
      u += w[k] * value;
      grad(k) += stake_ * w[k] * slope;
    }
    f += stake_ * u;
  }
  return f;
}

}  // namespace parley::protocol

#include "parley/model/concession.hpp"

#include <algorithm>
#include <cmath>

namespace parley::model {

namespace {
double elapsed(double t, double deadline) noexcept {
  return deadline <= 0.0 ? 1.0 : std::clamp(t / deadline, 0.0, 1.0);
}
}  // namespace

// Faratin et al. (1998), eq. for the polynomial family.
double polynomial_alpha(double t, double deadline, double kappa, double beta) noexcept {
  return kappa + (1.0 - kappa) * std::pow(elapsed(t, deadline), 1.0 / beta);
}

// Faratin et al. (1998), eq. for the exponential family; α(T) = exp(0 · ln κ) = 1.
double exponential_alpha(double t, double deadline, double kappa, double beta) noexcept {
  const double left = 1.0 - elapsed(t, deadline);
  if (left == 0.0) return 1.0;
  return std::exp(std::pow(left, beta) * std::log(kappa));
}

double resource_alpha(double resource, double kappa) noexcept {
  return kappa + (1.0 - kappa) * std::exp(-std::max(resource, 0.0));
}

double relative_tit_for_tat(double opponent_earlier, double opponent_later, double own_before,
                            double lo, double hi) noexcept {
  if (opponent_later == 0.0) return std::clamp(own_before, lo, hi);
  return std::clamp(opponent_earlier / opponent_later * own_before, lo, hi);
}

double absolute_tit_for_tat(double opponent_earlier, double opponent_later, double own_before,
                            double lo, double hi) noexcept {
  return std::clamp(own_before + (opponent_earlier - opponent_later), lo, hi);
}

double mixed_alpha(const std::vector<double>& weights, const std::vector<double>& alphas) {
  double total = 0.0, weighted = 0.0;
  for (std::size_t k = 0; k < weights.size() && k < alphas.size(); ++k) {
    total += weights[k];
    weighted += weights[k] * alphas[k];
  }
  return total > 0.0 ? weighted / total : 0.0;
}

}  // namespace parley::model

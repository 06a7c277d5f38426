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

double resource_alpha(double resource, double kappa) noexcept {
  return kappa + (1.0 - kappa) * std::exp(-std::max(resource, 0.0));
}

}  // namespace parley::model

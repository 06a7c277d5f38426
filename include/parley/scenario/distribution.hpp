#pragma once
// A scenario parameter: a fixed number or a distribution sampled once per run
// (docs/model.md, "Uncertainty and random numbers"). Values are in the parameter's natural units
// and always lie in its domain [lo, hi]: normals are truncated to it, betas are scaled onto it.
#include <string>

#include "parley/random/stream.hpp"
#include "parley/scenario/diagnostics.hpp"

namespace parley::scenario {

struct Distribution {
  enum class Kind { fixed, uniform, normal, beta, triangular };
  Kind kind = Kind::fixed;
  // fixed: a = value; uniform: [a, b]; normal: mean a, sd b; beta: mean a,
  // concentration b on [lo, hi]; triangular: min a, mode c, max b.
  double a = 0.0;
  double b = 0.0;
  double c = 0.0;
  double lo = 0.0;  // domain (support) of the parameter
  double hi = 0.0;

  static Distribution fixed(double value);
  bool is_fixed() const noexcept { return kind == Kind::fixed; }
  double central() const noexcept;      // mean (fixed value, midpoint...)
  double support_min() const noexcept;  // smallest value a draw can take
  double support_max() const noexcept;  // largest value a draw can take
  double sample(random::Stream& s) const noexcept;
  // The probability density of a draw at x (0 outside the support; for a fixed value, 1 at it
  // and 0 elsewhere): the prior density of calibration (docs/model.md, "Calibration").
  double density(double x) const;
  // The inverse of the distribution function at u in (0, 1): the value below which a draw
  // falls with probability u (the fixed value for a fixed one). Quasi-random designs map their
  // uniform points through it (docs/model.md, "Sensitivity").
  double quantile(double u) const;
  std::string describe() const;  // e.g. "beta(mean=0.8, kappa=20) on [0, 1]"
};

// A parameter as read: its distribution, dotted key path and location.
struct Param {
  Distribution dist;
  std::string key;
  Location where;
  double valid_lo = 0.0;  // the parameter's valid range
  double valid_hi = 0.0;
  double central() const noexcept { return dist.central(); }
};

}  // namespace parley::scenario

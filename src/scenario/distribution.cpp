#include "parley/scenario/distribution.hpp"

#include <algorithm>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <sstream>

#include "parley/random/distributions.hpp"

namespace parley::scenario {

Distribution Distribution::fixed(double value) {
  Distribution d;
  d.a = value;
  d.lo = value;
  d.hi = value;
  return d;
}

double Distribution::central() const noexcept {
  switch (kind) {
    case Kind::fixed:
      return a;
    case Kind::uniform:
      return 0.5 * (a + b);
    case Kind::normal:
      return a;  // the mean before truncation
    case Kind::beta:
      return a;
    case Kind::triangular:
      return (a + b + c) / 3.0;
  }
  return a;
}

double Distribution::support_min() const noexcept {
  return kind == Kind::fixed || kind == Kind::uniform || kind == Kind::triangular ? a : lo;
}

double Distribution::support_max() const noexcept {
  return kind == Kind::fixed ? a : (kind == Kind::uniform || kind == Kind::triangular ? b : hi);
}

double Distribution::sample(random::Stream& s) const noexcept {
  switch (kind) {
    case Kind::fixed:
      return a;
    case Kind::uniform:
      return random::uniform(s, a, b);
    case Kind::normal:
      return random::truncated_normal(s, a, b, lo, hi);
    case Kind::beta: {
      // Beta(κm, κ(1−m)) on the unit scale of [lo, hi] (docs/model.md, "Uncertainty and random
      // numbers").
      const double m = (a - lo) / (hi - lo);
      return lo + (hi - lo) * random::beta(s, b * m, b * (1.0 - m));
    }
    case Kind::triangular:
      return random::triangular(s, a, c, b);
  }
  return a;
}

double Distribution::density(double x) const {
  if (!(x >= support_min() && x <= support_max())) return 0.0;
  switch (kind) {
    case Kind::fixed:
      return 1.0;
    case Kind::uniform:
      return 1.0 / (b - a);
    case Kind::normal: {
      // Truncated to [lo, hi]: the normal density over the mass it keeps.
      const boost::math::normal_distribution<double> n(a, b);
      return boost::math::pdf(n, x) / (boost::math::cdf(n, hi) - boost::math::cdf(n, lo));
    }
    case Kind::beta: {
      const double m = (a - lo) / (hi - lo), width = hi - lo;
      const boost::math::beta_distribution<double> d(b * m, b * (1.0 - m));
      const double u = (x - lo) / width;
      // The density is unbounded at an end where a shape parameter is below 1: finite inside.
      if ((u <= 0.0 && b * m < 1.0) || (u >= 1.0 && b * (1.0 - m) < 1.0)) return 0.0;
      return boost::math::pdf(d, u) / width;
    }
    case Kind::triangular: {
      if (a == b) return 1.0;
      const boost::math::triangular_distribution<double> t(a, c, b);
      return boost::math::pdf(t, x);
    }
  }
  return 0.0;
}

double Distribution::quantile(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  switch (kind) {
    case Kind::fixed:
      return a;
    case Kind::uniform:
      return a + u * (b - a);
    case Kind::normal: {
      // Truncated to [lo, hi]: the quantile of the mass between them.
      const boost::math::normal_distribution<double> n(a, b);
      const double from = boost::math::cdf(n, lo), to = boost::math::cdf(n, hi);
      const double p = from + u * (to - from);
      if (p <= 0.0) return lo;
      if (p >= 1.0) return hi;
      return std::clamp(boost::math::quantile(n, p), lo, hi);
    }
    case Kind::beta: {
      const double m = (a - lo) / (hi - lo);
      const boost::math::beta_distribution<double> d(b * m, b * (1.0 - m));
      return lo + (hi - lo) * boost::math::quantile(d, u);
    }
    case Kind::triangular: {
      if (a == b) return a;
      const boost::math::triangular_distribution<double> t(a, c, b);
      return boost::math::quantile(t, u);
    }
  }
  return a;
}

std::string Distribution::describe() const {
  std::ostringstream out;
  out.precision(6);
  switch (kind) {
    case Kind::fixed:
      out << a;
      return out.str();
    case Kind::uniform:
      out << "uniform(" << a << ", " << b << ")";
      return out.str();
    case Kind::normal:
      out << "normal(mean=" << a << ", sd=" << b << ") on [" << lo << ", " << hi << "]";
      return out.str();
    case Kind::beta:
      out << "beta(mean=" << a << ", kappa=" << b << ") on [" << lo << ", " << hi << "]";
      return out.str();
    case Kind::triangular:
      out << "triangular(" << a << ", " << c << ", " << b << ")";
      return out.str();
  }
  return out.str();
}

}  // namespace parley::scenario

#include "parley/scenario/distribution.hpp"

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

#pragma once
// Single-issue value functions v(x) in [0, 1] on the unit scale of an issue.
// docs/model.md, "Preferences": linear 1 - |x - a|, quadratic 1 - (x - a)^2, piecewise-linear
// through given points. Linear and quadratic reach 1 at the ideal a.
#include <cstdint>
#include <vector>

namespace parley::model {

enum class Shape : std::int8_t { linear = 0, quadratic = 1, piecewise = 2 };

// v(x) by linear interpolation through (x_j, v_j), x ascending; constant beyond the ends.
struct PiecewiseLinear {
  std::vector<double> x;
  std::vector<double> v;

  double value(double at) const noexcept;
  // Slope of the segment containing `at` (right derivative; 0 beyond the ends).
  double slope(double at) const noexcept;
  // Highest value on [lo, hi]: at an end or a breakpoint inside.
  double max_on(double lo, double hi) const noexcept;
  // The first point of highest value: the ideal of this shape.
  double argmax() const noexcept;
};

inline double linear_value(double x, double ideal) noexcept {
  const double d = x - ideal;
  return 1.0 - (d < 0 ? -d : d);
}
inline double quadratic_value(double x, double ideal) noexcept {
  const double d = x - ideal;
  return 1.0 - d * d;
}

}  // namespace parley::model

#pragma once
// Single-issue value functions v(x) in [0, 1] on the unit scale of an issue.
// docs/model.md, "Preferences": linear 1 - |x - a|, quadratic 1 - (x - a)^2, piecewise-linear
// through given points. Linear and quadratic reach 1 at the ideal a.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley::model {

// The shape of an agent's value function on one issue (docs/model.md, "Preferences"):
//   linear     v(x) = 1 - |x - a|      concave, one kink at the ideal a
//   quadratic  v(x) = 1 - (x - a)^2    concave, smooth
//   piecewise  linear through points   kinks at its points; concave or not
// What the solvers assume of a shape: v is continuous and piecewise smooth on [0, 1], and
// its one-sided slopes exist everywhere (Preferences::slope, the solver's right_slope and
// left_slope); the exact one-dimensional solvers also need the kinks listed (linear: the
// ideal, piecewise: its points) and the derivative affine between kinks. Every dispatch on a
// shape is a switch without a default, so a shape added here and not handled there fails to
// compile (-Werror=switch); the vectorised paths that cannot switch check kShapes.
enum class Shape : std::int8_t { linear = 0, quadratic = 1, piecewise = 2 };
inline constexpr int kShapes = 3;

// The scenario-file name of a shape given by name ("linear", "quadratic"; a piecewise shape
// is given by its points), and back.
const char* shape_name(Shape shape) noexcept;
std::optional<Shape> named_shape(const std::string& name) noexcept;

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
// v(x) of a shape: linear or quadratic about `ideal`, or piecewise through `points` (read only
// for that shape).
inline double shaped_value(Shape shape, double ideal, const PiecewiseLinear* points,
                           double x) noexcept {
  switch (shape) {
    case Shape::linear:
      return linear_value(x, ideal);
    case Shape::quadratic:
      return quadratic_value(x, ideal);
    case Shape::piecewise:
      break;
  }
  return points->value(x);
}

}  // namespace parley::model

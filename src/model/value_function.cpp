#include "parley/model/value_function.hpp"

#include <algorithm>
#include <cstddef>

namespace parley::model {

double PiecewiseLinear::value(double at) const noexcept {
  if (at <= x.front()) return v.front();
  if (at >= x.back()) return v.back();
  const auto it = std::upper_bound(x.begin(), x.end(), at);
  const auto j = static_cast<std::size_t>(it - x.begin());
  const double t = (at - x[j - 1]) / (x[j] - x[j - 1]);
  return v[j - 1] + t * (v[j] - v[j - 1]);
}

double PiecewiseLinear::slope(double at) const noexcept {
  if (at < x.front() || at >= x.back()) return 0.0;
  const auto it = std::upper_bound(x.begin(), x.end(), at);
  const auto j = static_cast<std::size_t>(it - x.begin());
  return (v[j] - v[j - 1]) / (x[j] - x[j - 1]);
}

double PiecewiseLinear::max_on(double lo, double hi) const noexcept {
  double best = std::max(value(lo), value(hi));
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (x[j] > lo && x[j] < hi) best = std::max(best, v[j]);
  }
  return best;
}

double PiecewiseLinear::argmax() const noexcept {
  const auto it = std::max_element(v.begin(), v.end());
  return x[static_cast<std::size_t>(it - v.begin())];
}

const char* shape_name(Shape shape) noexcept {
  switch (shape) {
    case Shape::linear:
      return "linear";
    case Shape::quadratic:
      return "quadratic";
    case Shape::piecewise:
      return "piecewise";
  }
  return "?";
}

std::optional<Shape> named_shape(const std::string& name) noexcept {
  for (const Shape shape : {Shape::linear, Shape::quadratic}) {
    if (name == shape_name(shape)) return shape;
  }
  return std::nullopt;
}

}  // namespace parley::model

#pragma once
// A vector written out in a test: vec({0.1, 0.2}).
#include <initializer_list>

#include "parley/model/preferences.hpp"

namespace parley::test {

inline model::Vector vec(std::initializer_list<double> v) {
  model::Vector out(static_cast<model::Index>(v.size()));
  model::Index k = 0;
  for (double x : v) out(k++) = x;
  return out;
}

}  // namespace parley::test

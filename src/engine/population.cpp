#include "parley/engine/population.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace parley::engine {

std::uint64_t most_particles(const std::vector<std::string>& keys) {
  std::uint64_t header = 1;
  for (const auto& k : keys) header += k.size() + 1;
  const std::uint64_t row = 25 * (static_cast<std::uint64_t>(keys.size()) + 1);
  return header >= kMostPopulationBytes ? 0 : (kMostPopulationBytes - header) / row;
}

PopulationDraws::PopulationDraws(Population population) : population_(std::move(population)) {
  const std::size_t n = population_.size(), p = population_.parameters.size();
  if (n == 0 || p == 0) throw std::invalid_argument("the population holds no particle");
  if (population_.particles.size() != n * p)
    throw std::invalid_argument("the population's particles and weights disagree in number");
  double sum = 0.0;
  for (const double w : population_.weights) {
    if (!(w >= 0.0) || !std::isfinite(w))
      throw std::invalid_argument("a particle's weight is negative or not finite");
    sum += w;
  }
  if (!(sum > 0.0)) throw std::invalid_argument("every particle's weight is 0");
  cumulative_.resize(n);
  double acc = 0.0;
  for (std::size_t j = 0; j < n; ++j) cumulative_[j] = (acc += population_.weights[j] / sum);
}

void PopulationDraws::draw(random::Stream& stream, double* theta) const {
  const std::size_t n = population_.size(), p = population_.parameters.size();
  // The first j with u < C_j: P(j) = C_j − C_{j−1} = w_j (a particle of weight 0 is never
  // drawn; the last one takes what rounding leaves of C_n below 1).
  const double u = stream.uniform();
  const auto at = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  std::size_t j = std::min<std::size_t>(static_cast<std::size_t>(at - cumulative_.begin()), n - 1);
  while (population_.weights[j] == 0.0 && j > 0) --j;
  std::copy(population_.particles.data() + j * p, population_.particles.data() + (j + 1) * p,
            theta);
}

}  // namespace parley::engine

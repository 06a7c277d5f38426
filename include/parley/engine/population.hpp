#pragma once
// A calibrated population of parameter values (the last generation of `parley calibrate`) and
// the posterior draws made from it (docs/model.md, "Calibration", "Posterior runs").
//
// A run's parameters are a particle of the population, drawn by its weight (the weighted
// bootstrap of the ABC posterior sample), exactly as it was calibrated: every particle lies
// within the final tolerance of the observations, and so does every draw. A kernel that jitters
// the particles (Liu & West 2001) would move runs out of the region the observations allow
// (240 of 10,000 deterministic runs of a test scenario calibrated to "no deal" made one).
#include <cstdint>
#include <string>
#include <vector>

#include "parley/random/stream.hpp"

namespace parley::engine {

struct Population {
  std::vector<std::string> parameters;  // scenario keys, in the sampler's factor order
  std::vector<double> particles;        // [particle, parameter], natural units
  std::vector<double> weights;          // [particle], summing to 1
  std::size_t size() const noexcept { return weights.size(); }
  bool operator==(const Population&) const = default;
};

// Posterior runs store their population whole, as text, in the runs file (one line of keys, then
// a line per particle: its weight and values at %.17g, at most 25 bytes a number with its
// separator), in an attribute of at most kMostPopulationBytes, the bound every reader holds a
// text to. The most particles of `keys` that fit: what calibrate may make and run may store.
inline constexpr std::uint64_t kMostPopulationBytes = std::uint64_t{1} << 26;  // 64 MiB
std::uint64_t most_particles(const std::vector<std::string>& keys);

class PopulationDraws {
 public:
  // Throws std::invalid_argument when the population is empty, its sizes disagree, or a weight
  // is negative or not finite, or every weight is 0.
  explicit PopulationDraws(Population population);

  const Population& population() const noexcept { return population_; }
  // The parameters of one run: particle j with probability w_j (one uniform from `stream`),
  // its p values into theta.
  void draw(random::Stream& stream, double* theta) const;

 private:
  Population population_;
  std::vector<double> cumulative_;
};

}  // namespace parley::engine

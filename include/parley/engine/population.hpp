#pragma once
// A calibrated population of parameter values (the last generation of `parley calibrate`) and
// the posterior draws made from it (docs/model.md, "Calibration", "Posterior runs").
//
// A run's parameters are drawn by a Gaussian kernel density over the weighted particles, with
// the shrinkage of Liu & West (2001, "Combined parameter and state estimation in
// simulation-based filtering", eq. 3.9 and section 3.3) that keeps the population's weighted
// mean m and covariance Σ exactly:
//   θ = a θ_j + (1 − a) m + h L z,   j ~ w,  z ~ N(0, I),  L Lᵀ = Σ,  h² = 1 − a²,
// with their discount factor δ = 0.98 (they recommend 0.95 to 0.99): a = (3δ − 1) / (2δ), so
// h ≈ 0.14 and each draw stays near its particle. A draw outside the prior's support is drawn
// again (the prior is zero there, so the posterior is too).
#include <Eigen/Core>
#include <cstdint>
#include <functional>
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

class PopulationKernel {
 public:
  // `inside(theta)`: whether a point is in the prior's support. Throws std::invalid_argument
  // when the population is empty, its sizes disagree, or a weight is negative or not finite.
  PopulationKernel(Population population, std::function<bool(const double*)> inside);

  const Population& population() const noexcept { return population_; }
  static constexpr double kDiscount = 0.98;  // δ of Liu & West (2001)
  double bandwidth() const noexcept { return h_; }
  double effective_size() const noexcept { return n_eff_; }
  // The parameters of one run, drawn from `stream`; p values into theta.
  void draw(random::Stream& stream, double* theta) const;

 private:
  Population population_;
  std::function<bool(const double*)> inside_;
  std::vector<double> cumulative_;
  Eigen::VectorXd mean_;
  Eigen::MatrixXd lower_;
  double h_ = 0.0, a_ = 1.0, n_eff_ = 0.0;
};

}  // namespace parley::engine

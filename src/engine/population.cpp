#include "parley/engine/population.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "parley/random/distributions.hpp"

namespace parley::engine {

PopulationKernel::PopulationKernel(Population population, std::function<bool(const double*)> inside)
    : population_(std::move(population)), inside_(std::move(inside)) {
  const std::size_t n = population_.size(), p = population_.parameters.size();
  if (n == 0 || p == 0) throw std::invalid_argument("the population holds no particle");
  if (population_.particles.size() != n * p)
    throw std::invalid_argument("the population's particles and weights disagree in number");
  double sum = 0.0, squares = 0.0;
  for (const double w : population_.weights) {
    if (!(w >= 0.0) || !std::isfinite(w))
      throw std::invalid_argument("a particle's weight is negative or not finite");
    sum += w;
  }
  if (!(sum > 0.0)) throw std::invalid_argument("every particle's weight is 0");
  cumulative_.resize(n);
  double acc = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    const double w = population_.weights[j] / sum;
    cumulative_[j] = (acc += w);
    squares += w * w;
  }
  n_eff_ = 1.0 / squares;
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const RowMajor> theta(population_.particles.data(), static_cast<Eigen::Index>(n),
                                         static_cast<Eigen::Index>(p));
  const Eigen::VectorXd w =
      Eigen::Map<const Eigen::VectorXd>(population_.weights.data(), static_cast<Eigen::Index>(n)) /
      sum;
  mean_ = theta.transpose() * w;
  const Eigen::MatrixXd centred = theta.rowwise() - mean_.transpose();
  Eigen::MatrixXd cov = centred.transpose() * w.asDiagonal() * centred;
  // A parameter that does not vary in the population keeps its value: a zero row of L.
  Eigen::LDLT<Eigen::MatrixXd> ldlt(cov);
  // L with L Lᵀ = Σ from the pivoted LDLᵀ (Σ may be singular): L = Pᵀ L_D √D.
  const Eigen::VectorXd d = ldlt.vectorD().cwiseMax(0.0).cwiseSqrt();
  Eigen::MatrixXd l = ldlt.matrixL();
  l = ldlt.transpositionsP().transpose() * l;
  lower_ = l * d.asDiagonal();
  a_ = (3.0 * kDiscount - 1.0) / (2.0 * kDiscount);
  h_ = std::sqrt(1.0 - a_ * a_);
}

void PopulationKernel::draw(random::Stream& stream, double* theta) const {
  const std::size_t n = population_.size(), p = population_.parameters.size();
  Eigen::Map<Eigen::VectorXd> out(theta, static_cast<Eigen::Index>(p));
  Eigen::VectorXd z(static_cast<Eigen::Index>(p));
  std::size_t j = 0;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const double u = stream.uniform();
    j = std::min<std::size_t>(
        static_cast<std::size_t>(std::lower_bound(cumulative_.begin(), cumulative_.end(), u) -
                                 cumulative_.begin()),
        n - 1);
    for (std::size_t f = 0; f < p; ++f)
      z(static_cast<Eigen::Index>(f)) = random::standard_normal(stream);
    const Eigen::Map<const Eigen::VectorXd> at(population_.particles.data() + j * p,
                                               static_cast<Eigen::Index>(p));
    out = a_ * at + (1.0 - a_) * mean_ + h_ * (lower_ * z);
    if (inside_(theta)) return;
  }
  // Nearly all of the kernel's mass outside the support: the particle itself (which is inside).
  std::copy(population_.particles.data() + j * p, population_.particles.data() + (j + 1) * p,
            theta);
}

}  // namespace parley::engine

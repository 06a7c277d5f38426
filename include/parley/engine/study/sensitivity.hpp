#pragma once
// Which sampled parameters drive agreement and the deal terms: Spearman rank
// correlations (with average ranks for ties), over the first `cap` runs so that memory
// stays bounded (its standard error is about 1/sqrt(runs), 0.004 at the default cap).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "parley/engine/run_block.hpp"

namespace parley::engine {

struct Sensitivity {
  std::vector<std::string> targets;      // "agreement", then each issue id (its deal term)
  std::vector<std::vector<double>> rho;  // [parameter][target]; NaN where undefined
  std::uint64_t runs = 0;                // runs used
  std::vector<std::uint64_t> pairs;      // [target]: the runs (agreement) or deals (a term)
};

// The 95% interval of a Spearman coefficient from n pairs: Fisher's z with the standard error
// 1.03/√(n − 3) of Fieller, Hartley & Pearson (1957), tanh(atanh ρ ± 1.96·1.03/√(n − 3)); NaN
// ends for n ≤ 3 or an undefined ρ.
std::array<double, 2> spearman_interval(double rho, std::uint64_t n);
// The |ρ| a parameter unrelated to the target exceeds with probability 5% (two-sided, the
// same approximation at ρ = 0): below it, a coefficient is noise.
double spearman_noise(std::uint64_t n);

// Spearman's rank correlation of x and y (average ranks for ties); NaN when either is constant.
double spearman(const std::vector<float>& x, const std::vector<float>& y);

class SensitivityBuilder {
 public:
  static constexpr std::uint64_t kDefaultCap = 50000;

  SensitivityBuilder(std::size_t parameters, std::vector<std::string> issue_ids,
                     std::uint64_t cap = kDefaultCap);
  void add(const RunBlock& block);  // call in run order
  Sensitivity finish() const;

 private:
  std::size_t parameters_;
  std::vector<std::string> issues_;
  std::uint64_t cap_;
  std::uint64_t runs_ = 0;
  std::vector<std::vector<float>> values_;  // [parameter][run]
  std::vector<float> agreement_;
  std::vector<std::vector<float>> deal_;  // [issue][run], NaN without a deal
};

}  // namespace parley::engine

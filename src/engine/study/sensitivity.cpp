#include "parley/engine/study/sensitivity.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>

namespace parley::engine {
namespace {

// Ranks 1..n, ties sharing their average rank.
std::vector<double> ranks(const std::vector<float>& v) {
  // Sorting keys that hold a value's order in their upper half and its row in the lower: one
  // integer comparison per step (pairs of value and row sorted about 2x slower). The order
  // within ties does not matter, as ties share a rank. A float's bits, with the sign bit
  // flipped for non-negative values and every bit for negative ones, order as the floats do;
  // adding 0 makes -0 into +0, which compares equal to it.
  std::vector<std::uint64_t> order(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto bits = std::bit_cast<std::uint32_t>(v[i] + 0.0f);
    const std::uint32_t key = (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
    order[i] = (static_cast<std::uint64_t>(key) << 32) | static_cast<std::uint64_t>(i);
  }
  std::sort(order.begin(), order.end());
  auto value = [&](std::size_t k) { return order[k] >> 32; };
  auto row = [&](std::size_t k) { return static_cast<std::size_t>(order[k] & 0xffffffffu); };
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && value(j + 1) == value(i)) ++j;
    const double average = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[row(k)] = average;
    i = j + 1;
  }
  return r;
}

// Pearson's correlation of two rank vectors (Spearman's rho once the data are ranked).
double rank_correlation(const std::vector<double>& rx, const std::vector<double>& ry) {
  const std::size_t n = rx.size();
  if (n < 3) return std::numeric_limits<double>::quiet_NaN();
  const double mean = 0.5 * static_cast<double>(n + 1);
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (sxx <= 0.0 || syy <= 0.0) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

std::vector<float> gather(const std::vector<float>& v, const std::vector<std::size_t>& rows) {
  std::vector<float> out(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) out[i] = v[rows[i]];
  return out;
}

}  // namespace

double spearman(const std::vector<float>& x, const std::vector<float>& y) {
  return rank_correlation(ranks(x), ranks(y));
}

SensitivityBuilder::SensitivityBuilder(std::size_t parameters, std::vector<std::string> issue_ids,
                                       std::uint64_t cap)
    : parameters_(parameters),
      issues_(std::move(issue_ids)),
      cap_(cap),
      values_(parameters),
      deal_(issues_.size()) {}

void SensitivityBuilder::add(const RunBlock& b) {
  for (std::size_t row = 0; row < b.count && runs_ < cap_; ++row, ++runs_) {
    for (std::size_t j = 0; j < parameters_; ++j) {
      values_[j].push_back(static_cast<float>(b.parameters[row * b.sampled + j]));
    }
    agreement_.push_back(static_cast<float>(b.agreement[row]));
    for (std::size_t k = 0; k < issues_.size(); ++k) {
      deal_[k].push_back(static_cast<float>(b.deal[row * b.issues + k]));
    }
  }
}

std::array<double, 2> spearman_interval(double rho, std::uint64_t n) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (n <= 3 || std::isnan(rho)) return {nan, nan};
  const double z = std::atanh(std::clamp(rho, -1.0 + 1e-15, 1.0 - 1e-15));
  const double half = 1.959963984540054 * 1.03 / std::sqrt(static_cast<double>(n - 3));
  return {std::tanh(z - half), std::tanh(z + half)};
}

double spearman_noise(std::uint64_t n) {
  return n <= 3 ? std::numeric_limits<double>::quiet_NaN() : spearman_interval(0.0, n)[1];
}

Sensitivity SensitivityBuilder::finish() const {
  Sensitivity s;
  s.runs = runs_;
  s.pairs.push_back(runs_);
  s.targets.push_back("agreement");
  s.targets.insert(s.targets.end(), issues_.begin(), issues_.end());
  // Each target is ranked once, and each parameter once over all runs and once over each
  // distinct set of runs with a deal (deal terms exist only where there was a deal).
  const std::vector<double> agreement_ranks = ranks(agreement_);
  std::vector<std::vector<std::size_t>> dealt(issues_.size());
  std::vector<std::vector<double>> deal_ranks(issues_.size());
  for (std::size_t k = 0; k < issues_.size(); ++k) {
    for (std::size_t r = 0; r < deal_[k].size(); ++r) {
      if (!std::isnan(deal_[k][r])) dealt[k].push_back(r);
    }
    deal_ranks[k] = ranks(gather(deal_[k], dealt[k]));
    s.pairs.push_back(dealt[k].size());
  }
  for (std::size_t j = 0; j < parameters_; ++j) {
    std::vector<double> row{rank_correlation(ranks(values_[j]), agreement_ranks)};
    std::vector<double> x_ranks;
    for (std::size_t k = 0; k < issues_.size(); ++k) {
      if (k == 0 || dealt[k] != dealt[k - 1]) x_ranks = ranks(gather(values_[j], dealt[k]));
      row.push_back(rank_correlation(x_ranks, deal_ranks[k]));
    }
    s.rho.push_back(std::move(row));
  }
  return s;
}

}  // namespace parley::engine

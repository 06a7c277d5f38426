#include "parley/engine/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace parley::engine {
namespace {

// Ranks 1..n, ties sharing their average rank.
std::vector<double> ranks(const std::vector<float>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double average = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = average;
    i = j + 1;
  }
  return r;
}

}  // namespace

double spearman(const std::vector<float>& x, const std::vector<float>& y) {
  const std::size_t n = x.size();
  if (n < 3) return std::numeric_limits<double>::quiet_NaN();
  const auto rx = ranks(x);
  const auto ry = ranks(y);
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

Sensitivity SensitivityBuilder::finish() const {
  Sensitivity s;
  s.runs = runs_;
  s.targets.push_back("agreement");
  s.targets.insert(s.targets.end(), issues_.begin(), issues_.end());
  for (std::size_t j = 0; j < parameters_; ++j) {
    std::vector<double> row{spearman(values_[j], agreement_)};
    for (std::size_t k = 0; k < issues_.size(); ++k) {
      // Deal terms exist only where there was a deal.
      std::vector<float> x, y;
      for (std::size_t r = 0; r < deal_[k].size(); ++r) {
        if (!std::isnan(deal_[k][r])) {
          x.push_back(values_[j][r]);
          y.push_back(deal_[k][r]);
        }
      }
      row.push_back(spearman(x, y));
    }
    s.rho.push_back(std::move(row));
  }
  return s;
}

}  // namespace parley::engine

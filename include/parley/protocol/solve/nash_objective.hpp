#pragma once
// The mediator's objective of docs/model.md ("Mediated single negotiating text", step 4), packed
// for the ascent:
//
//   F(x) = Σ_i θ_i φ(g_i(x)) + β u_M(x),   g_i(x) = u_i(x) - excess_i(x) - r̂_i + ε,
//
// over the parties i still at the table, with θ_i their power share, r̂_i the mediator's
// estimate of their BATNA, excess_i the distance by which x crosses i's red lines, and φ
// the logarithm continued by its tangent below a small gap (so that parties below their
// BATNA still pull the text). The parties' rows are copied once per revision into
// contiguous arrays, and one pass over them gives both F and its (sub)gradient, so an
// ascent step reads each agent-issue entry once and allocates nothing.
#include <Eigen/Core>
#include <vector>

#include "parley/model/preferences.hpp"

namespace parley::protocol {

class NashObjective {
 public:
  static constexpr double kEpsilon = 0.01;      // ε
  static constexpr double kLinearBelow = 0.02;  // φ(g) = log g above, its tangent below

  static double phi(double g) noexcept;
  static double phi_slope(double g) noexcept;

  // Packs the objective: `counted[i]` says whether agent i takes part (a party still at
  // the table), `theta` its weight (normalised here over the counted agents), `estimate`
  // r̂_i; `mediator` < 0 or `stake` = 0 drops the β u_M term.
  void pack(const model::Preferences& prefs, const std::vector<bool>& counted,
            const Eigen::ArrayXd& theta, const Eigen::ArrayXd& estimate, model::Index mediator,
            double stake);

  // F(x), and ∇F(x) (a subgradient at kinks) into `grad`.
  double evaluate(const Eigen::ArrayXd& x, Eigen::ArrayXd& grad);

 private:
  using Index = model::Index;
  template <bool AllLinear>
  double evaluate_impl(const Eigen::ArrayXd& x, Eigen::ArrayXd& grad);

  const model::Preferences* prefs_ = nullptr;
  Index parties_ = 0;
  Index issues_ = 0;
  bool all_linear_ = true;
  // parties × issues, row-major: entry j * issues + k.
  Eigen::ArrayXd weight_, ideal_, red_lo_, red_hi_, slope_;
  Eigen::ArrayXd theta_, offset_;  // θ_j / Σθ and ε - r̂_j
  std::vector<Index> agent_;       // packed row -> agent
  Index mediator_ = -1;
  double stake_ = 0.0;
};

}  // namespace parley::protocol

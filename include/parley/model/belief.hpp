#pragma once
// Beliefs over another party's private type, and the offer that screens it (docs/model.md,
// "Private information and beliefs").
//
// A party's type is one number, such as a red-line end or a war cost. The scenario's
// distribution of that number is the common prior. A yes or a no to a text says which side of
// a threshold the type lies on, so the posterior is the prior truncated to an interval, and is
// represented exactly.
#include <functional>
#include <utility>
#include <vector>

#include "parley/random/stream.hpp"

namespace parley::model {

// A prior over one scalar: uniform on [lo, hi] (a point where lo = hi); Normal(a, b) truncated to
// [lo, hi]; Beta(a, b) rescaled to [lo, hi]; triangular(lo, a = mode, hi); or a particle
// approximation (`particles`, sorted, lo and hi the first and last), whose CDF is linear between
// consecutive particles, from 0 at the first to 1 at the last.
struct Prior {
  enum class Kind { uniform, normal, beta, triangular, particles };
  Kind kind = Kind::uniform;
  double lo = 0.0, hi = 1.0;
  double a = 0.0, b = 0.0;  // normal: mean, sd; beta: alpha, beta; triangular: a = mode
  std::vector<double> particles;

  // The prior's CDF at x (0 below lo, 1 above hi).
  double cdf(double x) const;
  // One draw from the prior (a particle prior: one of its particles, each equally likely).
  double draw(random::Stream& s) const;
  // Makes this the particle prior of `values`, which it sorts.
  void set_particles(std::vector<double>& values);
};

// The prior truncated to [lower, upper]: what the answers so far allow. The posterior CDF is
// (F(x) − F(lower)) / (F(upper) − F(lower)) on [lower, upper] (Bayes' rule for an answer that
// is certain given the type). An answer that is only likely given the type reweighs the prior
// by a step: its density below (or above) a point times a weight in (0, 1). The posterior is
// then the prior times a piecewise-constant weight, still exact.
class IntervalBelief {
 public:
  explicit IntervalBelief(Prior prior)
      : prior_(std::move(prior)), lower_(prior_.lo), upper_(prior_.hi) {
    rebuild();
  }

  // The type is at least v, or at most v. An answer that contradicts what is known (outside
  // [lower, upper]) leaves the belief as it is.
  void learn_at_least(double v);
  void learn_at_most(double v);
  // What answers said may no longer hold: an end that can have moved down since, to v at the
  // lowest, is only known to be at least min(lower, v) (and the same upward). Never beyond the
  // prior's support.
  void forget_below(double v);
  void forget_above(double v);
  // An answer whose likelihood is `weight` (relative to 1) where the type is at most v (or above
  // v): the density there is multiplied by it.
  void weigh_below(double v, double weight);
  void weigh_above(double v, double weight);

  double lower() const noexcept { return lower_; }
  double upper() const noexcept { return upper_; }
  double cdf(double x) const;
  // The q-quantile, by bisection on the CDF (to 1e-12 of the prior's range).
  double quantile(double q) const;
  const Prior& prior() const noexcept { return prior_; }
  // The prior, to be changed (its particles drawn afresh, say); forget_all() then starts the
  // belief from it.
  Prior& prior() noexcept { return prior_; }
  void forget_all() {
    lower_ = prior_.lo;
    upper_ = prior_.hi;
    steps_.clear();
    rebuild();
  }

 private:
  struct Step {
    double at, weight;
    bool below;  // the weight applies at or below `at` (else above it)
  };
  struct Piece {  // [a, b] with a constant weight; F(a) and the weighted mass before a
    double a, b, weight, f_a, mass_before;
  };
  void rebuild();  // the prior's CDF at the bounds, and the pieces from the bounds and steps

  Prior prior_;
  double lower_, upper_;
  std::vector<Step> steps_;
  std::vector<Piece> pieces_;  // empty without steps
  double total_ = 0.0;         // the weighted mass of [lower, upper]
  double f_lower_ = 0.0;       // without steps: F(lower) and F(upper) − F(lower)
  double mass_ = 0.0;
};

// The screening offer (Fearon 1995, "Private information and incentives to misrepresent"). A
// proposer offers x in [lo, hi]. The responder accepts when its threshold t satisfies t <= x,
// with t distributed as `threshold`. The proposer's expected value is
// P(t <= x)·accepted(x) + (1 − P(t <= x))·rejected. The offer maximises it over a grid of
// `grid` points, refined by golden-section search around the best point, so a smooth optimum
// is found to about 1e-9 of the range.
struct ScreeningOffer {
  double offer = 0.0;
  double p_accept = 0.0;
  double value = 0.0;
};
ScreeningOffer screening_offer(const IntervalBelief& threshold,
                               const std::function<double(double)>& accepted, double rejected,
                               double lo, double hi, int grid = 1024);

}  // namespace parley::model

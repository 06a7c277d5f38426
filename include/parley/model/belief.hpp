#pragma once
// Beliefs over another party's private type, and the offer that screens it (docs/model.md,
// "Private information and beliefs").
//
// A party's type is one number, such as a red-line end or a war cost. The scenario's
// distribution of that number is the common prior. A yes or a no to a text says which side of
// a threshold the type lies on, so the posterior is the prior truncated to an interval, and is
// represented exactly. A noisy observation of a Normal quantity, such as the front's drift
// under a Normal prior, has a Normal posterior: the conjugate update.
#include <functional>

namespace parley::model {

// A prior over one scalar: uniform on [lo, hi]; Normal(a, b) truncated to [lo, hi]; Beta(a, b)
// rescaled to [lo, hi]; or triangular(lo, a = mode, hi).
struct Prior {
  enum class Kind { uniform, normal, beta, triangular };
  Kind kind = Kind::uniform;
  double lo = 0.0, hi = 1.0;
  double a = 0.0, b = 0.0;  // normal: mean, sd; beta: alpha, beta; triangular: a = mode

  // The prior's CDF at x (0 below lo, 1 above hi).
  double cdf(double x) const;
};

// The prior truncated to [lower, upper]: what the answers so far allow. The posterior CDF is
// (F(x) − F(lower)) / (F(upper) − F(lower)) on [lower, upper] (Bayes' rule for an answer that
// is certain given the type).
class IntervalBelief {
 public:
  explicit IntervalBelief(Prior prior) : prior_(prior), lower_(prior.lo), upper_(prior.hi) {}

  // The type is at least v, or at most v. An answer that contradicts what is known (outside
  // [lower, upper]) leaves the belief as it is.
  void learn_at_least(double v);
  void learn_at_most(double v);

  double lower() const noexcept { return lower_; }
  double upper() const noexcept { return upper_; }
  double cdf(double x) const;
  // The q-quantile, by bisection on the CDF (to 1e-12 of the prior's range).
  double quantile(double q) const;
  const Prior& prior() const noexcept { return prior_; }

 private:
  Prior prior_;
  double lower_, upper_;
};

// Normal belief N(mean, variance) about a quantity observed with Normal noise of variance
// noise: the posterior precision is the sum of the precisions, and the posterior mean is the
// precision-weighted mean (DeGroot 1970, §9.5).
struct NormalBelief {
  double mean = 0.0;
  double variance = 1.0;
  void observe(double y, double noise);
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

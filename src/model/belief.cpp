#include "parley/model/belief.hpp"

#include <algorithm>
#include <cmath>

#include <boost/math/special_functions/beta.hpp>

#include "parley/random/distributions.hpp"

namespace parley::model {

double Prior::cdf(double x) const {
  if (x <= lo) return 0.0;
  if (x >= hi) return 1.0;
  switch (kind) {
    case Kind::particles: {
      // lo < x < hi, so there are at least two particles and x lies between two of them.
      const auto above = std::upper_bound(particles.begin(), particles.end(), x);
      const auto j = static_cast<double>(above - particles.begin() - 1);
      const double left = *(above - 1), right = *above;
      const double within = right > left ? (x - left) / (right - left) : 0.0;
      return (j + within) / static_cast<double>(particles.size() - 1);
    }
    case Kind::uniform:
      return (x - lo) / (hi - lo);
    case Kind::normal: {
      const double f_lo = random::normal_cdf((lo - a) / b);
      const double f_hi = random::normal_cdf((hi - a) / b);
      return (random::normal_cdf((x - a) / b) - f_lo) / (f_hi - f_lo);
    }
    case Kind::beta:
      return boost::math::ibeta(a, b, (x - lo) / (hi - lo));
    case Kind::triangular:
      return x <= a ? (x - lo) * (x - lo) / ((hi - lo) * (a - lo))
                    : 1.0 - (hi - x) * (hi - x) / ((hi - lo) * (hi - a));
  }
  return 0.0;
}

double Prior::draw(random::Stream& s) const {
  switch (kind) {
    case Kind::uniform:
      return random::uniform(s, lo, hi);
    case Kind::normal:
      return random::truncated_normal(s, a, b, lo, hi);
    case Kind::beta:
      return lo + (hi - lo) * random::beta(s, a, b);
    case Kind::triangular:
      return random::triangular(s, lo, a, hi);
    case Kind::particles: {
      const auto n = static_cast<double>(particles.size());
      const auto j = static_cast<std::size_t>(std::min(random::uniform(s, 0.0, n), n - 1.0));
      return particles[j];
    }
  }
  return lo;
}

void Prior::set_particles(std::vector<double>& values) {
  std::sort(values.begin(), values.end());
  kind = Kind::particles;
  particles.assign(values.begin(), values.end());
  lo = particles.empty() ? 0.0 : particles.front();
  hi = particles.empty() ? 0.0 : particles.back();
}

void IntervalBelief::forget_below(double v) {
  lower_ = std::max(prior_.lo, std::min(lower_, v));
  for (Step& step : steps_) {
    if (step.below) step.at = std::min(step.at, v);
  }
  rebuild();
}

void IntervalBelief::forget_above(double v) {
  upper_ = std::min(prior_.hi, std::max(upper_, v));
  for (Step& step : steps_) {
    if (!step.below) step.at = std::max(step.at, v);
  }
  rebuild();
}

void IntervalBelief::learn_at_least(double v) {
  if (v <= upper_) lower_ = std::max(lower_, v);
  rebuild();
}

void IntervalBelief::learn_at_most(double v) {
  if (v >= lower_) upper_ = std::min(upper_, v);
  rebuild();
}

void IntervalBelief::weigh_below(double v, double weight) {
  steps_.push_back({v, weight, true});
  rebuild();
}

void IntervalBelief::weigh_above(double v, double weight) {
  steps_.push_back({v, weight, false});
  rebuild();
}

void IntervalBelief::rebuild() {
  pieces_.clear();
  f_lower_ = prior_.cdf(lower_);
  mass_ = prior_.cdf(upper_) - f_lower_;
  if (steps_.empty()) return;
  // The pieces' ends: the bounds and every step inside them, in order.
  pieces_.push_back({lower_, upper_, 1.0, 0.0, 0.0});
  for (const Step& step : steps_) {
    for (std::size_t p = 0; p < pieces_.size(); ++p) {
      if (step.at > pieces_[p].a && step.at < pieces_[p].b) {
        const double b = pieces_[p].b;
        pieces_[p].b = step.at;
        pieces_.insert(pieces_.begin() + static_cast<std::ptrdiff_t>(p) + 1,
                       Piece{step.at, b, 1.0, 0.0, 0.0});
        break;
      }
    }
  }
  total_ = 0.0;
  for (Piece& piece : pieces_) {
    for (const Step& step : steps_) {
      if (step.below ? piece.b <= step.at : piece.a >= step.at) piece.weight *= step.weight;
    }
    piece.f_a = prior_.cdf(piece.a);
    piece.mass_before = total_;
    total_ += piece.weight * (prior_.cdf(piece.b) - piece.f_a);
  }
}

double IntervalBelief::cdf(double x) const {
  if (x <= lower_) return 0.0;
  if (x >= upper_) return 1.0;
  if (!pieces_.empty() && total_ > 0.0) {
    for (const Piece& piece : pieces_) {
      if (x <= piece.b) {
        const double mass = piece.mass_before + piece.weight * (prior_.cdf(x) - piece.f_a);
        return std::clamp(mass / total_, 0.0, 1.0);
      }
    }
    return 1.0;
  }
  // An interval the prior gives (numerically) no mass: uniform on it.
  if (!(mass_ > 0.0)) return (x - lower_) / (upper_ - lower_);
  return std::clamp((prior_.cdf(x) - f_lower_) / mass_, 0.0, 1.0);
}

double IntervalBelief::quantile(double q) const {
  double a = lower_, b = upper_;
  const double tolerance = 1e-12 * std::max(prior_.hi - prior_.lo, 1e-300);
  while (b - a > tolerance) {
    const double m = 0.5 * (a + b);
    if (m <= a || m >= b) break;
    (cdf(m) < q ? a : b) = m;
  }
  return 0.5 * (a + b);
}

ScreeningOffer screening_offer(const IntervalBelief& threshold,
                               const std::function<double(double)>& accepted, double rejected,
                               double lo, double hi, int grid) {
  auto evaluate = [&](double x) {
    const double p = threshold.cdf(x);
    return ScreeningOffer{x, p, p * accepted(x) + (1.0 - p) * rejected};
  };
  const int n = std::max(grid, 3);
  const double step = (hi - lo) / (n - 1);
  ScreeningOffer best = evaluate(lo);
  int at = 0;
  for (int k = 1; k < n; ++k) {
    const ScreeningOffer o = evaluate(k == n - 1 ? hi : lo + step * k);
    if (o.value > best.value) {
      best = o;
      at = k;
    }
  }
  // Golden-section search in the grid cells either side of the best point.
  double a = lo + step * std::max(at - 1, 0), b = lo + step * std::min(at + 1, n - 1);
  const double r = 0.5 * (std::sqrt(5.0) - 1.0);
  double c = b - r * (b - a), d = a + r * (b - a);
  ScreeningOffer fc = evaluate(c), fd = evaluate(d);
  for (int i = 0; i < 200 && b - a > 1e-12 * (hi - lo); ++i) {
    if (fc.value >= fd.value) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = evaluate(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = evaluate(d);
    }
  }
  for (const ScreeningOffer& o : {fc, fd}) {
    if (o.value > best.value) best = o;
  }
  return best;
}

}  // namespace parley::model

#include "parley/protocol/bargaining_range.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace parley::protocol {

namespace {

// Where, along issue b with the other terms of x, agent i's verdict on the text against `floor`
// may change (docs/model.md, "The bargaining range"): its red-line ends on b and the positions
// where the text is worth exactly `floor`. With a weighted sum, u_i = rest + w_ib v_ib(y), so
// v_ib(y) = θ = (floor − rest) / w_ib: y = a ± (1 − θ) (linear), a ± √(1 − θ) (quadratic), or on
// each segment of a piecewise shape (with its points). Under the mean aggregation the clause is
// in from 0.5 on, where u_i = (S + v_ib(y)) / (n + 1) over the other clauses in: θ = floor·(n + 1)
// − S. Appends to `cuts`, unsorted, and possibly outside [0, 1].
void add_cuts(const model::Preferences& p, Index i, Index b, const Vector& x, double floor,
              std::vector<double>& cuts) {
  cuts.push_back(p.red_lo(i, b));
  cuts.push_back(p.red_hi(i, b));
  double theta = 0.0;
  if (p.mean) {
    cuts.push_back(0.5);
    double sum = 0.0;
    int in = 0;
    for (Index k = 0; k < p.issues(); ++k) {
      if (k == b || x(k) < 0.5) continue;
      sum += p.value(i, k, x(k));
      ++in;
    }
    theta = floor * (in + 1) - sum;
  } else {
    const double w = p.weight(i, b);
    if (w <= 0.0) return;  // the verdict does not depend on y but through red lines
    double rest = 0.0;
    for (Index k = 0; k < p.issues(); ++k) {
      if (k != b) rest += p.weight(i, k) * p.value(i, k, x(k));
    }
    theta = (floor - rest) / w;
  }
  const double a = p.ideal(i, b);
  switch (static_cast<model::Shape>(p.shape(i, b))) {
    case model::Shape::linear:
      if (theta <= 1.0) {
        cuts.push_back(a - (1.0 - theta));
        cuts.push_back(a + (1.0 - theta));
      }
      return;
    case model::Shape::quadratic:
      if (theta <= 1.0) {
        cuts.push_back(a - std::sqrt(1.0 - theta));
        cuts.push_back(a + std::sqrt(1.0 - theta));
      }
      return;
    case model::Shape::piecewise:
      break;
  }
  const model::PiecewiseLinear& f = p.piecewise[static_cast<std::size_t>(p.piecewise_index(i, b))];
  for (std::size_t j = 0; j < f.x.size(); ++j) {
    cuts.push_back(f.x[j]);
    if (j + 1 == f.x.size()) break;
    const double v0 = f.v[j] - theta, v1 = f.v[j + 1] - theta;
    if (v0 != v1 && (v0 <= 0.0) != (v1 <= 0.0))
      cuts.push_back(f.x[j] + v0 / (v0 - v1) * (f.x[j + 1] - f.x[j]));
  }
}

// The cuts in [0, 1], 0 and 1 included, sorted and without repeats.
void tidy(std::vector<double>& cuts) {
  cuts.push_back(0.0);
  cuts.push_back(1.0);
  for (double& c : cuts) c = std::clamp(c, 0.0, 1.0);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
}

// Whether agent i takes text y (y at issue b in place): u_i(y) ≥ floor, no red line crossed.
bool takes(const model::Preferences& p, Index i, const Vector& y, double floor) {
  return model::utility(p, i, y) >= floor && model::red_line_excess(p, i, y) == 0.0;
}

}  // namespace

double reservation(const model::Preferences& p, Index i, Index b, const Vector& x, double demand,
                   double toward, Vector& scratch, std::vector<double>& cuts) {
  constexpr double none = std::numeric_limits<double>::quiet_NaN();
  const double a = p.ideal(i, b);  // a piecewise shape's point of highest value
  scratch = x;
  scratch(b) = a;
  if (!takes(p, i, scratch, demand)) return none;
  cuts.clear();
  add_cuts(p, i, b, x, demand, cuts);
  tidy(cuts);
  const bool up = toward != a ? toward > a : a < 0.5;
  // The verdict is the same all over each cell between two cuts: walk them from the ideal out.
  if (up) {
    auto c = std::upper_bound(cuts.begin(), cuts.end(), a);
    double from = a;
    for (; c != cuts.end(); from = *c, ++c) {
      scratch(b) = 0.5 * (from + *c);
      if (!takes(p, i, scratch, demand)) return from;
    }
    return 1.0;
  }
  auto c = std::lower_bound(cuts.begin(), cuts.end(), a);
  double from = a;
  while (c != cuts.begin()) {
    --c;
    scratch(b) = 0.5 * (from + *c);
    if (!takes(p, i, scratch, demand)) return from;
    from = *c;
  }
  return 0.0;
}

double bargaining_range(const Setting& setting, const model::Preferences& p,
                        const Vector& status_quo, Index b, const Vector& x, const Vector& batna,
                        Vector& scratch, std::vector<double>& cuts) {
  scratch = x;
  auto taken = [&] {
    for (Index i = 0; i < p.agents(); ++i) {
      if (setting.needs_consent(static_cast<std::size_t>(i), scratch, status_quo) &&
          !takes(p, i, scratch, batna(i)))
        return false;
    }
    return true;
  };
  const auto sb = static_cast<std::size_t>(b);
  if (sb < setting.options.size() && setting.options[sb] > 0) {
    const int n = setting.options[sb];
    int yes = 0;
    for (int j = 0; j < n; ++j) {
      scratch(b) = n > 1 ? static_cast<double>(j) / (n - 1) : 0.0;
      if (setting.allows(scratch) && taken()) ++yes;
    }
    return static_cast<double>(yes) / n;
  }
  cuts.clear();
  for (Index i = 0; i < p.agents(); ++i) add_cuts(p, i, b, x, batna(i), cuts);
  cuts.push_back(status_quo(b));  // an issue veto holds from there on
  tidy(cuts);
  double length = 0.0;
  for (std::size_t j = 0; j + 1 < cuts.size(); ++j) {
    scratch(b) = 0.5 * (cuts[j] + cuts[j + 1]);
    if (taken()) length += cuts[j + 1] - cuts[j];
  }
  return length;
}

}  // namespace parley::protocol

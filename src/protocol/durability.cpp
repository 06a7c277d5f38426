#include "parley/protocol/durability.hpp"

#include <algorithm>
#include <cmath>

#include "parley/protocol/solve/text_solver.hpp"
#include "parley/random/distributions.hpp"

namespace parley::protocol {

void follow_deal(const Setting& setting, random::Stream& stream, int round, double front,
                 Workspace& w, RunResult& out) {
  const Realization& r = w.shocked;
  const int horizon = setting.durability_horizon;
  // The commitment problem: each party can insist on the better of its war now and its war
  // once the front has shifted by Δ, max(r_i, r'_i).
  if (r.power_shift != 0.0) {
    batnas(setting, r, front, round, w, w.lo);
    batnas(setting, r, std::clamp(front + r.power_shift, 0.0, 1.0), round, w, w.gap);
    w.gap = w.gap.max(w.lo);
    model::utilities(r.prefs, w.x, w.values, w.u);
    const std::vector<Index> deciders = setting.deciders();
    bool short_of_war = false;
    for (Index i : deciders) short_of_war = short_of_war || w.u(i) < w.gap(i);
    if (short_of_war) {
      // Is there a revision every deciding party prefers to both?
      const auto n = static_cast<Index>(deciders.size());
      Vector c(n);
      for (Index j = 0; j < n; ++j) c(j) = w.gap(deciders[static_cast<std::size_t>(j)]);
      TextSolver solver(setting, r.prefs, feasible_box(r.prefs, deciders));
      const bool revision =
          !solver.box().empty() && solver.maximin(deciders, c, Vector::Ones(n)).value >= 0.0;
      if (!revision) {
        out.breakdown = 1;
        out.breakdown_cause = static_cast<std::int8_t>(Breakdown::power_shift);
        return;
      }
    }
  }
  // The hazard of its terms.
  double log_lambda = 0.0;
  for (Index k = 0; k < w.x.size(); ++k) log_lambda += r.log_hazard(k) * w.x(k);
  const double lambda = r.durability_hazard * std::exp(log_lambda);
  const double e = -std::log1p(-random::uniform(stream, 0.0, 1.0));  // Exp(1)
  if (lambda > 0.0 && e < lambda * horizon) {
    out.breakdown = std::max(1, static_cast<int>(std::ceil(e / lambda)));
    out.breakdown_cause = static_cast<std::int8_t>(Breakdown::hazard);
  }
}

}  // namespace parley::protocol

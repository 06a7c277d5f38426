#include "parley/protocol/diagnostics.hpp"

#include <cmath>
#include <limits>

#include "parley/protocol/text_solver.hpp"

namespace parley::protocol {

Diagnostics diagnose(const Setting& setting, const Realization& r, const RunResult& result) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Index> veto = setting.deciders();
  const auto n = static_cast<Index>(veto.size());
  auto per_veto = [&](const Vector& per_agent) {
    Vector out(n);
    for (Index j = 0; j < n; ++j) out(j) = per_agent(veto[static_cast<std::size_t>(j)]);
    return out;
  };
  const Vector ones = Vector::Ones(n);
  Diagnostics d{nan, nan, -std::numeric_limits<double>::infinity(),
                -std::numeric_limits<double>::infinity()};
  TextSolver solver(setting, r.prefs, feasible_box(r.prefs, veto));
  if (solver.box().empty()) return d;

  d.zone_first = solver.maximin(veto, per_veto(result.batna_first), ones).value;
  d.zone_last = solver.maximin(veto, per_veto(result.batna), ones).value;
  if (result.outcome != Outcome::agreement) return d;

  d.pareto_gap = std::max(0.0, solver.maximin(veto, per_veto(result.utility), ones).value);
  if (const auto nash = solver.nash(veto, per_veto(result.batna), ones)) {
    d.nash_distance = std::sqrt((*nash - result.final_text).square().mean());
  }
  return d;
}

}  // namespace parley::protocol

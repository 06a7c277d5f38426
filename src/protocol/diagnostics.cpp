#include "parley/protocol/diagnostics.hpp"

#include <cmath>
#include <limits>
#include <optional>

#include "parley/protocol/solve/text_solver.hpp"

namespace parley::protocol {

double zone_of_agreement(TextSolver& solver, const std::vector<Index>& deciders,
                         const Vector& batna) {
  if (solver.box().empty()) return -std::numeric_limits<double>::infinity();
  Vector floors(static_cast<Index>(deciders.size()));
  for (std::size_t j = 0; j < deciders.size(); ++j)
    floors(static_cast<Index>(j)) = batna(deciders[j]);
  return solver.maximin(deciders, floors, Vector::Ones(floors.size())).value;
}

Diagnostics diagnose(const Setting& setting, const Realization& first, const Realization& last,
                     const RunResult& result) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Index> veto = setting.deciders();
  const auto n = static_cast<Index>(veto.size());
  auto per_veto = [&](const Vector& per_agent) {
    Vector out(n);
    for (Index j = 0; j < n; ++j) out(j) = per_agent(veto[static_cast<std::size_t>(j)]);
    return out;
  };
  const Vector ones = Vector::Ones(n);
  Diagnostics d{nan, nan, 0.0, 0.0};
  TextSolver at_first(setting, first.prefs, feasible_box(first.prefs, veto));
  d.zone_first = zone_of_agreement(at_first, veto, result.batna_first);
  // The same preferences at the end unless the talks moved red lines or weights.
  const bool moved = !(first.prefs.red_lo == last.prefs.red_lo).all() ||
                     !(first.prefs.red_hi == last.prefs.red_hi).all() ||
                     !(first.prefs.weight == last.prefs.weight).all();
  std::optional<TextSolver> at_last;
  if (moved) at_last.emplace(setting, last.prefs, feasible_box(last.prefs, veto));
  TextSolver& solver = moved ? *at_last : at_first;
  d.zone_last = zone_of_agreement(solver, veto, result.batna);
  if (solver.box().empty() || result.outcome != Outcome::agreement) return d;

  d.pareto_gap = std::max(0.0, solver.maximin(veto, per_veto(result.utility), ones).value);
  if (const auto nash = solver.nash(veto, per_veto(result.batna), ones)) {
    d.nash_distance = std::sqrt((*nash - result.final_text).square().mean());
  }
  return d;
}

}  // namespace parley::protocol

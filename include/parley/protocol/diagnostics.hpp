#pragma once
// Per-run diagnostics for every protocol, from the axiomatic solutions (docs/model.md,
// "Per-run diagnostics"). They concern the veto players, or every party when none has a veto
// (majority rule).
#include "parley/protocol/realization.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/protocol/solve/text_solver.hpp"

namespace parley::protocol {

struct Diagnostics {
  // RMS distance over issues (unit scales) from the deal to the Nash text of the veto
  // players with their last-round BATNAs as disagreement point; NaN without a deal or
  // without a Nash text.
  double nash_distance;
  // How much every veto player could still gain at once: max over texts within their red
  // lines of min_i (u_i(x) - u_i(deal)); 0 for a Pareto-optimal deal, NaN without a deal.
  double pareto_gap;
  // The zone of agreement at the first and last round: max over texts of
  // min_i (u_i(x) - r_i(t)) over the veto players. Positive: a zone exists, and every veto
  // player can have that much more than its BATNA at once; -inf when red lines exclude
  // every text.
  double zone_first;
  double zone_last;
};

// The zone of agreement over the texts of `solver` (built on the deciders' feasible box): max
// over texts of min over the deciders of u_i − batna_i (batna per agent); −∞ where their red
// lines exclude every text.
double zone_of_agreement(TextSolver& solver, const std::vector<Index>& deciders,
                         const Vector& batna);

// `first`: the run's parameters as drawn (red lines as set), for the zone at the first round;
// `last`: as the talks left them (red lines conceded, shocks applied, issues bracketed), for
// the zone at the last round and the deal's diagnostics.
Diagnostics diagnose(const Setting& setting, const Realization& first, const Realization& last,
                     const RunResult& result);

}  // namespace parley::protocol

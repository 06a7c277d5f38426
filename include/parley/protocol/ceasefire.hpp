#pragma once
// Interim ceasefires (docs/model.md, "Interim ceasefires"): a ceasefire term agreed in a stage of
// the agenda, before the rest, changes the war from the next round on.
//
// The agreed term t on the ceasefire issue takes the nearest design d (the scenario's
// [ceasefire.designs], each at a point of the coded scale). From then on the front line
// moves with d's drift and volatility (an immediate halt: drift 0, the violations as residual
// volatility), every agent's war cost is c_i · d.war_cost, and every agent expects d's drift. A
// phased withdrawal (d.withdrawal = n > 0) moves the front line to the agreed line L, the text's
// term on the battlefield issue when that issue is agreed with the ceasefire or before it, in n
// equal steps s_{t+1} = s_t + (L − s_t) / n_left + μ + σ ε; with no agreed line the front stays
// where it is. Whoever breaks a deal later resumes the war as it stood before the ceasefire.
#include "parley/protocol/run_context.hpp"

namespace parley::protocol {

// The ceasefire in w.x comes into force after the answers of round `round`: changes r (the
// run's parameters as they stand) and w's withdrawal, keeps the war before it in w.war_before,
// and records the round and the design in `out`. `line_agreed`: whether the battlefield issue is
// agreed by now.
void start_ceasefire(const Setting& setting, Realization& r, Workspace& w, int round,
                     bool line_agreed, RunResult& out);

// Swaps the war in r with the one w.war_before kept: twice, and both are as they were.
void swap_war(Realization& r, Workspace& w);

}  // namespace parley::protocol

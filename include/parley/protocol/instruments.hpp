#pragma once
// Players with instruments (docs/model.md, "Instruments: aid, sanctions, disengagement"; Beardsley
// 2011, Kydd 2003): after every round without a deal, each agent with aid or sanctions chooses
// their levels for the next round by its expected utility over the rounds to come, given its
// beliefs about the parties' answers to the text on the table; a mediator whose engagement costs
// it may leave the talks.
#include "parley/protocol/realization.hpp"
#include "parley/protocol/run_context.hpp"

namespace parley::protocol {

// The levels an instrument may take: `kInstrumentSteps` + 1 evenly spaced from 0 to its maximum.
inline constexpr int kInstrumentSteps = 5;

// What agent a expects of levels that give the war the public drift μ and cost it `cost` per
// round, for the text it expects to be answered: with P the chance of a deal in a round (every
// party whose consent the text needs signs, and it passes at home), u the text's worth to a and
// r(μ) a's value of fighting on, a stationary deal-or-war recursion V = P u + (1 − P)((1 − δ)
// (r − C) + δ V) gives
//   V = (P u + (1 − P)(1 − δ)(r(μ) − C)) / (1 − δ (1 − P)),
// and r(μ) − C where the denominator is 0 (δ = 1, P = 0).
double instrument_value(double p_deal, double u_deal, double war_value, double cost,
                        double discount);

// After round `round`'s answers and the mediator's revision to w.x, with the front at `front`:
// every agent with instruments, in agent order, chooses its aid and sanctions for the next round
// (levels max · k / kInstrumentSteps) by instrument_value, the others' levels held: the best of
// every pair (the lower aid, then the lower sanctions, on a tie); the mediator with an engagement
// cost compares staying (its best levels, the cost paid every round) with leaving (the war for
// ever, its best levels for the war alone). A mediator that left (w.left) chooses no more. Returns
// true when the mediator leaves (its levels those for the war).
bool choose_instruments(const Setting& setting, Realization& r, int round, double front,
                        Workspace& w);

}  // namespace parley::protocol

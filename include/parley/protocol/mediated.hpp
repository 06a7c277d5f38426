#pragma once
// The mediated single negotiating text (Raiffa's one-text procedure), docs/model.md,
// "Mediated single negotiating text".
//
// Each round: the battlefield moves and BATNAs follow it; the mediator meets each
// party separately; a party accepts when u_i(x_t) >= r_i(t) and no red line is
// crossed, or else returns an amendment; if every veto player accepts, x_t is the
// deal; otherwise the mediator revises the text within a trust region. A party
// whose best reachable utility stays below its BATNA for K rounds walks out.
#include "parley/protocol/run_context.hpp"

namespace parley::protocol {

// The weighted-mean target of the closed-form variant (docs/model.md, "Mediated single
// negotiating text"):
// z*_k = (Σ_i p_i s_ik a_ik + β a_Mk) / (Σ_i p_i s_ik + β), over the parties i; p_i their voices
// and, for a delegation's members, a_ik its joint position for the text x
// (protocol/delegation.hpp). w.left says who has left; w.batna holds the BATNAs a joint Nash
// position is formed at.
void weighted_mean_target(const Setting& setting, const Realization& r, Workspace& w,
                          const Vector& x, Vector& target);

// The mediator's revision: the text in the trust region around x that maximises
// Σ_i θ_i log(u_i(x) - r̂_i + ε) + β u_M(x) (projected gradient ascent), started
// from the parties' amendments; or the weighted-mean step, per the setting. Under private
// information it adds log P(x passes the private red lines) and keeps to the red lines it is
// sure of: w.beliefs must have started and w.known must hold its view of the red lines
// (RedLineBeliefs::view), as the rounds of negotiate_mediated leave them.
void revise(const Setting& setting, const Realization& r, Workspace& w, Vector& x);

void negotiate_mediated(const Run& run);

}  // namespace parley::protocol

#pragma once
// Whether a deal holds (docs/model.md, "Whether a deal holds"): the rounds after its signature.
//
// The commitment problem (Powell 2006, "War as a commitment problem"): the front line is expected
// to shift by Δ after the deal. Each deciding party's war value r'_i is its BATNA with the front at
// s_T + Δ, r_i its BATNA at s_T. The party the shift favours cannot commit not to demand r'_i once
// it has come; the other can fight now for r_i. So a deal lasts only if some text gives every
// deciding party at least max(r_i, r'_i) within their red lines (the deal itself, or a revision
// of it); if none does, it breaks down in the first round after the signature. In a two-party
// division with war costs c_A, c_B this is Powell's condition: breakdown iff |Δ| > c_A + c_B.
//
// Otherwise it may still break down by chance, with the hazard per round
//   λ = base_hazard · exp(Σ_k log_hazard_k · x_k)   (x_k the deal's terms, unit scale),
// a proportional-hazards model with constant covariates, as in Fortna's (2003) durations of
// ceasefires: P(it holds t rounds) = exp(−λ t). The round of breakdown is ⌈E / λ⌉ for one draw
// E ~ Exp(1) from the run's stream (seed, run, "durability").
#include "parley/protocol/run_context.hpp"

namespace parley::protocol {

// The deal in w.x, signed in round `round` with the front at `front` (unit scale) and the run's
// parameters as they stood then (w.shocked); sets out.breakdown and out.breakdown_cause where it
// breaks down (negotiate() leaves them -1 otherwise).
void follow_deal(const Setting& setting, random::Stream& stream, int round, double front,
                 Workspace& w, RunResult& out);

}  // namespace parley::protocol

#pragma once
// The mediated single negotiating text (Raiffa's one-text procedure), model.md §2.
//
// Each round: the battlefield moves and BATNAs follow it; the mediator meets each
// party separately; a party accepts when u_i(x_t) >= r_i(t) and no red line is
// crossed, or else returns an amendment; if every veto player accepts, x_t is the
// deal; otherwise the mediator revises the text within a trust region. A party
// whose best reachable utility stays below its BATNA for K rounds walks out.
#include "parley/protocol/realization.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/random/stream.hpp"

namespace parley::protocol {

// Per-run random streams of the protocol, each keyed by (seed, run, purpose).
struct RunStreams {
  random::Stream battlefield;
  random::Stream mediator;
};

// Scratch space reused across runs so that a run allocates nothing.
struct Workspace {
  Vector x, x_war, trial, best, grad, grad_i, u, u_war, batna, batna_estimate, lo, hi, target;
  model::Matrix values;
  Eigen::ArrayXi below;
  std::vector<bool> accepts, left;
  void resize(Index agents, Index issues);
};

// The weighted-mean target of the closed-form variant (model.md §2):
// z*_k = (Σ_i p_i s_ik a_ik + β a_Mk) / (Σ_i p_i s_ik + β), over the parties i.
void weighted_mean_target(const Setting& setting, const Realization& r, Vector& target);

// r_i(t) for every agent: the fixed reservation, or u_i(x_war(t)) - c_i with x_war
// the status quo whose battlefield issue is set to the front line s (model.md §1).
void batnas(const Setting& setting, const Realization& r, double front_line, Workspace& w,
            Vector& out);

// The mediator's revision: the text in the trust region around x that maximises
// Σ_i θ_i log(u_i(x) - r̂_i + ε) + β u_M(x) (projected gradient ascent), started
// from the parties' amendments; or the weighted-mean step, per the setting.
void revise(const Setting& setting, const Realization& r, Workspace& w, Vector& x);

void negotiate(const Setting& setting, const Realization& r, RunStreams& streams, Workspace& w,
               RunResult& out);

}  // namespace parley::protocol

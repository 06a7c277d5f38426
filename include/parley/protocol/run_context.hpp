#pragma once
// What every protocol shares within one run: its random streams, its scratch space,
// the BATNAs that follow the battlefield, and how a run is concluded (utilities,
// present values, blocker and obstacle).
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "parley/protocol/beliefs.hpp"
#include "parley/protocol/realization.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/protocol/solve/nash_objective.hpp"
#include "parley/protocol/trace.hpp"
#include "parley/protocol/war_value.hpp"
#include "parley/random/stream.hpp"

namespace parley::protocol {

// Per-run random streams, each keyed by (seed, run, purpose).
struct RunStreams {
  random::Stream battlefield;
  random::Stream mediator;
  random::Stream recognition;
  random::Stream beliefs;       // the particles of the mediator's priors
  random::Stream durability;    // whether a deal breaks down by chance
  random::Stream talks;         // whether the talks collapse after a round (one draw a round)
  random::Stream ratification;  // whether a signed text is ratified at home (a draw per vote)
  random::Stream challenges;    // who wins a conflict of the expected-utility model, by lottery
};

// What concession carries from round to round of one run (docs/model.md, "Concession").
struct ConcessionState {
  Vector pressure;     // Σ c_i over the finished rounds
  Vector cost_before;  // c_i in force in the last round
  Vector share;        // the share of the way each agent has gone, as the others see it
  model::Matrix moved_lo, moved_hi;  // how far each red line's ends have moved (unit scale, ≥ 0)
  Vector aspiration_moved;           // how far each aspiration has come down (utility)
  Vector aspiration;                 // each aspiration in this round (NaN: none)
  // The same for the round being computed (every agent answers last round's moves).
  Vector next_share, next_aspiration_moved;
  model::Matrix next_lo, next_hi;
  void resize(Index agents, Index issues);
};

// The war as it stood before an interim ceasefire changed it (protocol/ceasefire.hpp).
struct WarBefore {
  int regime = 0;
  double drift = 0.0;
  double volatility = 0.0;
  Vector war_cost;
  Vector expected_drift;
};

// Each agent's value of fighting on as a function of the public drift μ over [lo, hi] (the drifts
// a player's levels can give, the others' held): exact at lo, hi and a node between (the current
// drift where it lies inside, else the middle), and the quadratic through them between
// (protocol/instruments.hpp). fit() takes the values at the nodes.
struct DriftValues {
  double lo = 0.0, mid = 0.0, hi = 0.0;
  Vector at_lo, at_mid, at_hi;  // per agent
  Vector c0, c1, c2;            // per agent: the quadratic c0 + c1 μ + c2 μ²
  void fit();
  double operator()(Index i, double mu) const { return c0(i) + mu * (c1(i) + mu * c2(i)); }
};

// Scratch space reused across runs so that a run allocates nothing.
struct Workspace {
  Vector x, x_war, trial, best, grad, u, u_war, batna, batna_estimate, gap, lo, hi, target;
  Vector demand;          // the utility each agent demands: max(BATNA, its aspiration)
  Vector estimate_error;  // r̂_i − r_i of the mediator's last estimates
  model::Matrix values;
  Eigen::ArrayXi below;
  std::vector<bool> accepts, left, counted;
  // Side payments (docs/model.md, "Side payments"): per agent, the payment attached to the text,
  // and scratch for choosing it (the gains, the power shares, the BATNA estimates less payments).
  Vector payment, payment_gain, payment_theta, shifted;
  // Instruments (protocol/instruments.hpp): the values of fighting on a choice weighs, what the
  // text offers each party whose consent it needs, which agents' values the choice weighs (1) or
  // not (0), and per agent the sums of its aid and sanctions over the rounds so far.
  DriftValues drift_values;
  Vector offered, weighed;
  Vector aid_sum, sanctions_sum;
  // Delegations (protocol/delegation.hpp): each agent's weight in the mediator's revision, each
  // delegation's joint position (one per delegation), and scratch for forming it.
  Vector voice, joint_trial, joint_step, joint_sign;
  std::vector<Vector> joint;
  std::vector<std::int8_t> amending;   // per delegation: some member at the table rejects
  std::vector<std::int8_t> bracketed;  // per issue: set aside by the mediator in this run
  Realization shocked;                 // the run's parameters as changed by scheduled shocks
  NashObjective objective;             // the mediator's revision objective, packed per revision
  WarValue war_value;  // the value of the front for the agent being valued (scratch)
  // Each agent's belief about the war's drift (docs/model.md, "Beliefs about the war"): the
  // Normal posterior's mean and precision of the offset b between the drift and the drift the
  // efforts give (unit scale per round; precision ∞: it does not learn), and the drift and spread
  // it valued the war with in this round (NaN: no war value).
  Vector drift_offset, drift_precision, valued_drift, valued_sd;
  int regime = 0;  // the war regime in force
  // Scratch of the bargaining range and reservations (protocol/bargaining_range.hpp).
  Vector range_text;
  std::vector<double> range_cuts;
  ConcessionState concession;
  Eigen::ArrayXi rejections;        // per agent: texts rejected so far in this run
  std::vector<std::int32_t> fired;  // per shock: the round it fired in; -1 not yet
  // Private information: the mediator's (alternating offers: the parties' common) beliefs, and
  // the red lines as it knows them (a proposer's screening also uses them as scratch).
  RedLineBeliefs beliefs;
  model::Preferences known;
  // An interim ceasefire's phased withdrawal: the rounds left and the line it ends on (unit).
  int withdrawal_left = 0;
  double withdrawal_target = 0.0;
  WarBefore war_before;
  // Set by the engine while an interruption may come: a round-by-round protocol checks it at
  // the start of every round and, once it is set, stops the run there (`cut_short`); the run's
  // result is then discarded, never delivered.
  const std::atomic<bool>* cancel = nullptr;
  bool cut_short = false;
  // Whether to stop the run now (and so marks it cut short).
  bool stop_requested() {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) cut_short = true;
    return cut_short;
  }
  void resize(Index agents, Index issues);
};

// One run as a protocol sees it: the setting, the run's parameters as drawn (the protocol
// works on a copy, w.shocked, that shocks, concession and ceasefires change), its streams, the
// thread's workspace, the result it fills, and the trace it records into (null: none). A
// protocol's entry point takes this and nothing else.
struct Run {
  const Setting& setting;
  const Realization& drawn;
  RunStreams& streams;
  Workspace& w;
  RunResult& out;
  Trace* trace = nullptr;
};

// Each agent's belief about the war's drift (docs/model.md, "Beliefs about the war"): about the
// offset b = μ − μ_e between the drift and the drift μ_e of the war as it stands (the contest's
// efforts, or battlefield.drift), which is public. In round 1 it starts from its prior,
// N(m_0 − μ_e, τ²) with m_0 its expected_drift (no offset where it has none) and τ its drift_sd
// (none or 0: it holds its offset and never learns). Then in every round in which the front was
// `fought` over (no interim ceasefire, no withdrawal) and moved from `before` to `after` inside its
// bounds, the surprise y − μ_e ~ N(b, σ²) updates it by the conjugate Normal rule:
// π_t = π_{t−1} + 1/σ², b_t = (π_{t−1} b_{t−1} + (y − μ_e)/σ²) / π_t (σ = 0: the surprise is b).
// A move cut at a bound is not a draw and teaches nothing. Call it in round 1 before batnas.
void learn_drift(const Realization& r, int round, bool fought, double before, double after,
                 Workspace& w);

// r_i(t) for every agent in round t: the fixed reservation, or the expected value of fighting
// on (docs/model.md, "The outside option and the war"):
//   r_i(t) = Σ_{k≠b} w_ik v_ik(sq_k) + w_ib H_i(s_t) − (1 − δ_i) Σ_n δ_i^n c_i(t + n),
// H_i the value of the battlefield issue b over the front line it expects (WarValue, with the
// drift it believes in: the war's plus w.drift_offset, or the war's where it knows it), the war
// costs to come as scheduled by shocks. Sets w.valued_drift and w.valued_sd.
void batnas(const Setting& setting, const Realization& r, double front_line, int round,
            Workspace& w, Vector& out);

// The same with the war's public drift `drift_in_force` (what the efforts give, before each
// agent's offset), for a choice of instruments that would change it (protocol/instruments.hpp);
// with `only`, a hypothetical valuation for the agents whose entry in it is not 0 (NaN for the
// rest), which leaves w.valued_drift and w.valued_sd as they are.
void batnas_at(const Setting& setting, const Realization& r, double front_line, int round,
               double drift_in_force, Workspace& w, Vector& out, const Vector* only = nullptr);

// The war's public drift with the players' total aid and sanctions given: the contest's (or
// battlefield.drift) under the war, the interim ceasefire's design drift under one.
double public_drift(const Realization& r, const Workspace& w, double players_aid,
                    double players_sanctions);

// The BATNAs as the talks open, outside a run (`parley solve`, `evaluate`): w sized for r, every
// belief about the drift at its prior (no move seen yet), the front at battlefield.start, round 1.
void opening_batnas(const Setting& setting, const Realization& r, Workspace& w, Vector& out);

// s_{t+1} = clamp(s_t + μ + σ ε_t, 0, 1), ε standard normal (docs/model.md, "The outside option and
// the war"); during an interim ceasefire's withdrawal with n rounds left toward the line L, the
// step also covers (L − s_t) / n of the way (docs/model.md, "Interim ceasefires").
double move_front(const Realization& r, double front, Workspace& w, random::Stream& stream);

// The start of round t for shocks: counts the rejections of round t − 1 (w.accepts), then
// fires every shock not yet fired whose trigger holds with the front line `front` of the last
// round's end, changing the run's parameters; round 1 starts the run's counts afresh.
void apply_shocks(Realization& r, int round, double front, Workspace& w);

// Red lines and aspirations where the agents' concession has brought them in round t, with
// `front` the front line at the start of the round (docs/model.md, "Concession"): each end
// moves from where it is set toward its limit by α, the weighted mix of Faratin et al.'s
// (1998) tactics — time-dependent (polynomial), resource-dependent (the pressure of the war
// against the agent's endurance), relative tit-for-tat (the share of the way the other deciders
// had gone in the last round) and absolute tit-for-tat (the distance the other deciders' facing
// ends had moved). Never past the limit, and not at all where no limit is given. Round 1
// starts the run's state afresh.
void concede(const Setting& setting, Realization& r, int round, double front, Workspace& w);

// The start of round t in every protocol: the shocks of round t apply, red lines and
// aspirations concede, the front line moves, w.batna follows the front (kept as
// out.batna_first in round 1) and w.demand is max(BATNA, aspiration). Returns the front.
double open_round(const Setting& setting, Realization& r, int round, double front,
                  RunStreams& streams, Workspace& w, RunResult& out);

// Each agent's answer to w.x: u_i(x) >= threshold_i and no red line crossed. Fills
// w.u and w.accepts.
void answer(const Realization& r, const Vector& threshold, Workspace& w);

// The rejecting veto player (every party when none has a veto) with the largest shortfall
// max(d_i - u_i, 0) + red-line excess at w.x, d_i its demand (with w.u, w.demand, w.accepts
// current); -1
// when all of them accept.
Index largest_shortfall(const Setting& setting, const Realization& r, const Workspace& w);

// Of the same players, the one with the largest price_i - u_i(x) + red-line excess at w.x:
// the largest shortfall against the price it demanded, or else the least slack.
Index least_slack_player(const Setting& setting, const Realization& r, const Workspace& w,
                         const Vector& price);

// Per issue k, the shortfall of the text w.x (with w.u, w.demand, w.accepts current): summed
// over the agents whose consent it needs and who reject it, the red-line excess on k plus the
// share of the utility shortfall max(d_i − u_i, 0) that k carries, in proportion to the loss
// w_ik (1 − v_ik(x_k)) (under the mean aggregation, all of it on the principal obstacle). See
// docs/model.md, "Obstacle attribution".
void shortfalls(const Setting& setting, const Realization& r, const Workspace& w, Vector& out);

// Fills the result from the text w.x (with w.u, w.batna, w.accepts current) after the talks
// ended in `round` with `out.outcome` set: present values for a deal, and otherwise the
// blocker and the obstacles (docs/model.md, "Obstacle attribution"): the blocker is the walker,
// or else the rejecting player with the largest shortfall against its demand, or else (no
// one rejects the last text at its demand) the least_slack_player against `price`, what
// each demanded in the last round (its demand, or max(d_i, δ_i W_i) in alternating offers);
// the obstacles are the issues with the largest and second-largest shortfalls(), or the
// blocker's principal obstacle where there are none. Every failed run has a blocker and an
// obstacle.
// It also keeps the bargaining range about the last text as out.range_last.
void conclude(const Setting& setting, const Realization& r, Workspace& w, int round, double front,
              const Vector& price, RunResult& out);

// After the answers of round t to the text w.x (w.u, w.batna, w.demand, w.accepts current): the
// bargaining range about it (kept as out.range_first in round 1) and, with a trace, the round's
// record with each agent's reservation, the range and the zone of agreement.
void note_round(const Setting& setting, const Realization& r, int round, Index proposer,
                double front, Workspace& w, RunResult& out, Trace* trace);

// What the beliefs say at the end of the run, against the truth, into out.belief_width,
// belief_error and belief_covered (private information only).
void conclude_beliefs(const Setting& setting, const Realization& r, const Workspace& w,
                      RunResult& out);

// After round t without a deal, `rejected` rounds rejected so far (this one included): whether the
// talks end, and how (docs/model.md, "When the talks end"). At a known deadline they end
// (deadline); else with probability min(1, h0 + h1 · rejected) they collapse (one draw from
// `talks` every round, so that round t's draw is the same whatever the horizon); else at the
// simulation's horizon they are cut off (censored). Nothing: they go on.
std::optional<Outcome> talks_end(const Setting& setting, const Realization& r, int round,
                                 int rejected, random::Stream& talks);

// Runs the protocol the setting names; records the rounds into `trace` unless it is null.
void negotiate(const Run& run);

}  // namespace parley::protocol

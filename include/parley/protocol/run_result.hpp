#pragma once
// The result of one negotiation, on unit scales.
#include <cstdint>
#include <vector>

#include "parley/protocol/realization.hpp"

namespace parley::protocol {

// How the talks ended (docs/model.md, "When the talks end"). partial: a deal on every issue but
// the ones the mediator bracketed (set aside), or on the stages of a binding agenda agreed.
// deadline: a known deadline (protocol.deadline) passed, or a one-round protocol found no text;
// collapse: the talks ended by their hazard (protocol.collapse_hazard); censored: still talking
// at the simulation's horizon (protocol.max_rounds), which is no outcome of the talks; refused: a
// signed text refused at home ended the talks (protocol.refusal = "end"; docs/model.md,
// "Ratification at home"); abandoned: the mediator left the talks, which ended them
// (protocol.disengagement = "end"; docs/model.md, "Instruments: aid, sanctions, disengagement").
enum class Outcome : std::int8_t {
  agreement = 0,
  walk_out = 1,
  deadline = 2,
  partial = 3,
  collapse = 4,
  censored = 5,
  refused = 6,
  abandoned = 7
};
inline constexpr const char* kOutcomeMeanings =
    "agreement walk-out deadline partial collapse censored refused abandoned";
inline constexpr int kOutcomes = 8;

// Why a deal broke down after its signature (docs/model.md, "Whether a deal holds").
enum class Breakdown : std::int8_t { none = -1, hazard = 0, power_shift = 1 };
inline constexpr const char* kBreakdownMeanings = "hazard power-shift";

struct RunResult {
  Outcome outcome = Outcome::censored;
  int round = -1;              // round of the deal; -1 without one
  int last_round = 0;          // the round the talks ended in, or were cut off at the horizon
  Index blocker = -1;          // agent index; -1 after a deal
  Index obstacle = -1;         // issue index; -1 after a deal
  Index obstacle_second = -1;  // the issue ranked second; -1 after a deal or none
  Vector shortfall;    // per issue: the rejecting deciders' shortfall on it; NaN after a deal
  Vector final_text;   // the last text on the table
  Vector utility;      // u_i(final_text)
  Vector utility_pv;   // δ_i^round · u_i(deal); NaN without a deal
  Vector batna;        // r_i at the last round
  Vector batna_first;  // r_i at the first round
  // The drift each agent valued the war with, and the spread of its belief (unit scale per round;
  // NaN: it values no war), at the first and the last round (docs/model.md, "Beliefs about the
  // war").
  Vector drift_first, drift_sd_first, drift_last, drift_sd_last;
  // The bargaining range on the battlefield issue (protocol/bargaining_range.hpp) about the text
  // answered in the first round and the last text, with the BATNAs of those rounds (unit scale).
  double range_first = 0.0, range_last = 0.0;
  double battlefield = 0.0;               // front line at the last round, unit scale
  std::vector<std::int8_t> bracketed;     // per issue: 1 if set aside by the mediator
  std::vector<std::int32_t> shock_round;  // per shock: the round it fired in; -1 if it did not
  // Private information (mediated): the first round whose answers left the mediator able to
  // name a text that passes every private red line with probability kRevealedProbability (-1:
  // never, or complete information), and its beliefs at the end against the truth (NaN: none).
  int revealed = -1;
  double belief_width = 0.0, belief_error = 0.0, belief_covered = 0.0;
  // After a deal (docs/model.md, "Whether a deal holds"): the round after the signature in
  // which it broke down (-1: it held to the horizon, or no deal, or no horizon), and why
  // (Breakdown, as its integer; -1: it did not).
  int breakdown = -1;
  std::int8_t breakdown_cause = -1;
  // With an agenda: the stages agreed (-1: no agenda).
  int stages_agreed = -1;
  // The expected-utility model: the most rounds of challenges any issue took, and the challenges
  // made over all issues and rounds; -1 under the other protocols.
  int challenge_rounds = -1;
  int challenges = -1;
  // The offers taken (an agent moved) over all issues and rounds, by how: it lost a conflict,
  // compromised, or capitulated; -1 under the other protocols.
  int conflicts = -1, compromises = -1, capitulations = -1;
  // Interim ceasefires (docs/model.md, "Interim ceasefires"): the round after whose answers an
  // agreed stage's ceasefire came into force (0: before the talks; -1: none), and the design of the
  // ceasefire term the run settled, by a stage or the deal (-1: none settled, or no designs).
  int ceasefire_round = -1;
  int ceasefire_design = -1;
  // Ratification at home (docs/model.md, "Ratification at home"), per agent: the chance its
  // constituency gave the last text put to it (NaN: none was, or it has no constituency), and how
  // many signed texts it refused in the run.
  Vector ratification;
  std::vector<std::int32_t> refusals;
  // Side payments (docs/model.md, "Side payments"), per agent: the payment attached to the last
  // text (units; paid with a deal), 0 without side payments.
  Vector payment;
  // Instruments (docs/model.md, "Instruments: aid, sanctions, disengagement"), per agent: its mean
  // aid and sanctions over the rounds of the run (the contest's units; NaN: it has no such
  // instrument), and the round after which the mediator left the talks (-1: it stayed).
  Vector aid, sanctions;
  int disengaged = -1;
};

}  // namespace parley::protocol

#pragma once
// The round-by-round history of one run, recorded only when asked for (--trace,
// --only-run): the text on the table, each agent's answer, utility, BATNA, demand (its BATNA
// or the aspiration above it), the drift it values the war with, and red lines as they stand, the
// front line and, under alternating offers, the proposer; what each side would take over fighting
// on (its reservation on the battlefield issue, the bargaining range there and the zone of
// agreement); under private information, the mediator's beliefs.
#include <cstdint>
#include <vector>

#include "parley/model/preferences.hpp"

namespace parley::protocol {

struct TraceRound {
  int round = 0;
  model::Index proposer = -1;  // alternating offers; -1 otherwise
  double front = 0.0;          // unit scale
  model::Vector text;          // unit scales
  model::Vector utility;
  model::Vector batna;
  model::Vector demand;
  model::Vector expected_drift;  // the drift each agent values the war with (unit scale; NaN: none)
  // Each agent's reservation on the battlefield issue given the text's other terms, against its
  // demand (unit scale; NaN: none), the bargaining range there against the BATNAs (length, unit
  // scale) and the zone of agreement (max over texts of the deciders' least u − BATNA; −∞: their
  // red lines exclude every text). protocol/bargaining_range.hpp, protocol/diagnostics.hpp.
  model::Vector reservation;
  double range = 0.0;
  double zone = 0.0;
  model::Matrix red_lo, red_hi;  // agents × issues, unit scales
  std::vector<std::int8_t> accepts;
  // The mediator's posterior medians of the private red-line ends after this round's answers
  // (agents × issues, unit scales; NaN where it holds no belief; empty under complete
  // information).
  model::Matrix belief_lo, belief_hi;
  // The side payment the mediator attached to the text, per agent (docs/model.md, "Side
  // payments"; empty without side payments).
  model::Vector payment;
  // The aid and sanctions each player had in force in the round (the contest's units; NaN: it has
  // no such instrument; empty without instruments).
  model::Vector aid, sanctions;
};

// One offer taken in the expected-utility model (docs/model.md, "The expected-utility model"): in
// `round` of the challenges on `issue`, `target` moved from `from` to `to` (unit scale) on
// `challenger`'s offer, by `move`: 1 a lost conflict, 2 a compromise, 3 a capitulation.
struct TraceChallenge {
  int round = 0;
  model::Index issue = 0;
  model::Index challenger = 0;
  model::Index target = 0;
  std::int8_t move = 0;
  double from = 0.0, to = 0.0;
};

struct Trace {
  std::vector<TraceRound> rounds;
  std::vector<TraceChallenge> challenges;  // the expected-utility model's, issue by issue

  void record(int round, model::Index proposer, double front, const model::Vector& text,
              const model::Vector& utility, const model::Vector& batna, const model::Vector& demand,
              const model::Vector& expected_drift, const model::Preferences& prefs,
              const std::vector<bool>& accepts) {
    TraceRound r{round, proposer, front, text,         utility,      batna, demand, expected_drift,
                 {},    0.0,      0.0,   prefs.red_lo, prefs.red_hi, {},    {},     {},
                 {},    {},       {}};
    for (bool a : accepts) r.accepts.push_back(a ? 1 : 0);
    rounds.push_back(std::move(r));
  }
};

}  // namespace parley::protocol

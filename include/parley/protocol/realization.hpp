#pragma once
// What one run negotiates with: every parameter of the scenario as drawn for that
// run (a Realization), and the fixed structure that no draw changes (a Setting).
// All positions are on the issues' unit scales [0, 1].
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "parley/model/preferences.hpp"

namespace parley::protocol {

using model::Index;
using model::Vector;

enum class Revision : std::int8_t { nash, weighted_mean };

struct Setting {
  std::vector<bool> veto;      // per agent
  std::vector<bool> is_party;  // per agent; false for the mediator
  Index mediator = -1;
  Index battlefield_issue = 0;
  int max_rounds = 24;
  int walkout_patience = 3;
  int revision_steps = 24;
  Revision revision = Revision::nash;
};

struct Realization {
  model::Preferences prefs;
  Vector power;          // recognition and bargaining weight
  Vector discount;       // δ_i per round
  Vector assertiveness;  // amendment step
  Vector war_cost;       // c_i per round (war-cost BATNA model)
  Vector reservation;    // fixed BATNA utility; NaN where the war-cost model applies
  Vector first_draft;
  Vector status_quo;
  double mediator_stake = 0.0;  // β
  double trust_region = 0.1;    // ρ, unit scale
  double batna_noise = 0.0;     // sd of r̂_i - r_i
  double step = 0.5;            // η of the weighted-mean revision
  double battlefield_start = 0.0;
  double battlefield_drift = 0.0;
  double battlefield_volatility = 0.0;

  void resize(Index agents, Index issues);
};

}  // namespace parley::protocol

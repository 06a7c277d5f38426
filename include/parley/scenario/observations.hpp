#pragma once
// What was observed of the talks, as statistics a run produces (docs/model.md, "Calibration"):
// the facts `parley calibrate` fits the scenario's sampled parameters to. An observations file
// is TOML, read like a scenario: every error is located, all of them reported at once.
#include <string>
#include <vector>

#include "parley/scenario/diagnostics.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::scenario {

enum class Statistic {
  deal_by,   // whether the run had reached an agreement by round `round` (value 0 or 1)
  outcome,   // how the talks ended (value: an Outcome index)
  obstacle,  // the principal obstacle of the text of round `round` (value: an issue index)
  answer,    // agent's answer to `text` at round `round` (1 accept, 0 reject)
  utility,   // agent's utility of `text` (a number, with `scale`)
  deal,      // the deal's term on `issue`, natural units (with `scale`)
};

struct Observation {
  Statistic statistic = Statistic::deal_by;
  int round = 0;             // deal_by, answer, obstacle
  std::size_t agent = 0;     // answer, utility
  std::size_t issue = 0;     // deal
  std::vector<double> text;  // answer, utility: the stated text, natural units per issue
  double value = 0.0;        // what was observed (see Statistic)
  double scale = 0.0;        // utility, deal: the difference that counts as distance 1 (> 0)
  std::string source;        // the sentence or datum it rests on
  std::string label;         // how messages and files name it, e.g. "answer.russia.round2"
  Location where;

  bool continuous() const noexcept {
    return statistic == Statistic::utility || statistic == Statistic::deal;
  }
};

struct Observations {
  std::string source;  // the file, for messages
  std::string text;    // the file as read (kept with the posterior)
  std::vector<Observation> items;
};

// Reads observations of the scenario `s` (agents, issues and ranges are checked against it).
// Throws ScenarioError with every problem found.
Observations load_observations_text(const std::string& text, const std::string& source,
                                    const Scenario& s);
Observations load_observations_file(const std::string& path, const Scenario& s);

}  // namespace parley::scenario

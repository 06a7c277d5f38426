#pragma once
// Comparing two sets of runs: the difference of each outcome measure (P(agreement), outcome
// shares, rounds, deal terms, obstacles, survival of deals) with its standard error, paired run
// by run where the runs share their random numbers (same seed and run indices), independent
// otherwise (docs/model.md, "Comparing runs").
#include <cstdint>
#include <string>
#include <vector>

#include "parley/engine/run_block.hpp"

namespace parley::engine {

// One measure: a mean of y over the runs that count (all runs, or the runs with a deal).
struct Measure {
  enum class Kind : std::int8_t {
    agreement,
    outcome,
    last_round,
    deal_round,
    deal,
    obstacle,
    holds
  };
  Kind kind;
  int code = -1;      // the outcome (Kind::outcome)
  std::string issue;  // the issue's id (Kind::deal, Kind::obstacle)
  std::string name;   // as printed and written
  bool of_deals = false;
};

// What one side of a comparison holds: its issues (ids, in its file's order) and whether its
// deals are followed after the signature ([durability]).
struct CompareSide {
  std::vector<std::string> issues;
  bool durability = false;
};

// The measures both sides have: every outcome, the deal terms and obstacles of the issues both
// have (in the first's order), survival where both follow their deals.
std::vector<Measure> comparable_measures(const CompareSide& a, const CompareSide& b);

struct Difference {
  std::string measure;
  double a = 0.0, b = 0.0;  // the measure in each (NaN where no run counts)
  double difference = 0.0;  // b − a
  double se = 0.0;          // its standard error (delta method for means over deals)
  bool paired = false;
  // |b − a| beyond 1.96 standard errors: a difference a 95% interval does not cover 0.
  bool beyond_noise() const;
};

// Accumulates both sides and gives the differences. A measure over deals is a ratio estimator
// R = Σ a·y / Σ a (a = 1 for a run with a deal); its variance is that of the linearised
// z = a (y − R) / ā (Cochran 1977, Sampling Techniques, §6.3), paired as z_b − z_a run by run.
// Sums are kept, not runs: memory does not grow with the runs.
class Comparison {
 public:
  Comparison(std::vector<Measure> measures, const CompareSide& a, const CompareSide& b,
             bool paired);
  void add_a(const RunBlock& block);                    // independent sides
  void add_b(const RunBlock& block);                    // independent sides
  void add_pair(const RunBlock& a, const RunBlock& b);  // paired: the same runs, row by row
  std::vector<Difference> finish() const;
  const std::vector<Measure>& measures() const { return measures_; }

 private:
  struct Side {  // Σ 1, Σ a, Σ a·y, Σ a·y² per measure
    std::vector<double> n, a, ay, ayy;
    void add(std::size_t m, double y, double counts);
  };
  struct Joint {  // Σ a_a a_b, Σ a_a a_b y_a, Σ a_a a_b y_b, Σ a_a a_b y_a y_b per measure
    std::vector<double> aa, aay_a, aay_b, aayy;
  };
  // y and a of measure m in row r of a block of side `side` (0: a, 1: b).
  void value(const RunBlock& block, std::size_t row, std::size_t m, int side, double& y,
             double& counts) const;
  void add(Side& s, int side, const RunBlock& block);

  std::vector<Measure> measures_;
  std::vector<int> issue_a_, issue_b_;  // per measure: its issue's index on each side, or -1
  bool paired_;
  Side a_, b_;
  Joint joint_;
};

}  // namespace parley::engine

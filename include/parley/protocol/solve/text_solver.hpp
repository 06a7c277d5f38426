#pragma once
// The axiomatic solutions of solver.hpp on any text space: continuous, discrete (options and
// clauses, with constraints) or mixed, and under either aggregation (sum or mean).
//
// A continuous space with additive utilities goes straight to Solver (exact). With discrete
// issues the search runs over their options: every assignment the constraints allow is
// enumerated (depth first, a constraint checked as soon as its issues are set) when there
// are at most kExactLimit, and otherwise a best-improvement local search over one-issue
// changes runs from kRestarts starts (fixed, so results are reproducible). For each
// assignment the continuous issues, if any, are solved exactly by Solver with the discrete
// ones held. `method()` says which search ran.
#include <optional>
#include <string>
#include <vector>

#include "parley/protocol/realization.hpp"
#include "parley/protocol/solve/solver.hpp"

namespace parley::protocol {

class TextSolver {
 public:
  static constexpr std::size_t kExactLimit = 1 << 14;
  static constexpr int kRestarts = 8;

  TextSolver(const Setting& setting, const model::Preferences& p, TextBox box);

  Solver::Maximin maximin(const std::vector<Index>& players, const Vector& c, const Vector& s);
  std::optional<Vector> nash(const std::vector<Index>& players, const Vector& d,
                             const Vector& alpha);
  std::optional<Vector> best_for(Index leader, const std::vector<Index>& players, const Vector& c);
  std::optional<Solver::KalaiSmorodinsky> kalai_smorodinsky(const std::vector<Index>& players,
                                                            const Vector& d);

  const TextBox& box() const noexcept { return box_; }
  // "continuous (exact)", "enumeration of N texts (exact)" or "local search, R restarts".
  std::string method() const;

 private:
  // The best text by `score` (higher is better; -inf: not acceptable), the continuous issues
  // of each candidate completed by `complete(solver)`; nothing if every candidate scores -inf.
  template <typename Complete, typename Score>
  std::optional<Vector> search(Complete&& complete, Score&& score);
  bool allowed(const Vector& x) const;
  int violations(const Vector& x) const;

  const Setting& setting_;
  const model::Preferences& p_;
  TextBox box_;
  std::vector<Index> discrete_;              // the discrete issues
  std::vector<std::vector<double>> values_;  // their options' unit positions within the box
  bool continuous_rest_ = false;             // some continuous issue too
  bool exact_ = true;
  std::size_t count_ = 1;  // assignments (capped above kExactLimit)
};

}  // namespace parley::protocol

#pragma once
// A dense two-phase simplex method for the small linear programs of the column-generation
// solver (solver.hpp): a handful of rows, tens of columns, solved thousands of times per
// second in every worker thread. A general LP library would cost more in set-up than these
// programs cost to solve, and the ones packaged for Debian either keep global state
// (GLPK aborts the process on an internal error) or are built for large sparse problems.
//
//   maximise c·z  subject to  A z (<=, >=, =) b,  z >= 0.
//
// Bland's rule (smallest index enters and leaves) rules out cycling; pivots smaller than
// 1e-12 are not taken. Besides z it returns the row duals y (B^T y = c_B for the final
// basis B, in the rows' own orientation): ∂(optimum)/∂b_r, so y_r >= 0 on a "<=" row and
// y_r <= 0 on a ">=" row.
//
// Warm starts (column generation's masters): after an optimal solve, columns may be added and
// right-hand sides changed (same senses) without reset(); the next solve() then starts from
// the last optimal basis B, priced with the B^-1 the tableau carries in its unit columns:
// dual simplex pivots where the new right-hand sides leave B infeasible, then the primal
// simplex for the new columns (a solution whose rows miss by more than 1e-9 after iterative
// refinement is computed again from a fresh LU factorisation of B; one that still misses, and
// every 32nd solve, starts afresh). reset() always starts afresh, so a program built from reset()
// is solved exactly as without warm starts.
#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace parley::protocol {

class SmallLp {
 public:
  enum class Sense : std::int8_t { le, ge, eq };
  enum class Status : std::int8_t { optimal, infeasible, unbounded, stalled };

  // A program with `rows` constraints and no variables yet.
  void reset(Eigen::Index rows);
  // Sets row r; after a solve, a change of its right-hand side alone keeps the warm start.
  void set_row(Eigen::Index r, Sense sense, double rhs);
  // Adds a variable z_j >= 0 with objective coefficient `cost` and column `column`.
  void add_column(double cost, const Eigen::VectorXd& column);

  // The entering column: Bland's (the first that improves; the default, which rules out
  // cycling in exact arithmetic) or Dantzig's (the one that improves most: fewer pivots on
  // programs of many columns). Under Dantzig's rule a fresh solve perturbs the right-hand
  // sides by 1e-11 (then restores them from the optimal basis), the ratio test reads basic
  // values rounded below zero as zero, and Bland's rule takes over after 50 degenerate pivots
  // in a row: degenerate masters made exact Bland's rule cycle in round-off.
  enum class Rule : std::int8_t { bland, dantzig };
  void set_rule(Rule rule) noexcept { rule_ = rule; }

  Status solve();
  const Eigen::VectorXd& solution() const noexcept { return z_; }  // per variable
  const Eigen::VectorXd& duals() const noexcept { return y_; }     // per row
  double value() const noexcept { return value_; }
  // Whether the last solve() started from the previous optimal basis.
  bool warm() const noexcept { return warm_; }
  // Recomputes the kept tableau from the last optimal basis with a fresh LU factorisation of
  // B, as solve() does itself where a warm solution misses its rows after refinement; the next
  // solve() goes on from it. False (nothing changed) when no basis is kept or B is singular to
  // working precision.
  bool reinvert();

 private:
  using Tableau = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Status solve_cold(bool perturb);
  Status solve_warm();
  void pivot(Eigen::Index r, Eigen::Index j);
  Status iterate(Eigen::Index limit);
  Status dual_iterate(Eigen::Index limit);
  void extract();
  void refine();
  void objective_from_basis();
  void flipped_column(Eigen::Index j, Eigen::VectorXd& out) const;
  double times_inverse(Eigen::Index q, const Eigen::VectorXd& v) const;
  bool satisfies_rows() const;

  Eigen::Index rows_ = 0;
  std::vector<Sense> sense_;
  Eigen::VectorXd rhs_;
  std::vector<double> cost_;
  std::vector<Eigen::VectorXd> columns_;
  Eigen::VectorXd z_, y_;
  double value_ = 0.0;
  // The tableau, by rows (which the pivots update): [structural | slacks | artificials | rhs]
  // in the rows flipped to b >= 0, the objective row last; kept with its layout and basis
  // after an optimal solve for the next warm start.
  Tableau tableau_, grown_;
  Eigen::MatrixXd full_;  // reinvert's copy of the flipped system
  std::vector<double> flip_;
  std::vector<Eigen::Index> slack_col_, unit_, basis_;
  Eigen::Index structural_ = 0;  // structural columns in the tableau
  Eigen::Index first_artificial_ = 0;
  Rule rule_ = Rule::bland;
  bool live_ = false;  // the tableau holds the last optimal basis of this program
  bool warm_ = false;
  int warm_solves_ = 0;  // warm solves since the last fresh one
};

}  // namespace parley::protocol

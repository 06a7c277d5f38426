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
  void set_row(Eigen::Index r, Sense sense, double rhs);
  // Adds a variable z_j >= 0 with objective coefficient `cost` and column `column`.
  void add_column(double cost, const Eigen::VectorXd& column);

  Status solve();
  const Eigen::VectorXd& solution() const noexcept { return z_; }  // per variable
  const Eigen::VectorXd& duals() const noexcept { return y_; }     // per row
  double value() const noexcept { return value_; }

 private:
  Eigen::Index rows_ = 0;
  std::vector<Sense> sense_;
  Eigen::VectorXd rhs_;
  std::vector<double> cost_;
  std::vector<Eigen::VectorXd> columns_;
  Eigen::VectorXd z_, y_;
  double value_ = 0.0;
  // Scratch, kept to avoid reallocating; by rows, which the pivots update.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> tableau_;
};

}  // namespace parley::protocol

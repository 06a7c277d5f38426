#include "parley/protocol/solve/small_lp.hpp"

#include <Eigen/LU>
#include <cmath>
#include <limits>

namespace parley::protocol {
namespace {
constexpr double kPivot = 1e-12;    // smallest pivot taken
constexpr double kImprove = 1e-13;  // smallest reduced cost that enters
// A warm start's dual simplex pivots raise every basic value to at least -kDualFeasible, and
// its solution's rows must hold to kWarmResidual (relative to 1 + |b_r|).
constexpr double kDualFeasible = 1e-13;
constexpr double kWarmResidual = 1e-9;
// Every kRefresh-th solve without reset() starts afresh, bounding the round-off the tableau
// gathers over its pivots.
constexpr int kRefresh = 32;
// Dantzig's rule gives way to Bland's, for the rest of the solve, after this many degenerate
// pivots in a row (cycling is possible only among degenerate pivots).
constexpr int kDegenerateRun = 50;
// Dantzig's rule solves afresh with the flipped right-hand sides raised by this much (times
// 1 + (r + 1)/m, distinct per row): far above round-off, far below the rows' tolerance.
constexpr double kPerturb = 1e-11;
}  // namespace

void SmallLp::reset(Eigen::Index rows) {
  rows_ = rows;
  sense_.assign(static_cast<std::size_t>(rows), Sense::le);
  rhs_.setZero(rows);
  cost_.clear();
  columns_.clear();
  live_ = false;
}

void SmallLp::set_row(Eigen::Index r, Sense sense, double rhs) {
  if (sense_[static_cast<std::size_t>(r)] != sense) live_ = false;
  sense_[static_cast<std::size_t>(r)] = sense;
  rhs_(r) = rhs;
}

void SmallLp::add_column(double cost, const Eigen::VectorXd& column) {
  cost_.push_back(cost);
  columns_.push_back(column);
}

void SmallLp::pivot(Eigen::Index r, Eigen::Index j) {
  auto& t = tableau_;
  t.row(r) /= t(r, j);
  for (Eigen::Index q = 0; q <= rows_; ++q) {
    if (q != r && t(q, j) != 0.0) t.row(q) -= t(q, j) * t.row(r);
  }
  basis_[static_cast<std::size_t>(r)] = j;
}

// Simplex iterations on the objective row (reduced costs d_j = z_j - c_j; a negative one
// improves); columns >= `limit` never enter.
SmallLp::Status SmallLp::iterate(Eigen::Index limit) {
  auto& t = tableau_;
  const Eigen::Index m = rows_;
  const Eigen::Index obj = m;
  const Eigen::Index rhs = t.cols() - 1;
  const Eigen::Index max_pivots = 50 * (m + rhs) + 100;
  const bool dantzig_rule = rule_ == Rule::dantzig;
  bool dantzig = dantzig_rule;
  int degenerate = 0;  // pivots in a row that did not move
  for (Eigen::Index count = 0; count < max_pivots; ++count) {
    Eigen::Index enter = -1;
    if (degenerate >= kDegenerateRun) dantzig = false;  // for the rest of this solve
    if (dantzig) {
      double most = -kImprove;
      for (Eigen::Index j = 0; j < limit; ++j) {
        if (t(obj, j) < most) {
          most = t(obj, j);
          enter = j;
        }
      }
    } else {
      for (Eigen::Index j = 0; j < limit; ++j) {
        if (t(obj, j) < -kImprove) {
          enter = j;
          break;
        }
      }
    }
    if (enter < 0) return Status::optimal;
    Eigen::Index leave = -1;
    double best = std::numeric_limits<double>::infinity();
    for (Eigen::Index r = 0; r < m; ++r) {
      if (t(r, enter) <= kPivot) continue;
      const double ratio = (dantzig_rule ? std::max(t(r, rhs), 0.0) : t(r, rhs)) / t(r, enter);
      if (ratio < best - 1e-15 ||
          (ratio <= best + 1e-15 && leave >= 0 &&
           basis_[static_cast<std::size_t>(r)] < basis_[static_cast<std::size_t>(leave)])) {
        best = std::min(best, ratio);
        leave = r;
      }
    }
    if (leave < 0) return Status::unbounded;
    degenerate = best <= 1e-15 ? degenerate + 1 : 0;
    pivot(leave, enter);
  }
  return Status::stalled;
}

SmallLp::Status SmallLp::solve() {
  warm_ = false;
  if (live_ && warm_solves_ + 1 < kRefresh) {
    const Status s = solve_warm();
    if (s == Status::optimal) {
      warm_ = true;
      ++warm_solves_;
      return s;
    }
  }
  warm_solves_ = 0;
  if (rule_ == Rule::dantzig) {
    // Many columns: solved with right-hand sides perturbed off the degenerate vertices, on
    // which the simplex would stall in round-off; the optimal basis then takes the true ones
    // (as a warm start with no new column), and the rows are checked.
    live_ = solve_cold(true) == Status::optimal;
    if (live_ && solve_warm() == Status::optimal) return Status::optimal;
  }
  const Status s = solve_cold(false);
  live_ = s == Status::optimal;
  return s;
}

SmallLp::Status SmallLp::solve_cold(bool perturb) {
  const Eigen::Index m = rows_;
  const auto n = static_cast<Eigen::Index>(cost_.size());
  // Rows flipped so that every right-hand side is >= 0. Each row r gets a unit column
  // `unit[r]` in the flipped system: its slack when that enters with +1, else an artificial.
  auto& flip = flip_;
  auto& slack_col = slack_col_;
  auto& unit = unit_;
  flip.assign(static_cast<std::size_t>(m), 1.0);
  slack_col.assign(static_cast<std::size_t>(m), -1);
  unit.assign(static_cast<std::size_t>(m), -1);
  Eigen::Index cols = n;
  for (Eigen::Index r = 0; r < m; ++r) {
    const auto sr = static_cast<std::size_t>(r);
    flip[sr] = rhs_(r) < 0.0 ? -1.0 : 1.0;
    if (sense_[sr] != Sense::eq) slack_col[sr] = cols++;
  }
  const Eigen::Index first_artificial = cols;
  for (Eigen::Index r = 0; r < m; ++r) {
    const auto sr = static_cast<std::size_t>(r);
    const double slack_sign = sense_[sr] == Sense::le ? 1.0 : -1.0;
    if (sense_[sr] != Sense::eq && flip[sr] * slack_sign > 0.0) {
      unit[sr] = slack_col[sr];
    } else {
      unit[sr] = cols++;
    }
  }
  const Eigen::Index rhs = cols;
  structural_ = n;
  first_artificial_ = first_artificial;
  auto& t = tableau_;
  t.setZero(m + 1, cols + 1);
  basis_.assign(static_cast<std::size_t>(m), 0);
  for (Eigen::Index r = 0; r < m; ++r) {
    const auto sr = static_cast<std::size_t>(r);
    for (Eigen::Index j = 0; j < n; ++j)
      t(r, j) = flip[sr] * columns_[static_cast<std::size_t>(j)](r);
    if (slack_col[sr] >= 0) t(r, slack_col[sr]) = flip[sr] * (sense_[sr] == Sense::le ? 1.0 : -1.0);
    t(r, unit[sr]) = 1.0;
    t(r, rhs) = flip[sr] * rhs_(r);
    if (perturb)
      t(r, rhs) += kPerturb * (1.0 + static_cast<double>(r + 1) / static_cast<double>(m));
    basis_[sr] = unit[sr];
  }
  const Eigen::Index obj = m;

  // Phase 1: maximise -Σ artificials.
  bool artificial = false;
  for (Eigen::Index r = 0; r < m; ++r) {
    if (unit[static_cast<std::size_t>(r)] >= first_artificial) {
      artificial = true;
      t.row(obj) -= t.row(r);
      t(obj, unit[static_cast<std::size_t>(r)]) = 0.0;
    }
  }
  if (artificial) {
    const Status s = iterate(first_artificial);
    if (s == Status::stalled) return s;
    if (t(obj, rhs) < -1e-9) return Status::infeasible;
    // Artificials left in the basis sit at zero: pivot them out where the row allows.
    for (Eigen::Index r = 0; r < m; ++r) {
      if (basis_[static_cast<std::size_t>(r)] < first_artificial) continue;
      for (Eigen::Index j = 0; j < first_artificial; ++j) {
        if (std::abs(t(r, j)) > kPivot) {
          pivot(r, j);
          break;
        }
      }
    }
  }
  // Phase 2: the objective row from the basis.
  objective_from_basis();
  const Status s = iterate(first_artificial);
  if (s != Status::optimal) return s;
  extract();
  value_ = t(obj, rhs);
  return Status::optimal;
}

// z and the duals from the tableau: d of row r's unit column (cost 0) is the flipped row's dual.
void SmallLp::extract() {
  const auto& t = tableau_;
  const Eigen::Index m = rows_;
  const Eigen::Index rhs = t.cols() - 1;
  z_.setZero(structural_);
  for (Eigen::Index r = 0; r < m; ++r) {
    const Eigen::Index b = basis_[static_cast<std::size_t>(r)];
    if (b < structural_) z_(b) = t(r, rhs);
  }
  y_.resize(m);
  for (Eigen::Index r = 0; r < m; ++r) {
    const auto sr = static_cast<std::size_t>(r);
    y_(r) = flip_[sr] * t(m, unit_[sr]);
  }
}

// Row q of the tableau times v over the rows' unit columns: (B^-1 v)_q for q < m, and for the
// objective row the duals (in the flipped rows) times v.
double SmallLp::times_inverse(Eigen::Index q, const Eigen::VectorXd& v) const {
  double out = 0.0;
  for (Eigen::Index r = 0; r < rows_; ++r)
    out += tableau_(q, unit_[static_cast<std::size_t>(r)]) * v(r);
  return out;
}

// Dual simplex iterations (Lemke 1954): the most negative basic value leaves, and the column
// that keeps every reduced cost non-negative enters (the least d_j / -t_rj over t_rj < 0).
SmallLp::Status SmallLp::dual_iterate(Eigen::Index limit) {
  auto& t = tableau_;
  const Eigen::Index m = rows_;
  const Eigen::Index rhs = t.cols() - 1;
  const Eigen::Index max_pivots = 50 * (m + rhs) + 100;
  for (Eigen::Index count = 0; count < max_pivots; ++count) {
    Eigen::Index leave = -1;
    double worst = -kDualFeasible;
    for (Eigen::Index r = 0; r < m; ++r) {
      if (t(r, rhs) < worst) {
        worst = t(r, rhs);
        leave = r;
      }
    }
    if (leave < 0) return Status::optimal;
    Eigen::Index enter = -1;
    double best = std::numeric_limits<double>::infinity();
    for (Eigen::Index j = 0; j < limit; ++j) {
      if (t(leave, j) >= -kPivot) continue;
      const double ratio = std::max(t(m, j), 0.0) / -t(leave, j);
      if (ratio < best) {
        best = ratio;
        enter = j;
      }
    }
    if (enter < 0) return Status::infeasible;
    pivot(leave, enter);
  }
  return Status::stalled;
}

// The columns added since the last optimal solve join the tableau as B^-1 a (B^-1 is the
// tableau's block under the rows' unit columns), the right-hand side becomes B^-1 b, and the
// primal simplex goes on from that basis. Not optimal (nor kept) when the basis no longer fits.
SmallLp::Status SmallLp::solve_warm() {
  const Eigen::Index m = rows_;
  const Eigen::Index old_n = structural_;
  const auto n = static_cast<Eigen::Index>(cost_.size());
  const Eigen::Index added = n - old_n;
  if (added > 0) {
    const Eigen::Index old_cols = tableau_.cols();
    auto& g = grown_;
    g.resize(m + 1, old_cols + added);
    g.leftCols(old_n) = tableau_.leftCols(old_n);
    g.rightCols(old_cols - old_n) = tableau_.rightCols(old_cols - old_n);
    for (auto& c : slack_col_)
      if (c >= 0) c += added;
    for (auto& c : unit_) c += added;
    for (auto& c : basis_)
      if (c >= old_n) c += added;
    first_artificial_ += added;
    structural_ = n;
    tableau_.swap(g);
  }
  auto& t = tableau_;
  const Eigen::Index rhs = t.cols() - 1;
  Eigen::VectorXd flipped(m);
  for (Eigen::Index j = old_n; j < n; ++j) {
    const Eigen::VectorXd& a = columns_[static_cast<std::size_t>(j)];
    for (Eigen::Index r = 0; r < m; ++r) flipped(r) = flip_[static_cast<std::size_t>(r)] * a(r);
    for (Eigen::Index q = 0; q <= m; ++q) t(q, j) = times_inverse(q, flipped);
    t(m, j) -= cost_[static_cast<std::size_t>(j)];
  }
  for (Eigen::Index r = 0; r < m; ++r) flipped(r) = flip_[static_cast<std::size_t>(r)] * rhs_(r);
  for (Eigen::Index q = 0; q < m; ++q) t(q, rhs) = times_inverse(q, flipped);
  double value = 0.0;
  for (Eigen::Index r = 0; r < m; ++r) {
    const Eigen::Index b = basis_[static_cast<std::size_t>(r)];
    if (b < n) value += cost_[static_cast<std::size_t>(b)] * t(r, rhs);
  }
  t(m, rhs) = value;
  // The basis stays optimal (the reduced costs do not depend on b); where the new b leaves it
  // short of feasible, dual simplex pivots restore feasibility, keeping optimality, and the
  // primal simplex takes in the new columns.
  auto settle = [&] {
    if (dual_iterate(first_artificial_) != Status::optimal) return Status::infeasible;
    const Status s = iterate(first_artificial_);
    if (s == Status::optimal) extract();
    return s;
  };
  if (const Status s = settle(); s != Status::optimal) return s;
  // Round-off in B^-1 on ill-conditioned bases: iterative refinement of the basic values,
  // then, if the rows still miss, a fresh solve.
  bool holds = satisfies_rows();
  for (int step = 0; step < 2 && !holds; ++step) {
    refine();
    extract();
    holds = satisfies_rows();
  }
  // Where refinement does not converge, B^-1 itself has drifted: the tableau is computed
  // afresh from the basis, and the simplex goes on from there.
  if (!holds && reinvert()) {
    if (const Status s = settle(); s != Status::optimal) return s;
    holds = satisfies_rows();
  }
  if (!holds) return Status::stalled;
  value_ = 0.0;
  for (Eigen::Index j = 0; j < n; ++j) value_ += cost_[static_cast<std::size_t>(j)] * z_(j);
  return Status::optimal;
}

// One step of iterative refinement (Wilkinson 1963): the residual of the basic values in the
// flipped rows, res = b - B x_B, corrects them by B^-1 res.
void SmallLp::refine() {
  auto& t = tableau_;
  const Eigen::Index m = rows_;
  const Eigen::Index rhs = t.cols() - 1;
  Eigen::VectorXd res(m);
  for (Eigen::Index r = 0; r < m; ++r) res(r) = flip_[static_cast<std::size_t>(r)] * rhs_(r);
  Eigen::VectorXd column(m);
  for (Eigen::Index q = 0; q < m; ++q) {
    const double x = t(q, rhs);
    flipped_column(basis_[static_cast<std::size_t>(q)], column);
    for (Eigen::Index r = 0; r < m; ++r) res(r) -= column(r) * x;
  }
  for (Eigen::Index q = 0; q < m; ++q) t(q, rhs) += times_inverse(q, res);
}

// Column j of the flipped system [A | slacks | artificials] (as solve_cold lays out the
// tableau): a structural column times the rows' flips, a slack's ±1 times its row's flip, an
// artificial's 1.
void SmallLp::flipped_column(Eigen::Index j, Eigen::VectorXd& out) const {
  const Eigen::Index m = rows_;
  out.setZero(m);
  if (j < structural_) {
    const Eigen::VectorXd& a = columns_[static_cast<std::size_t>(j)];
    for (Eigen::Index r = 0; r < m; ++r) out(r) = flip_[static_cast<std::size_t>(r)] * a(r);
    return;
  }
  for (Eigen::Index r = 0; r < m; ++r) {
    const auto sr = static_cast<std::size_t>(r);
    if (j == slack_col_[sr]) {
      out(r) = flip_[sr] * (sense_[sr] == Sense::le ? 1.0 : -1.0);
    } else if (j == unit_[sr]) {
      out(r) = 1.0;
    }
  }
}

// The objective row from the basis: reduced costs d_j = Σ_r c_{b_r} t_rj - c_j, and the value
// Σ_r c_{b_r} t_r,rhs.
void SmallLp::objective_from_basis() {
  auto& t = tableau_;
  const Eigen::Index m = rows_;
  t.row(m).setZero();
  for (Eigen::Index j = 0; j < structural_; ++j) t(m, j) = -cost_[static_cast<std::size_t>(j)];
  for (Eigen::Index r = 0; r < m; ++r) {
    const Eigen::Index b = basis_[static_cast<std::size_t>(r)];
    if (b < structural_ && cost_[static_cast<std::size_t>(b)] != 0.0)
      t.row(m) += cost_[static_cast<std::size_t>(b)] * t.row(r);
  }
}

// Reinversion (as revised simplex codes do periodically; Chvátal 1983, ch. 24): B^-1 from an
// LU factorisation with partial pivoting of the basic columns, and every column of the tableau,
// its right-hand side and its objective row recomputed from the program's own data, dropping
// the round-off that the pivots have gathered. False (the tableau untouched) when B is
// singular to working precision.
bool SmallLp::reinvert() {
  if (!live_) return false;
  auto& t = tableau_;
  const Eigen::Index m = rows_;
  const Eigen::Index rhs = t.cols() - 1;
  // The flipped system's columns: structural, slacks, artificials, and the right-hand side.
  auto& full = full_;
  full.resize(m, rhs + 1);
  Eigen::VectorXd column(m);
  for (Eigen::Index j = 0; j < rhs; ++j) {
    flipped_column(j, column);
    full.col(j) = column;
  }
  for (Eigen::Index r = 0; r < m; ++r) full(r, rhs) = flip_[static_cast<std::size_t>(r)] * rhs_(r);
  Eigen::MatrixXd basis(m, m);
  for (Eigen::Index q = 0; q < m; ++q) basis.col(q) = full.col(basis_[static_cast<std::size_t>(q)]);
  const Eigen::PartialPivLU<Eigen::MatrixXd> lu(basis);
  if (!(lu.rcond() > 1e-14)) return false;
  t.topRows(m) = lu.solve(full);
  // The basic columns exactly the unit vectors they stand for.
  for (Eigen::Index q = 0; q < m; ++q) {
    t.col(basis_[static_cast<std::size_t>(q)]).setZero();
    t(q, basis_[static_cast<std::size_t>(q)]) = 1.0;
  }
  objective_from_basis();
  return true;
}

bool SmallLp::satisfies_rows() const {
  const auto n = static_cast<Eigen::Index>(cost_.size());
  // Not finite (a near-singular basis): no comparison below would catch it.
  if (!z_.allFinite() || !y_.allFinite()) return false;
  if ((z_.array() < -kWarmResidual).any()) return false;
  for (Eigen::Index r = 0; r < rows_; ++r) {
    double lhs = 0.0;
    for (Eigen::Index j = 0; j < n; ++j) lhs += columns_[static_cast<std::size_t>(j)](r) * z_(j);
    const double tol = kWarmResidual * (1.0 + std::abs(rhs_(r)));
    const double miss = lhs - rhs_(r);
    switch (sense_[static_cast<std::size_t>(r)]) {
      case Sense::le:
        if (miss > tol) return false;
        break;
      case Sense::ge:
        if (miss < -tol) return false;
        break;
      case Sense::eq:
        if (std::abs(miss) > tol) return false;
        break;
    }
  }
  return true;
}

}  // namespace parley::protocol

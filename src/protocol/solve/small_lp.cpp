#include "parley/protocol/solve/small_lp.hpp"

#include <cmath>
#include <limits>

namespace parley::protocol {
namespace {
constexpr double kPivot = 1e-12;    // smallest pivot taken
constexpr double kImprove = 1e-13;  // smallest reduced cost that enters
}  // namespace

void SmallLp::reset(Eigen::Index rows) {
  rows_ = rows;
  sense_.assign(static_cast<std::size_t>(rows), Sense::le);
  rhs_.setZero(rows);
  cost_.clear();
  columns_.clear();
}

void SmallLp::set_row(Eigen::Index r, Sense sense, double rhs) {
  sense_[static_cast<std::size_t>(r)] = sense;
  rhs_(r) = rhs;
}

void SmallLp::add_column(double cost, const Eigen::VectorXd& column) {
  cost_.push_back(cost);
  columns_.push_back(column);
}

SmallLp::Status SmallLp::solve() {
  const Eigen::Index m = rows_;
  const auto n = static_cast<Eigen::Index>(cost_.size());
  // Rows flipped so that every right-hand side is >= 0. Each row r gets a unit column
  // `unit[r]` in the flipped system: its slack when that enters with +1, else an artificial.
  std::vector<double> flip(static_cast<std::size_t>(m));
  std::vector<Eigen::Index> slack_col(static_cast<std::size_t>(m), -1);
  std::vector<Eigen::Index> unit(static_cast<std::size_t>(m), -1);
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
  auto& t = tableau_;
  t.setZero(m + 1, cols + 1);
  std::vector<Eigen::Index> basis(static_cast<std::size_t>(m));
  for (Eigen::Index r = 0; r < m; ++r) {
    const auto sr = static_cast<std::size_t>(r);
    for (Eigen::Index j = 0; j < n; ++j)
      t(r, j) = flip[sr] * columns_[static_cast<std::size_t>(j)](r);
    if (slack_col[sr] >= 0) t(r, slack_col[sr]) = flip[sr] * (sense_[sr] == Sense::le ? 1.0 : -1.0);
    t(r, unit[sr]) = 1.0;
    t(r, rhs) = flip[sr] * rhs_(r);
    basis[sr] = unit[sr];
  }
  const Eigen::Index obj = m;

  auto pivot = [&](Eigen::Index r, Eigen::Index j) {
    t.row(r) /= t(r, j);
    for (Eigen::Index q = 0; q <= m; ++q) {
      if (q != r && t(q, j) != 0.0) t.row(q) -= t(q, j) * t.row(r);
    }
    basis[static_cast<std::size_t>(r)] = j;
  };
  // Simplex iterations on the objective row (reduced costs d_j = z_j - c_j; a negative one
  // improves); columns >= `limit` never enter.
  auto iterate = [&](Eigen::Index limit) -> Status {
    const Eigen::Index max_pivots = 50 * (m + cols) + 100;
    for (Eigen::Index count = 0; count < max_pivots; ++count) {
      Eigen::Index enter = -1;
      for (Eigen::Index j = 0; j < limit; ++j) {
        if (t(obj, j) < -kImprove) {
          enter = j;
          break;
        }
      }
      if (enter < 0) return Status::optimal;
      Eigen::Index leave = -1;
      double best = std::numeric_limits<double>::infinity();
      for (Eigen::Index r = 0; r < m; ++r) {
        if (t(r, enter) <= kPivot) continue;
        const double ratio = t(r, rhs) / t(r, enter);
        if (ratio < best - 1e-15 ||
            (ratio <= best + 1e-15 && leave >= 0 &&
             basis[static_cast<std::size_t>(r)] < basis[static_cast<std::size_t>(leave)])) {
          best = std::min(best, ratio);
          leave = r;
        }
      }
      if (leave < 0) return Status::unbounded;
      pivot(leave, enter);
    }
    return Status::stalled;
  };

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
      if (basis[static_cast<std::size_t>(r)] < first_artificial) continue;
      for (Eigen::Index j = 0; j < first_artificial; ++j) {
        if (std::abs(t(r, j)) > kPivot) {
          pivot(r, j);
          break;
        }
      }
    }
  }
  // Phase 2: the objective row from the basis.
  t.row(obj).setZero();
  for (Eigen::Index j = 0; j < n; ++j) t(obj, j) = -cost_[static_cast<std::size_t>(j)];
  for (Eigen::Index r = 0; r < m; ++r) {
    const Eigen::Index b = basis[static_cast<std::size_t>(r)];
    if (b < n && cost_[static_cast<std::size_t>(b)] != 0.0)
      t.row(obj) += cost_[static_cast<std::size_t>(b)] * t.row(r);
  }
  const Status s = iterate(first_artificial);
  if (s != Status::optimal) return s;

  z_.setZero(n);
  for (Eigen::Index r = 0; r < m; ++r) {
    const Eigen::Index b = basis[static_cast<std::size_t>(r)];
    if (b < n) z_(b) = t(r, rhs);
  }
  value_ = t(obj, rhs);
  // d of row r's unit column (cost 0) is the flipped row's dual.
  y_.resize(m);
  for (Eigen::Index r = 0; r < m; ++r) {
    const auto sr = static_cast<std::size_t>(r);
    y_(r) = flip[sr] * t(obj, unit[sr]);
  }
  return Status::optimal;
}

}  // namespace parley::protocol

#pragma once
// Axiomatic bargaining solutions over the text space: the Nash and weighted Nash solutions,
// Kalai–Smorodinsky, the zone of agreement, and a proposer's best acceptable text.
//
// Method. Every problem here maximises a concave function of the agents' utilities,
// each of which is a sum of one-issue functions u_i(x) = Σ_k w_ik v_ik(x_k). Weighted
// sums Σ_j c_j u_j are maximised exactly, issue by issue. Two-player frontiers are traced
// by bisection on the weight of one player, and constraints u_i >= c_i by bisection on
// their Lagrange weights, one at a time. The Nash product is maximised by coordinate
// ascent with exact line searches: the directional derivative of a concave function of
// such utilities is a sum over the coordinates, so a text that no single coordinate move
// improves is a global maximum. With three or more players the maximin and the best text
// under floors are solved by column generation (Dantzig & Wolfe 1960): a small linear
// program over texts found so far, whose duals weigh the players for the next exact
// weighted argmax; exact for piecewise-linear values, where the argmaxes are finitely many.
// Masters of more than eight players smooth their duals (Wentges 1997) and stop when the
// Lagrangian bound meets the master's optimum, which their degenerate duals otherwise
// postpone for hundreds of iterations.
// Where it does not settle (curved values, rarely) a log barrier driven to 1e-12 and nested
// Lagrange bisection take over. See docs/model.md, "Axiomatic solutions and the zone of
// agreement".
#include <optional>
#include <vector>

#include "parley/model/preferences.hpp"
#include "parley/protocol/solve/small_lp.hpp"

namespace parley::protocol {

using model::Index;
using model::Vector;

// Texts acceptable on red lines alone to a set of agents: the unit box cut by their
// red lines. `empty_issue` is the first issue on which the red lines exclude each other.
struct TextBox {
  Vector lo;
  Vector hi;
  Index empty_issue = -1;
  bool empty() const noexcept { return empty_issue >= 0; }
  // Sets empty_issue: the first issue with lo > hi, or -1.
  void find_empty();
};
TextBox feasible_box(const model::Preferences& p, const std::vector<Index>& agents);

// min over the players j of (u_j(x) - c_j) / s_j: the maximin objective at text x.
double least_slack(const model::Preferences& p, const std::vector<Index>& players, const Vector& c,
                   const Vector& s, const Vector& x);

class Solver {
 public:
  Solver(const model::Preferences& p, TextBox box);

  struct Maximin {
    double value;  // max over texts of min_i (u_i(x) - c_i) / s_i
    Vector x;      // a text attaining it
  };
  // The maximin slack of `players` over thresholds c and scales s (per player).
  Maximin maximin(const std::vector<Index>& players, const Vector& c, const Vector& s);

  // argmax Π_i (u_i(x) - d_i)^α_i over texts with u_i(x) > d_i for every player;
  // nothing when no text gives every player more than d_i.
  std::optional<Vector> nash(const std::vector<Index>& players, const Vector& d,
                             const Vector& alpha);

  // The text best for `leader` among those giving every player i at least c_i
  // (the leader's own c is ignored); nothing when no text does.
  std::optional<Vector> best_for(Index leader, const std::vector<Index>& players, const Vector& c);

  struct KalaiSmorodinsky {
    Vector x;
    Vector aspiration;  // a_i: i's best utility among texts that give the others at least d
  };
  // The Pareto text where (u_i - d_i)/(a_i - d_i) is equal for all players (Kalai &
  // Smorodinsky 1975); nothing when no text gives every player more than d_i.
  std::optional<KalaiSmorodinsky> kalai_smorodinsky(const std::vector<Index>& players,
                                                    const Vector& d);

  const TextBox& box() const noexcept { return box_; }

  // Which method answered the last maximin or best_for call with three or more players:
  // true for column generation, false for the barrier or nested bisection it falls back on.
  bool last_generated() const noexcept { return last_generated_; }
  // Forces the fallback methods (tests compare the two paths).
  void set_generation(bool on) noexcept { generation_ = on; }

 private:
  struct Program;
  struct Column {
    Vector x;
    Vector u;  // every agent's utility at x
  };
  // max t s.t. (u_i(x) - c_i)/s_i >= t for i in `lead` and u_j(x) >= floor_j for j in
  // `floored`, by column generation over texts (see the file comment). The texts found stay
  // in pool_ for later calls on the same box (for more than eight players, up to half its
  // limit, the seeds and the newest texts). Nothing when it does not settle within its limits
  // or when no text found meets the floors.
  std::optional<Vector> generate(const std::vector<Index>& lead, const Vector& c, const Vector& s,
                                 const std::vector<Index>& floored, const Vector& floor);
  void add_column(const Vector& x);
  Maximin barrier_maximin(const std::vector<Index>& players, const Vector& c, const Vector& s);
  // Two players A, B with slacks h_j = (u_j - c_j)/s_j: the Pareto text (a maximiser of
  // λ h_A + (1 - λ) h_B) at which F = g(u_A(x), u_B(x)) = 0, for a g that grows as λ favours
  // A. Returns x(1) when F(x(1)) <= 0 and nothing when F(x(0)) > 0.
  template <typename G>
  std::optional<Vector> frontier_point(Index a, Index b, double sa, double sb, G&& g);
  // max Σ_j weights_j u_{lead_j}(x) s.t. u_{constrained_i}(x) >= floor_i for i < m; nothing
  // when infeasible. Exact: nested bisection on Lagrange weights, one constraint at a time.
  std::optional<Vector> constrained_best(std::vector<Index> lead, std::vector<double> weights,
                                         const std::vector<Index>& constrained,
                                         const std::vector<double>& floor, std::size_t m);
  // best_for's fallback for many floors: bisection on the leader's level, each level's
  // feasibility a maximin (generation, else the barrier); x meets the floors.
  Vector level_best(Index leader, const std::vector<Index>& others, const Vector& floor, Vector x);
  // argmax over the box of Σ_j weight_j u_j(x), issue by issue (the leftmost maximiser).
  void weighted_argmax(const std::vector<Index>& agents, const std::vector<double>& weights,
                       Vector& x) const;
  // weighted_argmax for two agents A, B, both weights positive, with each issue's pieces laid
  // out once by lay_out_pair: the same operations in the same order, so the same text bit for
  // bit. It also sums u_A and u_B at the text as model::utility does, term for term, from
  // values kept at the pieces' ends (not for the mean-of-clauses utility).
  struct PairPiece {
    double a, b;        // the piece, within the box
    double g[2];        // each agent's slope term on it (its ideal for a quadratic shape)
    bool quadratic[2];  // whether the agent's shape there is quadratic
    double v_a[2];      // each agent's value at a
  };
  void lay_out_pair(Index a, Index b);
  void pair_argmax(double weight_a, double weight_b, Vector& x, double u[2]) const;
  // u_A, u_B at x, as model::utility gives them.
  void pair_utilities(const Vector& x, double u[2]) const;
  void ascend(Program& prog, Vector& x, double& t);
  double line_maximise(Program& prog, Index k, Vector& x, double t);
  // One player's part of line_maximise's line along an issue.
  struct LineTerm {
    Index agent;
    model::Shape shape;
    const model::PiecewiseLinear* points;  // the piecewise shape's, else null
    double ideal, u, w, v_at_x, c, s, alpha;
  };
  // Exact maximisation along the direction d from x, within the box (t fixed); returns the
  // largest change of a coordinate.
  double line_along(Program& prog, const Vector& d, Vector& x, double t);
  double maximise_t(const Program& prog) const;

  const model::Preferences& p_;
  TextBox box_;
  Vector u_;  // utilities of all agents at the current text
  // Scratch of ascend and line_along (with work_), kept so that the sweeps allocate nothing: the
  // text before a sweep, the sweep's move, the text and utilities along it.
  Vector before_, step_, trial_, trial_u_;
  Vector scratch_;                     // frontier_point's text at a λ
  std::vector<LineTerm> line_terms_;   // line_maximise's players
  mutable std::vector<double> kinks_;  // weighted_argmax's kinks of one issue
  // lay_out_pair's pieces, issue k's from pair_first_[k] to pair_first_[k + 1]
  std::vector<PairPiece> pair_pieces_;
  std::vector<std::size_t> pair_first_;
  std::vector<double> pair_hi_values_;  // each issue's values at the box's upper end, A's then B's
  std::vector<double> pair_terms_;      // frontier_point's w_jk v_jk on its last segment
  std::vector<Index> pair_moving_;      // and the issues that move along it
  Index pair_a_ = -1, pair_b_ = -1;
  std::vector<Column> pool_;
  std::size_t seeds_ = 0;  // the pool's first texts: each player's ideal, weighted_argmax alone
  SmallLp lp_;
  model::Matrix work_;
  bool generation_ = true;
  bool last_generated_ = false;
};

}  // namespace parley::protocol

#pragma once
// The expected-utility ("challenge") model of group decisions on one issue (Bueno de Mesquita
// 1994, "Political forecasting: an expected utility method"; Bueno de Mesquita 2002, Predicting
// Politics; specified completely by Scholz, Calbert & Smith 2011, J. Theoretical Politics 23(4);
// docs/model.md, "The expected-utility model").
//
// Actors hold positions x_i on the issue, capabilities c_i and saliences s_i in [0, 1]. In each
// round every actor weighs challenging every other: the probability that its position prevails
// comes from the capability × salience weighted votes of all actors, its utilities of success,
// failure and the status quo from the distance between the positions (with a risk exponent), and
// where the expected utility of a challenge is positive it makes one. The target answers by
// conflict, compromise or capitulation, according to both sides' expected utilities, and takes
// the offer that moves it least. Positions move until they stop or a round limit; the forecast is
// the weighted median (or mean) of the final positions.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "parley/model/protocol_kind.hpp"
#include "parley/protocol/run_context.hpp"
#include "parley/random/stream.hpp"

namespace parley::protocol::eu {

struct Actor {
  double position = 0.0;
  double capability = 0.0;  // c_i ≥ 0
  double salience = 0.0;    // s_i in [0, 1]: also the probability that it resists a challenge
};

// How each actor's risk exponent r_i is set: 1 for every actor (risk neutral: utilities linear in
// distance), or from its security against challenges relative to the others' (Scholz et al. 2011).
// The forecast from the final positions: the c·s weighted median (the position that wins every
// pairwise vote, Black 1948) or the c·s weighted mean.
using Risk = model::Risk;
using Forecast = model::Forecast;

// Who wins a conflict: the side with the larger expected utility (Scholz et al.'s replication),
// or, by lottery, the challenger i with its probability of success P_ij (Bueno de Mesquita 1994).
using Conflict = model::Conflict;

struct Settings {
  Risk risk = Risk::security;
  Forecast forecast = Forecast::median;
  Conflict conflict = Conflict::larger;
  // Q: the probability that, without a challenge, the target keeps its position; T: that a move
  // of the forecast without a challenge is toward the challenger (Scholz et al. 2011).
  double status_quo = 1.0;
  double improvement = 1.0;
  int max_rounds = 100;
  // The rounds stop when no position moves by more than `tolerance` × the range in a round, or
  // when the forecast has moved by no more than `settle_tolerance` × the range (its precision:
  // published forecasts give a point on a 0-100 scale) in each of the last `settle` rounds:
  // compromises approach a position geometrically, slowly where the concessions are small, so
  // the positions alone need not stop.
  double tolerance = 1e-6;
  int settle = 5;
  double settle_tolerance = 1e-3;
};

// v_i(a, b) = c_i s_i (|x_i − b| − |x_i − a|) / d: actor i's vote for position a over position b
// on a scale of width d (Scholz et al. 2011).
double vote(const Actor& voter, double a, double b, double range);

// The c·s weighted median of the positions: the leftmost position with at most half the weight
// on either side of it (equal positions pooled). It wins or ties every pairwise vote among the
// positions (Black 1948). Nothing has weight: the leftmost position.
double weighted_median(const std::vector<Actor>& actors);
double weighted_mean(const std::vector<Actor>& actors);
double forecast(const std::vector<Actor>& actors, Forecast how);

// P_ij: the probability that i's position prevails over j's, Σ over the voters k with
// v_k(x_i, x_j) > 0 of v_k / Σ_k |v_k| (Scholz et al. 2011); 0 when no one votes either way.
double success_probability(const std::vector<Actor>& actors, std::size_t i, std::size_t j,
                           double range);

// Actor i's utilities against j at risk exponent r (Scholz et al. 2011), with δ = |x_i − x_j|/d:
// success U_s = 2 − 4(½ − ½δ)^r, failure U_f = 2 − 4(½ + ½δ)^r, status quo U_sq = 2 − 4(½)^r,
// and without a challenge, the forecast μ moving toward i or away:
// U_b = 2 − 4(½ − ¼(|x_i − μ| + |x_i − x_j|)/d)^r, U_w = 2 − 4(½ + ¼(|x_i − μ| + |x_i − x_j|)/d)^r.
struct Utilities {
  double success, failure, status_quo, better, worse;
};
Utilities utilities(double xi, double xj, double mu, double r, double range);

// E_i(U_ij) = s_j [P_ij U_s + (1 − P_ij) U_f] + (1 − s_j) U_s − Q U_sq − (1 − Q)[T U_b + (1 − T)
// U_w]: i's expected utility of challenging j (Scholz et al. 2011), i's utilities at exponent r.
double expected_utility(const std::vector<Actor>& actors, std::size_t i, std::size_t j, double r,
                        double mu, double range, const Settings& settings);

// Every actor's risk exponent (Scholz et al. 2011): with every r = 1, actor i's danger is
// S_i = Σ_{j≠i} E_j(U_ji), R_i = (2 S_i − max S − min S) / (max S − min S) and
// r_i = (1 − R_i/3) / (1 + R_i/3), in [½, 2]; 1 for all when the dangers are equal.
std::vector<double> risk_exponents(const std::vector<Actor>& actors, double mu, double range,
                                   const Settings& settings);

// What a target does with a challenger's offer, from both sides' expected utilities E_ij
// (challenger) and E_ji (target): nothing unless E_ij > 0; both positive, conflict, which the one
// with the larger expected utility wins (the loser takes the winner's position; a tie is a
// standoff; Conflict::lottery draws the winner instead, in run); E_ji ≤ 0 < E_ij, compromise where
// E_ij > |E_ji| (the target moves the share |E_ji / E_ij| of the way) and capitulation otherwise
// (it takes the challenger's position). "Positive" and "larger" are beyond 1e-12, so that rounding
// does not split the knife-edge cases.
enum class Move : std::int8_t { none, conflict, compromise, capitulation };
Move classify(double e_ij, double e_ji);

// One accepted offer: in `round`, `target` moved from `from` to `to` on `challenger`'s offer (a
// position on the issue, or in the issue space: one per issue).
template <class Point>
struct BasicStep {
  int round;
  int challenger;
  int target;
  Move move;
  Point from, to;
};

template <class Point>
struct BasicResult {
  Point forecast{};
  std::vector<Point> positions;  // the final positions
  int rounds = 0;                // rounds played
  bool converged = false;        // the positions or the forecast stopped within max_rounds
  // Conflicts can pass the positions round a ring: the period (2 to 8 rounds) of such a cycle,
  // found when the positions repeat, each within the tolerance; the rounds stop there, unconverged,
  // and the forecast is the mean of the cycle's forecasts (converged instead where they all lie
  // within settle_tolerance). 0: none.
  int cycle = 0;
  int challenges = 0;  // offers made over all rounds (E_ij > 0, classify)
  // The offers taken (an actor moved, as a Step in the trace), by how: it lost a conflict,
  // compromised, or capitulated.
  int conflicts = 0, compromises = 0, capitulations = 0;
};
using Step = BasicStep<double>;
using Result = BasicResult<double>;

// Rounds of challenges from the actors' positions until they stop (Settings::tolerance, settle)
// or max_rounds; the range is that of the initial positions. Each round: μ the forecast of
// the current positions, the risk exponents, every E_ij; each target takes, among the offers that
// move it, the one that moves it least (ties: the larger E_ij, then the first challenger); all
// move at once. Accepted offers go to `trace` when given. Conflict::lottery draws from `draws`
// (one uniform a conflict, the pairs in order), which it then needs.
Result run(std::vector<Actor> actors, const Settings& settings, std::vector<Step>* trace = nullptr,
           random::Stream* draws = nullptr);

// The issue space (protocol.challenges_on = "space"; docs/model.md, "The expected-utility model"):
// the challenges move whole texts. Actor i weighs the issues by w_ik (summing to 1), so that its
// distance between texts a and b is d_i(a, b) = Σ_k w_ik |a_k − b_k| / d_k, d_k the range of the
// initial positions on issue k (an issue without one counts 0), in [0, 1]; its salience of the
// talks as a whole, σ_i, weighs its votes and is the probability that it resists a challenge, and
// its salience of issue k, s_ik, weighs it in that forecast. Then, as on one issue:
// v_k(a, b) = c_k σ_k (d_k(x_k, b) − d_k(x_k, a)); i's utilities against j from δ = d_i(x_i, x_j)
// and d_i(x_i, μ); a compromise moves the target's text the share |E_ji/E_ij| of the way to the
// challenger's; the forecast is per issue the c·s weighted median (or mean). On one issue with
// w = 1 and σ = s this is run() above.
struct SpaceActor {
  std::vector<double> position;  // per issue
  std::vector<double> weight;    // w_ik
  std::vector<double> salience;  // s_ik, the forecast's weights
  double capability = 0.0;
  double resolve = 0.0;  // σ_i in [0, 1]
};
using SpaceStep = BasicStep<std::vector<double>>;
using SpaceResult = BasicResult<std::vector<double>>;
// d_i(a, b) with the issues' ranges given (0: the issue counts 0).
double distance(const SpaceActor& who, const std::vector<double>& a, const std::vector<double>& b,
                const std::vector<double>& ranges);
SpaceResult run_space(std::vector<SpaceActor> actors, const Settings& settings,
                      std::vector<SpaceStep>* trace = nullptr, random::Stream* draws = nullptr);

}  // namespace parley::protocol::eu

namespace parley::protocol {

// The protocol (kind "expected_utility"): the challenges run on every issue apart (or in the issue
// space, challenges_on = "space": run_space, each agent's resolve its attention or 1), over every
// agent with its sampled ideal as position, its power as capability and its weight on the issue
// relative to its largest weight as salience; the text is the forecast of every issue. The run
// agrees when every issue's rounds stopped (Settings::tolerance, settle) within max_rounds and
// no constituency refuses the forecast (one shot, as for the axiomatic protocols), and is
// censored when some issue's rounds did not stop (docs/model.md, "The expected-utility model").
void negotiate_expected_utility(const Run& run);

}  // namespace parley::protocol

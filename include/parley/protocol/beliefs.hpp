#pragma once
// The mediator's beliefs over the deciding parties' private red-line ends, updated by their
// answers, and what it makes of them (docs/model.md, "Private information and beliefs").
#include <cstdint>
#include <vector>

#include "parley/model/belief.hpp"
#include "parley/protocol/realization.hpp"
#include "parley/protocol/trace.hpp"
#include "parley/random/stream.hpp"

namespace parley::protocol {

// Particles in the prior of an end that concedes.
inline constexpr int kEndParticles = 256;
// Positions are "revealed well enough for a deal" once some text passes every private end
// with at least this probability under the mediator's beliefs.
inline constexpr double kRevealedProbability = 0.9;

// What the beliefs say at the end of a run, against the truth (means over the private ends;
// NaN where there are none).
struct BeliefSummary {
  double width = 0.0;    // posterior 90% interval width over the prior's
  double error = 0.0;    // |posterior median − the end|, unit scale
  double covered = 0.0;  // share of the ends inside their posterior 90% interval
};

class RedLineBeliefs {
 public:
  // The common prior of every private end at the start of a run; the particles of a conceding
  // end are drawn from `stream`: where it was set (its prior), its limit (its prior) and the
  // share u ~ U(0, 1) of the way it has gone, e + u·(limit − e) where the limit lies beyond e.
  void start(const Setting& setting, random::Stream& stream);

  // A new round. An end that concedes may have moved toward its limit since the answers that
  // bounded it: a low end is only known to be at least min(lower, the limit's least value), a
  // high end at most max(upper, the limit's greatest).
  void open_round(const Setting& setting);

  // Agent i's answer to text x, its red lines being `truth`. A yes says x lies within every red
  // line: each low end is at most x_k, each high end at least x_k.
  // In separate sessions a rejecting agent gives the mediator its reason: a text within its red
  // lines is rejected for its utility (its red lines admit x, as for a yes), and otherwise it
  // names the red line x breaks by the most, whose end is then beyond x_k.
  // At a joint table a no comes without a reason. Where it has one possible explanation besides
  // the utility (x breaks none of the agent's public red-line ends and, by what is known, may
  // break only one private end), Bayes' rule weighs that end's prior by P(no | end): 1 where the
  // end excludes x, and `utility_reason` (the mediator's probability that the agent's utility
  // falls short of its demand at x) where it admits x. Otherwise the no teaches nothing.
  void learn(const Setting& setting, const model::Preferences& truth,
             const std::vector<std::int8_t>& bracketed, Index i, const Vector& x, bool accepted,
             double utility_reason);

  // The red lines as the mediator knows them: `view` is `truth` with every private end replaced
  // by the bound the mediator is sure of (a low end by the least value it may take, a high end
  // by the greatest), so a text outside is one it knows will be rejected.
  void view(const Setting& setting, const std::vector<std::int8_t>& bracketed,
            model::Preferences& view) const;

  // A proposer's red lines at level q (alternating offers): `view` with every private end of
  // the agents flagged in `who` moved to where it admits a text with probability q (a low end
  // to its q-quantile, a high end to its (1 − q)-quantile). q = 0 gives the bounds it is sure
  // of, q = 1 the positions every end it may be admits.
  void view_at(const Setting& setting, const std::vector<bool>& who, double q,
               model::Preferences& view) const;

  // P(x lies within every private end of the agents flagged in `who`).
  double acceptance(const Setting& setting, const std::vector<bool>& who, const Vector& x) const;

  // log P(x lies within every private end), under the beliefs (the ends independent), and its
  // gradient added into `grad` when not null (central differences).
  double log_acceptance(const Setting& setting, const std::vector<std::int8_t>& bracketed,
                        const Vector& x, Vector* grad) const;

  // Whether some text passes every private end with probability at least kRevealedProbability
  // (a grid of 201 positions per continuous issue, the options of a discrete one).
  bool revealed(const Setting& setting, const std::vector<std::int8_t>& bracketed) const;

  BeliefSummary summary(const Setting& setting, const model::Preferences& truth,
                        const std::vector<std::int8_t>& bracketed) const;

  // The posterior medians into round.belief_lo and belief_hi (NaN where there is no belief).
  void medians(const Setting& setting, TraceRound& round) const;

  const std::vector<model::IntervalBelief>& beliefs() const noexcept { return beliefs_; }

 private:
  std::vector<model::IntervalBelief> beliefs_;  // one per setting.private_ends
  std::vector<double> prior_width_;
  std::vector<double> draws_;
};

}  // namespace parley::protocol

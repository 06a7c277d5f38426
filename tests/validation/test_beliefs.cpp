// Beliefs and screening offers against closed forms: Fearon's (1995) risk-return trade-off and
// the calibration of beliefs updated by answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/model/belief.hpp"
#include "parley/protocol/beliefs.hpp"
#include "parley/random/distributions.hpp"
#include "parley/random/stream.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

namespace {

// Fearon (1995): A proposes a division, keeping x and offering B 1 − x. War gives A p − c_A and
// B 1 − p − c_B, with c_B uniform on [0, cbar] and known to B alone. B accepts when
// 1 − x >= 1 − p − c_B. A's first-order condition gives x* = p + (cbar − c_A)/2, clipped to
// [p, p + cbar], and war with probability (x* − p)/cbar.
struct Fearon {
  double p, cbar, c_a;
  double x_star() const { return std::clamp(p + (cbar - c_a) / 2.0, p, p + cbar); }
  double p_war() const { return (x_star() - p) / cbar; }
};

}  // namespace

TEST(Screening, ReproducesFearonsRiskReturnTradeOff) {
  for (const Fearon f : {Fearon{0.5, 0.2, 0.05}, Fearon{0.3, 0.4, 0.3}, Fearon{0.5, 0.3, 0.0},
                         Fearon{0.6, 0.1, 0.2}, Fearon{0.25, 0.5, 0.1}}) {
    // B's threshold on its own share y = 1 − x is t = 1 − p − c_B, uniform on
    // [1 − p − cbar, 1 − p]; B accepts y when t <= y.
    model::Prior prior;
    prior.lo = 1.0 - f.p - f.cbar;
    prior.hi = 1.0 - f.p;
    const model::IntervalBelief threshold(prior);
    const model::ScreeningOffer o = model::screening_offer(
        threshold, [](double y) { return 1.0 - y; }, f.p - f.c_a, 0.0, 1.0);
    EXPECT_NEAR(1.0 - o.offer, f.x_star(), 1e-7) << f.p << " " << f.cbar << " " << f.c_a;
    EXPECT_NEAR(1.0 - o.p_accept, f.p_war(), 1e-7);
    // A's expected value at the optimum, by hand.
    const double war = f.p_war();
    EXPECT_NEAR(o.value, (1.0 - war) * f.x_star() + war * (f.p - f.c_a), 1e-9);
  }
}

TEST(Screening, MatchesABruteForceSearchUnderANormalPrior) {
  model::Prior prior{model::Prior::Kind::normal, 0.2, 0.9, 0.55, 0.15};
  const model::IntervalBelief threshold(prior);
  auto accepted = [](double y) { return 1.0 - y * y; };
  const double rejected = 0.3;
  const model::ScreeningOffer o = model::screening_offer(threshold, accepted, rejected, 0.0, 1.0);
  double best = -1.0, best_x = 0.0;
  for (int k = 0; k <= 1000000; ++k) {
    const double x = k / 1e6;
    const double p = threshold.cdf(x);
    const double v = p * accepted(x) + (1.0 - p) * rejected;
    if (v > best) {
      best = v;
      best_x = x;
    }
  }
  EXPECT_NEAR(o.offer, best_x, 2e-6);
  EXPECT_GE(o.value, best - 1e-12);
}

TEST(Beliefs, PriorCdfsMatchTheirClosedForms) {
  const model::Prior uniform{model::Prior::Kind::uniform, 2.0, 6.0, 0.0, 0.0};
  EXPECT_DOUBLE_EQ(uniform.cdf(3.0), 0.25);
  // Beta(2, 3): F(u) = 1 − (1 − u)^3 (1 + 3u) on [0, 1], here rescaled to [0, 2].
  const model::Prior beta{model::Prior::Kind::beta, 0.0, 2.0, 2.0, 3.0};
  for (const double u : {0.1, 0.4, 0.8}) {
    EXPECT_NEAR(beta.cdf(2.0 * u), 1.0 - std::pow(1.0 - u, 3) * (1.0 + 3.0 * u), 1e-14);
  }
  const model::Prior tri{model::Prior::Kind::triangular, 0.0, 4.0, 1.0, 0.0};
  EXPECT_DOUBLE_EQ(tri.cdf(1.0), 0.25);  // the mode's CDF: (mode − lo)/(hi − lo)
  EXPECT_DOUBLE_EQ(tri.cdf(2.5), 1.0 - 1.5 * 1.5 / (4.0 * 3.0));
  // A Normal truncated symmetrically about its mean has its median there.
  const model::Prior normal{model::Prior::Kind::normal, -1.0, 3.0, 1.0, 0.7};
  EXPECT_NEAR(normal.cdf(1.0), 0.5, 1e-15);
}

TEST(Beliefs, AnswersTruncateThePrior) {
  model::Prior prior{model::Prior::Kind::uniform, 0.0, 1.0, 0.0, 0.0};
  model::IntervalBelief b(prior);
  b.learn_at_least(0.2);  // rejected a text at 0.2
  b.learn_at_most(0.6);   // accepted one at 0.6
  b.learn_at_least(0.7);  // contradicts what is known: ignored
  EXPECT_DOUBLE_EQ(b.lower(), 0.2);
  EXPECT_DOUBLE_EQ(b.upper(), 0.6);
  EXPECT_NEAR(b.cdf(0.3), 0.25, 1e-15);
  EXPECT_NEAR(b.quantile(0.5), 0.4, 1e-11);
}

TEST(Beliefs, UpdatedByAnswersTheyAreCalibratedAndConcentrate) {
  // A responder's threshold t drawn from Beta(2, 3); texts at random points are accepted when
  // t <= x. The posterior is exact, so its central 95% interval covers t in 95% of runs (to
  // three binomial standard errors), and it narrows as answers accumulate.
  const model::Prior prior{model::Prior::Kind::beta, 0.0, 1.0, 2.0, 3.0};
  const int runs = 4000;
  int covered = 0;
  double width_5 = 0.0, width_20 = 0.0;
  for (int r = 0; r < runs; ++r) {
    random::Stream s(7, static_cast<std::uint64_t>(r), random::purpose_id("test.beliefs"));
    const double t = random::beta(s, 2.0, 3.0);
    model::IntervalBelief b(prior);
    for (int k = 1; k <= 20; ++k) {
      const double x = random::uniform(s, 0.0, 1.0);
      if (t <= x) {
        b.learn_at_most(x);
      } else {
        b.learn_at_least(x);
      }
      if (k != 5 && k != 20) continue;
      const double low = b.quantile(0.025), high = b.quantile(0.975);
      (k == 5 ? width_5 : width_20) += (high - low) / runs;
      if (k == 20) covered += low <= t && t <= high;
    }
  }
  const double coverage = static_cast<double>(covered) / runs;
  EXPECT_NEAR(coverage, 0.95, 3.0 * std::sqrt(0.95 * 0.05 / runs));
  EXPECT_LT(width_20, 0.5 * width_5);
}

namespace {

// Two parties over one issue: the low end of agent 0's red line private (prior uniform on
// [0.4, 0.6]), the high end of agent 1's (uniform on [0.3, 0.7]).
struct TwoEnds {
  protocol::Setting setting;
  model::Preferences truth;
  std::vector<std::int8_t> bracketed = {0};
  random::Stream stream{1, 0, 1};
  explicit TwoEnds(protocol::Sessions sessions) {
    setting.veto = {true, true};
    setting.is_party = {true, true};
    setting.options = {0};
    setting.information = protocol::Information::learning;
    setting.sessions = sessions;
    protocol::PrivateEnd low, high;
    low.agent = 0;
    low.initial = {model::Prior::Kind::uniform, 0.4, 0.6, 0.0, 0.0, {}};
    high.agent = 1;
    high.upper = true;
    high.initial = {model::Prior::Kind::uniform, 0.3, 0.7, 0.0, 0.0, {}};
    setting.private_ends = {low, high};
    truth.resize(2, 1);
    truth.red_lo << 0.5, 0.0;
    truth.red_hi << 1.0, 0.45;
  }
  void answer(protocol::RedLineBeliefs& b, double at, bool accepted_0, bool accepted_1) {
    protocol::Vector x(1);
    x << at;
    b.learn(setting, truth, bracketed, 0, x, accepted_0, 0.0);
    b.learn(setting, truth, bracketed, 1, x, accepted_1, 0.0);
  }
};

}  // namespace

TEST(MediatorBeliefs, AnswersAndTheirReasonsTruncateTheEndsByHand) {
  TwoEnds c(protocol::Sessions::separate);
  protocol::RedLineBeliefs b;
  b.start(c.setting, c.stream);
  // 0.45: agent 0 rejects, naming its low end (0.45 < 0.5); agent 1 accepts (0.45 <= 0.45).
  c.answer(b, 0.45, false, true);
  EXPECT_DOUBLE_EQ(b.beliefs()[0].lower(), 0.45);
  EXPECT_DOUBLE_EQ(b.beliefs()[1].lower(), 0.45);
  // 0.55: agent 0 accepts, agent 1 rejects naming its high end.
  c.answer(b, 0.55, true, false);
  EXPECT_DOUBLE_EQ(b.beliefs()[0].upper(), 0.55);
  EXPECT_DOUBLE_EQ(b.beliefs()[1].upper(), 0.55);
  // Both are now uniform on [0.45, 0.55].
  EXPECT_NEAR(b.beliefs()[0].quantile(0.5), 0.5, 1e-11);
  // The mediator's view: the bounds it is sure of.
  model::Preferences view = c.truth;
  b.view(c.setting, c.bracketed, view);
  EXPECT_DOUBLE_EQ(view.red_lo(0, 0), 0.45);
  EXPECT_DOUBLE_EQ(view.red_hi(1, 0), 0.55);
  EXPECT_DOUBLE_EQ(view.red_hi(0, 0), 1.0);  // public ends as they are
  // log P(accept) at x = 0.48: log((x − 0.45)/0.1) + log((0.55 − x)/0.1), gradient
  // 1/(x − 0.45) − 1/(0.55 − x).
  protocol::Vector x(1), grad = protocol::Vector::Zero(1);
  x << 0.48;
  EXPECT_NEAR(b.log_acceptance(c.setting, c.bracketed, x, &grad), std::log(0.3) + std::log(0.7),
              1e-12);
  EXPECT_NEAR(grad(0), 1.0 / 0.03 - 1.0 / 0.07, 1e-5);
  // The best text passes both with probability 0.25 (at 0.5): not revealed at 0.9.
  EXPECT_FALSE(b.revealed(c.setting, c.bracketed));
  // A rejection for the utility alone (the text within its red lines) says what a yes says.
  c.truth.red_lo(0, 0) = 0.46;
  c.truth.red_hi(1, 0) = 0.54;
  c.answer(b, 0.46, false, true);
  c.answer(b, 0.54, true, false);
  EXPECT_DOUBLE_EQ(b.beliefs()[0].upper(), 0.46);
  EXPECT_DOUBLE_EQ(b.beliefs()[1].lower(), 0.54);
  // Every text in [0.46, 0.54] now passes both for sure.
  EXPECT_TRUE(b.revealed(c.setting, c.bracketed));
  // The summary against the truth: both ends inside their 90% intervals.
  c.truth.red_lo(0, 0) = 0.455;
  c.truth.red_hi(1, 0) = 0.545;
  const protocol::BeliefSummary sum = b.summary(c.setting, c.truth, c.bracketed);
  EXPECT_DOUBLE_EQ(sum.covered, 1.0);
  // Posterior widths 0.9·0.01 over prior widths 0.9·0.2 and 0.9·0.4.
  EXPECT_NEAR(sum.width, 0.5 * (0.01 / 0.2 + 0.01 / 0.4), 1e-9);
}

TEST(MediatorBeliefs, AtAJointTableANoWithoutAReasonWeighsTheEndByBayesRule) {
  TwoEnds c(protocol::Sessions::joint);
  protocol::RedLineBeliefs b;
  b.start(c.setting, c.stream);
  protocol::Vector x(1);
  // Agent 0 says no at 0.45 and the mediator gives the utility 0.3 as the reason: the prior
  // (uniform on [0.4, 0.6]) times 0.3 at or below 0.45, 1 above (where the end excludes 0.45).
  // Mass 0.3 · 0.25 + 0.75 = 0.825, so P(end <= 0.45) = 0.075 / 0.825.
  x << 0.45;
  b.learn(c.setting, c.truth, c.bracketed, 0, x, false, 0.3);
  EXPECT_NEAR(b.beliefs()[0].cdf(0.45), 0.075 / 0.825, 1e-14);
  EXPECT_NEAR(b.beliefs()[0].cdf(0.5), (0.075 + 0.25) / 0.825, 1e-14);
  EXPECT_DOUBLE_EQ(b.beliefs()[0].lower(), 0.4);  // nothing excluded for certain
  // With no doubt about the utility it excludes for certain, as a reason would.
  b.learn(c.setting, c.truth, c.bracketed, 0, x, false, 0.0);
  EXPECT_DOUBLE_EQ(b.beliefs()[0].lower(), 0.45);
  // A no the utility explains for certain teaches nothing.
  const double before = b.beliefs()[1].cdf(0.5);
  x << 0.5;
  b.learn(c.setting, c.truth, c.bracketed, 1, x, false, 1.0);
  EXPECT_DOUBLE_EQ(b.beliefs()[1].cdf(0.5), before);
  // Nor does one at a text that breaks a public end: agent 0's high end, public, now at 0.44.
  c.truth.red_hi(0, 0) = 0.44;
  x << 0.45;
  const double low_before = b.beliefs()[0].cdf(0.5);
  b.learn(c.setting, c.truth, c.bracketed, 0, x, false, 0.3);
  EXPECT_DOUBLE_EQ(b.beliefs()[0].cdf(0.5), low_before);
  // In separate sessions the reason decides, whatever the utility.
  TwoEnds s(protocol::Sessions::separate);
  protocol::RedLineBeliefs bs;
  bs.start(s.setting, s.stream);
  bs.learn(s.setting, s.truth, s.bracketed, 0, x, false, 0.3);
  EXPECT_DOUBLE_EQ(bs.beliefs()[0].lower(), 0.45);
}

TEST(Beliefs, UncertainAnswersReweighThePriorAndStayCalibrated) {
  // A responder's threshold t ~ Beta(2, 3) says no to x for certain when t > x, and with
  // probability q otherwise (another reason). Bayes' rule: the prior times q where t <= x. With
  // q known the posterior is exact, so its central 90% interval covers t in 90% of runs.
  const model::Prior prior{model::Prior::Kind::beta, 0.0, 1.0, 2.0, 3.0, {}};
  const int runs = 3000;
  int covered = 0;
  for (int r = 0; r < runs; ++r) {
    random::Stream s(9, static_cast<std::uint64_t>(r), random::purpose_id("test.weights"));
    const double t = random::beta(s, 2.0, 3.0);
    model::IntervalBelief b(prior);
    for (int k = 0; k < 12; ++k) {
      const double x = random::uniform(s, 0.0, 1.0);
      const double q = random::uniform(s, 0.1, 0.9);
      const bool no = t > x || random::uniform(s, 0.0, 1.0) < q;
      if (no) {
        b.weigh_below(x, q);
      } else {
        b.learn_at_most(x);
      }
    }
    covered += b.quantile(0.05) <= t && t <= b.quantile(0.95);
  }
  EXPECT_NEAR(static_cast<double>(covered) / runs, 0.9, 3.0 * std::sqrt(0.9 * 0.1 / runs));
}

TEST(MediatorBeliefs, AConcedingEndsParticlesAndWhatConcessionUndoes) {
  // A low end set at 0.6 that concedes toward a limit uniform on [0.4, 0.5]: the end is
  // 0.6 − u (0.6 − limit), u ~ U(0, 1), whose mean is 0.6 − 0.5 · 0.15 = 0.525 and standard
  // deviation sqrt(E[u²]E[(0.6 − l)²] − 0.075²) = sqrt((1/3)(0.0225 + 0.01/12) − 0.075²).
  protocol::Setting setting;
  setting.veto = {true};
  setting.is_party = {true};
  setting.options = {0};
  setting.information = protocol::Information::learning;
  protocol::PrivateEnd e;
  e.initial = {model::Prior::Kind::uniform, 0.6, 0.6, 0.0, 0.0, {}};
  e.concedes = true;
  e.limit = {model::Prior::Kind::uniform, 0.4, 0.5, 0.0, 0.0, {}};
  setting.private_ends = {e};
  protocol::RedLineBeliefs b;
  double mean = 0.0;
  const int runs = 200;
  for (int r = 0; r < runs; ++r) {
    random::Stream stream(3, static_cast<std::uint64_t>(r), 5);
    b.start(setting, stream);
    const auto& particles = b.beliefs()[0].prior().particles;
    ASSERT_EQ(particles.size(), static_cast<std::size_t>(protocol::kEndParticles));
    EXPECT_TRUE(std::is_sorted(particles.begin(), particles.end()));
    EXPECT_GE(particles.front(), 0.4);
    EXPECT_LE(particles.back(), 0.6);
    for (const double p : particles) mean += p / (runs * protocol::kEndParticles);
  }
  const double sd = std::sqrt((0.0225 + 0.01 / 12.0) / 3.0 - 0.075 * 0.075);
  EXPECT_NEAR(mean, 0.525, 4.0 * sd / std::sqrt(runs * protocol::kEndParticles));
  // A rejection at 0.55 bounds the end from below; the end may then concede to 0.4 at the
  // lowest, so a new round keeps min(0.55, 0.4); a yes at 0.58 holds (the end only falls).
  b.beliefs();
  model::Preferences truth;
  truth.resize(1, 1);
  truth.red_lo << 0.57;
  truth.red_hi << 1.0;
  protocol::Vector x(1);
  x << 0.55;
  b.learn(setting, truth, {0}, 0, x, false, 0.0);
  x << 0.58;
  b.learn(setting, truth, {0}, 0, x, true, 0.0);
  EXPECT_DOUBLE_EQ(b.beliefs()[0].lower(), 0.55);
  EXPECT_DOUBLE_EQ(b.beliefs()[0].upper(), 0.58);
  b.open_round(setting);
  EXPECT_DOUBLE_EQ(b.beliefs()[0].lower(), std::max(0.4, b.beliefs()[0].prior().lo));
  EXPECT_DOUBLE_EQ(b.beliefs()[0].upper(), 0.58);
}

namespace {

// A mediator and two veto parties over one issue with private, fixed (non-conceding) red-line
// ends drawn from uniform priors: the mediator's posterior is the exact truncated prior.
std::string private_duel(const std::string& information, const std::string& sessions) {
  return "[scenario]\nname = \"duel\"\n"
         "[issues.land]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[agents.m]\nrole = \"mediator\"\nwar_cost = 0.0\nsalience = { land = 1.0 }\n"
         "ideal = { land = 0.5 }\n"
         "[agents.a]\nreservation = 0.0\nsalience = { land = 1.0 }\nideal = { land = 0.0 }\n"
         "red_lines.land = [0.0, { uniform = [0.35, 0.75] }]\n"
         "[agents.b]\nreservation = 0.0\nsalience = { land = 1.0 }\nideal = { land = 1.0 }\n"
         "red_lines.land = [{ uniform = [0.3, 0.7] }, 1.0]\n"
         "[protocol]\nfirst_draft = { land = 0.2 }\nmax_rounds = 8\nwalkout_patience = 100\n"
         "trust_region = 0.1\ninformation = \"" +
         information + "\"\nsessions = \"" + sessions + "\"\n";
}

struct BeliefRuns {
  double covered = 0.0, covered_se = 0.0, width = 0.0, max_width = 0.0;
};

BeliefRuns run_beliefs(const std::string& text, std::uint64_t runs) {
  const auto s = scenario::load_scenario_text(text, "duel.toml");
  engine::Sampler sampler(s);
  std::vector<double> covered, width;
  engine::EngineOptions options;
  options.threads = 2;
  options.block_runs = 64;
  options.sink = [&](const engine::RunBlock& b) {
    for (std::size_t row = 0; row < b.count; ++row) {
      covered.push_back(b.belief_covered[row]);
      width.push_back(b.belief_width[row]);
    }
  };
  engine::run_plan(s, sampler, {11, 0, runs}, options);
  BeliefRuns out;
  const auto n = static_cast<double>(covered.size());
  for (std::size_t r = 0; r < covered.size(); ++r) {
    out.covered += covered[r] / n;
    out.width += width[r] / n;
    out.max_width = std::max(out.max_width, width[r]);
  }
  double var = 0.0;
  for (const double c : covered) var += (c - out.covered) * (c - out.covered) / (n - 1.0);
  out.covered_se = std::sqrt(var / n);
  return out;
}

}  // namespace

TEST(MediatorBeliefs, InTheTalksTheyAreCalibratedAndLearningNarrowsThem) {
  // The answers are certain given the ends and the texts depend only on what was answered
  // before, so the truncated prior is the exact posterior whatever the mediator proposes: its
  // central 90% interval covers each end in 90% of runs (to three standard errors), in
  // separate sessions and at a joint table alike. Without learning the belief is the prior:
  // width exactly 1.
  for (const char* sessions : {"separate", "joint"}) {
    const BeliefRuns learning = run_beliefs(private_duel("learning", sessions), 4000);
    EXPECT_NEAR(learning.covered, 0.9, 3.0 * learning.covered_se) << sessions;
    EXPECT_LE(learning.max_width, 1.0 + 1e-9) << sessions;  // a truncated uniform narrows
    EXPECT_LT(learning.width, 0.8) << sessions;
  }
  const BeliefRuns prior = run_beliefs(private_duel("prior", "separate"), 1000);
  EXPECT_NEAR(prior.width, 1.0, 1e-9);
  EXPECT_NEAR(prior.covered, 0.9, 3.0 * prior.covered_se);
}

namespace {

// Fearon's (1995) setting in alternating offers: A (ideal x = 1, value of the round passing
// c_A, its reservation, as δ = 0) always proposes to B, whose red line x ≤ h is private with
// h ~ U(a, b). A offers x_q, the text at B's (1 − q)-quantile, maximising q·(x_q − c_A).
std::string fearon_table(double a, double b, double c_a, const std::string& information,
                         double discount_a = 0.0, int max_rounds = 4) {
  return "[scenario]\nname = \"fearon\"\n"
         "[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[agents.a]\nreservation = " +
         std::to_string(c_a) + "\ndiscount = " + std::to_string(discount_a) +
         "\nideal = { x = 1.0 }\nsalience = { x = 1.0 }\n"
         "[agents.b]\nreservation = 0.0\ndiscount = 0.0\npower = 0.0\nideal = { x = 0.0 }\n"
         "salience = { x = 1.0 }\nred_lines.x = [0.0, { uniform = [" +
         std::to_string(a) + ", " + std::to_string(b) +
         "] }]\n"
         "[protocol]\nkind = \"alternating\"\nmax_rounds = " +
         std::to_string(max_rounds) + "\ndeadline = " + std::to_string(max_rounds) +
         "\ninformation = \"" + information + "\"\n";
}

struct TableRun {
  double h = 0.0;  // B's red line
  int round = -1;  // of the deal
  double deal = 0.0;
  double covered = 0.0;  // whether h lies in the final posterior's central 90%
};

std::vector<TableRun> table_runs(const std::string& text, std::uint64_t runs) {
  const auto s = scenario::load_scenario_text(text, "fearon.toml");
  engine::Sampler sampler(s);
  std::vector<TableRun> out(runs);
  engine::EngineOptions options;
  options.threads = 2;
  options.block_runs = 64;
  options.sink = [&](const engine::RunBlock& b) {
    for (std::size_t row = 0; row < b.count; ++row) {
      TableRun& r = out[b.first + row];
      r.h = b.parameters[row * b.sampled];
      r.round = b.round[row];
      r.deal = b.deal[row * b.issues];
      r.covered = b.belief_covered[row];
    }
  };
  engine::run_plan(s, sampler, {5, 0, runs}, options);
  return out;
}

}  // namespace

TEST(ProposerBeliefs, ScreeningOffersDescendAsRejectionsTeachTheProposer) {
  // Under U(a, b_k) (b_1 = b, b_{k+1} = x_k after a rejection) A's best offer is
  // x_k = max(a, (b_k + c_A)/2), Fearon's x* = p + (cbar − c_A)/2 in these terms; B accepts it
  // iff h ≥ x_k. So each run's deal round and terms follow from h alone. Without learning A
  // offers x_1 every round: a deal in round 1 or none.
  struct Case {
    double a, b, c_a;
  };
  for (const Case k : {Case{0.4, 0.8, 0.3}, Case{0.2, 0.9, 0.1}, Case{0.3, 0.6, 0.5}}) {
    std::vector<double> offers;
    double upper = k.b;
    for (int round = 1; round <= 4; ++round) {
      offers.push_back(std::max(k.a, 0.5 * (upper + k.c_a)));
      upper = offers.back();
    }
    const auto learning = table_runs(fearon_table(k.a, k.b, k.c_a, "learning"), 1500);
    int first = 0;
    double covered = 0.0;
    for (const TableRun& r : learning) {
      covered += r.covered / 1500.0;
      int expected = -1;
      for (int round = 1; round <= 4 && expected < 0; ++round) {
        if (r.h >= offers[static_cast<std::size_t>(round - 1)]) expected = round;
      }
      ASSERT_EQ(r.round, expected) << k.a << " " << k.b << " " << k.c_a << " h " << r.h;
      if (expected > 0)
        EXPECT_NEAR(r.deal, offers[static_cast<std::size_t>(expected - 1)], 1e-6) << r.h;
      first += expected == 1;
    }
    // The risk-return trade-off: war (no deal) in round 1 with probability (x_1 − a)/(b − a).
    const double p1 = (k.b - offers[0]) / (k.b - k.a);
    EXPECT_NEAR(first / 1500.0, p1, 4.0 * std::sqrt(p1 * (1.0 - p1) / 1500.0));
    // The posterior is the prior truncated by the answers, exact: its central 90% interval
    // covers h in 90% of runs.
    EXPECT_NEAR(covered, 0.9, 4.0 * std::sqrt(0.09 / 1500.0));
    for (const TableRun& r : table_runs(fearon_table(k.a, k.b, k.c_a, "prior"), 500)) {
      ASSERT_EQ(r.round, r.h >= offers[0] ? 1 : -1) << r.h;
      if (r.round == 1) EXPECT_NEAR(r.deal, offers[0], 1e-6);
    }
  }
}

TEST(ProposerBeliefs, TheLastRoundsScreeningOfferIsTheOneShotOne) {
  // One round: no round follows, so A's price is its reservation c_A however patient it is,
  // and its offer Fearon's one-shot x* = max(a, (b + c_A)/2) (not one raised by δ·W, which a
  // patient A would wait for were there another round). B accepts iff h >= x*.
  struct Case {
    double a, b, c_a, discount;
  };
  for (const Case k : {Case{0.4, 0.9, 0.1, 0.9}, Case{0.45, 0.75, 0.35, 0.5}}) {
    const double x_star = std::max(k.a, 0.5 * (k.b + k.c_a));
    for (const char* information : {"prior", "learning"}) {
      for (const TableRun& r :
           table_runs(fearon_table(k.a, k.b, k.c_a, information, k.discount, 1), 300)) {
        ASSERT_EQ(r.round, r.h >= x_star ? 1 : -1) << information << " h " << r.h;
        if (r.round == 1) EXPECT_NEAR(r.deal, x_star, 1e-6) << information << " h " << r.h;
      }
    }
  }
}

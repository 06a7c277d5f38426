// Ratification at home (docs/model.md, "Ratification at home"): a negotiator signs what is worth
// its demand once the chance of a refusal at home is priced in; the mediator's text under a
// constituency's support curve against the two-level closed form, a narrower win-set moving the
// deal toward the constrained party and lowering the chance it passes; a refusal that resumes the
// talks; the votes the same for any thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

namespace {

double sigmoid(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}

constexpr int kAgreement = static_cast<int>(protocol::Outcome::agreement);
constexpr int kRefused = static_cast<int>(protocol::Outcome::refused);

// One issue x in [0, 1]: Moscow ("ru", agent 0) has ideal 1, Kyiv ("ua", agent 1) ideal 0, both
// linear, so u_ru = x and u_ua = 1 − x; Kyiv's constituency ratifies with σ(α − β x). A mediator
// (agent 2) with no stake. `ru`, `ua`, `protocol`: extra lines of each table.
std::string two_parties(double alpha, double beta, const std::string& ru, const std::string& ua,
                        const std::string& protocol) {
  return "[scenario]\nname = \"two-level\"\n"
         "[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[agents.ru]\nideal = { x = 1.0 }\nsalience = { x = 1.0 }\nassertiveness = 0.0\n" +
         ru + "[agents.ua]\nideal = { x = 0.0 }\nsalience = { x = 1.0 }\nassertiveness = 0.0\n" +
         ua + "ratification = { intercept = " + std::to_string(alpha) +
         ", slope = { x = " + std::to_string(-beta) +
         " } }\n"
         "[agents.m]\nrole = \"mediator\"\nreservation = 0.0\nideal = { x = 0.5 }\n"
         "salience = { x = 1.0 }\n"
         "[protocol]\nkind = \"mediated\"\nwalkout_patience = 100000\nbatna_noise = 0.0\n" +
         protocol;
}

struct Votes {
  std::vector<int> outcome, round, blocker, obstacle;
  std::vector<double> text;            // the final text's x
  std::vector<double> ratification;    // [run, agent]
  std::vector<std::int32_t> refusals;  // [run, agent]
};

Votes run(const std::string& text, std::uint64_t runs, int threads = 2) {
  const scenario::Scenario s = scenario::load_scenario_text(text, "case.toml");
  engine::Sampler sampler(s);
  const std::size_t agents = s.agents.size();
  Votes out;
  out.outcome.resize(runs);
  out.round.resize(runs);
  out.blocker.resize(runs);
  out.obstacle.resize(runs);
  out.text.resize(runs);
  out.ratification.resize(runs * agents);
  out.refusals.resize(runs * agents);
  engine::EngineOptions options;
  options.threads = threads;
  options.sink = [&](const engine::RunBlock& b) {
    for (std::size_t row = 0; row < b.count; ++row) {
      const std::size_t at = b.first + row;
      out.outcome[at] = b.outcome[row];
      out.round[at] = b.round[row];
      out.blocker[at] = b.blocker[row];
      out.obstacle[at] = b.obstacle[row];
      out.text[at] = b.final_text[row * b.issues];
      for (std::size_t i = 0; i < agents; ++i) {
        out.ratification[at * agents + i] = b.ratification[row * agents + i];
        out.refusals[at * agents + i] = b.refusals[row * agents + i];
      }
    }
  };
  engine::run_plan(s, sampler, {23, 0, runs}, options);
  return out;
}

// The mediator's text in the two-party case (docs/model.md, "Ratification at home", the closed
// form): the x in (b_ru, 1 − b_ua) where β (1 − σ(α − βx)) = ½/(x − b_ru + ε) − ½/(1 − x − b_ua +
// ε), found by bisection (the left side rises and the right side falls in x).
double two_level_text(double alpha, double beta, double b_ru, double b_ua) {
  constexpr double eps = 0.01;
  auto excess = [&](double x) {
    return 0.5 / (x - b_ru + eps) - 0.5 / (1.0 - x - b_ua + eps) -
           beta * (1.0 - sigmoid(alpha - beta * x));
  };
  double lo = b_ru, hi = 1.0 - b_ua;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (excess(mid) > 0.0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

// A first draft drawn uniformly on [0, 1], one round. Moscow demands its aspiration d above its
// BATNA b_ru: signing a text that Kyiv's constituency then refuses leaves it b_ru, so it signs iff
// P(x)·x + (1 − P(x))·b_ru ≥ d; Kyiv demands its BATNA (nothing to lose by a refusal): 1 − x ≥
// b_ua. A signed text passes with P(x) = σ(α − βx); a refusal ends the talks.
TEST(Ratification, ANegotiatorSignsWhatIsWorthItsDemandInExpectation) {
  const double alpha = 3.0, beta = 3.0, b_ru = 0.3, d = 0.5, b_ua = 0.2;
  const Votes v =
      run(two_parties(alpha, beta, "reservation = 0.3\naspiration = 0.5\n", "reservation = 0.2\n",
                      "max_rounds = 1\nrefusal = \"end\"\n"
                      "first_draft = { x = { uniform = [0.0, 1.0] } }\n"),
          6000);
  const std::size_t n = v.outcome.size();
  double signed_runs = 0.0, ratified = 0.0, expected = 0.0, variance = 0.0;
  int anticipation_binds = 0;
  for (std::size_t run = 0; run < n; ++run) {
    const double x = v.text[run];
    const double p = sigmoid(alpha - beta * x);
    const double margin_ru = p * (x - b_ru) - (d - b_ru);
    const double margin_ua = 1.0 - x - b_ua;
    if (std::abs(margin_ru) < 1e-9 || std::abs(margin_ua) < 1e-9) continue;
    const bool signs = margin_ru > 0.0 && margin_ua > 0.0;
    if (!signs && x >= d && margin_ua > 0.0) ++anticipation_binds;
    const int outcome = v.outcome[run];
    ASSERT_EQ(signs, outcome == kAgreement || outcome == kRefused) << "x = " << x;
    const double ua_chance = v.ratification[run * 3 + 1];
    if (!signs) {
      EXPECT_TRUE(std::isnan(ua_chance));
      EXPECT_EQ(v.refusals[run * 3 + 1], 0);
      continue;
    }
    // Only Kyiv has a constituency: its chance recorded, the others' NaN.
    EXPECT_NEAR(ua_chance, p, 1e-12);
    EXPECT_TRUE(std::isnan(v.ratification[run * 3 + 0]));
    EXPECT_TRUE(std::isnan(v.ratification[run * 3 + 2]));
    EXPECT_EQ(v.refusals[run * 3 + 1], outcome == kRefused ? 1 : 0);
    if (outcome == kRefused) {
      // The refusing constituency blocks, on the issue whose terms cost it support.
      EXPECT_EQ(v.blocker[run], 1);
      EXPECT_EQ(v.obstacle[run], 0);
      EXPECT_EQ(v.round[run], -1);
    }
    signed_runs += 1.0;
    ratified += outcome == kAgreement;
    expected += p;
    variance += p * (1.0 - p);
  }
  // Texts Moscow would have signed at face value (x ≥ d) but not once it prices the vote.
  EXPECT_GT(anticipation_binds, 150);
  EXPECT_GT(signed_runs, 500.0);
  EXPECT_NEAR(ratified, expected, 4.0 * std::sqrt(variance));
}

// The two-level game's comparative statics in closed form. Both sides demand everything until a
// known deadline (Boulware concession from aspiration 1 toward their BATNAs 0.35), so the mediator
// reaches its optimum first and the deal is signed there in the last round. A smaller Ukrainian
// win-set (a lower intercept α) moves the deal toward Kyiv and lowers the chance it is ratified,
// as the closed form says; without a constituency the deal is the symmetric 0.5.
TEST(Ratification, ASmallerWinSetMovesTheDealTowardTheConstrainedNegotiator) {
  const double beta = 4.0, b = 0.35;
  const std::string side =
      "reservation = 0.35\naspiration = 1.0\naspiration_limit = 0.35\nconcession_beta = 0.01\n";
  const std::string protocol =
      "deadline = 50\nmax_rounds = 50\ntrust_region = 0.05\nrefusal = \"end\"\n"
      "first_draft = { x = 0.5 }\n";
  double previous_text = 1.0, previous_pass = 1.0;
  for (const double alpha : {3.0, 1.5, 0.5, -0.5}) {
    const double x_star = two_level_text(alpha, beta, b, b);
    const double pass = sigmoid(alpha - beta * x_star);
    const Votes v = run(two_parties(alpha, beta, side, side, protocol), 3000);
    double ratified = 0.0;
    for (std::size_t run = 0; run < v.outcome.size(); ++run) {
      const int outcome = v.outcome[run];
      ASSERT_TRUE(outcome == kAgreement || outcome == kRefused) << "alpha = " << alpha;
      // Signed in the last round, at the mediator's optimum (to the ascent's precision).
      EXPECT_NEAR(v.text[run], x_star, 2e-3) << "alpha = " << alpha;
      EXPECT_NEAR(v.ratification[run * 3 + 1], sigmoid(alpha - beta * v.text[run]), 1e-12);
      if (outcome == kAgreement) EXPECT_EQ(v.round[run], 50);
      ratified += outcome == kAgreement;
    }
    const double n = static_cast<double>(v.outcome.size());
    EXPECT_NEAR(ratified / n, pass, 4.0 * std::sqrt(pass * (1.0 - pass) / n))
        << "alpha = " << alpha;
    EXPECT_LT(x_star, previous_text);
    EXPECT_LT(pass, previous_pass);
    EXPECT_LT(x_star, 0.5);
    previous_text = x_star;
    previous_pass = pass;
  }
}

// refusal = "resume": a refused text counts as Kyiv's rejection and the talks go on. With a trust
// region so small that the text hardly moves from its first draft x0 and demands at the BATNAs,
// every round's text is signed and voted on, passing with P ≈ σ(α − βx0): the first ratified
// round is geometric, so P(no deal in T rounds) = (1 − P)^T, and Kyiv's refusals in a run number
// one less than its deal's round.
TEST(Ratification, ARefusalReturnsTheTalksToTheTable) {
  const double alpha = 0.0, beta = 2.0, x0 = 0.5;
  const int horizon = 4;
  const Votes v = run(two_parties(alpha, beta, "reservation = 0.2\n", "reservation = 0.2\n",
                                  "max_rounds = " + std::to_string(horizon) +
                                      "\ntrust_region = 0.0001\nfirst_draft = { x = 0.5 }\n"),
                      8000);
  const double p = sigmoid(alpha - beta * x0);
  const auto n = static_cast<double>(v.outcome.size());
  double open = 0.0;
  for (std::size_t run = 0; run < v.outcome.size(); ++run) {
    EXPECT_NEAR(v.text[run], x0, horizon * 1e-4 + 1e-12);
    const std::int32_t refusals = v.refusals[run * 3 + 1];
    if (v.outcome[run] == kAgreement) {
      EXPECT_EQ(refusals, v.round[run] - 1);
    } else {
      EXPECT_EQ(v.outcome[run], static_cast<int>(protocol::Outcome::censored));
      EXPECT_EQ(refusals, horizon);
      open += 1.0;
    }
  }
  const double q = std::pow(1.0 - p, horizon);
  // The text drifts by at most T·ρ, so P moves by at most β T ρ / 4 ≈ 2·10⁻⁴: within the error.
  EXPECT_NEAR(open / n, q, 4.0 * std::sqrt(q * (1.0 - q) / n) + 1e-3);
}

// The votes draw from their own stream keyed by the run: the same outcomes for any thread count.
TEST(Ratification, TheVotesAreTheSameForAnyThreadCount) {
  const std::string text =
      two_parties(1.0, 3.0, "reservation = 0.3\n", "reservation = 0.2\n",
                  "max_rounds = 6\nfirst_draft = { x = { uniform = [0.0, 1.0] } }\n");
  const Votes one = run(text, 2000, 1);
  const Votes three = run(text, 2000, 3);
  EXPECT_EQ(one.outcome, three.outcome);
  EXPECT_EQ(one.round, three.round);
  EXPECT_EQ(one.refusals, three.refusals);
  EXPECT_EQ(one.text, three.text);
}

// Every protocol puts its deal to the vote. The Nash solution of the symmetric case, x = 0.5,
// passes with σ(α − β/2), one shot: the runs refused are a binomial share of that, each recording
// the chance and Kyiv as the blocker. Under alternating offers with refusal = "end", the accepted
// proposal x passes with σ(α − βx): the share refused against the mean of 1 − σ over the runs.
TEST(Ratification, EveryProtocolPutsItsDealToTheVote) {
  const double alpha = 0.5, beta = 2.0;
  std::string text = two_parties(alpha, beta, "reservation = 0.2\n", "reservation = 0.2\n", "");
  const std::string mediated = "kind = \"mediated\"";
  text.replace(text.find(mediated), mediated.size(), "kind = \"nash\"");
  const Votes nash = run(text, 6000);
  const double p = sigmoid(alpha - beta * 0.5);
  double refused = 0.0;
  for (std::size_t i = 0; i < nash.outcome.size(); ++i) {
    EXPECT_NEAR(nash.text[i], 0.5, 1e-6);
    EXPECT_NEAR(nash.ratification[i * 3 + 1], p, 1e-6);
    if (nash.outcome[i] == kRefused) {
      refused += 1.0;
      EXPECT_EQ(nash.refusals[i * 3 + 1], 1);
      EXPECT_EQ(nash.blocker[i], 1);
    } else {
      EXPECT_EQ(nash.outcome[i], kAgreement);
      EXPECT_EQ(nash.refusals[i * 3 + 1], 0);
    }
  }
  const double n = static_cast<double>(nash.outcome.size());
  EXPECT_NEAR(refused / n, 1.0 - p, 4.0 * std::sqrt(p * (1.0 - p) / n));

  std::string offers = two_parties(alpha, beta, "reservation = 0.2\ndiscount = 0.9\n",
                                   "reservation = 0.2\ndiscount = 0.9\n", "refusal = \"end\"\n");
  offers.replace(offers.find(mediated), mediated.size(), "kind = \"alternating\"");
  const Votes alternating = run(offers, 6000);
  double expected = 0.0, variance = 0.0, ended = 0.0;
  for (std::size_t i = 0; i < alternating.outcome.size(); ++i) {
    const double pass = sigmoid(alpha - beta * alternating.text[i]);
    EXPECT_NEAR(alternating.ratification[i * 3 + 1], pass, 1e-9);
    expected += 1.0 - pass;
    variance += pass * (1.0 - pass);
    if (alternating.outcome[i] == kRefused) {
      ended += 1.0;
      EXPECT_EQ(alternating.refusals[i * 3 + 1], 1);
    }
  }
  EXPECT_GT(ended, 0.0);
  EXPECT_NEAR(ended, expected, 4.0 * std::sqrt(variance));
}

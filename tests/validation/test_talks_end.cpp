// When the talks end (docs/model.md, "When the talks end"): a collapse hazard against the
// survival of the talks in closed form, with and without escalation; the simulation's horizon
// changes nothing before it; a known deadline ends the talks and aims concession by time.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

namespace {

// Two parties whose red lines leave no text both accept: no deal is possible, and the front does
// not move. `protocol`: the lines of [protocol] besides the kind.
std::string no_zone(const std::string& kind, const std::string& protocol) {
  return "[scenario]\nname = \"no-zone\"\n"
         "[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
         "[agents.a]\nwar_cost = 0.05\nideal = { x = 1.0 }\nsalience = { x = 1.0 }\n"
         "red_lines = { x = [0.7, 1.0] }\n"
         "[agents.b]\nwar_cost = 0.05\nideal = { x = 0.0 }\nsalience = { x = 1.0 }\n"
         "red_lines = { x = [0.0, 0.3] }\n" +
         std::string(kind == "mediated" ? "[agents.m]\nrole = \"mediator\"\nwar_cost = 0.0\n"
                                          "ideal = { x = 0.5 }\nsalience = { x = 1.0 }\n"
                                        : "") +
         "[protocol]\nkind = \"" + kind + "\"\nwalkout_patience = 100000\n" +
         (kind == "mediated" ? "first_draft = { x = 0.5 }\n" : "") + protocol +
         "[battlefield]\nissue = \"x\"\nstart = 0.5\n";
}

struct Ends {
  std::vector<int> outcome, last_round, round;
  std::vector<double> deal;  // the first issue's term
};

Ends run(const scenario::Scenario& s, std::uint64_t runs) {
  engine::Sampler sampler(s);
  Ends out;
  out.outcome.resize(runs);
  out.last_round.resize(runs);
  out.round.resize(runs);
  out.deal.resize(runs);
  engine::EngineOptions options;
  options.threads = 2;
  options.sink = [&](const engine::RunBlock& b) {
    for (std::size_t row = 0; row < b.count; ++row) {
      out.outcome[b.first + row] = b.outcome[row];
      out.last_round[b.first + row] = b.last_round[row];
      out.round[b.first + row] = b.round[row];
      out.deal[b.first + row] = b.deal[row * b.issues];
    }
  };
  engine::run_plan(s, sampler, {17, 0, runs}, options);
  return out;
}

Ends run(const std::string& text, std::uint64_t runs) {
  return run(scenario::load_scenario_text(text, "case.toml"), runs);
}

// The share of runs still talking after round t, against S(t), within 4 binomial standard errors.
void expect_survival(const Ends& e, int rounds, const std::vector<double>& survival) {
  const auto n = static_cast<double>(e.outcome.size());
  for (int t = 1; t <= rounds; ++t) {
    double alive = 0.0;
    for (const int last : e.last_round) alive += last > t;
    const double p = survival[static_cast<std::size_t>(t)];
    EXPECT_NEAR(alive / n, p, 4.0 * std::sqrt(p * (1 - p) / n) + 1e-12) << "t = " << t;
  }
}

}  // namespace

// A constant hazard h: the talks survive t rounds with probability (1 − h)^t; they end in
// collapse before the horizon T, and the rest are censored at T.
TEST(TalksEnd, SurvivalUnderAConstantHazard) {
  for (const char* kind : {"mediated", "alternating"}) {
    const double h = 0.1;
    const int horizon = 30;
    const Ends e = run(no_zone(kind, "collapse_hazard = 0.1\nmax_rounds = 30\n"), 20000);
    std::vector<double> survival(horizon + 1);
    for (int t = 0; t <= horizon; ++t) survival[static_cast<std::size_t>(t)] = std::pow(1 - h, t);
    expect_survival(e, horizon - 1, survival);
    for (std::size_t j = 0; j < e.outcome.size(); ++j) {
      const auto o = static_cast<protocol::Outcome>(e.outcome[j]);
      ASSERT_TRUE(o == protocol::Outcome::collapse || o == protocol::Outcome::censored) << kind;
      // A censored run was cut off at the horizon.
      if (o == protocol::Outcome::censored) EXPECT_EQ(e.last_round[j], horizon);
      EXPECT_LE(e.last_round[j], horizon);
    }
  }
}

// An escalating hazard h1 per rejected round: S(t) = Π_{j ≤ t} (1 − min(1, h1 j)).
TEST(TalksEnd, SurvivalUnderAnEscalatingHazard) {
  const double h1 = 0.04;
  const Ends e = run(no_zone("mediated", "collapse_escalation = 0.04\nmax_rounds = 40\n"), 20000);
  std::vector<double> survival(41, 1.0);
  for (int t = 1; t <= 40; ++t)
    survival[static_cast<std::size_t>(t)] =
        survival[static_cast<std::size_t>(t - 1)] * (1 - std::min(1.0, h1 * t));
  expect_survival(e, 39, survival);
}

// Without a hazard or a deadline the talks go on to the horizon: every run is censored there.
TEST(TalksEnd, WithoutAHazardEveryRunIsCensoredAtTheHorizon) {
  const Ends e = run(no_zone("mediated", "max_rounds = 9\n"), 200);
  for (std::size_t j = 0; j < e.outcome.size(); ++j) {
    EXPECT_EQ(e.outcome[j], static_cast<int>(protocol::Outcome::censored));
    EXPECT_EQ(e.last_round[j], 9);
  }
}

// A known deadline ends the talks in its round (outcome deadline), before a longer horizon.
TEST(TalksEnd, AKnownDeadlineEndsTheTalksInItsRound) {
  const Ends e = run(no_zone("mediated", "deadline = 6\nmax_rounds = 20\n"), 200);
  for (std::size_t j = 0; j < e.outcome.size(); ++j) {
    EXPECT_EQ(e.outcome[j], static_cast<int>(protocol::Outcome::deadline));
    EXPECT_EQ(e.last_round[j], 6);
  }
}

// The horizon truncates, nothing more: in the default scenario every run that ended before round
// 18 with a horizon of 18 ends the same way, in the same round, on the same terms with a horizon
// of 36; every run cut off at 18 goes on past it. So P(agreement by round t) for t <= 18 is the
// same, run by run.
TEST(TalksEnd, TheHorizonChangesNothingBeforeIt) {
  const std::string path = std::string(PARLEY_SOURCE_DIR) + "/scenarios/miami-2025.toml";
  const Ends a = run(scenario::load_scenario_file(path, {"protocol.max_rounds=18"}), 600);
  const Ends b = run(scenario::load_scenario_file(path, {"protocol.max_rounds=36"}), 600);
  int ended = 0, censored = 0;
  for (std::size_t j = 0; j < a.outcome.size(); ++j) {
    if (a.outcome[j] == static_cast<int>(protocol::Outcome::censored)) {
      ++censored;
      EXPECT_EQ(a.last_round[j], 18);
      EXPECT_GT(b.last_round[j], 18) << j;
      continue;
    }
    ++ended;
    EXPECT_EQ(a.outcome[j], b.outcome[j]) << j;
    EXPECT_EQ(a.last_round[j], b.last_round[j]) << j;
    EXPECT_EQ(a.round[j], b.round[j]) << j;
    if (a.round[j] > 0) EXPECT_EQ(a.deal[j], b.deal[j]) << j;
  }
  EXPECT_GT(ended, 100);
  EXPECT_GT(censored, 10);
}

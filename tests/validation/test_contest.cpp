// A front that resources move (docs/model.md, "A front that resources move"): the drift of a
// contest of war efforts against Tullock's formula, round by round as shocks change the efforts,
// and a contest that gives drift d is the same war as a drift d stated outright.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

namespace {

// Two parties whose red lines leave no deal, so the talks run to the horizon; the front on x.
std::string war(const std::string& battlefield, const std::string& shocks = "") {
  return "[scenario]\nname = \"contest\"\n"
         "[issues.x]\nrange = [0.0, 2.0]\nstatus_quo = 1.0\n"
         "[agents.a]\nwar_cost = 0.05\nideal = { x = 2.0 }\nsalience = { x = 1.0 }\n"
         "red_lines = { x = [1.8, 2.0] }\n"
         "[agents.b]\nwar_cost = 0.05\nideal = { x = 0.0 }\nsalience = { x = 1.0 }\n"
         "red_lines = { x = [0.0, 0.2] }\n"
         "[agents.m]\nrole = \"mediator\"\nwar_cost = 0.0\nideal = { x = 1.0 }\n"
         "salience = { x = 1.0 }\n"
         "[protocol]\nfirst_draft = { x = 1.0 }\nmax_rounds = 12\nwalkout_patience = 1000\n"
         "[battlefield]\nissue = \"x\"\nstart = 1.0\n" +
         battlefield + shocks;
}

struct Path {
  std::vector<double> front;  // natural units, rounds 1..12
  std::vector<double> batna;  // [round * agents + agent]
};

Path trace_of(const std::string& text) {
  const auto s = scenario::load_scenario_text(text, "contest.toml");
  engine::Sampler sampler(s);
  engine::RunBlock block;
  block.resize(1, s.agents.size(), s.issues.size(), sampler.columns().size(), s.shocks.size());
  protocol::Trace trace;
  EXPECT_TRUE(engine::compute_run(s, sampler, 1, 0, block, 0, &trace, nullptr));
  Path p;
  for (const auto& round : trace.rounds) {
    p.front.push_back(s.issues[0].to_natural(round.front));
    for (Eigen::Index i = 0; i < round.batna.size(); ++i) p.batna.push_back(round.batna(i));
  }
  return p;
}

// Tullock (1980): reach (2p − 1), p = E_up^m / (E_up^m + E_down^m).
double tullock(double up, double down, double m, double reach) {
  const double a = std::pow(up, m), b = std::pow(down, m);
  return reach * (2.0 * a / (a + b) - 1.0);
}

}  // namespace

// Without volatility the front moves by the contest's drift each round, the effort after
// sanctions (150 − 20) against the effort with aid (65 + 45); from round 5 aid stops, and from
// round 9 sanctions double.
TEST(Contest, TheFrontMovesByTullocksDrift) {
  for (const double m : {1.0, 2.0}) {
    const std::string contest =
        "[battlefield.contest]\nup = 150.0\ndown = 65.0\naid = 45.0\n"
        "sanctions = 20.0\nreach = 0.02\ndecisiveness = " +
        std::to_string(m) + "\n";
    const std::string shocks =
        "[[shocks]]\nround = 5\nkey = \"battlefield.contest.aid\"\nop = \"set\"\nvalue = 0.0\n"
        "[[shocks]]\nround = 9\nkey = \"battlefield.contest.sanctions\"\nop = \"scale\"\n"
        "value = 2.0\n";
    const Path p = trace_of(war(contest, shocks));
    ASSERT_EQ(p.front.size(), 12u);
    double front = 1.0;
    for (int t = 1; t <= 12; ++t) {
      const double aid = t >= 5 ? 0.0 : 45.0, sanctions = t >= 9 ? 40.0 : 20.0;
      front += tullock(150.0 - sanctions, 65.0 + aid, m, 0.02);
      EXPECT_NEAR(p.front[static_cast<std::size_t>(t - 1)], front, 1e-12)
          << "m " << m << " t " << t;
    }
  }
}

// A contest whose drift is d is the war of drift d stated outright: the same front and the same
// BATNAs (the expected value of fighting on under that drift), round by round.
TEST(Contest, IsTheWarOfTheDriftItGives) {
  const double d = tullock(130.0, 110.0, 1.0, 0.03);
  const Path contest =
      trace_of(war("volatility = 0.02\n[battlefield.contest]\nup = 150.0\ndown = 65.0\naid = "
                   "45.0\nsanctions = 20.0\nreach = 0.03\n"));
  char drift[64];
  std::snprintf(drift, sizeof drift, "drift = %.17g\n", d);
  const Path stated = trace_of(war(std::string(drift) + "volatility = 0.02\n"));
  ASSERT_EQ(contest.front.size(), stated.front.size());
  for (std::size_t t = 0; t < contest.front.size(); ++t)
    EXPECT_NEAR(contest.front[t], stated.front[t], 1e-12) << t;
  ASSERT_EQ(contest.batna.size(), stated.batna.size());
  for (std::size_t j = 0; j < contest.batna.size(); ++j)
    EXPECT_NEAR(contest.batna[j], stated.batna[j], 1e-12) << j;
}

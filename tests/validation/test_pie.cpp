// Axiomatic solutions and per-run diagnostics on a pie (shares summing to one) against their
// closed forms: n-party weighted Nash x_i = d_i + α_i (1 - Σd)/Σα, Kalai–Smorodinsky
// x_i = d_i + (1 - Σd)/n, the zone of agreement (1 - Σd)/n, and the diagnostics of
// Baron–Ferejohn deals (every full division is Pareto-optimal).
#include <gtest/gtest.h>

#include <ostream>

#include <cmath>
#include <string>

#include "parley/engine/engine.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/solve/text_solver.hpp"
#include "parley/scenario/load.hpp"
#include "vectors.hpp"

using namespace parley;
using parley::test::vec;
using protocol::Index;
using protocol::Vector;

namespace {

constexpr double kTol = 1e-12;

// n parties dividing a pie by alternating offers (Baron & Ferejohn 1989), each valuing its
// own share; `extra` is appended to each party's table (e.g. red lines) by index.
std::string pie(int n, double delta, const std::string& decision,
                const std::vector<std::string>& extra = {}) {
  std::string s = "[scenario]\nname = \"pie\"\nspace = \"pie\"\n";
  for (int i = 0; i < n; ++i)
    s += "[issues.s" + std::to_string(i) + "]\nrange = [0.0, 1.0]\nstatus_quo = 0.0\n";
  for (int i = 0; i < n; ++i) {
    const std::string k = "s" + std::to_string(i);
    s += "[agents.p" + std::to_string(i) +
         "]\nreservation = 0.0\nveto = " + (decision == "unanimity" ? "true" : "false") +
         "\ndiscount = " + std::to_string(delta) + "\nideal = { " + k + " = 1.0 }\nsalience = { " +
         k + " = 1.0 }\n" +
         (static_cast<std::size_t>(i) < extra.size() ? extra[static_cast<std::size_t>(i)] : "") +
         "\n";
  }
  s += "[protocol]\nkind = \"alternating\"\ndecision = \"" + decision + "\"\n";
  return s;
}

struct Problem {
  scenario::Scenario scenario;
  engine::Sampler sampler;
  protocol::Realization r;
  std::vector<Index> players;
  explicit Problem(const std::string& toml)
      : scenario(scenario::load_scenario_text(toml, "pie.toml")),
        sampler(scenario),
        r(sampler.central()) {
    for (Index i = 0; i < r.prefs.agents(); ++i) players.push_back(i);
  }
  protocol::TextSolver solver() const {
    return protocol::TextSolver(sampler.setting(), r.prefs,
                                protocol::feasible_box(r.prefs, players));
  }
};

}  // namespace

// Weighted Nash with a disagreement point: x_i = d_i + α_i/Σα · (1 - Σd);
// d = (0.1, 0.2, 0.05), α = (1, 2, 3): x = (0.1 + 0.65/6, 0.2 + 1.3/6, 0.05 + 1.95/6).
TEST(PieNash, WeightedWithDisagreementPoint) {
  const Problem p(pie(3, 0.9, "unanimity"));
  auto solver = p.solver();
  const auto x = solver.nash(p.players, vec({0.1, 0.2, 0.05}), vec({1, 2, 3}));
  ASSERT_TRUE(x.has_value());
  EXPECT_NEAR((*x)(0), 0.1 + 0.65 / 6, kTol);
  EXPECT_NEAR((*x)(1), 0.2 + 1.3 / 6, kTol);
  EXPECT_NEAR((*x)(2), 0.05 + 1.95 / 6, kTol);
  EXPECT_NEAR(x->sum(), 1.0, kTol);
}

// A red line caps the third share at 0.3: it gets 0.3 and the others split the rest by
// their weights, x_1 = 0.1 + τ, x_2 = 0.2 + 2τ with 0.3 + 3τ = 0.7: τ = 0.4/3.
TEST(PieNash, RedLineCapsAShare) {
  const Problem p(pie(3, 0.9, "unanimity", {"", "", "red_lines = { s2 = [0.0, 0.3] }"}));
  auto solver = p.solver();
  const auto x = solver.nash(p.players, vec({0.1, 0.2, 0.05}), vec({1, 2, 3}));
  ASSERT_TRUE(x.has_value());
  EXPECT_NEAR((*x)(0), 0.1 + 0.4 / 3, kTol);
  EXPECT_NEAR((*x)(1), 0.2 + 0.8 / 3, kTol);
  EXPECT_NEAR((*x)(2), 0.3, kTol);
  // No division gives every party more than d when Σd >= 1.
  EXPECT_FALSE(solver.nash(p.players, vec({0.5, 0.3, 0.2}), vec({1, 1, 1})).has_value());
}

// Kalai–Smorodinsky: a_i = 1 - Σ_{j≠i} d_j, so x_i = d_i + (1 - Σd)/n whatever the weights.
TEST(PieKalaiSmorodinsky, EqualSplitOfTheSurplus) {
  const Problem p(pie(4, 0.9, "unanimity"));
  auto solver = p.solver();
  const Vector d = vec({0.1, 0.0, 0.2, 0.05});
  const auto ks = solver.kalai_smorodinsky(p.players, d);
  ASSERT_TRUE(ks.has_value());
  for (Index i = 0; i < 4; ++i) {
    EXPECT_NEAR(ks->aspiration(i), 1.0 - (d.sum() - d(i)), kTol);
    EXPECT_NEAR(ks->x(i), d(i) + 0.65 / 4, kTol);
  }
}

// The zone of agreement: max_x min_i (x_i - d_i) = (1 - Σd)/n, negative when Σd > 1; the
// best text for a proposer gives the others their thresholds and keeps the rest.
TEST(PieZone, ClosedFormAndBestOffer) {
  const Problem p(pie(3, 0.9, "unanimity"));
  auto solver = p.solver();
  const Vector ones = Vector::Ones(3);
  EXPECT_NEAR(solver.maximin(p.players, vec({0.1, 0.2, 0.3}), ones).value, 0.4 / 3, kTol);
  EXPECT_NEAR(solver.maximin(p.players, vec({0.5, 0.4, 0.4}), ones).value, -0.1, kTol);
  const auto offer = solver.best_for(1, p.players, vec({0.25, 0.9, 0.15}));
  ASSERT_TRUE(offer.has_value());
  EXPECT_NEAR((*offer)(0), 0.25, kTol);
  EXPECT_NEAR((*offer)(1), 0.6, kTol);
  EXPECT_NEAR((*offer)(2), 0.15, kTol);
  EXPECT_FALSE(solver.best_for(1, p.players, vec({0.6, 0.0, 0.5})).has_value());
}

struct BfDiagnostics {
  int n;
  double delta;
  const char* decision;
};
// How test names show a case (otherwise the struct's bytes).
void PrintTo(const BfDiagnostics& c, std::ostream* os) {
  *os << "n=" << c.n << " delta=" << c.delta << " " << c.decision;
}
class PieDiagnostics : public ::testing::TestWithParam<BfDiagnostics> {};

// Baron–Ferejohn deals are full divisions, so their Pareto gap is 0; with BATNAs 0 the zone
// is 1/n and the Nash text the equal split, so the Nash distance is the RMS of x_k - 1/n
// (unanimity: proposer 1 - δ(n-1)/n, others δ/n; majority: proposer 1 - δ(n-1)/(2n),
// (n-1)/2 partners δ/n, the rest 0). Without veto players (majority) the diagnostics
// concern every party.
TEST_P(PieDiagnostics, OfBaronFerejohnDeals) {
  const auto c = GetParam();
  const auto s = scenario::load_scenario_text(pie(c.n, c.delta, c.decision), "bf.toml");
  engine::Sampler sampler(s);
  const double n = c.n;
  const bool majority = std::string(c.decision) == "majority";
  const double proposer = majority ? 1 - c.delta * (n - 1) / (2 * n) : 1 - c.delta * (n - 1) / n;
  const int partners = majority ? (c.n - 1) / 2 : c.n - 1;
  const double sq = (proposer - 1 / n) * (proposer - 1 / n) +
                    partners * (c.delta / n - 1 / n) * (c.delta / n - 1 / n) +
                    (c.n - 1 - partners) * (1 / n) * (1 / n);
  const double distance = std::sqrt(sq / n);
  std::uint64_t checked = 0;
  engine::EngineOptions options;
  options.threads = 1;
  options.sink = [&](const engine::RunBlock& b) {
    for (std::size_t row = 0; row < b.count; ++row) {
      ASSERT_EQ(b.round[row], 1);
      double total = 0.0;
      for (int k = 0; k < c.n; ++k)
        total += b.deal[row * static_cast<std::size_t>(c.n) + static_cast<std::size_t>(k)];
      EXPECT_NEAR(total, 1.0, 1e-12);
      EXPECT_NEAR(b.pareto_gap[row], 0.0, 1e-12);
      EXPECT_NEAR(b.zone_first[row], 1 / n, 1e-12);
      EXPECT_NEAR(b.zone_last[row], 1 / n, 1e-12);
      EXPECT_NEAR(b.nash_distance[row], distance, 1e-12);
      ++checked;
    }
  };
  engine::run_plan(s, sampler, {7, 0, 50}, options);
  EXPECT_EQ(checked, 50u);
}
INSTANTIATE_TEST_SUITE_P(Cases, PieDiagnostics,
                         ::testing::Values(BfDiagnostics{3, 0.8, "unanimity"},
                                           BfDiagnostics{3, 0.8, "majority"},
                                           BfDiagnostics{5, 0.9, "unanimity"},
                                           BfDiagnostics{5, 0.6, "majority"}));

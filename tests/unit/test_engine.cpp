// The engine: results independent of thread count and of which runs are computed
// together; sampling keyed by run; summaries against direct computation.
#include <gtest/gtest.h>
#include <chrono>
#include <thread>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <map>

#include "common/scenarios.hpp"
#include "parley/engine/engine.hpp"
#include "parley/engine/shards.hpp"
#include "parley/engine/study/sensitivity.hpp"
#include "parley/engine/study/sobol.hpp"
#include "parley/engine/study/sweep.hpp"
#include "parley/engine/summary.hpp"
#include "parley/random/distributions.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;
using parley::testing::default_scenario;

namespace {

// Calls f(column of a, same column of b, values per run) for every per-run column of a block.
template <typename A, typename B, typename F>
void for_each_column(A& a, B& b, F&& f) {
  engine::for_each_run_column(
      a, b, [&](auto& x, auto& y, const engine::RunColumn& c) { f(x, y, c.width(a)); });
  f(a.parameters, b.parameters, a.sampled);
}

engine::Summary summarise(const scenario::Scenario& s, const engine::RunBlock& b) {
  engine::SummaryBuilder builder(s);
  builder.add(b);
  return builder.finish();
}

engine::RunBlock run_into_one_block(const scenario::Scenario& s, std::uint64_t first,
                                    std::uint64_t count, int threads, std::size_t block_runs) {
  engine::Sampler sampler(s);
  engine::RunBlock all;
  all.resize(count, s.agents.size(), s.issues.size(), sampler.columns().size(), s.shocks.size());
  all.first = first;
  engine::EngineOptions options;
  options.threads = threads;
  options.block_runs = block_runs;
  std::uint64_t expected_first = first;
  options.sink = [&](const engine::RunBlock& b) {
    EXPECT_EQ(b.first, expected_first);  // blocks arrive in run order
    expected_first += b.count;
    const std::size_t at = b.first - first;
    for_each_column(b, all, [&](const auto& from, auto& to, std::size_t width) {
      std::copy(from.begin(), from.end(), to.begin() + static_cast<std::ptrdiff_t>(at * width));
    });
  };
  engine::run_plan(s, sampler, {99, first, count}, options);
  return all;
}

// Bitwise equality, NaN included.
template <typename T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  // (memcmp takes no null pointer, which an empty vector may give.)
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

void expect_identical(const engine::RunBlock& x, const engine::RunBlock& y) {
  std::size_t column = 0;
  for_each_column(x, y, [&](const auto& a, const auto& b, std::size_t) {
    EXPECT_TRUE(same_bits(a, b)) << "column " << column;
    ++column;
  });
  EXPECT_EQ(column, 47u);
}

}  // namespace

TEST(Engine, ResultsDoNotDependOnThreadsOrBlocking) {
  const auto s = default_scenario();
  const auto one = run_into_one_block(s, 0, 600, 1, 256);
  const auto two = run_into_one_block(s, 0, 600, 2, 7);
  expect_identical(one, two);
}

TEST(Engine, ARunIsTheSameWhetherComputedAloneOrWithOthers) {
  const auto s = default_scenario();
  const auto all = run_into_one_block(s, 0, 300, 2, 32);
  const auto tail = run_into_one_block(s, 250, 50, 1, 9);
  const std::size_t n_issues = s.issues.size();
  for (std::size_t r = 0; r < 50; ++r) {
    EXPECT_EQ(all.outcome[250 + r], tail.outcome[r]);
    for (std::size_t k = 0; k < n_issues; ++k) {
      EXPECT_EQ(std::memcmp(&all.final_text[(250 + r) * n_issues + k],
                            &tail.final_text[r * n_issues + k], sizeof(double)),
                0);
    }
  }
}

TEST(Engine, CancellingKeepsAPrefixOfWholeBlocksInOrder) {
  // The flag is raised from the sink (the writer stage) while workers compute, as a signal
  // handler would: no block is started after it, the blocks in flight are delivered if they
  // finished (none after one that did not), and what was delivered is the first runs, in
  // order, identical to an uninterrupted run.
  const auto s = default_scenario();
  const engine::Sampler sampler(s);
  const auto full = run_into_one_block(s, 0, 2000, 2, 16);
  std::atomic<bool> cancel{false};
  engine::EngineOptions options;
  options.threads = 2;
  options.block_runs = 16;
  options.cancel = &cancel;
  std::uint64_t next = 0;
  std::size_t blocks = 0;
  options.sink = [&](const engine::RunBlock& b) {
    EXPECT_EQ(b.first, next);
    EXPECT_LE(b.count, 16u);  // the last may have been cut short
    for (std::size_t r = 0; r < b.count; ++r) {
      EXPECT_EQ(b.outcome[r], full.outcome[b.first + r]);
      EXPECT_EQ(std::memcmp(&b.utility[r * b.agents], &full.utility[(b.first + r) * b.agents],
                            b.agents * sizeof(double)),
                0);
    }
    next += b.count;
    if (++blocks == 3) cancel.store(true);
  };
  const std::uint64_t delivered = engine::run_plan(s, sampler, {99, 0, 2000}, options);
  EXPECT_EQ(delivered, next);
  EXPECT_GE(delivered, 3u * 16u);
  EXPECT_LT(delivered, 2000u);  // at most the blocks already in flight (4 per thread) follow
  EXPECT_LE(delivered, (3u + 8u) * 16u);
}

TEST(Engine, DefaultScenarioIsNonDegenerate) {
  const auto s = default_scenario();
  const auto b = run_into_one_block(s, 0, 2000, 2, 64);
  std::size_t deals = 0;
  double lo = 1e9, hi = -1e9;
  for (std::size_t r = 0; r < b.count; ++r) {
    if (!b.agreement[r]) continue;
    ++deals;
    lo = std::min(lo, b.deal[r * s.issues.size()]);
    hi = std::max(hi, b.deal[r * s.issues.size()]);
  }
  EXPECT_GT(deals, 100u);
  EXPECT_LT(deals, 1900u);
  EXPECT_GT(hi - lo, 0.01);  // territorial terms vary across runs
}

TEST(Engine, EachRecordedColumnHoldsTheDrawsOfItsOwnParameter) {
  const auto s = default_scenario();
  engine::Sampler sampler(s);
  const auto b = run_into_one_block(s, 0, 2000, 2, 50);
  // The scenario's own distributions, by key.
  std::map<std::string, scenario::Distribution> by_key;
  for (const auto& a : s.agents) {
    if (const auto& w = a.scalar(model::Field::war_cost)) by_key[w->key] = w->dist;
    for (const auto& p : a.ideal)
      if (p) by_key[p->key] = p->dist;
  }
  const auto& cols = sampler.columns();
  std::size_t checked = 0;
  for (std::size_t j = 0; j < cols.size(); ++j) {
    std::vector<double> v;
    for (std::size_t r = 0; r < b.count; ++r) v.push_back(b.parameters[r * cols.size() + j]);
    if (cols[j].key.find(".weight.") != std::string::npos) {
      for (double x : v) EXPECT_TRUE(x >= 0.0 && x <= 1.0) << cols[j].key;
      continue;
    }
    const auto it = by_key.find(cols[j].key);
    if (it == by_key.end()) continue;
    ++checked;
    const auto& d = it->second;
    double mean = 0, var = 0;
    for (double x : v) {
      ASSERT_GE(x, d.support_min()) << cols[j].key;
      ASSERT_LE(x, d.support_max()) << cols[j].key;
      mean += x;
    }
    mean /= static_cast<double>(v.size());
    for (double x : v) var += (x - mean) * (x - mean);
    const double se =
        std::sqrt(var / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
    EXPECT_NEAR(mean, d.central(), 5 * se) << cols[j].key;
  }
  EXPECT_EQ(checked,
            4u * 6u - 1u + 3u);  // 23 ideals (Europe's on the assets is fixed), 3 war costs
}

TEST(Summary, WilsonIntervalMatchesPublishedValues) {
  // Newcombe (1998), Table I: 0/10 -> [0, 0.2775]; 5/10 ... and 81/263 -> [0.2553, 0.3662].
  const auto a = engine::wilson_interval(0, 10);
  EXPECT_NEAR(a[0], 0.0, 1e-4);
  EXPECT_NEAR(a[1], 0.2775, 1e-4);
  const auto b = engine::wilson_interval(81, 263);
  EXPECT_NEAR(b[0], 0.2553, 1e-4);
  EXPECT_NEAR(b[1], 0.3662, 1e-4);
  // At k = 0 and k = n the exact bound is p itself: the interval must hold p (no rounding
  // leaves it a hair inside, which plotting error bars would reject).
  for (std::uint64_t n : {10u, 100u, 12345u}) {
    EXPECT_EQ(engine::wilson_interval(0, n)[0], 0.0) << n;
    EXPECT_EQ(engine::wilson_interval(n, n)[1], 1.0) << n;
  }
}

TEST(Summary, AggregatesMatchDirectComputation) {
  const auto s = default_scenario();
  const auto b = run_into_one_block(s, 0, 1500, 2, 100);
  const auto m = summarise(s, b);
  const std::size_t n_issues = s.issues.size();
  std::size_t deals = 0;
  std::vector<int> rounds;
  std::vector<double> land;
  for (std::size_t r = 0; r < b.count; ++r) {
    if (!b.agreement[r]) continue;
    ++deals;
    rounds.push_back(b.round[r]);
    land.push_back(b.deal[r * n_issues]);
  }
  EXPECT_DOUBLE_EQ(m.p_agreement, static_cast<double>(deals) / 1500.0);
  std::uint64_t counted = 0;
  for (std::uint64_t c : m.outcomes) counted += c;  // every outcome, partial deals included
  EXPECT_EQ(counted, 1500u);
  std::array<std::uint64_t, protocol::kOutcomes> direct{};
  for (std::size_t r = 0; r < b.count; ++r) ++direct[static_cast<std::size_t>(b.outcome[r])];
  EXPECT_EQ(m.outcomes, direct);
  std::sort(rounds.begin(), rounds.end());
  std::sort(land.begin(), land.end());
  // Inverse empirical CDF: the smallest value whose CDF reaches q.
  auto inverse_cdf = [](const auto& sorted, double q) {
    const auto idx =
        static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size()))) - 1;
    return sorted[idx];
  };
  // P(agreement by round t): the deals with round <= t over all runs, every round.
  ASSERT_EQ(m.deal_by.size(), static_cast<std::size_t>(s.protocol.max_rounds));
  for (std::size_t t = 1; t <= m.deal_by.size(); ++t) {
    const auto by = std::count_if(rounds.begin(), rounds.end(),
                                  [&](int r) { return r <= static_cast<int>(t); });
    EXPECT_DOUBLE_EQ(m.deal_by[t - 1], static_cast<double>(by) / 1500.0) << t;
  }
  EXPECT_DOUBLE_EQ(m.deal_by.back(), m.p_agreement);
  EXPECT_DOUBLE_EQ(m.rounds[1], inverse_cdf(rounds, 0.5));
  EXPECT_DOUBLE_EQ(m.rounds[0], inverse_cdf(rounds, 0.25));
  const double bin = 1.0 / engine::SummaryBuilder::kBins;
  for (std::size_t j = 0; j < engine::kDealQuantiles.size(); ++j) {
    EXPECT_NEAR(m.deal_quantiles[0][j], inverse_cdf(land, engine::kDealQuantiles[j]), bin)
        << engine::kDealQuantiles[j];
  }
  double sum = 0;
  for (double v : land) sum += v;
  EXPECT_NEAR(m.statistic("deal_mean")[0], sum / static_cast<double>(land.size()), 1e-12);
}

// Clause issues: the deal is an option index (0 out, 1 in), and every quantile must be the
// option at which the deals' empirical CDF first reaches q — not a point inside a bin.
TEST(Summary, QuantilesOfDiscreteIssuesAreOptions) {
  const auto s = scenario::load_scenario_file(std::string(PARLEY_SOURCE_DIR) +
                                              "/scenarios/csis-articles.toml");
  const auto b = run_into_one_block(s, 0, 400, 2, 64);
  const auto m = summarise(s, b);
  const std::size_t n_issues = s.issues.size();
  std::size_t checked = 0;
  for (std::size_t k = 0; k < n_issues; ++k) {
    std::vector<double> values;
    for (std::size_t r = 0; r < b.count; ++r) {
      if (b.agreement[r]) values.push_back(b.deal[r * n_issues + k]);
    }
    ASSERT_FALSE(values.empty());
    std::sort(values.begin(), values.end());
    for (std::size_t j = 0; j < engine::kDealQuantiles.size(); ++j) {
      const auto idx = static_cast<std::size_t>(std::ceil(engine::kDealQuantiles[j] *
                                                          static_cast<double>(values.size()))) -
                       1;
      EXPECT_EQ(m.deal_quantiles[k][j], values[idx]) << s.issues[k].id << " q" << j;
      EXPECT_EQ(m.deal_quantiles[k][j], std::round(m.deal_quantiles[k][j]));
      ++checked;
    }
  }
  EXPECT_EQ(checked, n_issues * engine::kDealQuantiles.size());
}

// docs/model.md, "Obstacle attribution": every failed run, under every protocol, names a
// blocker among the veto players and its principal obstacle, so the blocker shares add up to
// the failure rate — also with δ = 1, where alternating-offers responders hold out for their
// continuation value and may reject texts that beat their BATNAs.
TEST(Summary, EveryFailedRunHasABlockerAndAnObstacle) {
  const std::string file = std::string(PARLEY_SOURCE_DIR) + "/scenarios/miami-2025.toml";
  for (const char* kind : {"mediated", "alternating", "nash", "kalai"}) {
    for (const char* delta : {"1.0", "0.9"}) {
      // Drawn territorial red lines that may exclude each other, so that runs fail under every
      // protocol (the default scenario draws none, and its one-shot solutions always agree).
      std::vector<std::string> overrides = {
          std::string("protocol.kind=\"") + kind + "\"",
          "agents.russia.red_lines.territory=[{uniform=[0.45,0.65]},1.0]",
          "agents.ukraine.red_lines.territory=[0.0,{uniform=[0.4,0.55]}]"};
      for (const char* agent : {"us", "russia", "ukraine", "europe"})
        overrides.push_back(std::string("agents.") + agent + ".discount=" + delta);
      const auto s = scenario::load_scenario_file(file, overrides);
      const auto b = run_into_one_block(s, 0, 300, 2, 50);
      std::uint64_t failed = 0;
      for (std::size_t r = 0; r < b.count; ++r) {
        if (b.outcome[r] == 0 || b.outcome[r] == 3) continue;
        ++failed;
        ASSERT_GE(b.blocker[r], 0) << kind << " δ=" << delta << " run " << r;
        EXPECT_TRUE(s.agents[static_cast<std::size_t>(b.blocker[r])].veto) << kind;
        EXPECT_GE(b.obstacle[r], 0) << kind << " δ=" << delta << " run " << r;
      }
      const auto m = summarise(s, b);
      double blocked = 0.0;
      for (double share : m.statistic("blocker_share")) blocked += share;
      EXPECT_NEAR(blocked, static_cast<double>(failed) / 300.0, 1e-12) << kind << " δ=" << delta;
      EXPECT_GT(failed, 0u) << kind << " δ=" << delta;
    }
  }
}

// A failed run in which no one rejects the last text at its BATNA: a needs u_a >= 1, which
// only x = 1 gives, and b (BATNA 0 - 0.2) takes x = 1 too. No text gives a more than its
// disagreement value, so the one-shot protocols find no Nash or KS text and leave the first
// draft x = 1, which both would accept. The blocker is the player with the least slack: a
// (slack 0, against b's 0.2), its obstacle the only issue.
TEST(Summary, BlockerWhenEveryoneWouldTakeTheLastText) {
  for (const char* kind : {"nash", "kalai"}) {
    const auto s = scenario::load_scenario_text(
        std::string(
            "[scenario]\nname = \"edge\"\n[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 1.0\n"
            "[agents.a]\nreservation = 1.0\nideal = { x = 1.0 }\nsalience = { x = 1.0 }\n"
            "[agents.b]\nwar_cost = 0.2\nideal = { x = 0.0 }\nsalience = { x = 1.0 }\n"
            "[battlefield]\nissue = \"x\"\nstart = 1.0\n"
            "[protocol]\nkind = \"") +
            kind + "\"\nfirst_draft = { x = 1.0 }\n",
        "edge.toml");
    const auto b = run_into_one_block(s, 0, 4, 1, 4);
    for (std::size_t r = 0; r < b.count; ++r) {
      EXPECT_EQ(b.outcome[r], 2) << kind;
      EXPECT_EQ(b.blocker[r], 0) << kind;
      EXPECT_EQ(b.obstacle[r], 0) << kind;
    }
  }
}

TEST(Sensitivity, SpearmanAgainstHandComputation) {
  // Σd² = 4 over 5 distinct pairs: rho = 1 - 6·4/(5·24) = 0.8.
  EXPECT_NEAR(engine::spearman({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}), 0.8, 1e-12);
  EXPECT_NEAR(engine::spearman({1, 2, 3, 4, 5}, {50, 40, 30, 20, 10}), -1.0, 1e-12);
  // Ties take their average rank: ranks (1.5, 1.5, 3, 4) against (1, 2, 3, 4) give
  // 4.5 / sqrt(4.5 · 5).
  EXPECT_NEAR(engine::spearman({1, 1, 2, 3}, {1, 2, 3, 4}), 4.5 / std::sqrt(22.5), 1e-12);
  EXPECT_TRUE(std::isnan(engine::spearman({1, 1, 1}, {1, 2, 3})));
}

TEST(Sensitivity, SpearmanRanksSignsZerosAndTiesAsABruteForceCount) {
  // Ranks by counting, independent of any sort: rank(v_i) = #{v_j < v_i} + (#{v_j == v_i} + 1)/2
  // (-0 and +0 compare equal, so they tie). Rho is then Pearson's correlation of the ranks.
  const std::vector<float> x = {-3.5f, 0.0f,  -0.0f, 2.0f,   -1e-30f, 1e-30f, -3.5f,
                                7.0f,  -0.0f, 1e30f, -1e30f, 2.0f,    0.25f,  -0.25f};
  const std::vector<float> y = {1.0f, 4.0f, -2.0f, 0.0f, 3.0f, 3.0f,  -5.0f,
                                2.5f, 9.0f, -0.0f, 6.0f, 0.0f, -7.0f, 1.0f};
  auto count_ranks = [](const std::vector<float>& v) {
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      double below = 0, equal = 0;
      for (const float w : v) {
        below += w < v[i];
        equal += w == v[i];
      }
      r[i] = below + (equal + 1) / 2;
    }
    return r;
  };
  const auto rx = count_ranks(x), ry = count_ranks(y);
  const double n = static_cast<double>(x.size()), mean = (n + 1) / 2;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  EXPECT_NEAR(engine::spearman(x, y), sxy / std::sqrt(sxx * syy), 1e-12);
  // The three zeros of x tie (ranks 6-8, mean 7), so swapping their signs leaves every rank as
  // it was: rho is exactly 1 (ranks that told -0 from +0 would make it less).
  std::vector<float> swapped = x;
  for (float& v : swapped) v = v == 0.0f ? -v : v;
  EXPECT_NEAR(engine::spearman(x, swapped), 1.0, 1e-12);
}

TEST(Sensitivity, IntervalsOfSpearmanHaveTheirCoverage) {
  // By hand: rho = 0.3 from 1000 pairs, z = atanh 0.3 = 0.30952, half-width
  // 1.96·1.03/√997 = 0.063937: [tanh 0.24558, tanh 0.37345] = [0.24077, 0.35700].
  const auto ci = engine::spearman_interval(0.3, 1000);
  EXPECT_NEAR(ci[0], 0.24077, 1e-4);
  EXPECT_NEAR(ci[1], 0.35700, 1e-4);
  EXPECT_NEAR(engine::spearman_noise(1000), std::tanh(1.959963984540054 * 1.03 / std::sqrt(997.0)),
              1e-15);
  EXPECT_TRUE(std::isnan(engine::spearman_interval(0.5, 3)[0]));
  // Coverage, by simulation: bivariate normal pairs with correlation r have Spearman's
  // rho_s = (6/π) asin(r/2) (Pearson 1907); the 95% interval from n = 60 pairs covers it in
  // 95% of 2,000 samples (binomial sd 0.49%: within 4 of them), for r = 0 and r = 0.6. At
  // r = 0, |rho| exceeds the noise level as often as the interval misses 0.
  for (const double r : {0.0, 0.6}) {
    const double truth = 6.0 / M_PI * std::asin(r / 2.0);
    int covered = 0, above_noise = 0;
    const int samples = 2000, n = 60;
    for (int t = 0; t < samples; ++t) {
      random::Stream stream(42, static_cast<std::uint64_t>(t), r > 0 ? 2 : 1);
      std::vector<float> x(n), y(n);
      for (int i = 0; i < n; ++i) {
        const double a = random::standard_normal(stream), b = random::standard_normal(stream);
        x[static_cast<std::size_t>(i)] = static_cast<float>(a);
        y[static_cast<std::size_t>(i)] = static_cast<float>(r * a + std::sqrt(1 - r * r) * b);
      }
      const double rho = engine::spearman(x, y);
      const auto c = engine::spearman_interval(rho, n);
      covered += c[0] <= truth && truth <= c[1];
      above_noise += std::abs(rho) > engine::spearman_noise(n);
    }
    EXPECT_NEAR(covered / static_cast<double>(samples), 0.95, 4 * 0.0049) << r;
    if (r == 0.0) EXPECT_NEAR(above_noise / static_cast<double>(samples), 0.05, 4 * 0.0049);
  }
}

TEST(Sensitivity, TheWarsCostDrivesAgreementInTheDefaultScenario) {
  const auto s = default_scenario();
  engine::Sampler sampler(s);
  const auto b = run_into_one_block(s, 0, 3000, 2, 100);
  std::vector<std::string> issues;
  for (const auto& issue : s.issues) issues.push_back(issue.id);
  engine::SensitivityBuilder builder(sampler.columns().size(), issues, 2000);
  builder.add(b);
  const auto result = builder.finish();
  EXPECT_EQ(result.runs, 2000u);  // the cap
  ASSERT_EQ(result.targets.size(), 1 + s.issues.size());
  // A higher war cost for Moscow lowers its BATNA and raises the pressure it concedes under: both
  // can only widen the zone of agreement.
  const auto& columns = sampler.columns();
  const auto cost = std::find_if(columns.begin(), columns.end(),
                                 [](const auto& c) { return c.key == "agents.russia.war_cost"; });
  ASSERT_NE(cost, columns.end()) << "the default scenario samples Moscow's war cost";
  EXPECT_GT(result.rho[static_cast<std::size_t>(cost - columns.begin())][0], 0.2);
}

// Ishigami (1990): f = sin x1 + 7 sin² x2 + 0.1 x3⁴ sin x1, x_i ~ U(-π, π). Known indices
// (Saltelli et al. 2008, Global Sensitivity Analysis, §4.8):
// S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
TEST(Sobol, IshigamiIndicesLieInTheirBootstrapIntervals) {
  const std::size_t n = 20000;
  auto ishigami = [](double x1, double x2, double x3) {
    return std::sin(x1) + 7.0 * std::sin(x2) * std::sin(x2) + 0.1 * std::pow(x3, 4) * std::sin(x1);
  };
  random::Stream sa(11, 0, 1), sb(11, 0, 2);
  const double pi = std::acos(-1.0);
  std::vector<std::array<double, 3>> xa(n), xb(n);
  for (std::size_t j = 0; j < n; ++j) {
    for (int i = 0; i < 3; ++i) {
      xa[j][static_cast<std::size_t>(i)] = random::uniform(sa, -pi, pi);
      xb[j][static_cast<std::size_t>(i)] = random::uniform(sb, -pi, pi);
    }
  }
  std::vector<double> fa(n), fb(n);
  std::vector<std::vector<double>> fab(3, std::vector<double>(n));
  for (std::size_t j = 0; j < n; ++j) {
    fa[j] = ishigami(xa[j][0], xa[j][1], xa[j][2]);
    fb[j] = ishigami(xb[j][0], xb[j][1], xb[j][2]);
    for (std::size_t i = 0; i < 3; ++i) {
      auto x = xa[j];
      x[i] = xb[j][i];
      fab[i][j] = ishigami(x[0], x[1], x[2]);
    }
  }
  const auto idx = engine::sobol_indices(fa, fb, fab, 5, 300);
  const double first[] = {0.3139, 0.4424, 0.0};
  const double total[] = {0.5576, 0.4424, 0.2437};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_LE(idx[i].first_low, first[i]) << i;
    EXPECT_GE(idx[i].first_high, first[i]) << i;
    EXPECT_LE(idx[i].total_low, total[i]) << i;
    EXPECT_GE(idx[i].total_high, total[i]) << i;
    EXPECT_LT(idx[i].first_high - idx[i].first_low, 0.1) << i;  // and the intervals are informative
  }
}

// The randomly shifted Sobol' points: every coordinate inside (0, 1); each one-dimensional
// projection of n points is stratified, so its Kolmogorov distance from the uniform is at most
// 2/n (a rotation of one point per cell of width 1/n), where n independent uniforms are off by
// about 0.9/sqrt(n); a function of the seed.
TEST(Sobol, ShiftedSobolPointsAreStratifiedInEveryDimension) {
  const std::size_t dims = 40, n = 1024;
  const auto x = engine::shifted_sobol_points(dims, n, 7);
  ASSERT_EQ(x.size(), dims * n);
  for (std::size_t d = 0; d < dims; ++d) {
    std::vector<double> v(n);
    for (std::size_t j = 0; j < n; ++j) v[j] = x[j * dims + d];
    std::sort(v.begin(), v.end());
    double ks = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      ASSERT_GT(v[j], 0.0);
      ASSERT_LT(v[j], 1.0);
      ks = std::max({ks, std::abs(static_cast<double>(j + 1) / n - v[j]),
                     std::abs(v[j] - static_cast<double>(j) / n)});
    }
    EXPECT_LE(ks, 2.0 / n + 1e-12) << "dimension " << d;
  }
  EXPECT_EQ(engine::shifted_sobol_points(dims, n, 7), x);
  EXPECT_NE(engine::shifted_sobol_points(dims, n, 8), x);
}

// Sobol indices of a function with known indices from the quasi-random design: the Ishigami
// function (as above) on the shifted Sobol' points mapped through uniform quantiles on
// [-pi, pi]; the estimates are within 0.03 of the analytic values with N = 4096 (points that
// were not uniform in each factor would bias them).
TEST(Sobol, TheQuasiRandomDesignEstimatesIshigamiIndices) {
  const double pi = std::acos(-1.0);
  auto ishigami = [](double a, double b, double c) {
    return std::sin(a) + 7.0 * std::sin(b) * std::sin(b) + 0.1 * c * c * c * c * std::sin(a);
  };
  const std::size_t n = 4096;
  const auto u = engine::shifted_sobol_points(6, n, 3);
  std::vector<double> fa(n), fb(n);
  std::vector<std::vector<double>> fab(3, std::vector<double>(n));
  for (std::size_t j = 0; j < n; ++j) {
    double xa[3], xb[3];
    for (std::size_t i = 0; i < 3; ++i) {
      xa[i] = -pi + 2.0 * pi * u[j * 6 + i];
      xb[i] = -pi + 2.0 * pi * u[j * 6 + 3 + i];
    }
    fa[j] = ishigami(xa[0], xa[1], xa[2]);
    fb[j] = ishigami(xb[0], xb[1], xb[2]);
    for (std::size_t i = 0; i < 3; ++i) {
      double x[3] = {xa[0], xa[1], xa[2]};
      x[i] = xb[i];
      fab[i][j] = ishigami(x[0], x[1], x[2]);
    }
  }
  const auto idx = engine::sobol_indices(fa, fb, fab, 5, 10);
  const double first[] = {0.3139, 0.4424, 0.0};
  const double total[] = {0.5576, 0.4424, 0.2437};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(idx[i].first, first[i], 0.03) << i;
    EXPECT_NEAR(idx[i].total, total[i], 0.03) << i;
  }
}

// A cancellation is honoured within a block: one block of a million runs (minutes of work) is
// cut short a moment after the flag is raised, and what it delivers is its finished runs, the
// same as an uninterrupted computation's first runs.
TEST(Engine, CancellingCutsABlockShortBetweenRuns) {
  const auto s = default_scenario();
  const engine::Sampler sampler(s);
  std::atomic<bool> cancel{false};
  engine::EngineOptions options;
  options.threads = 1;
  options.block_runs = 1000000;
  options.cancel = &cancel;
  std::size_t sunk = 0;
  std::vector<std::int8_t> outcome;
  std::vector<double> utility;
  options.sink = [&](const engine::RunBlock& b) {
    ++sunk;
    EXPECT_EQ(b.first, 0u);
    outcome.assign(b.outcome.begin(), b.outcome.begin() + static_cast<std::ptrdiff_t>(b.count));
    utility.assign(b.utility.begin(),
                   b.utility.begin() + static_cast<std::ptrdiff_t>(b.count * b.agents));
  };
  std::thread raise([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.store(true);
  });
  const std::uint64_t delivered = engine::run_plan(s, sampler, {99, 0, 1000000}, options);
  raise.join();
  EXPECT_LT(delivered, 1000000u);
  EXPECT_LE(sunk, 1u);
  EXPECT_EQ(outcome.size(), delivered);
  if (delivered == 0) return;
  const auto full = run_into_one_block(s, 0, delivered, 1, 64);
  for (std::size_t r = 0; r < delivered; ++r) EXPECT_EQ(outcome[r], full.outcome[r]) << r;
  EXPECT_EQ(std::memcmp(utility.data(), full.utility.data(), utility.size() * sizeof(double)), 0);
}

// A sweep's per-point summaries are those of each point's runs computed alone (run_plan into a
// SummaryBuilder of the point's scenario), bit for bit; and points that sample different
// parameters are refused before anything runs.
TEST(Sweep, EachPointsSummaryIsThatOfItsRunsAlone) {
  const std::string path = std::string(PARLEY_SOURCE_DIR) + "/scenarios/miami-2025.toml";
  engine::SweepLayout layout;
  layout.keys = {"protocol.max_rounds"};
  layout.design = "list";
  layout.points = {{6}, {12}, {18}};
  engine::SweepPoints sweep(layout, {}, [&](std::size_t, const std::vector<std::string>& o) {
    return scenario::load_scenario_file(path, o);
  });
  ASSERT_EQ(sweep.size(), 3u);
  engine::RunPlan plan;
  plan.seed = 7;
  plan.count = 300;
  plan.first_point = 1;  // points 1 and 2, as a shard would hold them
  engine::EngineOptions options;
  options.threads = 2;
  options.block_runs = 64;
  std::uint64_t blocks = 0;
  options.sink = [&](const engine::RunBlock&) { ++blocks; };
  const auto per_point = engine::run_sweep(sweep.range(1, 3), plan, options, true);
  ASSERT_EQ(per_point.size(), 2u);
  EXPECT_EQ(blocks, 2u * 5u);  // the caller's sink sees every block
  for (std::size_t p = 1; p < 3; ++p) {
    EXPECT_EQ(sweep.scenario(p).protocol.max_rounds, static_cast<int>(6 * (p + 1)));
    engine::SummaryBuilder alone(sweep.scenario(p));
    engine::EngineOptions o;
    o.threads = 1;
    o.sink = [&](const engine::RunBlock& b) { alone.add(b); };
    engine::run_plan(sweep.scenario(p), sweep.sampler(p), {7, 0, 300}, o);
    const engine::Summary want = alone.finish();
    const engine::Summary& got = per_point[p - 1];
    EXPECT_EQ(got.runs, 300u);
    EXPECT_EQ(got.outcomes, want.outcomes);
    EXPECT_EQ(got.deal_by, want.deal_by);
    EXPECT_EQ(got.statistics.size(), want.statistics.size());
    for (std::size_t j = 0; j < want.statistics.size(); ++j)
      EXPECT_TRUE(same_bits(got.statistics[j], want.statistics[j])) << j;
  }
  EXPECT_TRUE(engine::run_sweep(sweep.range(1, 3), plan, options, false).empty());

  // A key that is a distribution at one point and a number at another changes what is sampled.
  engine::SweepLayout mixed = layout;
  mixed.keys = {"agents.russia.war_cost"};
  mixed.points = {{0.05}, {0.07}};
  EXPECT_THROW(engine::SweepPoints(mixed, {},
                                   [&](std::size_t p, const std::vector<std::string>& o) {
                                     // Point 0 keeps the scenario's distribution.
                                     return scenario::load_scenario_file(
                                         path, p == 0 ? std::vector<std::string>{} : o);
                                   }),
               engine::PlanError);
}

// Shares of a Sobol design, as MPI ranks compute them: each share computes only its slice of the
// N (k + 2) negotiations (the outputs outside it are 0 when gathered), the slices cover the
// design once, and a gather that puts every share's outputs in place gives the one process's
// result bit for bit.
TEST(Sobol, SharesOfTheNegotiationsGiveTheWholeDesign) {
  const auto s =
      scenario::load_scenario_file(std::string(PARLEY_SOURCE_DIR) + "/scenarios/miami-2025.toml");
  const engine::Sampler sampler(s);
  const std::uint64_t n = 12;
  const auto whole = engine::run_sobol(s, sampler, 5, n, 1, 20);
  const std::size_t total = whole.y.size(), parts = 3;
  ASSERT_EQ(total, n * (whole.factors.size() + 2));
  std::vector<std::vector<double>> seen(parts);
  for (std::size_t part = 0; part < parts; ++part) {
    engine::Share share;
    share.part = part;
    share.parts = parts;
    share.gather = [&](std::vector<double>& y, std::size_t) { seen[part] = y; };
    engine::run_sobol(s, sampler, 5, n, 1, 20, {}, engine::kSobolSequence, share);
    ASSERT_EQ(seen[part].size(), total);
  }
  // Each agreement of the whole design is found by exactly one share, and no share finds one
  // the whole design lacks; each share's lie in a slice of its own, in order, at most a third
  // of the design long.
  std::vector<double> sum(total, 0.0);
  std::size_t previous_last = 0;
  for (std::size_t part = 0; part < parts; ++part) {
    std::size_t first = total, last = 0;
    for (std::size_t e = 0; e < total; ++e) {
      sum[e] += seen[part][e];
      if (seen[part][e] == 0.0) continue;
      first = std::min(first, e);
      last = std::max(last, e + 1);
    }
    ASSERT_LT(first, last) << "share " << part << " found no agreement";
    EXPECT_GE(first, previous_last);
    EXPECT_LE(last - first, total / parts + 1);
    previous_last = last;
  }
  for (std::size_t e = 0; e < total; ++e) EXPECT_EQ(sum[e], static_cast<double>(whole.y[e])) << e;
  engine::Share share;
  share.part = 1;
  share.parts = parts;
  share.gather = [&](std::vector<double>& y, std::size_t) { y = sum; };
  const auto gathered =
      engine::run_sobol(s, sampler, 5, n, 1, 20, {}, engine::kSobolSequence, share);
  EXPECT_EQ(gathered.y, whole.y);
  EXPECT_EQ(gathered.a.size(), whole.a.size());
  EXPECT_EQ(std::memcmp(gathered.a.data(), whole.a.data(), whole.a.size() * sizeof(double)), 0);
  ASSERT_EQ(gathered.agreement.size(), whole.agreement.size());
  for (std::size_t i = 0; i < whole.agreement.size(); ++i) {
    EXPECT_EQ(gathered.agreement[i].first, whole.agreement[i].first);
    EXPECT_EQ(gathered.agreement[i].total_high, whole.agreement[i].total_high);
  }
  EXPECT_EQ(gathered.p_agreement, whole.p_agreement);
}

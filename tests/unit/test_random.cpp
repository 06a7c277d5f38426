// Random streams and distribution transforms against theory: sample moments within
// five standard errors (fixed seeds, so the tests are deterministic), and known values.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "parley/engine/sampler.hpp"
#include "parley/engine/shards.hpp"
#include "parley/random/distributions.hpp"
#include "parley/random/stream.hpp"
#include "parley/scenario/distribution.hpp"
#include "parley/scenario/load.hpp"

namespace pr = parley::random;

namespace {

struct Moments {
  double mean = 0, var = 0, se_mean = 0, se_var = 0;
};

Moments moments(const std::function<double(pr::Stream&)>& draw, std::size_t n,
                std::uint32_t purpose) {
  pr::Stream s(12345, 7, purpose);
  std::vector<double> x(n);
  for (auto& v : x) v = draw(s);
  Moments m;
  for (double v : x) m.mean += v;
  m.mean /= static_cast<double>(n);
  double m4 = 0;
  for (double v : x) {
    const double d = v - m.mean;
    m.var += d * d;
    m4 += d * d * d * d;
  }
  m.var /= static_cast<double>(n - 1);
  m4 /= static_cast<double>(n);
  m.se_mean = std::sqrt(m.var / static_cast<double>(n));
  m.se_var = std::sqrt((m4 - m.var * m.var) / static_cast<double>(n));
  return m;
}

void expect_moments(const std::function<double(pr::Stream&)>& draw, double mean, double var,
                    std::uint32_t purpose) {
  const Moments m = moments(draw, 200000, purpose);
  EXPECT_NEAR(m.mean, mean, 5 * m.se_mean) << "mean";
  EXPECT_NEAR(m.var, var, 5 * m.se_var) << "variance";
}

}  // namespace

TEST(Stream, SameKeyGivesSameSequenceAndOtherKeysDiffer) {
  pr::Stream a(1, 2, 3), b(1, 2, 3), other_run(1, 3, 3), other_purpose(1, 2, 4),
      other_seed(2, 2, 3);
  // Independent 32-bit draws coincide with probability 2^-32: in 1000 draws, at most once
  // (and almost surely never) for each stream that differs in one part of its key.
  int same_run = 0, same_purpose = 0, same_seed = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto x = a.next_u32();
    EXPECT_EQ(x, b.next_u32());
    same_run += x == other_run.next_u32();
    same_purpose += x == other_purpose.next_u32();
    same_seed += x == other_seed.next_u32();
  }
  EXPECT_LE(same_run, 1);
  EXPECT_LE(same_purpose, 1);
  EXPECT_LE(same_seed, 1);
}

TEST(Stream, HighBitsOfSeedAndRunMatter) {
  pr::Stream a(1, 5, 0), b(1 + (1ull << 40), 5, 0), c(1, 5 + (1ull << 40), 0);
  const auto x = a.next_u32();
  EXPECT_NE(x, b.next_u32());
  EXPECT_NE(x, c.next_u32());
}

TEST(Stream, PurposeIdIsFnv1a) {
  // FNV-1a 32-bit reference values: "" -> 0x811c9dc5, "a" -> 0xe40c292c.
  EXPECT_EQ(pr::purpose_id(""), 0x811c9dc5u);
  EXPECT_EQ(pr::purpose_id("a"), 0xe40c292cu);
}

TEST(Uniform, OpenUnitIntervalWithUniformMoments) {
  pr::Stream s(9, 9, 9);
  for (int i = 0; i < 100000; ++i) {
    const double u = s.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  expect_moments([](pr::Stream& st) { return pr::uniform(st, 2.0, 5.0); }, 3.5, 9.0 / 12.0, 1);
}

TEST(Normal, QuantileMatchesKnownValues) {
  EXPECT_NEAR(pr::normal_quantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(pr::normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(pr::normal_quantile(0.8413447460685429), 1.0, 1e-12);
  EXPECT_NEAR(pr::normal_quantile(1e-10), -6.361340902404056, 1e-9);
  for (double p : {1e-300, 1e-20, 1e-5, 0.01, 0.2, 0.4, 0.6, 0.9, 0.999, 1 - 1e-12}) {
    EXPECT_NEAR(pr::normal_cdf(pr::normal_quantile(p)), p, 1e-13 * std::max(p, 1e-3)) << p;
  }
}

TEST(Normal, StandardMoments) {
  expect_moments([](pr::Stream& st) { return pr::standard_normal(st); }, 0.0, 1.0, 2);
}

TEST(Normal, TruncatedMomentsAndSupport) {
  // Mean of N(μ, σ) truncated to [a, b]: μ + σ (φ(α) - φ(β)) / (Φ(β) - Φ(α)).
  const double mu = 0.3, sd = 0.4, a = 0.0, b = 1.0;
  const double al = (a - mu) / sd, be = (b - mu) / sd;
  auto phi = [](double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi); };
  const double Z = pr::normal_cdf(be) - pr::normal_cdf(al);
  const double mean = mu + sd * (phi(al) - phi(be)) / Z;
  const double var =
      sd * sd * (1 + (al * phi(al) - be * phi(be)) / Z - std::pow((phi(al) - phi(be)) / Z, 2));
  expect_moments([&](pr::Stream& st) { return pr::truncated_normal(st, mu, sd, a, b); }, mean, var,
                 3);
  pr::Stream s(4, 4, 4);
  for (int i = 0; i < 10000; ++i) {
    const double x = pr::truncated_normal(s, 0.9, 0.5, 0.0, 1.0);
    ASSERT_GE(x, 0.0);
    ASSERT_LE(x, 1.0);
  }
}

class GammaMoments : public ::testing::TestWithParam<double> {};
TEST_P(GammaMoments, MeanAndVarianceEqualShape) {
  const double k = GetParam();
  expect_moments([k](pr::Stream& st) { return pr::gamma(st, k); }, k, k, 4);
}
INSTANTIATE_TEST_SUITE_P(Shapes, GammaMoments, ::testing::Values(0.3, 1.0, 3.7, 20.0));

TEST(Beta, Moments) {
  const double a = 2.5, b = 7.0;
  expect_moments([&](pr::Stream& st) { return pr::beta(st, a, b); }, a / (a + b),
                 a * b / ((a + b) * (a + b) * (a + b + 1)), 5);
}

TEST(Triangular, Moments) {
  const double a = 1, c = 2, b = 5;
  expect_moments([&](pr::Stream& st) { return pr::triangular(st, a, c, b); }, (a + b + c) / 3,
                 (a * a + b * b + c * c - a * b - a * c - b * c) / 18, 6);
}

namespace {

// The means of n Dirichlet(alpha) draws from stream (seed, 1, 1), each draw checked: finite,
// non-negative components summing to 1.
std::vector<double> dirichlet_means(const std::vector<double>& alpha, std::uint64_t seed, int n) {
  pr::Stream s(seed, 1, 1);
  const std::size_t k = alpha.size();
  std::vector<double> out(k), logs(k), sum(k, 0.0);
  for (int i = 0; i < n; ++i) {
    pr::dirichlet(s, alpha, out, logs);
    double total = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      EXPECT_TRUE(std::isfinite(out[j]) && out[j] >= 0.0) << out[j];
      total += out[j];
      sum[j] += out[j];
    }
    EXPECT_NEAR(total, 1.0, 1e-12);
  }
  for (double& m : sum) m /= n;
  return sum;
}

}  // namespace

TEST(Dirichlet, MeansAndSumToOne) {
  const std::vector<double> alpha = {6.0, 3.0, 1.0};
  const int n = 100000;
  const std::vector<double> mean = dirichlet_means(alpha, 1, n);
  // Var of component k: α_k(α0-α_k)/(α0²(α0+1)); SE of the mean = sqrt(var/n).
  for (std::size_t k = 0; k < 3; ++k) {
    const double m = alpha[k] / 10.0;
    const double se = std::sqrt(alpha[k] * (10 - alpha[k]) / (100.0 * 11.0) / n);
    EXPECT_NEAR(mean[k], m, 5 * se);
  }
}

TEST(ScenarioDistribution, BetaIsScaledOntoItsDomainWithTheGivenMean) {
  parley::scenario::Distribution d;
  d.kind = parley::scenario::Distribution::Kind::beta;
  d.a = 24.0;  // mean in natural units
  d.b = 20.0;  // κ
  d.lo = 0.0;
  d.hi = 30.0;
  // On the unit scale: Beta(κm, κ(1-m)) with m = 0.8: variance m(1-m)/(κ+1).
  const double var = 30.0 * 30.0 * 0.8 * 0.2 / 21.0;
  expect_moments([&](pr::Stream& st) { return d.sample(st); }, 24.0, var, 8);
  EXPECT_DOUBLE_EQ(d.central(), 24.0);
}

// Concentrations so small that every gamma draw underflows to 0 (U^(1/a) with a ~ 1e-4), and
// subnormal ones (1e-310), where 1/a overflows and even the logarithms are -inf: the draws stay
// finite, in range, and keep their means, a/(a + b) and α_k/α_0 (the distributions are then
// nearly, or in the limit exactly, two- or three-point, with variance m(1 − m)/(κ + 1)).
TEST(Beta, TinyConcentrationsGiveNoNaN) {
  for (const double kappa : {0.001, 1e-310}) {
    for (const double m : {0.5, 0.05}) {
      const double a = m * kappa, b = (1 - m) * kappa;
      pr::Stream s(3, 1, 1);
      const int n = 100000;
      double sum = 0.0;
      for (int i = 0; i < n; ++i) {
        const double x = pr::beta(s, a, b);
        ASSERT_TRUE(x >= 0.0 && x <= 1.0) << x;
        sum += x;
      }
      const double var = m * (1 - m) / (kappa + 1);
      EXPECT_NEAR(sum / n, m, 5 * std::sqrt(var / n)) << m << " " << kappa;
    }
  }
}

TEST(Dirichlet, TinyConcentrationsGiveNoNaN) {
  for (const double kappa : {0.001, 1e-310}) {
    const int n = 100000;
    const std::vector<double> mean = dirichlet_means({0.5 * kappa, 0.3 * kappa, 0.2 * kappa}, 4, n);
    for (std::size_t k = 0; k < 3; ++k) {
      const double m = std::array{0.5, 0.3, 0.2}[k];
      EXPECT_NEAR(mean[k], m, 5 * std::sqrt(m * (1 - m) / (kappa + 1) / n)) << k << " " << kappa;
    }
  }
}

// The prior density of calibration: it integrates to 1 over the support, and a histogram of
// draws follows it (each of 20 bins within 5 SE of n ∫_bin f).
TEST(ScenarioDistribution, DensityIsThatOfTheDraws) {
  using K = parley::scenario::Distribution::Kind;
  std::vector<parley::scenario::Distribution> cases(4);
  cases[0].kind = K::uniform, cases[0].a = 0.36, cases[0].b = 1.08;
  cases[1].kind = K::normal, cases[1].a = 0.2, cases[1].b = 0.3, cases[1].lo = 0.0,
  cases[1].hi = 1.0;  // truncated on both sides
  cases[2].kind = K::beta, cases[2].a = 24.0, cases[2].b = 20.0, cases[2].lo = 0.0,
  cases[2].hi = 30.0;
  cases[3].kind = K::triangular, cases[3].a = 1.0, cases[3].c = 1.5, cases[3].b = 4.0;
  for (std::size_t j = 0; j < cases.size(); ++j) {
    const auto& d = cases[j];
    const double lo = d.support_min(), hi = d.support_max();
    // ∫ f by Simpson's rule on 20 bins of 200 panels each.
    const int bins = 20, panels = 200;
    std::vector<double> mass(bins);
    double total = 0.0;
    for (int k = 0; k < bins; ++k) {
      const double a = lo + (hi - lo) * k / bins, h = (hi - lo) / bins / panels;
      double s = d.density(a) + d.density(a + h * panels);
      for (int p = 1; p < panels; ++p) s += (p % 2 ? 4.0 : 2.0) * d.density(a + h * p);
      mass[static_cast<std::size_t>(k)] = s * h / 3.0;
      total += mass[static_cast<std::size_t>(k)];
    }
    EXPECT_NEAR(total, 1.0, 1e-6) << j;
    pr::Stream s(9, j, 1);
    const int n = 200000;
    std::vector<int> counts(bins, 0);
    for (int i = 0; i < n; ++i) {
      const double x = d.sample(s);
      ++counts[static_cast<std::size_t>(
          std::clamp(static_cast<int>((x - lo) / (hi - lo) * bins), 0, bins - 1))];
    }
    for (int k = 0; k < bins; ++k) {
      const double p = mass[static_cast<std::size_t>(k)];
      EXPECT_NEAR(counts[static_cast<std::size_t>(k)], n * p,
                  5.0 * std::sqrt(n * p * (1 - p)) + 1.0)
          << j << " bin " << k;
    }
    EXPECT_EQ(d.density(lo - 1e-9 * (hi - lo + 1)), 0.0);
    EXPECT_EQ(d.density(hi + 1e-9 * (hi - lo + 1)), 0.0);
  }
}

// The quantile function inverts the distribution function: the density integrated (Simpson,
// 4000 panels) from the support's lower end to quantile(u) is u, for every kind.
TEST(ScenarioDistribution, QuantileInvertsTheIntegratedDensity) {
  using K = parley::scenario::Distribution::Kind;
  std::vector<parley::scenario::Distribution> cases(5);
  cases[0].kind = K::uniform, cases[0].a = 0.36, cases[0].b = 1.08;
  cases[1].kind = K::normal, cases[1].a = 0.2, cases[1].b = 0.3, cases[1].lo = 0.0,
  cases[1].hi = 1.0;
  cases[2].kind = K::beta, cases[2].a = 24.0, cases[2].b = 20.0, cases[2].lo = 0.0,
  cases[2].hi = 30.0;
  cases[3].kind = K::triangular, cases[3].a = 1.0, cases[3].c = 1.5, cases[3].b = 4.0;
  cases[4].kind = K::normal, cases[4].a = 5.0, cases[4].b = 1.0, cases[4].lo = -1e9,
  cases[4].hi = 1e9;  // effectively untruncated
  for (std::size_t j = 0; j < cases.size(); ++j) {
    const auto& d = cases[j];
    for (const double u : {0.01, 0.2, 0.5, 0.77, 0.99}) {
      const double x = d.quantile(u);
      const double lo = j == 4 ? d.a - 12.0 * d.b : d.support_min();
      const int panels = 4000;
      const double h = (x - lo) / panels;
      double s = d.density(lo) + d.density(x);
      for (int p = 1; p < panels; ++p) s += (p % 2 ? 4.0 : 2.0) * d.density(lo + h * p);
      EXPECT_NEAR(s * h / 3.0, u, 1e-6) << j << " u=" << u;
    }
    EXPECT_LE(d.quantile(0.3), d.quantile(0.31)) << j;
  }
  parley::scenario::Distribution fixed = parley::scenario::Distribution::fixed(2.5);
  EXPECT_EQ(fixed.quantile(0.4), 2.5);
}

// Two agents whose war costs' stream ids collide would draw the same numbers: the sampler refuses
// the scenario, naming both. The pair was found by a brute-force search over ids a0, a1, ...
// (32-bit ids collide among ~10^5 names); that they collide is checked here.
TEST(StreamIds, ASamplerRefusesTwoPurposesWithOneStreamId) {
  const std::string first = "a388888", second = "a1223746";
  ASSERT_EQ(pr::purpose_id("agents." + first + ".war_cost"),
            pr::purpose_id("agents." + second + ".war_cost"));
  auto scenario = [](const std::string& a, const std::string& b) {
    return "[scenario]\nname = \"s\"\n[issues.x]\nrange = [0.0, 1.0]\nstatus_quo = 0.5\n"
           "[agents." +
           a +
           "]\nwar_cost = { uniform = [0.01, 0.1] }\nideal = { x = 1.0 }\n"
           "salience = { x = 1.0 }\n"
           "[agents." +
           b +
           "]\nwar_cost = { uniform = [0.01, 0.1] }\nideal = { x = 0.0 }\n"
           "salience = { x = 1.0 }\n[protocol]\nkind = \"nash\"\n";
  };
  const auto s = parley::scenario::load_scenario_text(scenario(first, second), "s.toml");
  try {
    parley::engine::Sampler sampler(s);
    ADD_FAILURE() << "accepted " << first << " and " << second;
  } catch (const parley::engine::PlanError& e) {
    EXPECT_NE(std::string(e.what()).find("'agents." + first + ".war_cost' and 'agents." + second +
                                         ".war_cost' have the same id"),
              std::string::npos)
        << e.what();
  }
  // Two names that do not collide are accepted.
  EXPECT_NO_THROW(
      parley::engine::Sampler(parley::scenario::load_scenario_text(scenario("a", "b"), "s.toml")));
}

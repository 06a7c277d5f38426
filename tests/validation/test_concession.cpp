// Negotiation decision functions (Faratin, Sierra & Jennings 1998, §4) against their formulas
// evaluated by hand, their defining properties, and a scripted opponent for tit-for-tat.
#include <gtest/gtest.h>

#include <cmath>

#include "parley/model/concession.hpp"

using namespace parley::model;

TEST(Concession, PolynomialFamilyByHand) {
  // κ = 0.1, T = 10: linear (β = 1) at t = 5 is 0.1 + 0.9·0.5; Boulware β = 0.5 at t = 5 is
  // 0.1 + 0.9·0.25; Conceder β = 2 at t = 5 is 0.1 + 0.9·√0.5.
  EXPECT_NEAR(polynomial_alpha(5, 10, 0.1, 1.0), 0.55, 1e-15);
  EXPECT_NEAR(polynomial_alpha(5, 10, 0.1, 0.5), 0.325, 1e-15);
  EXPECT_NEAR(polynomial_alpha(5, 10, 0.1, 2.0), 0.1 + 0.9 * std::sqrt(0.5), 1e-15);
  EXPECT_EQ(polynomial_alpha(0, 10, 0.1, 0.3), 0.1);   // α(0) = κ
  EXPECT_EQ(polynomial_alpha(10, 10, 0.1, 0.3), 1.0);  // α(T) = 1
  EXPECT_EQ(polynomial_alpha(14, 10, 0.1, 0.3), 1.0);  // and beyond the deadline
}

TEST(Concession, ExponentialFamilyByHand) {
  // κ = 0.1, β = 2, t/T = 0.5: exp(0.25 ln 0.1) = 0.1^0.25.
  EXPECT_NEAR(exponential_alpha(5, 10, 0.1, 2.0), std::pow(0.1, 0.25), 1e-15);
  EXPECT_NEAR(exponential_alpha(0, 10, 0.1, 2.0), 0.1, 1e-15);
  EXPECT_EQ(exponential_alpha(10, 10, 0.1, 2.0), 1.0);
}

// Every family runs from κ to 1 without going back or beyond; Boulware below linear below
// Conceder at every time in between.
TEST(Concession, FamiliesAreMonotoneAndOrdered) {
  for (double kappa : {0.0, 0.05, 0.3}) {
    double last_b = -1, last_c = -1, last_e = -1;
    for (int t = 0; t <= 24; ++t) {
      const double boulware = polynomial_alpha(t, 24, kappa, 0.2);
      const double linear = polynomial_alpha(t, 24, kappa, 1.0);
      const double conceder = polynomial_alpha(t, 24, kappa, 5.0);
      EXPECT_GE(boulware, last_b);
      EXPECT_GE(conceder, last_c);
      for (double a : {boulware, linear, conceder}) {
        EXPECT_GE(a, kappa);
        EXPECT_LE(a, 1.0);
      }
      if (t > 0 && t < 24 && kappa < 1) {
        EXPECT_LT(boulware, linear) << t;
        EXPECT_LT(linear, conceder) << t;
      }
      last_b = boulware;
      last_c = conceder;
      if (kappa > 0) {
        const double e = exponential_alpha(t, 24, kappa, 0.5);
        EXPECT_GE(e, last_e);
        EXPECT_GE(e, kappa - 1e-15);
        EXPECT_LE(e, 1.0);
        last_e = e;
      }
    }
  }
}

TEST(Concession, ResourceDependentByHand) {
  EXPECT_NEAR(resource_alpha(std::log(2.0), 0.2), 0.6, 1e-15);  // 0.2 + 0.8 · 1/2
  EXPECT_EQ(resource_alpha(0.0, 0.2), 1.0);                     // nothing left: all the way
  EXPECT_NEAR(resource_alpha(50.0, 0.2), 0.2, 1e-15);           // plenty left: κ
}

// A scripted seller cuts its price 100 → 90 → 85 → 85; a buyer that started at 50 answers each
// cut in proportion (relative) or in size (absolute), holds when the seller holds, and never
// passes its own limit of 70.
TEST(Concession, TitForTatMirrorsAScriptedOpponent) {
  const double seller[] = {100, 90, 85, 85};
  double relative = 50, absolute = 50;
  const double want_relative[] = {50 * 100.0 / 90, 50 * 100.0 / 90 * 90 / 85, 50 * 100.0 / 85};
  const double want_absolute[] = {60, 65, 65};
  for (int k = 0; k < 3; ++k) {
    relative = relative_tit_for_tat(seller[k], seller[k + 1], relative, 0, 70);
    absolute = absolute_tit_for_tat(seller[k], seller[k + 1], absolute, 0, 70);
    EXPECT_NEAR(relative, want_relative[k], 1e-12) << k;
    EXPECT_NEAR(absolute, want_absolute[k], 1e-12) << k;
  }
  EXPECT_EQ(absolute_tit_for_tat(100, 60, 50, 0, 70), 70.0);   // a big cut: up to the limit only
  EXPECT_EQ(relative_tit_for_tat(60, 100, 50, 40, 70), 40.0);  // a retreat: down to the floor
}

TEST(Concession, MixIsTheWeightedMean) {
  EXPECT_NEAR(mixed_alpha({1, 3}, {0.2, 0.6}), 0.5, 1e-15);
  EXPECT_EQ(mixed_alpha({0, 2}, {0.9, 0.4}), 0.4);
}

// Negotiation decision functions (Faratin, Sierra & Jennings 1998, §4) that the running
// concession (protocol::concede) calls: the polynomial time family and the resource family,
// against their formulas evaluated by hand and their defining properties. The tit-for-tat
// tactics and the mix live in concede and are validated with it (tests/unit/test_mediated.cpp).
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

// The polynomial family runs from κ to 1 without going back or beyond; Boulware below linear below
// Conceder at every time in between.
TEST(Concession, FamiliesAreMonotoneAndOrdered) {
  for (double kappa : {0.0, 0.05, 0.3}) {
    double last_b = -1, last_c = -1;
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
    }
  }
}

TEST(Concession, ResourceDependentByHand) {
  EXPECT_NEAR(resource_alpha(std::log(2.0), 0.2), 0.6, 1e-15);  // 0.2 + 0.8 · 1/2
  EXPECT_EQ(resource_alpha(0.0, 0.2), 1.0);                     // nothing left: all the way
  EXPECT_NEAR(resource_alpha(50.0, 0.2), 0.2, 1e-15);           // plenty left: κ
}

#include "parley/protocol/instruments.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "parley/protocol/ratification.hpp"
#include "parley/random/distributions.hpp"

namespace parley::protocol {

double instrument_value(double p_deal, double u_deal, double war_value, double cost,
                        double discount) {
  const double rest = 1.0 - discount * (1.0 - p_deal);
  if (rest <= 0.0) return war_value - cost;
  return (p_deal * u_deal + (1.0 - p_deal) * (1.0 - discount) * (war_value - cost)) / rest;
}

void DriftValues::fit() {
  const Index n = at_mid.size();
  c0.resize(n);
  c1.resize(n);
  c2.resize(n);
  if (!(hi > lo)) {
    c0 = at_mid;
    c1.setZero();
    c2.setZero();
    return;
  }
  // Newton's divided differences through (lo, a), (mid, b), (hi, c), expanded in powers of μ.
  for (Index i = 0; i < n; ++i) {
    const double d1 = (at_mid(i) - at_lo(i)) / (mid - lo);
    const double d2 = ((at_hi(i) - at_mid(i)) / (hi - mid) - d1) / (hi - lo);
    c2(i) = d2;
    c1(i) = d1 - d2 * (lo + mid);
    c0(i) = at_lo(i) - d1 * lo + d2 * lo * mid;
  }
}

namespace {

// Φ(z) for z >= 8.3 is 1 − 5e-17 or nearer, which rounds to 1.
constexpr double kCertain = 8.3;

// What agent a weighs for levels giving the public drift mu at a cost per round: the chance of a
// deal on w.x, as a believes the parties answer, and its value. `offered` holds, per agent, what
// w.x gives it with its payment where the text needs its consent and crosses none of its red
// lines, −∞ where it crosses one (no deal), NaN where its consent is not needed.
struct Weigher {
  const Realization& r;
  const Workspace& w;
  const Vector& offered;
  Index a;
  double pass = 1.0;    // the chance that w.x passes at home
  double u_deal = 0.0;  // what a deal on w.x is worth to a (payments included)

  // P(deal) at drift mu: every party whose consent w.x needs signs it. Agent j signs when what
  // the text gives it reaches its BATNA at mu, what it takes once its asking has come down
  // ("Concession"), and the text passes at home with the chance `pass`; a believes the BATNAs off
  // by the mediator's error of estimate (protocol.batna_noise, σ), so P_j = Φ((u_j − r_j(mu)) / σ)
  // for the others (a step where σ = 0) and a step for itself.
  double p_deal(double mu) const {
    double p = pass;
    for (Index j = 0; j < offered.size() && p > 0.0; ++j) {
      if (std::isnan(offered(j))) continue;
      if (offered(j) == -std::numeric_limits<double>::infinity()) return 0.0;  // a red line
      const double surplus = offered(j) - w.drift_values(j, mu);
      if (j == a || r.batna_noise <= 0.0) {
        p *= surplus >= 0.0 ? 1.0 : 0.0;
      } else if (const double z = surplus / r.batna_noise; z < kCertain) {
        p *= random::normal_cdf(z);  // (from kCertain on, Φ(z) rounds to 1)
      }
    }
    return p;
  }

  double value(double mu, double cost, bool talks) const {
    const double war = w.drift_values(a, mu);
    if (!talks) return war - cost;
    return instrument_value(p_deal(mu), u_deal, war, cost, r.discount(a));
  }
};

struct Levels {
  double aid = 0.0, sanctions = 0.0, value = 0.0;
};

// The best pair of levels on the grid (every pair tried; the lower aid, then the lower sanctions,
// on a tie), the others' totals held. `talks`: in the talks (else for the war alone); `extra`: a
// cost per round on top of the instruments'.
Levels best_levels(const Weigher& g, double others_aid, double others_sanctions, double extra,
                   bool talks) {
  const Realization& r = g.r;
  const Index a = g.a;
  const double aid_max = std::isnan(r.aid_max(a)) ? 0.0 : r.aid_max(a);
  const double sanctions_max = std::isnan(r.sanctions_max(a)) ? 0.0 : r.sanctions_max(a);
  const int aid_steps = aid_max > 0.0 ? kInstrumentSteps : 0;
  const int sanctions_steps = sanctions_max > 0.0 ? kInstrumentSteps : 0;
  Levels best;
  bool first = true;
  for (int k = 0; k <= aid_steps; ++k) {
    const double aid = aid_steps > 0 ? aid_max * k / aid_steps : 0.0;
    for (int m = 0; m <= sanctions_steps; ++m) {
      const double sanctions = sanctions_steps > 0 ? sanctions_max * m / sanctions_steps : 0.0;
      const double mu = public_drift(r, g.w, others_aid + aid, others_sanctions + sanctions);
      const double cost = extra + (aid > 0.0 ? r.aid_cost(a) * aid : 0.0) +
                          (sanctions > 0.0 ? r.sanctions_cost(a) * sanctions : 0.0);
      const double v = g.value(mu, cost, talks);
      if (first || v > best.value) best = {aid, sanctions, v};
      first = false;
    }
  }
  return best;
}

}  // namespace

bool choose_instruments(const Setting& setting, Realization& r, int round, double front,
                        Workspace& w) {
  const Index n = r.prefs.agents();
  model::utilities(r.prefs, w.x, w.values, w.u);
  const double pass = setting.ratification ? passing_probability(setting, r, w.x) : 1.0;
  w.offered.resize(n);
  for (Index j = 0; j < n; ++j) {
    if (!setting.needs_consent(static_cast<std::size_t>(j), w.x, r.status_quo))
      w.offered(j) = std::numeric_limits<double>::quiet_NaN();
    else if (model::red_line_excess(r.prefs, j, w.x) > 0.0)
      w.offered(j) = -std::numeric_limits<double>::infinity();
    else
      w.offered(j) = w.u(j) + (setting.side_payments ? r.payment_value(j) * w.payment(j) : 0.0);
  }
  bool leaves = false;
  for (Index a = 0; a < n; ++a) {
    const bool aid = !std::isnan(r.aid_max(a)), sanctions = !std::isnan(r.sanctions_max(a));
    const bool engaged =
        a == setting.mediator && setting.disengagement && !std::isnan(r.engagement_cost(a));
    if ((!aid && !sanctions && !engaged) || w.left[static_cast<std::size_t>(a)]) continue;
    const double others_aid = r.aid_level.sum() - r.aid_level(a);
    const double others_sanctions = r.sanctions_level.sum() - r.sanctions_level(a);
    // The drifts a's levels can give: the most aid and sanctions give the lowest.
    DriftValues& d = w.drift_values;
    d.lo = public_drift(r, w, others_aid + (aid ? r.aid_max(a) : 0.0),
                        others_sanctions + (sanctions ? r.sanctions_max(a) : 0.0));
    d.hi = public_drift(r, w, others_aid, others_sanctions);
    const double now = public_drift(r, w, r.aid_level.sum(), r.sanctions_level.sum());
    // Only the values the choice weighs: a's, and those of the parties whose consent the text
    // needs (none of theirs where a red line makes a deal impossible).
    w.weighed.setZero(n);
    w.weighed(a) = 1.0;
    if (!(w.offered.array() == -std::numeric_limits<double>::infinity()).any())
      w.weighed = (w.offered.array().isNaN()).select(w.weighed, 1.0);
    if (!(d.hi > d.lo)) {
      // Nothing a's levels do moves the war (none, or an interim ceasefire's drift in force).
      d.lo = d.mid = d.hi = now;
      batnas_at(setting, r, front, round, now, w, d.at_mid, &w.weighed);
    } else {
      batnas_at(setting, r, front, round, d.lo, w, d.at_lo, &w.weighed);
      batnas_at(setting, r, front, round, d.hi, w, d.at_hi, &w.weighed);
      // The BATNAs of this round were valued at the drift in force: a node where it lies inside.
      const double margin = 0.05 * (d.hi - d.lo);
      if (now > d.lo + margin && now < d.hi - margin) {
        d.mid = now;
        d.at_mid = w.batna;
      } else {
        d.mid = 0.5 * (d.lo + d.hi);
        batnas_at(setting, r, front, round, d.mid, w, d.at_mid, &w.weighed);
      }
    }
    d.fit();
    Weigher g{r, w, w.offered, a, pass, w.u(a)};
    if (setting.side_payments) {
      if (a == setting.mediator)
        g.u_deal -= r.payment_cost * w.payment.sum();
      else
        g.u_deal += r.payment_value(a) * w.payment(a);
    }
    const double engagement = engaged ? r.engagement_cost(a) : 0.0;
    Levels chosen = best_levels(g, others_aid, others_sanctions, engagement, true);
    if (engaged) {
      const Levels war = best_levels(g, others_aid, others_sanctions, 0.0, false);
      if (war.value > chosen.value) {
        chosen = war;
        leaves = true;
      }
    }
    if (aid) r.aid_level(a) = chosen.aid;
    if (sanctions) r.sanctions_level(a) = chosen.sanctions;
  }
  return leaves;
}

}  // namespace parley::protocol

#include "parley/engine/study/compare.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace parley::engine {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

int index_of(const std::vector<std::string>& ids, const std::string& id) {
  for (std::size_t k = 0; k < ids.size(); ++k)
    if (ids[k] == id) return static_cast<int>(k);
  return -1;
}

}  // namespace

std::vector<Measure> comparable_measures(const CompareSide& a, const CompareSide& b) {
  using K = Measure::Kind;
  std::vector<Measure> out;
  out.push_back({K::agreement, -1, "", "P(agreement)", false});
  const std::vector<std::string> outcomes = flag_names(run_column("outcome").flag_meanings);
  for (std::size_t c = 0; c < outcomes.size(); ++c) {
    if (outcomes[c] == "agreement") continue;  // P(agreement), above
    out.push_back({K::outcome, static_cast<int>(c), "", "share " + outcomes[c], false});
  }
  out.push_back({K::last_round, -1, "", "last round", false});
  out.push_back({K::deal_round, -1, "", "round of the deal (deals)", true});
  std::vector<std::string> shared;
  for (const auto& id : a.issues)
    if (index_of(b.issues, id) >= 0) shared.push_back(id);
  for (const auto& id : shared) out.push_back({K::deal, -1, id, "deal " + id + " (deals)", true});
  for (const auto& id : shared)
    out.push_back({K::obstacle, -1, id, "principal obstacle " + id, false});
  if (a.durability && b.durability) out.push_back({K::holds, -1, "", "deal holds (deals)", true});
  return out;
}

bool Difference::beyond_noise() const {
  return std::isfinite(difference) && std::isfinite(se) && std::abs(difference) > 1.96 * se;
}

Comparison::Comparison(std::vector<Measure> measures, const CompareSide& a, const CompareSide& b,
                       bool paired)
    : measures_(std::move(measures)), paired_(paired) {
  for (const Measure& m : measures_) {
    issue_a_.push_back(m.issue.empty() ? -1 : index_of(a.issues, m.issue));
    issue_b_.push_back(m.issue.empty() ? -1 : index_of(b.issues, m.issue));
    if (!m.issue.empty() && (issue_a_.back() < 0 || issue_b_.back() < 0))
      throw std::logic_error("compare: measure " + m.name + " names an issue a side lacks");
  }
  const std::size_t n = measures_.size();
  for (Side* s : {&a_, &b_}) {
    s->n.assign(n, 0.0);
    s->a.assign(n, 0.0);
    s->ay.assign(n, 0.0);
    s->ayy.assign(n, 0.0);
  }
  joint_.aa.assign(n, 0.0);
  joint_.aay_a.assign(n, 0.0);
  joint_.aay_b.assign(n, 0.0);
  joint_.aayy.assign(n, 0.0);
}

void Comparison::value(const RunBlock& b, std::size_t r, std::size_t m, int side, double& y,
                       double& counts) const {
  using K = Measure::Kind;
  const Measure& me = measures_[m];
  const int issue = side == 0 ? issue_a_[m] : issue_b_[m];
  const bool deal = b.agreement[r] == 1;
  counts = me.of_deals ? (deal ? 1.0 : 0.0) : 1.0;
  y = 0.0;
  if (counts == 0.0) return;
  switch (me.kind) {
    case K::agreement:
      y = deal ? 1.0 : 0.0;
      break;
    case K::outcome:
      y = b.outcome[r] == me.code ? 1.0 : 0.0;
      break;
    case K::last_round:
      y = b.last_round[r];
      break;
    case K::deal_round:
      y = b.round[r];
      break;
    case K::deal:
      y = b.deal[r * b.issues + static_cast<std::size_t>(issue)];
      break;
    case K::obstacle:
      y = b.obstacle[r] == issue ? 1.0 : 0.0;
      break;
    case K::holds:
      y = b.breakdown[r] < 0 ? 1.0 : 0.0;
      break;
  }
}

void Comparison::Side::add(std::size_t m, double y, double counts) {
  n[m] += 1.0;
  a[m] += counts;
  ay[m] += counts * y;
  ayy[m] += counts * y * y;
}

void Comparison::add(Side& s, int side, const RunBlock& block) {
  for (std::size_t r = 0; r < block.count; ++r) {
    for (std::size_t m = 0; m < measures_.size(); ++m) {
      double y, a;
      value(block, r, m, side, y, a);
      s.add(m, y, a);
    }
  }
}

void Comparison::add_a(const RunBlock& block) {
  add(a_, 0, block);
}
void Comparison::add_b(const RunBlock& block) {
  add(b_, 1, block);
}

void Comparison::add_pair(const RunBlock& a, const RunBlock& b) {
  if (a.count != b.count) throw std::logic_error("compare: paired blocks of different runs");
  // One pass: each side's sums and the cross sums from the same values.
  for (std::size_t r = 0; r < a.count; ++r) {
    for (std::size_t m = 0; m < measures_.size(); ++m) {
      double ya, ca, yb, cb;
      value(a, r, m, 0, ya, ca);
      value(b, r, m, 1, yb, cb);
      a_.add(m, ya, ca);
      b_.add(m, yb, cb);
      const double both = ca * cb;
      joint_.aa[m] += both;
      joint_.aay_a[m] += both * ya;
      joint_.aay_b[m] += both * yb;
      joint_.aayy[m] += both * ya * yb;
    }
  }
}

std::vector<Difference> Comparison::finish() const {
  std::vector<Difference> out;
  for (std::size_t m = 0; m < measures_.size(); ++m) {
    Difference d;
    d.measure = measures_[m].name;
    d.paired = paired_;
    const double na = a_.n[m], nb = b_.n[m];
    const bool defined = a_.a[m] > 0.0 && b_.a[m] > 0.0;
    d.a = a_.a[m] > 0.0 ? a_.ay[m] / a_.a[m] : kNan;
    d.b = b_.a[m] > 0.0 ? b_.ay[m] / b_.a[m] : kNan;
    d.difference = d.b - d.a;
    if (!defined || na < 2.0 || nb < 2.0) {
      d.se = kNan;
      out.push_back(d);
      continue;
    }
    // Σ z² per side, z = a (y − R) / ā, ā = Σa / n.
    auto sum_z2 = [](double n, double sa, double say, double sayy, double ratio) {
      const double mean_a = sa / n;
      return (sayy - 2.0 * ratio * say + ratio * ratio * sa) / (mean_a * mean_a);
    };
    const double za = sum_z2(na, a_.a[m], a_.ay[m], a_.ayy[m], d.a);
    const double zb = sum_z2(nb, b_.a[m], b_.ay[m], b_.ayy[m], d.b);
    double variance;
    if (paired_) {
      // Σ (z_b − z_a)² = Σ z_b² + Σ z_a² − 2 Σ z_a z_b, and Σ (z_b − z_a) = 0.
      const double ma = a_.a[m] / na, mb = b_.a[m] / nb;
      const double zab = (joint_.aayy[m] - d.b * joint_.aay_a[m] - d.a * joint_.aay_b[m] +
                          d.a * d.b * joint_.aa[m]) /
                         (ma * mb);
      variance = std::max(0.0, za + zb - 2.0 * zab) / (na - 1.0) / na;
    } else {
      variance = za / (na - 1.0) / na + zb / (nb - 1.0) / nb;
    }
    d.se = std::sqrt(std::max(0.0, variance));
    out.push_back(d);
  }
  return out;
}

}  // namespace parley::engine

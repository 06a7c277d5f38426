#include "parley/engine/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <variant>

namespace parley::engine {

std::array<double, 2> wilson_interval(std::uint64_t k, std::uint64_t n) {
  // Wilson (1927): (p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n), z = Φ⁻¹(0.975).
  if (n == 0) return {0.0, 1.0};
  const double z = 1.959963984540054;
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(k) / nn;
  const double denom = 1.0 + z * z / nn;
  const double centre = (p + z * z / (2.0 * nn)) / denom;
  const double half = z * std::sqrt(p * (1.0 - p) / nn + z * z / (4.0 * nn * nn)) / denom;
  // The interval always holds p (rounding can leave the exact bound 0 or 1 a hair inside).
  return {std::min(p, std::max(0.0, centre - half)), std::max(p, std::min(1.0, centre + half))};
}

namespace {

// The value of column c at flat index j of a block.
double at(const RunBlock& b, const RunColumn& c, std::size_t j) {
  return std::visit([&](auto member) { return static_cast<double>((b.*member)[j]); }, c.member);
}

}  // namespace

std::size_t along_size(const scenario::Scenario& s, Along along) {
  switch (along) {
    case Along::agent:
      return s.agents.size();
    case Along::issue:
      return s.issues.size();
    case Along::shock:
      return s.shocks.size();
    case Along::stage:
      return s.protocol.agenda.empty() ? 0 : s.protocol.agenda.size() + 1;
    case Along::design:
      return s.ceasefire.designs.size();
  }
  return 0;
}

SummaryBuilder::SummaryBuilder(const scenario::Scenario& s)
    : max_rounds_(s.protocol.max_rounds),
      round_counts_(static_cast<std::size_t>(s.protocol.max_rounds) + 1, 0),
      deal_hist_(s.issues.size(), std::vector<std::uint32_t>(kBins, 0)) {
  for (const auto& issue : s.issues) {
    ranges_.emplace_back(issue.lo, issue.hi);
    options_.push_back(issue.discrete() ? issue.options.size() : 0);
  }
  for (const SummaryStatistic& st : summary_statistics()) {
    reductions_.push_back({&run_column(st.column),
                           st.only_where ? &run_column(st.only_where) : nullptr,
                           std::vector<double>(along_size(s, st.along), 0.0)});
  }
  horizon_ = s.durability.horizon;
  if (horizon_ > 0) {
    group_labels_.push_back("all deals");
    by_ = s.durability.by;
    by_design_ = by_ && s.ceasefire.issue == by_ && !s.ceasefire.designs.empty();
    if (by_design_) {
      // The ceasefire designs (docs/model.md, "Interim ceasefires").
      by_bins_ = s.ceasefire.designs.size();
      for (const scenario::CeasefireDesign& d : s.ceasefire.designs)
        group_labels_.push_back(s.issues[*by_].id + ": " + d.label);
    } else if (by_) {
      // Its options, or four equal bins of its range (natural units).
      const scenario::Issue& issue = s.issues[*by_];
      by_bins_ = issue.discrete() ? issue.options.size() : 4;
      for (std::size_t j = 0; j < by_bins_; ++j) {
        if (issue.discrete()) {
          group_labels_.push_back(issue.id + " = " + issue.options[j]);
        } else {
          const double w = (issue.hi - issue.lo) / static_cast<double>(by_bins_);
          char label[160];
          std::snprintf(label, sizeof label, "%s in [%g, %g%s", issue.id.c_str(),
                        issue.lo + w * static_cast<double>(j),
                        issue.lo + w * static_cast<double>(j + 1), j + 1 == by_bins_ ? "]" : ")");
          group_labels_.push_back(label);
        }
      }
    }
    broken_at_.assign(group_labels_.size(),
                      std::vector<std::uint64_t>(static_cast<std::size_t>(horizon_) + 1, 0));
    group_deals_.assign(group_labels_.size(), 0);
  }
}

std::size_t SummaryBuilder::bin_of(std::size_t k, double v, std::size_t bins) const {
  // A discrete issue's deal is an option index: one bin per option.
  if (options_[k] > 0)
    return static_cast<std::size_t>(
        std::clamp(std::round(v), 0.0, static_cast<double>(options_[k] - 1)));
  const double unit = (v - ranges_[k].first) / (ranges_[k].second - ranges_[k].first);
  return static_cast<std::size_t>(
      std::clamp(unit * static_cast<double>(bins), 0.0, static_cast<double>(bins - 1)));
}

void SummaryBuilder::add(const RunBlock& b) {
  const std::size_t n_issues = ranges_.size();
  const auto& statistics = summary_statistics();
  for (std::size_t row = 0; row < b.count; ++row) {
    ++runs_;
    ++outcomes_[static_cast<std::size_t>(b.outcome[row])];
    if (b.agreement[row]) {
      ++round_counts_[static_cast<std::size_t>(std::min(b.round[row], max_rounds_))];
      for (std::size_t k = 0; k < n_issues; ++k)
        ++deal_hist_[k][bin_of(k, b.deal[row * n_issues + k])];
    }
    for (std::size_t j = 0; j < reductions_.size(); ++j) {
      Reduction& r = reductions_[j];
      const std::size_t width = r.column->width(b), size = r.sum.size();
      switch (statistics[j].reduce) {
        case SummaryStatistic::Reduce::index_share: {
          if (r.only_where && at(b, *r.only_where, row) < 0) break;
          const double v = at(b, *r.column, row);
          if (v >= 0 && v < static_cast<double>(size)) r.sum[static_cast<std::size_t>(v)] += 1;
          break;
        }
        case SummaryStatistic::Reduce::fired_share:
          for (std::size_t k = 0; k < width && k < size; ++k)
            if (at(b, *r.column, row * width + k) >= 0) r.sum[k] += 1;
          break;
        case SummaryStatistic::Reduce::deal_mean:
          if (!b.agreement[row]) break;
          [[fallthrough]];
        case SummaryStatistic::Reduce::mean:
          for (std::size_t k = 0; k < width && k < size; ++k)
            r.sum[k] += at(b, *r.column, row * width + k);
          break;
      }
    }
    const auto outcome = static_cast<protocol::Outcome>(b.outcome[row]);
    if (horizon_ > 0 &&
        (outcome == protocol::Outcome::agreement || outcome == protocol::Outcome::partial)) {
      std::size_t groups[2] = {0, 0};
      std::size_t n_groups = 1;
      const double term = by_ ? b.deal[row * n_issues + *by_] : 0.0;
      if (by_design_) {
        if (const int d = b.ceasefire_design[row]; d >= 0 && static_cast<std::size_t>(d) < by_bins_)
          groups[n_groups++] = 1 + static_cast<std::size_t>(d);
      } else if (by_ && std::isfinite(term)) {
        groups[n_groups++] = 1 + bin_of(*by_, term, by_bins_);
      }
      const int t = b.breakdown[row];
      for (std::size_t g = 0; g < n_groups; ++g) {
        ++group_deals_[groups[g]];
        if (t >= 1 && t <= horizon_) ++broken_at_[groups[g]][static_cast<std::size_t>(t)];
      }
      const int cause = b.breakdown_cause[row];
      if (cause == 0 || cause == 1) ++breakdowns_[static_cast<std::size_t>(cause)];
    }
  }
}

Summary SummaryBuilder::finish() const {
  Summary s;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.runs = runs_;
  s.outcomes = outcomes_;
  const std::uint64_t deals = outcomes_[0];
  const double n = runs_ > 0 ? static_cast<double>(runs_) : nan;
  s.p_agreement = static_cast<double>(deals) / n;
  const auto ci = wilson_interval(deals, runs_);
  s.p_low = ci[0];
  s.p_high = ci[1];

  {
    std::uint64_t by = round_counts_.empty() ? 0 : round_counts_[0];
    for (std::size_t t = 1; t < round_counts_.size(); ++t) {
      by += round_counts_[t];
      s.deal_by.push_back(runs_ > 0 ? static_cast<double>(by) / static_cast<double>(runs_) : 0.0);
    }
  }
  // Rounds: the inverse empirical CDF, smallest r with F(r) >= q.
  for (std::size_t j = 0; j < kRoundQuantiles.size(); ++j) {
    s.rounds[j] = nan;
    std::uint64_t cumulative = 0;
    for (std::size_t r = 0; r < round_counts_.size() && deals > 0; ++r) {
      cumulative += round_counts_[r];
      if (static_cast<double>(cumulative) >= kRoundQuantiles[j] * static_cast<double>(deals)) {
        s.rounds[j] = static_cast<double>(r);
        break;
      }
    }
  }

  // Deal terms: the inverse CDF of the histogram, interpolated inside the bin.
  for (std::size_t k = 0; k < ranges_.size(); ++k) {
    const auto [lo, hi] = ranges_[k];
    const double width = (hi - lo) / static_cast<double>(kBins);
    std::array<double, 5> q{};
    for (std::size_t j = 0; j < kDealQuantiles.size(); ++j) {
      q[j] = nan;
      if (deals == 0) continue;
      const double target = kDealQuantiles[j] * static_cast<double>(deals);
      double cumulative = 0.0;
      for (std::size_t bin = 0; bin < kBins; ++bin) {
        const double c = deal_hist_[k][bin];
        if (c > 0.0 && cumulative + c >= target) {
          if (options_[k] > 0) {
            // An option: the smallest one whose cumulative share reaches q (exact).
            q[j] = static_cast<double>(bin);
          } else {
            const double inside = std::clamp((target - cumulative) / c, 0.0, 1.0);
            q[j] = lo + (static_cast<double>(bin) + inside) * width;
          }
          break;
        }
        cumulative += c;
      }
    }
    s.deal_quantiles.push_back(q);
  }
  // Shares and means over all runs; a deal_mean over the deals.
  for (std::size_t j = 0; j < reductions_.size(); ++j) {
    const bool over_deals = summary_statistics()[j].reduce == SummaryStatistic::Reduce::deal_mean;
    std::vector<double> values;
    for (const double sum : reductions_[j].sum)
      values.push_back(over_deals ? (deals > 0 ? sum / static_cast<double>(deals) : nan) : sum / n);
    s.statistics.push_back(std::move(values));
  }
  // Every deal is followed to the horizon, so the empirical survival is Kaplan–Meier's.
  s.survival_groups = group_labels_;
  s.survival_deals = group_deals_;
  s.breakdowns = breakdowns_;
  for (std::size_t g = 0; g < group_labels_.size(); ++g) {
    std::vector<double> curve;
    std::uint64_t broken = 0;
    for (const std::uint64_t at : broken_at_[g]) {
      broken += at;
      curve.push_back(group_deals_[g] > 0
                          ? 1.0 - static_cast<double>(broken) / static_cast<double>(group_deals_[g])
                          : nan);
    }
    s.survival.push_back(std::move(curve));
  }
  return s;
}

}  // namespace parley::engine

#pragma once
// Aggregates of a set of runs, reduced in run-index order so that they are the
// same for any thread count.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/engine/run_block.hpp"
#include "parley/engine/statistics.hpp"
#include "parley/protocol/run_result.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::engine {

inline constexpr std::array<double, 5> kDealQuantiles = {0.05, 0.25, 0.5, 0.75, 0.95};
inline constexpr std::array<double, 3> kRoundQuantiles = {0.25, 0.5, 0.75};

struct Summary {
  std::uint64_t runs = 0;
  std::array<std::uint64_t, protocol::kOutcomes> outcomes{};  // by protocol::Outcome
  double p_agreement = 0.0;
  double p_low = 0.0;  // 95% Wilson interval
  double p_high = 0.0;
  std::array<double, 3> rounds{};  // quartiles of the round of agreement (NaN without deals)
  // P(an agreement by round t), t = 1 … max_rounds: the share of all runs (the forecast of a
  // calibrated run, docs/model.md, "Posterior runs").
  std::vector<double> deal_by;
  std::vector<std::array<double, 5>> deal_quantiles;  // per issue, natural units
  // By entry of summary_statistics(): a value per agent, issue, ... (empty where the scenario
  // has none of them, e.g. shocks).
  std::vector<std::vector<double>> statistics;
  const std::vector<double>& statistic(std::string_view name) const {
    return statistics.at(summary_statistic(name));
  }
  // Whether deals hold (docs/model.md, "Whether a deal holds"; empty without [durability]):
  // per group of deals (all of them, then by the term of durability.by), the share still
  // holding t = 0..horizon rounds after the signature, the deals in the group, and the deals
  // broken down by each cause (protocol::Breakdown: hazard, power shift).
  std::vector<std::string> survival_groups;
  std::vector<std::vector<double>> survival;  // [group][t]
  std::vector<std::uint64_t> survival_deals;  // [group]
  std::array<std::uint64_t, 2> breakdowns{};
  double wall_seconds = 0.0;
  double runs_per_second = 0.0;
  double write_seconds = 0.0;  // of the wall time, spent writing the output
};

// The 95% Wilson score interval for k successes in n trials.
std::array<double, 2> wilson_interval(std::uint64_t k, std::uint64_t n);

// The values a statistic along `along` has in the scenario's runs (0: none, e.g. no shocks).
std::size_t along_size(const scenario::Scenario& s, Along along);

class SummaryBuilder {
 public:
  // Deal-term quantiles come from histograms of kBins bins over each issue's range:
  // exact to (hi - lo) / kBins, in constant memory. A discrete issue has a bin per option,
  // and its quantiles are options (the inverse empirical CDF, exact).
  static constexpr std::size_t kBins = 1 << 16;

  SummaryBuilder(const scenario::Scenario& scenario);
  void add(const RunBlock& block);  // call in run-index order
  Summary finish() const;

 private:
  // The bin of a deal term among `bins` equal bins of its issue's range, or its option.
  std::size_t bin_of(std::size_t issue, double deal, std::size_t bins = kBins) const;

  std::vector<std::pair<double, double>> ranges_;  // per issue
  std::vector<std::size_t> options_;               // per issue; 0 for a continuous one
  int max_rounds_;
  std::uint64_t runs_ = 0;
  std::array<std::uint64_t, protocol::kOutcomes> outcomes_{};
  std::vector<std::uint64_t> round_counts_;
  std::vector<std::vector<std::uint32_t>> deal_hist_;
  // Per summary statistic: the run column it reduces and the one that gates a run (or
  // nullptr), and the sums by index (counts for a share).
  struct Reduction {
    const RunColumn* column;
    const RunColumn* only_where;
    std::vector<double> sum;
  };
  std::vector<Reduction> reductions_;
  // Durability: the group of a deal by its term on by_ (bins of its range, or its options, or
  // the ceasefire designs where by_ is the ceasefire issue).
  int horizon_ = 0;
  std::optional<std::size_t> by_;
  std::size_t by_bins_ = 0;
  bool by_design_ = false;
  std::vector<std::string> group_labels_;
  std::vector<std::vector<std::uint64_t>> broken_at_;  // [group][t]: deals broken in round t
  std::vector<std::uint64_t> group_deals_;
  std::array<std::uint64_t, 2> breakdowns_{};
};

}  // namespace parley::engine

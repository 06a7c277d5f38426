// parley sobol: first-order and total Sobol indices of P(agreement) (Saltelli design).
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "commands.hpp"
#include "mpi.hpp"
#include "parley/engine/study/sobol.hpp"
#include "parley/io/sobol_file.hpp"
#include "parley/scenario/load.hpp"
#include "progress.hpp"

namespace parley::cli {

namespace po = boost::program_options;

int cmd_sobol(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description visible(
      "parley sobol FILE -n N -o OUT.h5 — Sobol indices of P(agreement) over every sampled "
      "parameter (Saltelli design, N (k + 2) negotiations, bootstrap intervals)");
  add_run_flags(visible, RunsFlag::none, CompressFlag::none, "",
                "output file (default: <scenario name>-sobol.h5)");
  auto add = visible.add_options();
  add("samples,n", po::value<std::int64_t>()->default_value(1000), "base samples N");
  add("bootstrap", po::value<int>()->default_value(500), "bootstrap resamples for the intervals");
  add("design", po::value<std::string>()->default_value(engine::kSobolSequence),
      "rows of A and B: sobol-sequence (a randomly shifted Sobol' low-discrepancy sequence) or "
      "random (independent draws)");
  po::variables_map vm;
  const auto file = parse_with_file(args, visible, vm);
  if (!file) return kExitOk;
  const auto n = vm["samples"].as<std::int64_t>();
  if (n < 10)
    throw UsageError("--samples: " + std::to_string(n) + " is out of range (allowed: >= 10)");
  const int resamples = vm["bootstrap"].as<int>();
  if (resamples < 10) throw UsageError("--bootstrap: out of range (allowed: >= 10)");
  const RunFlags flags = read_run_flags(vm);
  const std::string design = vm["design"].as<std::string>();
  if (design != engine::kSobolSequence && design != engine::kSobolRandom) {
    throw UsageError("--design: \"" + design +
                     "\" is not a design (allowed: sobol-sequence, random)");
  }

  const scenario::Scenario s = scenario::load_scenario_file(*file, overrides(vm));
  const std::string output = flags.output.empty() ? s.name + "-sobol.h5" : flags.output;
  refuse_output_among_inputs(output, {{*file, "the scenario being run"}});
  if (!flags.force && io::file_exists(output))
    throw UsageError(output + ": file exists (use --force to overwrite it)");
  const engine::Sampler sampler(s);
  if (sampler.factors().empty())
    throw UsageError("the scenario samples no parameter: nothing to attribute");
  // The design keeps N (k + 2) outcomes twice over (the outcomes and the per-factor copies) and
  // B bootstrap rows of N: refused up front when that passes 4 GiB (it would otherwise end in
  // an allocation failure, or wrap around for a huge N).
  {
    constexpr double kMaxBytes = 4.0 * 1024 * 1024 * 1024;
    // Per sample: the outputs twice, the bootstrap rows, and the design (A and B, stored).
    const double per_sample =
        8.0 * (2.0 * static_cast<double>(sampler.factors().size() + 2) + resamples) +
        8.0 * 4.0 * static_cast<double>(sampler.factors().size()) +
        static_cast<double>(sampler.factors().size() + 2);
    const auto most = static_cast<std::int64_t>(kMaxBytes / per_sample);
    if (static_cast<double>(n) > static_cast<double>(most)) {
      throw UsageError("--samples: " + std::to_string(n) + " needs more than 4 GiB of memory (" +
                       std::to_string(sampler.factors().size()) + " factors, " +
                       std::to_string(resamples) + " bootstrap resamples; allowed: at most " +
                       std::to_string(most) + ")");
    }
  }
  const std::uint64_t seed = flags.seed.value_or(s.seed);
  // Under mpirun each rank computes a share of the negotiations, every rank gathers their
  // outcomes, and rank 0 writes the file.
  const engine::Share share = mpi::share();
  const std::uint64_t total = static_cast<std::uint64_t>(n) * (sampler.factors().size() + 2);
  if (share.parts > total) {
    throw UsageError(std::to_string(share.parts) + " ranks for " + std::to_string(total) +
                     " negotiations (allowed: at most one rank per negotiation)");
  }
  const bool quiet = flags.quiet || share.part != 0;
  const auto [first, last] = share.range(total);
  Progress progress(last - first, !quiet, "negotiations");
  const auto result = engine::run_sobol(
      s, sampler, seed, static_cast<std::uint64_t>(n), flags.threads, resamples,
      [&](std::uint64_t done, std::uint64_t) { progress.update(done); }, design, share);
  progress.finish();
  if (share.part != 0) return kExitOk;
  io::write_sobol_file(output, s, result, command_line, seed,
                       flags.force ? io::Overwrite::allow : io::Overwrite::refuse);

  if (!flags.quiet) {
    std::vector<std::size_t> order(result.factors.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return result.agreement[a].total > result.agreement[b].total;
    });
    std::printf(
        "Sobol indices of P(agreement) = %.3f: %s, N = %lld, %zu factors, %llu negotiations "
        "(%s design)\n\n",
        result.p_agreement, s.name.c_str(), static_cast<long long>(n), result.factors.size(),
        static_cast<unsigned long long>(result.samples * (result.factors.size() + 2)),
        design.c_str());
    std::printf("  %-44s %22s %22s\n", "factor", "first order [95%]", "total [95%]");
    for (std::size_t j = 0; j < std::min<std::size_t>(15, order.size()); ++j) {
      const auto& x = result.agreement[order[j]];
      std::printf("  %-44s %6.3f [%6.3f, %6.3f] %6.3f [%6.3f, %6.3f]\n",
                  result.factors[order[j]].c_str(), x.first, x.first_low, x.first_high, x.total,
                  x.total_low, x.total_high);
    }
    if (order.size() > 15) {
      std::printf(
          "  (the %zu largest total indices of %zu; every factor is in the file, "
          "sobol/first_order and sobol/total)\n",
          std::size_t{15}, order.size());
    }
    // An estimate, not a share: a first-order index near 0 may come out below it by the noise
    // of the estimator (Saltelli et al. 2010), as its interval shows.
    bool negative = false;
    for (std::size_t j = 0; j < std::min<std::size_t>(15, order.size()); ++j)
      negative = negative || result.agreement[order[j]].first < 0.0;
    if (negative)
      std::printf("  a first-order index below 0 is an estimate of 0 within its interval\n");
    std::printf("  output %s\n", output.c_str());
  }
  return kExitOk;
}

}  // namespace parley::cli

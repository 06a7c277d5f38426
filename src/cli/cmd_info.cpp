// parley info: what a Parley file holds, readable without Python.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <variant>

#include "arguments.hpp"
#include "commands.hpp"
#include "parley/io/file_info.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/posterior_file.hpp"
#include "parley/io/sobol_file.hpp"

namespace parley::cli {

namespace po = boost::program_options;

namespace {

// Every dataset with its type and shape, by path (HDF5 lists them in the order of its hashes).
void print_datasets(std::vector<io::DatasetInfo> datasets) {
  std::sort(datasets.begin(), datasets.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  std::printf("\nDatasets\n");
  for (const auto& d : datasets) {
    std::string shape = "[";
    for (std::size_t j = 0; j < d.shape.size(); ++j)
      shape += (j ? ", " : "") + std::to_string(d.shape[j]);
    std::printf("  %-44s %-8s %s]\n", d.path.c_str(), d.type.c_str(), shape.c_str());
  }
}

// A posterior file: how the calibration went, generation by generation, and how far each
// parameter's posterior moved from its prior (in prior standard deviations).
int describe_posterior(const io::StoredPosterior& post, bool with_scenario) {
  const engine::Calibration& c = post.calibration;
  const engine::CalibrateOptions& o = post.run.options;
  std::printf("%s: %s, format %s, written by Parley %s on %s\n", post.path.c_str(),
              io::kPosteriorFiletype, post.format_version.c_str(), post.parley_version.c_str(),
              post.created_utc.c_str());
  std::printf("  scenario %s, protocol %s, seed %llu, %zu particles, %zu parameters%s\n",
              post.scenario_name.c_str(), post.protocol.c_str(),
              static_cast<unsigned long long>(o.seed), o.particles, c.parameters.size(),
              post.run.complete ? "" : "  (INCOMPLETE: interrupted; resume with --resume)");
  std::printf("  command  %s\n  stopped: %s\n", post.run.command_line.c_str(), c.stopped.c_str());
  std::printf("\n  %-10s %12s %12s %12s %12s\n", "generation", "tolerance", "acceptance",
              "simulations", "in all");
  std::uint64_t in_all = 0;
  for (const auto& g : c.generations) {
    in_all += g.simulations;
    std::printf("  %-10d %12.4g %12.4f %12llu %12llu\n", g.index, g.tolerance, g.acceptance_rate,
                static_cast<unsigned long long>(g.simulations),
                static_cast<unsigned long long>(in_all));
  }
  // Generation 0 is a sample of the prior: the shift is measured against it.
  const engine::Generation& prior = c.generations.front();
  const engine::Generation& last = c.generations.back();
  const std::size_t p = c.parameters.size(), n = last.weights.size();
  struct Row {
    double shift;
    std::size_t f;
    double prior_mean, mean, sd, noise;
  };
  // The last generation's effective sample size, 1 / Σ w² (Kish), for the noise of its mean.
  double sum_w2 = 0.0;
  for (const double w : last.weights) sum_w2 += w * w;
  const double ess = sum_w2 > 0.0 ? 1.0 / sum_w2 : static_cast<double>(n);
  std::vector<Row> rows;
  for (std::size_t f = 0; f < p; ++f) {
    double m0 = 0.0, v0 = 0.0, m = 0.0, v = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      m0 += prior.particles[i * p + f] / static_cast<double>(n);
      m += last.weights[i] * last.particles[i * p + f];
    }
    for (std::size_t i = 0; i < n; ++i) {
      v0 += std::pow(prior.particles[i * p + f] - m0, 2) / static_cast<double>(n);
      v += last.weights[i] * std::pow(last.particles[i * p + f] - m, 2);
    }
    // The shift's own noise, in the same prior sds: the standard errors of the two means (the
    // prior's over n particles, the posterior's over its effective sample size).
    const double noise =
        v0 > 0 ? std::sqrt(v / ess + v0 / static_cast<double>(n)) / std::sqrt(v0) : 0.0;
    rows.push_back({v0 > 0 ? (m - m0) / std::sqrt(v0) : 0.0, f, m0, m, std::sqrt(v), noise});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::abs(a.shift) > std::abs(b.shift);
  });
  std::printf("\n  %-46s %12s %12s %10s %8s %7s\n", "parameter (most moved first)", "prior mean",
              "posterior", "sd", "shift", "noise");
  for (const Row& r : rows) {
    std::printf("  %-46s %12.4g %12.4g %10.3g %+8.2f %7.2f\n", c.parameters[r.f].c_str(),
                r.prior_mean, r.mean, r.sd, r.shift, r.noise);
  }
  std::printf(
      "  (shift: posterior mean minus prior mean, in prior standard deviations; noise: its "
      "standard error from the particles, effective sample size %.0f of %zu; a shift within "
      "two noises of 0 is no evidence of a move)\n",
      ess, n);
  if (with_scenario) {
    std::printf("\nObservations as run\n%s\n", post.observations_toml.c_str());
    std::printf("\nScenario as run\n%s\n", post.scenario_toml.c_str());
  }
  return kExitOk;
}

// A Sobol file: the indices of P(agreement), largest total first.
int describe_sobol(const io::SobolInfo& info, bool with_scenario) {
  std::printf("%s: %s, format %s, written by Parley %s on %s\n", info.path.c_str(),
              io::kSobolFiletype, info.format_version.c_str(), info.parley_version.c_str(),
              info.created_utc.c_str());
  std::printf("  scenario %s, protocol %s, seed %llu, N = %llu, %zu factors, %s design%s\n",
              info.scenario_name.c_str(), info.protocol.c_str(),
              static_cast<unsigned long long>(info.seed),
              static_cast<unsigned long long>(info.samples), info.factors.size(),
              info.design.empty() ? "random" : info.design.c_str(),
              info.design.empty() ? " (not stored)" : " (stored: sobol/design_a, design_b, y_*)");
  std::printf("  command  %s\n\n  Sobol indices of P(agreement) = %.4f\n",
              info.command_line.c_str(), info.p_agreement);
  std::vector<std::size_t> order(info.factors.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return info.indices[a][3] > info.indices[b][3];
  });
  std::printf("  %-44s %22s %22s\n", "factor", "first order [95%]", "total [95%]");
  for (const std::size_t f : order) {
    const auto& x = info.indices[f];
    std::printf("  %-44s %6.3f [%6.3f, %6.3f] %6.3f [%6.3f, %6.3f]\n", info.factors[f].c_str(),
                x[0], x[1], x[2], x[3], x[4], x[5]);
  }
  print_datasets(info.datasets);
  if (with_scenario) std::printf("\nScenario as run\n%s\n", info.scenario_toml.c_str());
  return kExitOk;
}

}  // namespace

int cmd_info(const std::vector<std::string>& args, const std::string&) {
  po::options_description visible(
      "parley info FILE.h5 — a Parley file's description, summary, datasets and scenario");
  visible.add_options()("no-scenario", "leave out the scenario text");
  po::variables_map vm;
  const auto file = parse_with_file(args, visible, vm, Overrides::none);
  if (!file) return kExitOk;

  io::AnyFile any;
  try {
    any = io::read_any_file(*file);
  } catch (const io::InvalidFile& e) {
    throw UsageError(e.what());
  }
  if (const auto* post = std::get_if<io::StoredPosterior>(&any))
    return describe_posterior(*post, !vm.count("no-scenario"));
  if (const auto* sobol = std::get_if<io::SobolInfo>(&any))
    return describe_sobol(*sobol, !vm.count("no-scenario"));
  const io::FileInfo& info = std::get<io::FileInfo>(any);
  const io::StoredHeader& h = info.header;
  std::printf("%s: %s, format %s, written by Parley %s on %s\n", file->c_str(), h.filetype.c_str(),
              h.format_version.c_str(), h.parley_version.c_str(), h.created_utc.c_str());
  std::printf("  scenario %s, protocol %s, seed %llu, %llu runs%s\n", h.scenario_name.c_str(),
              h.protocol.c_str(), static_cast<unsigned long long>(h.seed),
              static_cast<unsigned long long>(h.rows),
              h.complete ? "" : "  (INCOMPLETE: not every run was written)");
  std::printf("  command  %s\n", h.command_line.c_str());
  if (h.sweep) {
    std::string varied;
    for (const auto& k : h.sweep->keys) varied += (varied.empty() ? "" : " ") + k;
    std::printf(
        "  sweep: %s design, %zu points x %llu runs, varied: %s (per-point aggregates in grid/)\n",
        h.sweep->design.c_str(), h.sweep->points.size(),
        static_cast<unsigned long long>(h.sweep->runs_per_point), varied.c_str());
    // The points, in the file's order (the first 20).
    const std::size_t shown = std::min<std::size_t>(h.sweep->points.size(), 20);
    std::printf("  %-6s", "point");
    for (std::size_t j = 0; j < h.sweep->keys.size(); ++j)
      std::printf(j + 1 < h.sweep->keys.size() ? "  %-28s" : "  %s", h.sweep->keys[j].c_str());
    std::printf("\n");
    for (std::size_t p = 0; p < shown; ++p) {
      std::printf("  %-6zu", p);
      std::string row;
      for (std::size_t j = 0; j < h.sweep->keys.size(); ++j) {
        const std::string value = h.sweep->label(p, j);
        row += "  " + value + std::string(value.size() < 28 ? 28 - value.size() : 0, ' ');
      }
      while (!row.empty() && row.back() == ' ') row.pop_back();
      std::printf("%s\n", row.c_str());
    }
    if (shown < h.sweep->points.size())
      std::printf("  ... %zu more points\n", h.sweep->points.size() - shown);
  }
  if (h.posterior) {
    std::printf("  posterior runs: parameters drawn from %s (%zu particles)\n",
                h.posterior_source.c_str(), h.posterior->size());
  }
  if (!h.overrides.empty()) {
    std::string overrides;
    for (const auto& o : h.overrides) overrides += (overrides.empty() ? "" : "\n") + o;
    std::printf("  overrides  %s\n", overrides.c_str());
  }
  if (h.shard) {
    // A shard: which rows of the whole it holds (parley merge joins shards).
    std::printf("  shard %s: rows %llu:%llu of %llu\n", h.shard->label.c_str(),
                static_cast<unsigned long long>(h.shard->first),
                static_cast<unsigned long long>(h.shard->first + h.rows),
                static_cast<unsigned long long>(h.shard->whole));
  }
  if (!h.complete) {
    std::printf("  INCOMPLETE: %llu of %llu runs finished (resume with parley run --resume)\n",
                static_cast<unsigned long long>(h.runs_done),
                static_cast<unsigned long long>(h.rows));
  }

  if (info.has_summary) {
    std::printf("\nSummary\n  P(agreement) %.4f  95%% Wilson interval [%.4f, %.4f]\n",
                info.p_agreement, info.p_low, info.p_high);
    if (info.outcome_count.size() >= 3) {
      std::printf("  outcomes     agreement %.0f, walk-out %.0f, deadline %.0f",
                  info.outcome_count[0], info.outcome_count[1], info.outcome_count[2]);
      // Files since bracketing have a fourth outcome, the partial deal; since format 1.2 the
      // collapse of the talks and the run cut off at the horizon.
      if (info.outcome_count.size() > 3) std::printf(", partial deal %.0f", info.outcome_count[3]);
      if (info.outcome_count.size() > 5) {
        std::printf(", collapse %.0f, censored (still talking at the horizon) %.0f",
                    info.outcome_count[4], info.outcome_count[5]);
      }
      if (info.outcome_count.size() > 6)
        std::printf(", refused at home %.0f", info.outcome_count[6]);
      if (info.outcome_count.size() > 7)
        std::printf(", abandoned by the mediator %.0f", info.outcome_count[7]);
      std::printf("\n");
    }
    if (info.rounds.size() == 3 && info.outcome_count.size() >= 3 && info.outcome_count[0] > 0) {
      std::printf("  rounds to agreement  median %.0f, quartiles [%.0f, %.0f]\n", info.rounds[1],
                  info.rounds[0], info.rounds[2]);
      std::printf("\n  %-14s %10s %10s\n", "deal term", "median", "mean");
      const std::vector<double>& mean = info.statistic("deal_mean");
      for (std::size_t k = 0; k < info.issues.size(); ++k) {
        const double median = k < info.deal_quantiles.size() && info.deal_quantiles[k].size() > 2
                                  ? info.deal_quantiles[k][2]
                                  : 0.0;
        std::printf("  %-14s %10.4g %10.4g\n", info.issues[k].c_str(), median,
                    k < mean.size() ? mean[k] : 0.0);
      }
    }
    std::printf("%s", format_statistics(info.along, info.statistics).c_str());
  }

  print_datasets(info.datasets);
  if (!vm.count("no-scenario")) {
    std::printf("\nScenario as run\n%s\n", h.scenario_toml.c_str());
  }
  return kExitOk;
}

}  // namespace parley::cli

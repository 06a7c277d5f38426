// parley info: what a Parley file holds, readable without Python.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "arguments.hpp"
#include "commands.hpp"
#include "parley/io/file_info.hpp"

namespace parley::cli {

namespace po = boost::program_options;

int cmd_info(const std::vector<std::string>& args, const std::string&) {
  po::options_description visible(
      "parley info FILE.h5 — a Parley file's description, summary, datasets and scenario");
  visible.add_options()("no-scenario", "leave out the scenario text");
  po::variables_map vm;
  const auto file = parse_with_file(args, visible, vm, Overrides::none);
  if (!file) return kExitOk;

  io::FileInfo info;
  try {
    info = io::read_file_info(*file);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::printf("%s: %s, format %s, written by Parley %s on %s\n", file->c_str(),
              info.attribute("filetype").c_str(), info.attribute("format_version").c_str(),
              info.attribute("parley_version").c_str(), info.attribute("created_utc").c_str());
  std::printf("  scenario %s, protocol %s, seed %s, %s runs%s\n",
              info.attribute("scenario_name").c_str(), info.attribute("protocol").c_str(),
              info.attribute("seed").c_str(), info.attribute("runs").c_str(),
              info.attribute("complete") == "1" ? "" : "  (INCOMPLETE: not every run was written)");
  std::printf("  command  %s\n", info.attribute("command_line").c_str());
  if (info.attribute("filetype") == "parley-sweep") {
    std::string varied = info.attribute("varied");
    for (char& c : varied) c = c == '\n' ? ' ' : c;
    std::printf(
        "  sweep: %s design, %s points x %s runs, varied: %s (per-point aggregates in grid/)\n",
        info.attribute("design").c_str(), info.attribute("points").c_str(),
        info.attribute("runs_per_point").c_str(), varied.c_str());
  }
  if (!info.attribute("overrides").empty()) {
    std::printf("  overrides  %s\n", info.attribute("overrides").c_str());
  }
  if (const auto first = info.count("shard_first")) {
    // A shard: which rows of the whole it holds (parley merge joins shards).
    const auto runs = info.count("runs").value_or(0);
    std::printf("  shard %s: rows %llu:%llu of %s\n", info.attribute("shard").c_str(),
                static_cast<unsigned long long>(*first),
                static_cast<unsigned long long>(*first + runs),
                info.attribute("runs_total").c_str());
  }
  if (info.attribute("complete") == "0") {
    std::printf("  INCOMPLETE: %s of %s runs finished (resume with parley run --resume)\n",
                info.attribute("runs_done").c_str(), info.attribute("runs").c_str());
  }

  if (info.has_summary) {
    std::printf("\nSummary\n  P(agreement) %.4f  95%% Wilson interval [%.4f, %.4f]\n",
                info.p_agreement, info.p_low, info.p_high);
    if (info.outcome_count.size() >= 3) {
      std::printf("  outcomes     agreement %.0f, walk-out %.0f, deadline %.0f",
                  info.outcome_count[0], info.outcome_count[1], info.outcome_count[2]);
      // Files since bracketing have a fourth outcome, the partial deal.
      if (info.outcome_count.size() > 3) std::printf(", partial deal %.0f", info.outcome_count[3]);
      std::printf("\n");
    }
    if (info.rounds.size() == 3 && info.outcome_count.size() >= 3 && info.outcome_count[0] > 0) {
      std::printf("  rounds to agreement  median %.0f, quartiles [%.0f, %.0f]\n", info.rounds[1],
                  info.rounds[0], info.rounds[2]);
      std::printf("\n  %-14s %10s %10s %10s\n", "deal term", "median", "mean", "obstacle");
      for (std::size_t k = 0; k < info.issues.size(); ++k) {
        const double median = k < info.deal_quantiles.size() && info.deal_quantiles[k].size() > 2
                                  ? info.deal_quantiles[k][2]
                                  : 0.0;
        std::printf("  %-14s %10.4g %10.4g %9.1f%%\n", info.issues[k].c_str(), median,
                    k < info.deal_mean.size() ? info.deal_mean[k] : 0.0,
                    k < info.obstacle_share.size() ? 100.0 * info.obstacle_share[k] : 0.0);
      }
    }
    std::printf("\n  %-14s %12s %10s\n", "agent", "mean utility", "blocked");
    for (std::size_t i = 0; i < info.agents.size(); ++i) {
      std::printf("  %-14s %12.4f %9.1f%%\n", info.agents[i].c_str(),
                  i < info.mean_utility.size() ? info.mean_utility[i] : 0.0,
                  i < info.blocker_share.size() ? 100.0 * info.blocker_share[i] : 0.0);
    }
  }

  std::printf("\nDatasets\n");
  for (const auto& d : info.datasets) {
    std::string shape = "[";
    for (std::size_t j = 0; j < d.shape.size(); ++j)
      shape += (j ? ", " : "") + std::to_string(d.shape[j]);
    shape += "]";
    std::printf("  %-44s %-8s %s\n", d.path.c_str(), d.type.c_str(), shape.c_str());
  }
  if (!vm.count("no-scenario")) {
    std::printf("\nScenario as run\n%s\n", info.attribute("scenario_toml").c_str());
  }
  return kExitOk;
}

}  // namespace parley::cli

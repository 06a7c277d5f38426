// parley sweep: the same runs at every point of a grid (or Latin hypercube) of scenario
// keys, with common random numbers, into one "parley-sweep" file.
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "arguments.hpp"
#include "commands.hpp"
#include "host.hpp"
#include "interrupt.hpp"
#include "mpi.hpp"
#include "parley/engine/engine.hpp"
#include "parley/engine/shards.hpp"
#include "parley/engine/study/sweep.hpp"
#include "parley/engine/study/sweep_design.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/scenario/load.hpp"
#include "posterior_input.hpp"
#include "progress.hpp"

namespace parley::cli {

namespace po = boost::program_options;

namespace {

// A design file's text; UsageError with the system's reason when it cannot be read.
std::string read_design_file(const std::string& path) {
  std::string why;
  auto text = scenario::read_whole_file(path, why);
  if (!text) {
    // A path that names no file may be a misspelt design.
    throw UsageError("--design " + path + ": cannot read the design file: " + why +
                     (why.find("(allowed:") == std::string::npos
                          ? " (allowed: factorial, lhs, or a CSV file)"
                          : ""));
  }
  return std::move(*text);
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description visible(
      "parley sweep FILE --vary KEY=LO:HI:N|KEY=A,B,C ... [options] — the same runs at every "
      "point of a grid of scenario keys (common random numbers)");
  auto add = visible.add_options();
  add("vary", po::value<std::vector<std::string>>()->composing(),
      "a varied key: KEY=LO:HI:N (N points, both ends included), KEY=A,B,C, or KEY=LO:HI with "
      "--design lhs (repeatable; the first varies slowest)");
  add("design", po::value<std::string>()->default_value("factorial"),
      "factorial, lhs, or a CSV file of points (a header of keys, then a row of values per "
      "point: a SALib or Morris design, a colleague's list; no --vary)");
  add("points", po::value<int>(), "points of a Latin hypercube (--design lhs)");
  add("posterior", po::value<std::string>(),
      "draw each run's sampled parameters from this parley calibrate file's last generation "
      "(posterior predictive sweeps; the varied keys must not be calibrated parameters)");
  add("shard", po::value<std::string>(),
      "compute shard K of N only: points [(K-1)P/N, KP/N) of P, all their runs, into a file "
      "`parley merge` joins");
  add_run_flags(visible, RunsFlag::accepted, CompressFlag::accepted,
                "runs per point (default: the scenario's [run] runs)",
                "output file (default: <scenario name>-sweep.h5)");
  po::variables_map vm;
  const auto file = parse_with_file(args, visible, vm);
  if (!file) return kExitOk;
  const std::vector<std::string> base_overrides = overrides(vm);
  const scenario::Scenario base = scenario::load_scenario_file(*file, base_overrides);
  // The sweep: from --vary, or else from the scenario's [sweep] table.
  std::vector<std::string> specs;
  std::string design = vm["design"].as<std::string>();
  int lhs_points = vm.count("points") ? vm["points"].as<int>() : 0;
  const bool design_file = design != "factorial" && design != "lhs";
  if (design_file) {
    if (vm.count("vary") || vm.count("points")) {
      throw UsageError("--design " + design +
                       ": a design file gives the keys and points (allowed "
                       "with it: no --vary, no --points)");
    }
  } else if (vm.count("vary")) {
    specs = vm["vary"].as<std::vector<std::string>>();
  } else if (base.sweep) {
    specs = base.sweep->vary;
    if (vm["design"].defaulted()) design = base.sweep->design;
    if (!vm.count("points")) lhs_points = base.sweep->points;
  } else {
    throw UsageError("give at least one --vary KEY=..., or a [sweep] table in the scenario");
  }
  std::vector<engine::Vary> varies;
  for (const auto& spec : specs) varies.push_back(engine::parse_vary(spec));
  const RunFlags flags = read_run_flags(vm);
  const std::uint64_t seed = flags.seed.value_or(base.seed);
  engine::FieldPlaces places;  // a design file's fields: (line, column) per point and key
  io::SweepLayout layout = design_file
                               ? engine::design_from_csv(read_design_file(design), design, &places)
                               : engine::design_sweep(varies, design, lhs_points, seed);

  // Every point is a scenario with its overrides, validated before anything runs.
  engine::SweepPoints sweep(
      layout, base_overrides, [&](std::size_t p, const std::vector<std::string>& o) {
        try {
          // The point's own overrides come from --vary (or the design file), after the --set ones.
          std::vector<std::string> origins(base_overrides.size(), "--set");
          origins.resize(o.size(), "--vary");
          return scenario::load_scenario_file(*file, o, origins);
        } catch (const scenario::ScenarioError& e) {
          if (!design_file) throw;
          // The point's overrides come from the design file: "--vary:J:C: ..." is the field
          // of key J at its line and column there (C counts from the start of "KEY=").
          std::string what = e.what();
          unsigned j = 0, c = 0;
          int used = 0;
          if (std::sscanf(what.c_str(), "--vary:%u:%u: %n", &j, &c, &used) == 2 && used > 0 &&
              j >= 1 && j <= layout.keys.size() && p + 1 < places.size()) {
            // Within "KEY=" the error is the key's, in the header; after it, the value's.
            const std::size_t key_end = layout.keys[j - 1].size() + 1;
            const bool in_key = c <= key_end;
            const auto [line, column] = places[in_key ? 0 : p + 1][j - 1];
            const std::size_t into = in_key ? c - 1 : c - key_end - 1;
            throw UsageError(design + ":" + std::to_string(line) + ":" +
                             std::to_string(column + into) + ": " +
                             what.substr(static_cast<std::size_t>(used)));
          }
          throw UsageError(design + ", point " + std::to_string(p + 1) + ": " + what);
        }
      });
  if (flags.run_range) {
    throw UsageError("-n A:B: a sweep runs the same runs at every point (allowed: -n N)");
  }
  // Posterior predictive sweeps: every point draws from the calibrated population.
  std::optional<engine::Population> population;
  std::string population_source;
  if (vm.count("posterior")) {
    const std::string path = vm["posterior"].as<std::string>();
    PosteriorInput post = read_posterior_input(path);
    population = std::move(post.population);
    population_source = std::move(post.source);
    for (std::size_t p = 0; p < sweep.size(); ++p)
      apply_posterior(sweep.sampler(p), *population, "--posterior: " + path,
                      "a varied key must not be a calibrated parameter");
  }
  // A shard computes a slice of the points (all their runs): rows [p0 R, p1 R) of the sweep.
  // Under mpirun (an MPI build) each rank computes one shard of the points, and rank 0
  // merges them into the output.
  const bool on_ranks = mpi::size() > 1 && !vm.count("shard");
  engine::Selection selection = engine::select_all(sweep.size());
  if (vm.count("shard") || on_ranks) {
    const auto [k, n] = on_ranks
                            ? std::pair<std::uint64_t, std::uint64_t>(mpi::rank() + 1, mpi::size())
                            : parse_shard(vm["shard"].as<std::string>());
    selection = engine::select_shard(k, n, sweep.size(), "points");
  }
  const auto p0 = static_cast<std::size_t>(selection.runs.first);
  const auto p1 = static_cast<std::size_t>(selection.runs.end);
  const std::string& shard = selection.label;
  const std::vector<engine::Point> points = sweep.range(p0, p1);

  engine::RunPlan plan;
  plan.seed = seed;
  plan.count = flags.runs.value_or(base.runs);
  plan.first_point = p0;
  layout.runs_per_point = plan.count;
  const std::string final_output =
      flags.output.empty() ? base.name + "-sweep" + (on_ranks ? "" : selection.file_suffix) + ".h5"
                           : flags.output;
  refuse_output_among_inputs(
      final_output,
      {{*file, "the scenario being run"},
       {design_file ? design : "", "the design file"},
       {vm.count("posterior") ? vm["posterior"].as<std::string>() : "", "the posterior file"}});
  if (!flags.force && io::file_exists(final_output))
    throw UsageError(final_output + ": file exists (use --force to overwrite it)");
  const std::string output =
      on_ranks ? rank_file(final_output, mpi::rank(), mpi::size()) : final_output;
  // The file's rows: every run of each of its points, point after point.
  io::RunHeader header = io::RunHeader::of_plan({seed, p0 * plan.count, (p1 - p0) * plan.count, 0},
                                                sweep.size() * plan.count, shard);
  refuse_rows_beyond_host(header.rows);
  header.command_line = command_line;
  header.compress = flags.compress;
  header.sweep = layout;
  header.posterior = population;
  header.posterior_source = population_source;
  const io::Overwrite overwrite =
      flags.force || on_ranks ? io::Overwrite::allow : io::Overwrite::refuse;
  const bool quiet = flags.quiet || on_ranks;
  auto compute = [&]() -> int {
    io::RunsFile out(output, base, sweep.sampler(0).columns(), header, overwrite);
    const InterruptGuard interrupt;

    Progress progress(header.rows, !quiet);
    std::uint64_t done = 0;
    engine::EngineOptions options;
    options.threads = flags.threads;
    options.cancel = interrupt.flag();
    options.sink = [&](const engine::RunBlock& block) {
      out.write(block);
      done += block.count;
      progress.update(done);
    };
    const std::vector<engine::Summary> per_point =
        engine::run_sweep(points, plan, options, shard.empty());
    progress.finish();
    if (done < header.rows) {
      // Interrupted: the finished rows are kept (each with its done flag); a sweep's grid
      // needs every point, so it is left out.
      const std::string partial = out.commit_partial(done);
      std::cerr << "parley sweep: interrupted by " << interrupt.signal_name() << ": " << done
                << " of " << header.rows << " runs finished and kept in " << partial
                << " (a sweep is not resumed: run it again, or use its finished rows)\n";
      return kExitInterrupted;
    }
    if (!shard.empty()) {
      out.commit();
      if (!quiet) {
        std::printf(
            "Shard %s of the sweep of %s: points %zu to %zu of %zu, %llu runs each\n"
            "  output %s\n",
            shard.c_str(), base.name.c_str(), p0, p1 - 1, sweep.size(),
            static_cast<unsigned long long>(plan.count), output.c_str());
      }
      return kExitOk;
    }
    out.write_grid(per_point);
    out.commit();

    if (!quiet) {
      std::printf("Sweep of %s: %zu points x %llu runs (%s, common random numbers)\n\n",
                  base.name.c_str(), points.size(), static_cast<unsigned long long>(plan.count),
                  (design_file ? "design file " + design : design + " design").c_str());
      for (const auto& key : layout.keys) std::printf("  %-28s", key.c_str());
      std::printf("  P(agreement)  95%% interval        median round\n");
      for (std::size_t p = 0; p < points.size(); ++p) {
        for (std::size_t j = 0; j < layout.keys.size(); ++j)
          std::printf("  %-28s", layout.label(p, j).c_str());
        std::printf("  %12.4f  [%.4f, %.4f]  %5.0f\n", per_point[p].p_agreement, per_point[p].p_low,
                    per_point[p].p_high, per_point[p].rounds[1]);
      }
      std::printf("  output %s\n", output.c_str());
    }
    return kExitOk;
  };
  if (!on_ranks) return compute();
  return merge_on_ranks("sweep", final_output, command_line, flags.quiet, compute);
}

}  // namespace parley::cli
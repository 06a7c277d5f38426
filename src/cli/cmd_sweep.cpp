// parley sweep: the same runs at every point of a grid (or Latin hypercube) of scenario
// keys, with common random numbers, into one "parley-sweep" file.
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "mpi.hpp"
#include "parley/engine/engine.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/random/stream.hpp"
#include "parley/scenario/load.hpp"
#include "parley/scenario/text.hpp"
#include "progress.hpp"

namespace parley::cli {

namespace po = boost::program_options;

namespace {

struct Vary {
  std::string key;
  std::vector<double> values;  // a list, or LO:HI:N expanded
  double lo = 0.0, hi = 0.0;   // a range, for Latin hypercubes
  bool range = false;
};

double number(const std::string& text, const std::string& what) {
  const auto v = scenario::parse_number(text);
  if (!v) throw UsageError("--vary " + what + ": \"" + text + "\" is not a number");
  return *v;
}

// KEY=LO:HI:N (N points from LO to HI, both included), KEY=LO:HI (a range, for --design lhs)
// or KEY=A,B,C.
Vary parse_vary(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UsageError("--vary " + spec + ": expected KEY=LO:HI:N or KEY=A,B,C");
  }
  Vary v;
  v.key = spec.substr(0, eq);
  const std::string body = spec.substr(eq + 1);
  if (body.find(':') != std::string::npos) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t colon; (colon = body.find(':', start)) != std::string::npos;
         start = colon + 1) {
      parts.push_back(body.substr(start, colon - start));
    }
    parts.push_back(body.substr(start));
    if (parts.size() < 2 || parts.size() > 3) {
      throw UsageError("--vary " + spec + ": expected LO:HI:N (or LO:HI with --design lhs)");
    }
    v.range = true;
    v.lo = number(parts[0], spec);
    v.hi = number(parts[1], spec);
    if (!(v.lo < v.hi)) throw UsageError("--vary " + spec + ": LO must be below HI");
    if (parts.size() == 3) {
      const double n = number(parts[2], spec);
      if (n < 2 || n > 10000 || n != std::floor(n)) {
        throw UsageError("--vary " + spec + ": N must be a whole number from 2 to 10000");
      }
      const auto count = static_cast<int>(n);
      for (int i = 0; i < count; ++i) v.values.push_back(v.lo + (v.hi - v.lo) * i / (count - 1));
    }
    return v;
  }
  std::size_t start = 0;
  for (std::size_t comma; (comma = body.find(',', start)) != std::string::npos; start = comma + 1) {
    v.values.push_back(number(body.substr(start, comma - start), spec));
  }
  v.values.push_back(number(body.substr(start), spec));
  return v;
}

std::string exact(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
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
  add("design", po::value<std::string>()->default_value("factorial"), "factorial or lhs");
  add("points", po::value<int>(), "points of a Latin hypercube (--design lhs)");
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
  if (vm.count("vary")) {
    specs = vm["vary"].as<std::vector<std::string>>();
  } else if (base.sweep) {
    specs = base.sweep->vary;
    if (vm["design"].defaulted()) design = base.sweep->design;
    if (!vm.count("points")) lhs_points = base.sweep->points;
  } else {
    throw UsageError("give at least one --vary KEY=..., or a [sweep] table in the scenario");
  }
  std::vector<Vary> varies;
  for (const auto& spec : specs) varies.push_back(parse_vary(spec));
  if (design != "factorial" && design != "lhs") {
    throw UsageError("--design: \"" + design + "\" is not a design (allowed: factorial, lhs)");
  }
  const RunFlags flags = read_run_flags(vm);

  io::SweepLayout layout;
  layout.design = design;
  for (const auto& v : varies) layout.keys.push_back(v.key);
  const std::uint64_t seed = flags.seed.value_or(base.seed);
  if (design == "factorial") {
    for (const auto& v : varies) {
      if (v.values.empty())
        throw UsageError("--vary " + v.key + ": give LO:HI:N or a list for a factorial design");
      layout.axes.push_back(v.values);
    }
    // All combinations, the first key varying slowest (row-major order of the grid).
    std::vector<std::size_t> at(varies.size(), 0);
    for (;;) {
      std::vector<double> point;
      for (std::size_t j = 0; j < varies.size(); ++j) point.push_back(varies[j].values[at[j]]);
      layout.points.push_back(point);
      std::size_t j = varies.size();
      while (j > 0 && ++at[j - 1] == varies[j - 1].values.size()) at[--j] = 0;
      if (j == 0) break;
    }
  } else {
    if (lhs_points < 2) throw UsageError("--design lhs needs --points N (N >= 2)");
    const auto n = static_cast<std::size_t>(lhs_points);
    layout.points.assign(n, std::vector<double>(varies.size()));
    for (std::size_t j = 0; j < varies.size(); ++j) {
      if (!varies[j].range)
        throw UsageError("--vary " + varies[j].key + ": a Latin hypercube needs a range LO:HI");
      // One stratum per point, strata shuffled (Fisher-Yates), a uniform draw inside each.
      random::Stream stream(seed, 0, random::purpose_id("sweep.lhs." + varies[j].key));
      std::vector<std::size_t> strata(n);
      for (std::size_t p = 0; p < n; ++p) strata[p] = p;
      for (std::size_t p = n - 1; p > 0; --p) {
        std::swap(strata[p],
                  strata[static_cast<std::size_t>(stream.uniform() * static_cast<double>(p + 1))]);
      }
      for (std::size_t p = 0; p < n; ++p) {
        const double u =
            (static_cast<double>(strata[p]) + stream.uniform()) / static_cast<double>(n);
        layout.points[p][j] = varies[j].lo + (varies[j].hi - varies[j].lo) * u;
      }
    }
  }

  // Every point is a scenario with its overrides, validated before anything runs.
  std::vector<scenario::Scenario> scenarios;
  for (const auto& point : layout.points) {
    std::vector<std::string> o = base_overrides;
    for (std::size_t j = 0; j < varies.size(); ++j)
      o.push_back(varies[j].key + "=" + exact(point[j]));
    scenarios.push_back(scenario::load_scenario_file(*file, o));
  }
  std::vector<engine::Sampler> samplers;
  for (const auto& s : scenarios) samplers.emplace_back(s);
  for (const auto& sampler : samplers) {
    std::vector<std::string> a, b;
    for (const auto& c : sampler.columns()) a.push_back(c.key);
    for (const auto& c : samplers.front().columns()) b.push_back(c.key);
    if (a != b)
      throw UsageError(
          "the points sample different parameters; vary keys that are numbers at every point");
  }
  // A shard computes a slice of the points (all their runs): rows [p0 R, p1 R) of the sweep.
  std::size_t p0 = 0, p1 = scenarios.size();
  std::string shard;
  // Under mpirun (an MPI build) each rank computes one shard of the points, and rank 0
  // merges them into the output.
  const bool on_ranks = mpi::size() > 1 && !vm.count("shard");
  if (vm.count("shard") || on_ranks) {
    const auto [k, n] = on_ranks
                            ? std::pair<std::uint64_t, std::uint64_t>(mpi::rank() + 1, mpi::size())
                            : parse_shard(vm["shard"].as<std::string>());
    if (n > scenarios.size()) {
      throw UsageError(std::to_string(n) + " shards of " + std::to_string(scenarios.size()) +
                       " points (allowed: at most one shard per point)");
    }
    const auto [first, end] = shard_slice(k, n, scenarios.size());
    p0 = static_cast<std::size_t>(first);
    p1 = static_cast<std::size_t>(end);
    shard = std::to_string(k) + "/" + std::to_string(n);
  }
  std::vector<engine::Point> points;
  for (std::size_t p = p0; p < p1; ++p) points.push_back({&scenarios[p], &samplers[p]});

  engine::RunPlan plan;
  plan.seed = seed;
  if (flags.run_range) {
    throw UsageError("-n A:B: a sweep runs the same runs at every point (allowed: -n N)");
  }
  plan.count = flags.runs.value_or(base.runs);
  plan.first_point = p0;
  layout.runs_per_point = plan.count;
  const std::string shard_name = shard.empty() ? ""
                                               : ".shard-" + shard.substr(0, shard.find('/')) +
                                                     "-of-" + shard.substr(shard.find('/') + 1);
  const std::string final_output = flags.output.empty()
                                       ? base.name + "-sweep" + (on_ranks ? "" : shard_name) + ".h5"
                                       : flags.output;
  if (!flags.force && io::file_exists(final_output))
    throw UsageError(final_output + ": file exists (use --force to overwrite it)");
  const std::string output =
      on_ranks ? rank_file(final_output, mpi::rank(), mpi::size()) : final_output;
  io::RunsFileOptions file_options;
  file_options.command_line = command_line;
  file_options.seed = plan.seed;
  file_options.runs = plan.count * points.size();
  file_options.compress = flags.compress;
  file_options.overwrite = flags.force ? io::Overwrite::allow : io::Overwrite::refuse;
  file_options.sweep = layout;
  if (!shard.empty()) {
    file_options.first_run = p0 * plan.count;
    file_options.runs_total = scenarios.size() * plan.count;
    file_options.shard = shard;
  }
  if (on_ranks) file_options.overwrite = io::Overwrite::allow;
  const bool quiet = flags.quiet || on_ranks;
  auto compute = [&]() -> int {
    io::RunsFile out(output, base, samplers.front().columns(), file_options);
    const InterruptGuard interrupt;

    Progress progress(file_options.runs, !quiet);
    std::vector<engine::Summary> per_point;
    std::optional<engine::SummaryBuilder> current;
    std::uint64_t done = 0;
    engine::EngineOptions options;
    options.threads = flags.threads;
    options.cancel = interrupt.flag();
    options.sink = [&](const engine::RunBlock& block) {
      out.write(block);
      done += block.count;
      progress.update(done);
      if (!shard.empty()) return;             // the merge computes the grid from every point
      if (block.point != per_point.size()) {  // a new point: the previous one is complete
        per_point.push_back(current->finish());
        current.reset();
      }
      if (!current) current.emplace(scenarios[block.point]);
      current->add(block);
    };
    engine::run_points(points, plan, options);
    progress.finish();
    if (done < file_options.runs) {
      // Interrupted: the finished rows are kept (each with its done flag); a sweep's grid
      // needs every point, so it is left out.
      const std::string partial = out.commit_partial(done);
      std::cerr << "parley sweep: interrupted by " << interrupt.signal_name() << ": " << done
                << " of " << file_options.runs << " runs finished and kept in " << partial
                << " (a sweep is not resumed: run it again, or use its finished rows)\n";
      return kExitInterrupted;
    }
    if (!shard.empty()) {
      out.commit();
      if (!quiet) {
        std::printf(
            "Shard %s of the sweep of %s: points %zu to %zu of %zu, %llu runs each\n"
            "  output %s\n",
            shard.c_str(), base.name.c_str(), p0, p1 - 1, scenarios.size(),
            static_cast<unsigned long long>(plan.count), output.c_str());
      }
      return kExitOk;
    }
    per_point.push_back(current->finish());
    out.write_grid(per_point);
    out.commit();

    if (!quiet) {
      std::printf("Sweep of %s: %zu points x %llu runs (%s design, common random numbers)\n\n",
                  base.name.c_str(), points.size(), static_cast<unsigned long long>(plan.count),
                  design.c_str());
      for (const auto& key : layout.keys) std::printf("  %-28s", key.c_str());
      std::printf("  P(agreement)  95%% interval        median round\n");
      for (std::size_t p = 0; p < points.size(); ++p) {
        for (double v : layout.points[p]) std::printf("  %-28.6g", v);
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
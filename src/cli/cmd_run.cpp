#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>

#include "arguments.hpp"
#include "commands.hpp"
#include "parley/engine/engine.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/scenario/load.hpp"
#include "progress.hpp"

namespace parley::cli {

namespace po = boost::program_options;

namespace {

struct RunOptions {
  std::string scenario_path;
  std::vector<std::string> overrides;
  RunFlags flags;
  std::optional<std::uint64_t> only_run;
  std::uint64_t trace = 0;
};

std::optional<RunOptions> parse(const std::vector<std::string>& args) {
  po::options_description visible(
      "parley run FILE [options] — run a scenario and write its outcome distributions to HDF5");
  add_run_flags(visible, RunsFlag::accepted, CompressFlag::accepted,
                "number of runs (default: the scenario's [run] runs)",
                "output file (default: <scenario name>.h5)");
  auto add = visible.add_options();
  add("trace", po::value<std::int64_t>(), "store the round-by-round history of the first K runs");
  add("only-run", po::value<std::int64_t>(),
      "replay run I alone (as in a full run with the same seed) and print its rounds; writes a "
      "file only with -o");
  po::variables_map vm;
  const auto file = parse_with_file(args, visible, vm);
  if (!file) return std::nullopt;
  RunOptions o;
  o.scenario_path = *file;
  o.overrides = overrides(vm);
  o.flags = read_run_flags(vm);
  if (vm.count("trace")) {
    const auto k = vm["trace"].as<std::int64_t>();
    if (k < 0)
      throw UsageError("--trace: " + std::to_string(k) + " is out of range (allowed: >= 0)");
    o.trace = static_cast<std::uint64_t>(k);
  }
  if (vm.count("only-run")) {
    const auto i = vm["only-run"].as<std::int64_t>();
    if (i < 0)
      throw UsageError("--only-run: " + std::to_string(i) + " is out of range (allowed: >= 0)");
    if (vm.count("runs")) throw UsageError("--only-run replays one run: it takes no --runs");
    o.only_run = static_cast<std::uint64_t>(i);
  }
  return o;
}

}  // namespace

int cmd_run(const std::vector<std::string>& args, const std::string& command_line) {
  const auto options = parse(args);
  if (!options) return kExitOk;
  const scenario::Scenario s =
      scenario::load_scenario_file(options->scenario_path, options->overrides);
  // A replay (--only-run) prints its rounds and writes a file only when asked to.
  const bool replay = options->only_run.has_value();
  const bool write_file = !replay || !options->flags.output.empty();
  const std::string output = options->flags.output.empty() ? s.name + ".h5" : options->flags.output;
  if (write_file && !options->flags.force && io::file_exists(output)) {
    throw UsageError(output + ": file exists (use --force to overwrite it)");
  }

  const engine::Sampler sampler(s);
  engine::RunPlan plan;
  plan.seed = options->flags.seed.value_or(s.seed);
  plan.first = replay ? *options->only_run : 0;
  plan.count = replay ? 1 : options->flags.runs.value_or(s.runs);
  plan.trace_runs = replay ? *options->only_run + 1 : options->trace;
  std::optional<io::RunsFile> file;
  if (write_file) {
    io::RunsFileOptions file_options;
    file_options.command_line = command_line;
    file_options.seed = plan.seed;
    file_options.runs = plan.count;
    file_options.compress = options->flags.compress;
    file_options.overwrite = options->flags.force ? io::Overwrite::allow : io::Overwrite::refuse;
    file.emplace(output, s, sampler.columns(), file_options);
  }
  engine::SummaryBuilder summary(s);
  std::vector<std::string> issue_ids;
  for (const auto& issue : s.issues) issue_ids.push_back(issue.id);
  engine::SensitivityBuilder sensitivity(sampler.columns().size(), issue_ids);
  Progress progress(plan.count, !options->flags.quiet && !replay);
  std::uint64_t done = 0;
  std::optional<engine::RunBlock> replayed;

  engine::EngineOptions engine_options;
  engine_options.threads = options->flags.threads;
  engine_options.sink = [&](const engine::RunBlock& block) {
    if (file) file->write(block);
    if (replay) replayed = block;
    summary.add(block);
    sensitivity.add(block);
    done += block.count;
    progress.update(done);
  };
  const auto start = std::chrono::steady_clock::now();
  engine::run_plan(s, sampler, plan, engine_options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.finish();

  engine::Summary result = summary.finish();
  result.wall_seconds = seconds;
  result.runs_per_second = seconds > 0 ? static_cast<double>(result.runs) / seconds : 0.0;
  const engine::Sensitivity drivers = sensitivity.finish();
  if (file) {
    file->flush();
    result.write_seconds = file->write_seconds();
    file->write_summary(result);
    file->write_sensitivity(drivers);
    file->commit();
  }
  if (replay && replayed && !replayed->traces.empty()) {
    std::cout << format_trace(s, plan.first, *replayed, replayed->traces.front().second);
  } else if (!options->flags.quiet) {
    std::cout << format_summary(s, result) << format_sensitivity(sampler.columns(), drivers, 8);
  }
  if (file && !options->flags.quiet) std::cout << "  output " << output << "\n";
  return kExitOk;
}

}  // namespace parley::cli

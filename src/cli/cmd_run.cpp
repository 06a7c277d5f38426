#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>

#include "arguments.hpp"
#include "commands.hpp"
#include "host.hpp"
#include "interrupt.hpp"
#include "mpi.hpp"
#include "parley/engine/engine.hpp"
#include "parley/engine/shards.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/partial_file.hpp"
#include "parley/io/runs_file.hpp"
#include "parley/io/stored_runs.hpp"
#include "parley/scenario/load.hpp"
#include "posterior_input.hpp"
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
  std::optional<std::string> resume;     // an interrupted run's .partial file
  std::optional<std::string> posterior;  // a parley calibrate file to draw parameters from
  std::optional<std::pair<std::uint64_t, std::uint64_t>> shard;  // K/N (1-based K)
};

std::optional<RunOptions> parse(const std::vector<std::string>& args) {
  po::options_description visible(
      "parley run FILE [options] — run a scenario and write its outcome distributions to HDF5\n"
      "parley run --resume OUTPUT.partial [--threads T] — finish an interrupted run");
  add_run_flags(visible, RunsFlag::accepted, CompressFlag::accepted,
                "number of runs (default: the scenario's [run] runs)",
                "output file (default: <scenario name>.h5)");
  auto add = visible.add_options();
  add("trace", po::value<std::int64_t>(), "store the round-by-round history of the first K runs");
  add("only-run", po::value<std::int64_t>(),
      "replay run I alone (as in a full run with the same seed) and print its rounds; writes a "
      "file only with -o");
  add("shard", po::value<std::string>(),
      "compute shard K of N only (runs [(K-1)R/N, KR/N) of R), into a file `parley merge` "
      "joins; or give the runs directly with -n A:B");
  add("posterior", po::value<std::string>(),
      "draw each run's sampled parameters from this parley calibrate file's last generation "
      "(posterior predictive runs) rather than from the scenario's distributions");
  add("resume", po::value<std::string>(),
      "finish the interrupted run kept in this .partial file (same scenario, seed and runs); the "
      "result is the file an uninterrupted run would have written");
  po::variables_map vm;
  const auto file = parse_with_file(args, visible, vm, Overrides::accepted, "resume");
  if (!file) return std::nullopt;
  RunOptions o;
  o.scenario_path = *file;
  o.overrides = overrides(vm);
  o.flags = read_run_flags(vm);
  if (vm.count("resume")) {
    // What was run is in the partial file; only how to finish it may be chosen.
    for (const char* fixed :
         {"runs", "seed", "set", "trace", "only-run", "compress", "shard", "posterior"}) {
      if (vm.count(fixed) && !vm[fixed].defaulted()) {
        throw UsageError(std::string("--resume takes the --") + fixed +
                         " of the interrupted run (allowed with --resume: --threads, --output, "
                         "--force, --quiet)");
      }
    }
    if (!o.scenario_path.empty()) {
      throw UsageError("--resume takes no scenario FILE (the partial file holds the scenario)");
    }
    o.resume = vm["resume"].as<std::string>();
    return o;
  }
  if (vm.count("posterior")) o.posterior = vm["posterior"].as<std::string>();
  if (vm.count("shard")) {
    o.shard = parse_shard(vm["shard"].as<std::string>());
    if (o.flags.run_range) throw UsageError("--shard and -n A:B both choose the runs: give one");
  }
  if ((o.shard || o.flags.run_range) && vm.count("only-run")) {
    throw UsageError("--only-run replays one run: it takes no --shard or -n A:B");
  }
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

// One `parley run`: what to run (the header's plan), where to write it, and (when resuming)
// the runs already done.
struct Job {
  explicit Job(const scenario::Scenario& s) : scenario(s) {}
  const scenario::Scenario& scenario;
  io::RunHeader header;  // the file's header; header.plan() is what runs
  bool replay = false;
  bool write_file = true;
  std::string output;
  io::Overwrite overwrite = io::Overwrite::refuse;
  const io::PartialRun* resumed = nullptr;
  int threads = 0;
  bool quiet = false;
};

int execute(Job job) {
  const scenario::Scenario& s = job.scenario;
  engine::Sampler sampler(s);
  if (job.header.posterior)
    apply_posterior(sampler, *job.header.posterior, job.header.posterior_source);
  const InterruptGuard interrupt;
  std::optional<io::RunsFile> file;
  if (job.write_file) file.emplace(job.output, s, sampler.columns(), job.header, job.overwrite);
  engine::SummaryBuilder summary(s);
  std::vector<std::string> issue_ids;
  for (const auto& issue : s.issues) issue_ids.push_back(issue.id);
  engine::SensitivityBuilder sensitivity(sampler.columns().size(), issue_ids);
  engine::RunPlan plan = job.header.plan();
  const std::uint64_t total = plan.count;
  Progress progress(total, !job.quiet && !job.replay);
  std::uint64_t done = 0;
  std::optional<engine::RunBlock> replayed;

  engine::EngineOptions engine_options;
  engine_options.threads = job.threads;
  engine_options.cancel = interrupt.flag();
  engine_options.sink = [&](const engine::RunBlock& block) {
    if (file) file->write(block);
    if (job.replay) replayed = block;
    summary.add(block);
    sensitivity.add(block);
    done += block.count;
    progress.update(done);
  };
  const auto start = std::chrono::steady_clock::now();
  if (job.resumed) {
    // The finished runs, read back in the engine's blocks; the plan goes on after them.
    const io::StoredHeader& h = job.resumed->header;
    io::replay_stored(s, sampler,
                      {h.path, 0, plan.first, h.runs_done, plan.seed, plan.trace_runs, 0},
                      engine_options.block_runs, engine_options.sink);
    plan.first += h.runs_done;
    plan.count -= h.runs_done;
  }
  engine::run_plan(s, sampler, plan, engine_options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.finish();
  const bool interrupted = !job.replay && done < total;

  engine::Summary result = summary.finish();
  result.wall_seconds = seconds;
  result.runs_per_second = seconds > 0 ? static_cast<double>(result.runs) / seconds : 0.0;
  const engine::Sensitivity drivers = sensitivity.finish();
  if (file) {
    file->flush();
    result.write_seconds = file->write_seconds();
    file->write_summary(result);
    file->write_sensitivity(drivers);
    if (interrupted) {
      const std::string partial = file->commit_partial(done);
      std::cerr << "parley run: interrupted by " << interrupt.signal_name() << ": " << done
                << " of " << total << " runs finished and kept in " << partial
                << " (finish them with: parley run --resume " << partial << ")\n";
      return kExitInterrupted;
    }
    file->commit();
    if (job.resumed) std::remove(job.resumed->header.path.c_str());
  } else if (interrupted) {
    std::cerr << "parley run: interrupted by " << interrupt.signal_name() << "\n";
    return kExitInterrupted;
  }
  if (job.replay && replayed && !replayed->traces.empty()) {
    std::cout << format_trace(s, job.header.first(), *replayed, replayed->traces.front().second);
  } else if (!job.quiet) {
    std::cout << format_summary(s, result) << format_sensitivity(sampler.columns(), drivers, 8);
    if (job.header.posterior) {
      std::cout << "\n  Posterior runs: parameters drawn from " << job.header.posterior_source
                << "\n";
    }
  }
  if (file && !job.quiet) std::cout << "  output " << job.output << "\n";
  return kExitOk;
}

// Under mpirun: rank r computes shard r+1 of P into OUTPUT.rank-r-of-P.h5, and once every
// rank has finished, rank 0 merges the shards into OUTPUT (the single-process file) and
// removes them. The exit code is the worst over the ranks.
int run_on_ranks(Job job, const std::string& command_line) {
  const auto p = static_cast<std::uint64_t>(mpi::size());
  const auto r = static_cast<std::uint64_t>(mpi::rank());
  const std::uint64_t whole = job.header.whole();
  if (p > whole) {
    throw UsageError(std::to_string(p) + " ranks for " + std::to_string(whole) +
                     " runs (allowed: at most one rank per run)");
  }
  const std::string output = job.output;
  const bool quiet = job.quiet;
  const engine::Selection shard = engine::select_shard(r + 1, p, whole);
  io::RunHeader header = io::RunHeader::of_plan(
      {job.header.seed, shard.runs.first, shard.runs.end - shard.runs.first, job.header.trace_runs},
      whole, shard.label);
  header.command_line = job.header.command_line;
  header.compress = job.header.compress;
  job.header = header;
  job.overwrite = io::Overwrite::allow;
  job.output = rank_file(output, mpi::rank(), mpi::size());
  job.quiet = true;
  return merge_on_ranks("run", output, command_line, quiet,
                        [&job] { return execute(std::move(job)); });
}

int resume(const RunOptions& options) {
  const io::PartialRun partial = [&] {
    try {
      return io::read_partial(*options.resume);
    } catch (const io::InvalidFile& e) {
      throw UsageError(std::string("--resume: ") + e.what());
    }
  }();
  // The scenario exactly as it was run (overrides already merged into the stored text).
  scenario::Scenario s =
      scenario::load_scenario_text(partial.header.scenario_toml, partial.header.path, {});
  s.overrides = partial.header.overrides;
  Job job(s);
  job.output = options.flags.output.empty() ? partial.target : options.flags.output;
  // The finished file replaces the partial only once written; onto the partial's own path it
  // would be removed with it.
  refuse_output_among_inputs(job.output, {{partial.header.path, "the partial file resumed"}});
  if (!options.flags.force && io::file_exists(job.output)) {
    throw UsageError(job.output + ": file exists (use --force to overwrite it)");
  }
  job.header = partial.header;  // the interrupted run's, command line included
  refuse_rows_beyond_host(job.header.plan().count);
  job.overwrite = options.flags.force ? io::Overwrite::allow : io::Overwrite::refuse;
  job.resumed = &partial;
  job.threads = options.flags.threads;
  job.quiet = options.flags.quiet;
  return execute(std::move(job));
}

}  // namespace

int cmd_run(const std::vector<std::string>& args, const std::string& command_line) {
  const auto options = parse(args);
  if (!options) return kExitOk;
  if (options->resume) return resume(*options);
  const scenario::Scenario s =
      scenario::load_scenario_file(options->scenario_path, options->overrides);
  Job job(s);
  // A replay (--only-run I) computes run I alone, as runs I:I+1 of the run; it prints its
  // rounds and writes a file only when asked to.
  job.replay = options->only_run.has_value();
  job.write_file = !job.replay || !options->flags.output.empty();
  const std::uint64_t whole = options->flags.runs.value_or(s.runs);
  engine::Selection selection = engine::select_all(whole);
  if (options->shard) {
    selection = engine::select_shard(options->shard->first, options->shard->second, whole);
  } else if (options->flags.run_range) {
    selection =
        engine::select_range(options->flags.run_range->first, options->flags.run_range->second);
  }
  job.output = options->flags.output.empty() ? s.name + selection.file_suffix + ".h5"
                                             : options->flags.output;
  if (job.write_file) {
    refuse_output_among_inputs(job.output,
                               {{options->scenario_path, "the scenario being run"},
                                {options->posterior.value_or(""), "the posterior file"}});
  }
  if (job.write_file && !options->flags.force && io::file_exists(job.output)) {
    throw UsageError(job.output + ": file exists (use --force to overwrite it)");
  }
  // An interrupted run leaves OUT.partial: a fresh run must not overwrite an earlier one's.
  if (job.write_file && !options->flags.force && io::file_exists(job.output + ".partial")) {
    throw UsageError(job.output +
                     ".partial: an interrupted run's finished runs are there (resume "
                     "them with --resume " +
                     job.output + ".partial, or use --force to start afresh)");
  }
  std::uint64_t trace_runs = options->trace;
  if (job.replay) {
    selection = engine::select_range(*options->only_run, *options->only_run + 1);
    trace_runs = *options->only_run + 1;
  }
  const engine::RunPlan plan{options->flags.seed.value_or(s.seed), selection.runs.first,
                             selection.runs.end - selection.runs.first, trace_runs};
  job.header = io::RunHeader::of_plan(plan, selection.whole, selection.label);
  refuse_rows_beyond_host(plan.count);
  job.header.command_line = command_line;
  job.header.compress = options->flags.compress;
  if (options->posterior) {
    // Posterior predictive runs: the calibrated population goes into the file's header whole.
    PosteriorInput post = read_posterior_input(*options->posterior);
    job.header.posterior = std::move(post.population);
    job.header.posterior_source = std::move(post.source);
  }
  job.overwrite = options->flags.force ? io::Overwrite::allow : io::Overwrite::refuse;
  job.threads = options->flags.threads;
  job.quiet = options->flags.quiet;
  if (mpi::size() > 1 && !job.replay && options->shard) {
    throw UsageError("under mpirun each rank computes its own shard: give no --shard");
  }
  if (mpi::size() > 1 && !job.replay && !options->flags.run_range) {
    return run_on_ranks(std::move(job), command_line);
  }
  return execute(std::move(job));
}

}  // namespace parley::cli

// parley calibrate: the scenario's sampled parameters conditioned on observations of the talks
// (ABC-SMC; docs/model.md, "Calibration").
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>

#include "arguments.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "mpi.hpp"
#include "parley/engine/population.hpp"
#include "parley/engine/study/calibrate.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/posterior_file.hpp"
#include "parley/scenario/load.hpp"
#include "parley/scenario/observations.hpp"
#include "progress.hpp"

namespace parley::cli {

namespace po = boost::program_options;

int cmd_calibrate(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description visible(
      "parley calibrate FILE --observed OBS.toml -o POST.h5 — the sampled parameters given what "
      "was observed (ABC-SMC)\n"
      "parley calibrate --resume POST.h5 [--generations G --budget B --target T] — go on from "
      "the generations a calibration kept");
  add_run_flags(visible, RunsFlag::none, CompressFlag::none, "",
                "output file (default: <scenario name>-posterior.h5; with --resume, the file "
                "resumed)");
  auto add = visible.add_options();
  add("observed", po::value<std::string>(), "observations file (TOML)");
  add("particles", po::value<std::int64_t>()->default_value(1000), "particles per generation");
  add("target", po::value<double>()->default_value(0.0),
      "stop once the tolerance is at or below this distance");
  add("quantile", po::value<double>()->default_value(0.5),
      "each tolerance is this quantile of the last generation's distances");
  add("min-acceptance", po::value<double>()->default_value(0.01),
      "stop after a generation that accepts a smaller share of its steps");
  add("budget", po::value<std::int64_t>()->default_value(1000000), "simulations in all, at most");
  add("generations", po::value<int>()->default_value(30), "generations, at most");
  add("resume", po::value<std::string>(),
      "go on from the generations kept in this posterior file (an interrupted calibration, or "
      "a finished one with a larger --generations, --budget or a lower --target)");
  po::variables_map vm;
  const auto file = parse_with_file(args, visible, vm, Overrides::accepted, "resume");
  if (!file) return kExitOk;
  const bool resuming = vm.count("resume") > 0;
  auto given = [&](const char* flag) { return vm.count(flag) && !vm[flag].defaulted(); };
  if (resuming) {
    for (const char* fixed : {"observed", "particles", "quantile", "seed", "set"}) {
      if (given(fixed)) {
        throw UsageError(std::string("--resume takes the --") + fixed +
                         " of the calibration it goes on from (allowed with --resume: "
                         "--generations, --budget, --target, --min-acceptance, --threads, "
                         "--output, --force, --quiet)");
      }
    }
    if (!file->empty())
      throw UsageError("--resume takes no scenario FILE (the posterior file holds the scenario)");
  } else if (!vm.count("observed")) {
    throw UsageError("--observed: missing (required: an observations file)");
  }
  const auto particles = vm["particles"].as<std::int64_t>();
  if (particles < 10 || particles > 1000000)
    throw UsageError("--particles: " + std::to_string(particles) +
                     " is out of range (allowed: 10 to 1000000)");
  const double target = vm["target"].as<double>();
  if (!(target >= 0.0) || !std::isfinite(target))
    throw UsageError("--target: out of range (allowed: a finite distance >= 0)");
  const double quantile = vm["quantile"].as<double>();
  if (!(quantile > 0.0 && quantile < 1.0))
    throw UsageError("--quantile: out of range (allowed: strictly between 0 and 1)");
  const double min_acceptance = vm["min-acceptance"].as<double>();
  if (!(min_acceptance >= 0.0 && min_acceptance < 1.0))
    throw UsageError("--min-acceptance: out of range (allowed: 0 <= A < 1)");
  const auto budget = vm["budget"].as<std::int64_t>();
  const int generations = vm["generations"].as<int>();
  if (generations < 1 || generations > 1000)
    throw UsageError("--generations: out of range (allowed: 1 to 1000)");
  const RunFlags flags = read_run_flags(vm);

  // A fresh calibration, or the one a posterior file kept (its scenario, observations and
  // settings as run; only how far to go may change).
  std::optional<io::StoredPosterior> kept;
  if (resuming) {
    try {
      kept = io::read_posterior_file(vm["resume"].as<std::string>());
    } catch (const io::InvalidFile& e) {
      throw UsageError(std::string("--resume: ") + e.what());
    }
  }
  const scenario::Scenario s =
      kept ? scenario::load_scenario_text(kept->scenario_toml, kept->path, {})
           : scenario::load_scenario_file(*file, overrides(vm));
  const scenario::Observations observed =
      kept ? scenario::load_observations_text(kept->observations_toml, kept->path, s)
           : scenario::load_observations_file(vm["observed"].as<std::string>(), s);
  engine::CalibrateOptions options;
  if (kept) {
    options = kept->run.options;
    if (given("target")) options.target = target;
    if (given("min-acceptance")) options.min_acceptance = min_acceptance;
    if (given("budget")) options.budget = static_cast<std::uint64_t>(budget);
    if (given("generations")) options.max_generations = generations;
  } else {
    options.particles = static_cast<std::size_t>(particles);
    options.seed = flags.seed.value_or(s.seed);
    options.target = target;
    options.quantile = quantile;
    options.min_acceptance = min_acceptance;
    options.budget = static_cast<std::uint64_t>(budget);
    options.max_generations = generations;
  }
  if (kept) {
    // A calibration only goes on: a budget or a number of generations it has already spent
    // would end it before it started, and rewrite the file as one it cannot be.
    std::uint64_t spent = 0;
    for (const auto& g : kept->calibration.generations) spent += g.simulations;
    if (options.budget <= spent)
      throw UsageError("--budget: " + std::to_string(options.budget) + " simulations, but " +
                       kept->path + " records " + std::to_string(spent) +
                       " already (allowed: more than " + std::to_string(spent) + ")");
    const auto held = kept->calibration.generations.size();
    if (static_cast<std::size_t>(options.max_generations) <= held)
      throw UsageError("--generations: " + std::to_string(options.max_generations) + ", but " +
                       kept->path + " holds " + std::to_string(held) +
                       " already (allowed: more than " + std::to_string(held) + ")");
  }
  if (options.budget < options.particles)
    throw UsageError("--budget: " + std::to_string(options.budget) +
                     " is less than one generation (allowed: at least --particles)");
  const std::string output = !flags.output.empty() ? flags.output
                             : kept                ? kept->path
                                                   : s.name + "-posterior.h5";
  // Resuming writes the file resumed anew (in place, or wherever -o says); no other input is
  // ever an output.
  refuse_output_among_inputs(output, {{file.value_or(""), "the scenario being calibrated"},
                                      {vm.count("observed") ? vm["observed"].as<std::string>() : "",
                                       "the observations file"}});
  const bool in_place = kept && output == kept->path;
  if (!flags.force && !in_place && io::file_exists(output))
    throw UsageError(output + ": file exists (use --force to overwrite it)");
  const engine::Sampler sampler(s);
  if (sampler.scalar_factors() == 0)
    throw UsageError("the scenario samples no scalar parameter: nothing to calibrate");
  {
    // What calibrate makes, posterior runs must be able to store.
    std::vector<std::string> keys = sampler.factors();
    keys.resize(sampler.scalar_factors());
    const std::uint64_t most = engine::most_particles(keys);
    if (options.particles > most)
      throw UsageError("--particles: " + std::to_string(options.particles) + " particles of " +
                       std::to_string(keys.size()) +
                       " parameters are more than the runs of `parley run --posterior` can "
                       "store with them (allowed: at most " +
                       std::to_string(most) + " for this scenario)");
  }
  if (kept) {
    // The particles go on as the scenario's parameters, by name and in order, inside the prior.
    try {
      sampler.check_population(kept->population());
    } catch (const std::invalid_argument& e) {
      throw UsageError("--resume: " + kept->path + ": " + e.what());
    }
  }

  const InterruptGuard interrupt;
  options.threads = flags.threads;
  options.cancel = interrupt.flag();
  // Under mpirun each rank simulates a share of every generation's particles, every rank ends
  // with all of them, and rank 0 reports and writes the file.
  options.share = mpi::share();
  const bool writer = options.share.part == 0;
  const bool quiet = flags.quiet || !writer;
  if (!quiet) {
    std::fprintf(stderr, "%s %zu parameters of %s on %zu observations, %zu particles\n",
                 kept ? "resuming the calibration of" : "calibrating", sampler.scalar_factors(),
                 s.name.c_str(), observed.items.size(), options.particles);
  }
  std::uint64_t total = 0;
  // Within a generation, its particles as they finish (a generation of many particles takes
  // long); the bar or line goes when the generation is done.
  std::optional<Progress> generation_progress;
  int particles_of = -1;
  options.on_particles = [&](int index, std::uint64_t done, std::uint64_t of) {
    if (index != particles_of) {
      generation_progress.emplace(of, !quiet, "particles");
      particles_of = index;
    }
    generation_progress->update(done);
  };
  options.on_generation = [&](const engine::Generation& g) {
    if (generation_progress && particles_of == g.index) {
      generation_progress->finish();
      generation_progress.reset();
    }
    total += g.simulations;
    if (quiet) return;
    // Its own simulations and those of every generation so far (parley info shows both too).
    std::fprintf(stderr,
                 "  generation %2d  tolerance %-10.4g acceptance %6.4f  simulations %llu (%llu in "
                 "all)\n",
                 g.index, g.tolerance, g.acceptance_rate,
                 static_cast<unsigned long long>(g.simulations),
                 static_cast<unsigned long long>(total));
  };
  std::vector<engine::Generation> done;
  if (kept) {
    done = kept->calibration.generations;
    for (const auto& g : done) options.on_generation(g);
  }
  const engine::Calibration c = engine::calibrate(s, sampler, observed, options, std::move(done));
  // The command line of the calibration as first run: a resume only goes on with it.
  // (Under mpirun an interruption of any rank stops every rank's calibration.)
  const bool interrupted = interrupt.interrupted() || c.stopped == "interrupted";
  io::PosteriorRun run{kept ? kept->run.command_line : command_line, options, !interrupted};
  if (!writer) return interrupted ? kExitInterrupted : kExitOk;
  if (!c.generations.empty()) {
    io::write_posterior_file(
        output, s, observed, c, run,
        flags.force || in_place ? io::Overwrite::allow : io::Overwrite::refuse);
  }
  if (interrupted) {
    std::fprintf(stderr, "parley calibrate: %s: %zu generations finished%s\n",
                 interrupt.interrupted() ? interrupt.signal_name() : "interrupted on another rank",
                 c.generations.size(),
                 c.generations.empty() ? ", nothing written"
                                       : (", kept in " + output +
                                          " (go on with: parley calibrate --resume " + output + ")")
                                             .c_str());
    return kExitInterrupted;
  }
  if (!flags.quiet) {
    std::printf("stopped: %s\n", c.stopped.c_str());
    const engine::Generation& last = c.generations.back();
    std::printf("posterior: generation %d, tolerance %.4g, %llu simulations in all\n", last.index,
                last.tolerance, static_cast<unsigned long long>(total));
    std::printf("  output %s\n", output.c_str());
  }
  return kExitOk;
}

}  // namespace parley::cli

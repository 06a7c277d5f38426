// libFuzzer target: the bytes of a file Parley reads back (a runs, partial, sweep, Sobol or
// posterior file), through the code paths of `parley info`, `status`, `merge`, `run --resume`
// and `run --posterior`.
//
// The input is written to a temporary file, then read as `info` reads it (read_file_info,
// read_sobol_info),
// checked as `status` and `merge` check a shard (read_run_header, check_mergeable), merged
// when it passes (merge_shards, to a temporary output), and read as `--resume` reads a partial
// file before computing the rest (read_partial, the stored scenario loaded, replay_stored over
// the finished runs, from its posterior population if it has one), and read as `--posterior`
// reads a calibration (read_posterior_file, its scenario loaded, its population given to that
// scenario's sampler, a few runs drawn). Expected outcome for any input: the file is read, or
// refused with io::InvalidFile / io::IoError / engine::PlanError / scenario::ScenarioError (the
// messages `parley` prints, exit 1 or 2). Any other exception, a crash or a sanitizer report is a
// finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "parley/engine/sampler.hpp"
#include "parley/engine/shards.hpp"
#include "parley/io/atomic_file.hpp"
#include "parley/io/file_info.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/merge.hpp"
#include "parley/io/partial_file.hpp"
#include "parley/io/posterior_file.hpp"
#include "parley/io/run_header.hpp"
#include "parley/io/stored_runs.hpp"
#include "parley/scenario/diagnostics.hpp"
#include "parley/scenario/load.hpp"
#include "parley/scenario/observations.hpp"

namespace {

// One folder for the process, removed at exit.
struct Folder {
  std::string path;
  Folder() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/parley-fuzz-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!mkdtemp(buffer.data())) std::abort();
    path = buffer.data();
  }
  ~Folder() {
    for (const char* name : {"/in.h5", "/in.h5.partial", "/merged.h5"}) {
      std::remove((path + name).c_str());
    }
    rmdir(path.c_str());
  }
};

template <typename Step>
void refused_or_read(Step&& step) {
  try {
    step();
  } catch (const parley::io::IoError&) {  // InvalidFile included
  } catch (const parley::engine::PlanError&) {
  } catch (const parley::scenario::ScenarioError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace io = parley::io;
  static const Folder folder;
  // The name decides nothing but the resumed output's default name: use the partial's.
  const std::string path = folder.path + "/in.h5.partial";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
  }
  refused_or_read([&] { (void)io::read_file_info(path); });
  refused_or_read([&] { (void)io::read_sobol_info(path); });
  refused_or_read([&] {
    const io::StoredHeader h = io::read_run_header(path);
    io::check_mergeable({h});
    // Bounded, so that every input stays fast.
    if (h.whole() <= 4096) {
      io::merge_shards(folder.path + "/merged.h5", {h}, "fuzz", io::Overwrite::allow);
    }
  });
  refused_or_read([&] {
    const io::PartialRun partial = io::read_partial(path);
    const parley::scenario::Scenario s =
        parley::scenario::load_scenario_text(partial.header.scenario_toml, path, {});
    if (partial.header.runs_done > 4096) return;
    parley::engine::Sampler sampler(s);
    io::use_stored_population(partial.header, sampler);
    io::StoredRuns runs;
    runs.path = path;
    runs.first = partial.header.first();
    runs.count = partial.header.runs_done;
    runs.seed = partial.header.seed;
    runs.trace_runs = partial.header.trace_runs;
    io::replay_stored(s, sampler, runs, 256, [](const parley::engine::RunBlock&) {});
  });
  refused_or_read([&] {
    const io::StoredPosterior post = io::read_posterior_file(path);
    const parley::scenario::Scenario s =
        parley::scenario::load_scenario_text(post.scenario_toml, path, {});
    (void)parley::scenario::load_observations_text(post.observations_toml, path, s);
    parley::engine::Sampler sampler(s);
    try {
      sampler.use_population(post.population());  // `parley run` refuses what this refuses
    } catch (const std::invalid_argument&) {
      return;
    }
    parley::protocol::Realization r;
    std::vector<double> recorded(sampler.columns().size());
    for (std::uint64_t run = 0; run < 4; ++run)
      sampler.sample(post.run.options.seed, run, r, recorded.data());
  });
  std::remove((folder.path + "/merged.h5").c_str());
  return 0;
}

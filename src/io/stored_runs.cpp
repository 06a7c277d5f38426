#include "parley/io/stored_runs.hpp"

#include <algorithm>
#include <vector>

#include "parley/engine/engine.hpp"
#include "parley/io/partial_file.hpp"

namespace parley::io {

void replay_stored(const scenario::Scenario& s, const engine::Sampler& sampler,
                   const StoredRuns& runs, std::size_t block_runs,
                   const std::function<void(const engine::RunBlock&)>& sink) {
  io::RunsReader reader(runs.path, s, sampler);
  engine::RunBlock scratch;
  scratch.resize(1, s.agents.size(), s.issues.size(), sampler.columns().size(), s.shocks.size());
  for (std::uint64_t local = 0; local < runs.count; local += block_runs) {
    engine::RunBlock b;
    b.point = runs.point;
    b.first = runs.first + local;
    b.resize(static_cast<std::size_t>(std::min<std::uint64_t>(block_runs, runs.count - local)),
             s.agents.size(), s.issues.size(), sampler.columns().size(), s.shocks.size());
    reader.read(b, runs.file_row + local);
    for (std::uint64_t run = b.first; run < b.first + b.count && run < runs.trace_runs; ++run) {
      protocol::Trace trace;
      engine::compute_run(s, sampler, runs.seed, run, scratch, 0, &trace);
      b.traces.emplace_back(run, std::move(trace));
    }
    sink(b);
  }
}

}  // namespace parley::io

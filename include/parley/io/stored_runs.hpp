#pragma once
// Runs already stored in a parley-runs file (an interrupted run's .partial, a shard), handed
// on as the engine would: in blocks, in run order, with the rounds of traced runs computed
// again (a run is a pure function of its seed and index).
#include <cstdint>
#include <functional>
#include <string>

#include "parley/engine/run_block.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::io {

struct StoredRuns {
  std::string path;
  std::uint64_t file_row = 0;  // the file row of run `first`
  std::uint64_t first = 0;     // the runs to hand on: [first, first + count)
  std::uint64_t count = 0;
  std::uint64_t seed = 0;
  std::uint64_t trace_runs = 0;
  std::size_t point = 0;  // a sweep's point (blocks carry it)
};

void replay_stored(const scenario::Scenario& scenario, const engine::Sampler& sampler,
                   const StoredRuns& runs, std::size_t block_runs,
                   const std::function<void(const engine::RunBlock&)>& sink);

}  // namespace parley::io

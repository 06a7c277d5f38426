#pragma once
// The parallel Monte Carlo loop. Runs are computed in blocks on worker threads
// and handed to a sink strictly in run-index order, one block at a time, so every
// output and reduction is the same for any thread count.
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "parley/engine/run_block.hpp"
#include "parley/engine/sampler.hpp"
#include "parley/protocol/run_context.hpp"

namespace parley::engine {

struct RunPlan {
  std::uint64_t seed = 1;
  std::uint64_t first = 0;  // run indices [first, first + count)
  std::uint64_t count = 0;
  std::uint64_t trace_runs = 0;  // runs with an index below this record their rounds
  std::size_t first_point = 0;   // run_points: blocks carry point first_point + i for points[i]
};

struct EngineOptions {
  int threads = 0;               // 0: all hardware threads
  std::size_t block_runs = 256;  // runs per work item
  // Called in order, on one thread at a time, with each finished block.
  std::function<void(const RunBlock&)> sink;
  // Checked between blocks; when set, no new block is started.
  const std::atomic<bool>* cancel = nullptr;
};

// The streams of run `run`: the battlefield, the mediator's noise, recognition, the
// particles of beliefs and whether a deal breaks down, each keyed by (seed, run, its purpose).
protocol::RunStreams run_streams(std::uint64_t seed, std::uint64_t run);

// Computes run `run` into row `row` of `block` (a pure function of seed and run), and its
// rounds into `trace` unless that is null. False when `cancel` was set during the run, which
// then stopped at the start of a round: the row is not a result, and must not be delivered.
bool compute_run(const scenario::Scenario& scenario, const Sampler& sampler, std::uint64_t seed,
                 std::uint64_t run, RunBlock& block, std::size_t row,
                 protocol::Trace* trace = nullptr, const std::atomic<bool>* cancel = nullptr);

// Returns the number of runs handed to the sink (all of them unless cancelled).
std::uint64_t run_plan(const scenario::Scenario& scenario, const Sampler& sampler,
                       const RunPlan& plan, const EngineOptions& options);

// A sweep point: the scenario with that point's overrides, and its sampler.
struct Point {
  const scenario::Scenario* scenario;
  const Sampler* sampler;
};
// The plan's runs at every point, point after point (blocks carry their point). Run i
// draws the same random numbers at every point: differences between points are not noise.
std::uint64_t run_points(const std::vector<Point>& points, const RunPlan& plan,
                         const EngineOptions& options);

}  // namespace parley::engine

#include "parley/engine/engine.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <utility>

#include "parley/engine/purposes.hpp"
#include "parley/protocol/diagnostics.hpp"
#include "parley/protocol/run_context.hpp"

// oneTBB is not built with ThreadSanitizer, so the ordering its pipeline guarantees (a block
// is filled before it is computed, computed before it is delivered, and the serial stages run
// one at a time) is invisible to it. Under TSan the engine declares these hand-offs itself;
// elsewhere the annotations compile to nothing.
#if defined(__SANITIZE_THREAD__)
#define PARLEY_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PARLEY_TSAN 1
#endif
#endif
#ifdef PARLEY_TSAN
#include <sanitizer/tsan_interface.h>
#define PARLEY_HANDOFF_RELEASE(p) __tsan_release(const_cast<void*>(static_cast<const void*>(p)))
#define PARLEY_HANDOFF_ACQUIRE(p) __tsan_acquire(const_cast<void*>(static_cast<const void*>(p)))
// TSan's dynamic annotations: reads between Begin and End are not checked.
extern "C" void AnnotateIgnoreReadsBegin(const char* file, int line);
extern "C" void AnnotateIgnoreReadsEnd(const char* file, int line);
#define PARLEY_UNCHECKED_READ(to, from)           \
  do {                                            \
    AnnotateIgnoreReadsBegin(__FILE__, __LINE__); \
    to = from;                                    \
    AnnotateIgnoreReadsEnd(__FILE__, __LINE__);   \
  } while (false)
#else
#define PARLEY_HANDOFF_RELEASE(p) static_cast<void>(p)
#define PARLEY_HANDOFF_ACQUIRE(p) static_cast<void>(p)
#define PARLEY_UNCHECKED_READ(to, from) to = from
#endif

namespace parley::engine {

namespace {
// The hand-off of what the caller set up to the pipeline's stages. A token outside the stages'
// closures: acquiring it is the first thing a stage does, before it reads a capture, which the
// calling thread wrote when it built the pipeline (and TSan cannot see TBB order).
const int kSetup = 0;

// Per-thread state reused from run to run.
struct ThreadState {
  protocol::Realization realization;
  protocol::Workspace workspace;
  protocol::RunResult result;
};

const std::uint32_t kBattlefieldStream = random::purpose_id(purpose::battlefield);
const std::uint32_t kMediatorStream = random::purpose_id(purpose::mediator);
const std::uint32_t kRecognitionStream = random::purpose_id(purpose::recognition);
const std::uint32_t kBeliefStream = random::purpose_id(purpose::beliefs);
const std::uint32_t kDurabilityStream = random::purpose_id(purpose::durability);
const std::uint32_t kTalksStream = random::purpose_id(purpose::talks);
const std::uint32_t kRatificationStream = random::purpose_id(purpose::ratification);
const std::uint32_t kChallengeStream = random::purpose_id(purpose::challenges);
}  // namespace

protocol::RunStreams run_streams(std::uint64_t seed, std::uint64_t run) {
  return {
      random::Stream(seed, run, kBattlefieldStream),  random::Stream(seed, run, kMediatorStream),
      random::Stream(seed, run, kRecognitionStream),  random::Stream(seed, run, kBeliefStream),
      random::Stream(seed, run, kDurabilityStream),   random::Stream(seed, run, kTalksStream),
      random::Stream(seed, run, kRatificationStream), random::Stream(seed, run, kChallengeStream)};
}

bool compute_run(const scenario::Scenario& scenario, const Sampler& sampler, std::uint64_t seed,
                 std::uint64_t run, RunBlock& block, std::size_t row, protocol::Trace* trace,
                 const std::atomic<bool>* cancel) {
  thread_local ThreadState state;
  sampler.sample(seed, run, state.realization, block.parameters.data() + row * block.sampled);
  protocol::RunStreams streams = run_streams(seed, run);
  protocol::RunResult& res = state.result;
  state.workspace.cancel = cancel;
  state.workspace.cut_short = false;
  protocol::negotiate({sampler.setting(), state.realization, streams, state.workspace, res, trace});
  state.workspace.cancel = nullptr;
  if (state.workspace.cut_short) return false;

  const protocol::Diagnostics diag =
      protocol::diagnose(sampler.setting(), state.realization, state.workspace.shocked, res);
  store_run({scenario, res, diag}, block, row);
  return true;
}

std::uint64_t run_plan(const scenario::Scenario& scenario, const Sampler& sampler,
                       const RunPlan& plan, const EngineOptions& options) {
  return run_points({{&scenario, &sampler}}, plan, options);
}

std::uint64_t run_points(const std::vector<Point>& points, const RunPlan& plan,
                         const EngineOptions& options) {
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  const std::size_t block_runs = std::max<std::size_t>(1, options.block_runs);
  // Blocks never straddle points: point p's runs [first, first + count) come in
  // ceil(count / block_runs) blocks, and points come one after the other.
  const std::uint64_t blocks_per_point = (plan.count + block_runs - 1) / block_runs;
  const std::uint64_t n_blocks = blocks_per_point * points.size();

  // Blocks come from a pool that owns them: at most one per pipeline token is ever allocated,
  // their buffers are reused, and none is lost when the pipeline stops on an exception (a
  // failed write), which leaves the tokens in flight undestroyed.
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<RunBlock>> owned;
  std::vector<RunBlock*> free_blocks;
  auto take_block = [&]() -> RunBlock* {
    std::lock_guard<std::mutex> lock(pool_mutex);
    if (free_blocks.empty()) {
      owned.push_back(std::make_unique<RunBlock>());
      return owned.back().get();
    }
    RunBlock* b = free_blocks.back();
    free_blocks.pop_back();
    return b;
  };
  auto give_back = [&](RunBlock* b) {
    std::lock_guard<std::mutex> lock(pool_mutex);
    free_blocks.push_back(b);
  };

  std::uint64_t next_block = 0;
  std::uint64_t delivered = 0;
  bool stopped = false;  // a block was abandoned: deliver nothing after it
  // Hand-off points for TSan: each serial stage's own state (the setup's is kSetup).
  const int source_stage = 0, deliver_stage = 0;
  auto source = [&](tbb::flow_control& fc) -> RunBlock* {
    PARLEY_HANDOFF_ACQUIRE(&kSetup);
    PARLEY_HANDOFF_ACQUIRE(&source_stage);
    struct Leave {
      const int* stage;
      ~Leave() { PARLEY_HANDOFF_RELEASE(stage); }
    } leave{&source_stage};
    if (next_block == n_blocks || (options.cancel && options.cancel->load())) {
      fc.stop();
      return nullptr;
    }
    RunBlock* block = take_block();
    block->traces.clear();
    block->abandoned = false;
    const auto local_point = static_cast<std::size_t>(next_block / blocks_per_point);
    block->point = plan.first_point + local_point;
    const Point& point = points[local_point];
    const std::uint64_t offset = (next_block % blocks_per_point) * block_runs;
    block->first = plan.first + offset;
    block->resize(
        static_cast<std::size_t>(std::min<std::uint64_t>(block_runs, plan.count - offset)),
        point.scenario->agents.size(), point.scenario->issues.size(),
        point.sampler->columns().size(), point.scenario->shocks.size());
    ++next_block;
    PARLEY_HANDOFF_RELEASE(block);
    return block;
  };
  auto compute = [&](RunBlock* block) {
    PARLEY_HANDOFF_ACQUIRE(&kSetup);
    PARLEY_HANDOFF_ACQUIRE(block);
    const Point& point = points[block->point - plan.first_point];
    for (std::size_t row = 0; row < block->count; ++row) {
      // A cancellation is honoured between runs, not only between blocks (a block of a slow
      // scenario took half a minute): the block keeps the runs it finished, and no later block
      // is delivered.
      if (options.cancel && options.cancel->load()) {
        block->abandoned = true;
        block->count = row;
        break;
      }
      // Common random numbers: run i draws the same numbers at every point. A run that an
      // interruption cuts short (a long one: at the start of a round) ends the block there.
      const std::uint64_t run = block->first + row;
      protocol::Trace trace;
      const bool traced = run < plan.trace_runs;
      if (!compute_run(*point.scenario, *point.sampler, plan.seed, run, *block, row,
                       traced ? &trace : nullptr, options.cancel)) {
        block->abandoned = true;
        block->count = row;
        break;
      }
      if (traced) block->traces.emplace_back(run, std::move(trace));
    }
    PARLEY_HANDOFF_RELEASE(block);
    return block;
  };
  auto deliver = [&](RunBlock* block) {
    PARLEY_HANDOFF_ACQUIRE(&kSetup);
    PARLEY_HANDOFF_ACQUIRE(&deliver_stage);
    PARLEY_HANDOFF_ACQUIRE(block);
    // In order, and nothing after a block cut short: the runs delivered are a prefix.
    if (!stopped && block->count > 0) {
      if (options.sink) options.sink(*block);
      delivered += block->count;
    }
    stopped = stopped || block->abandoned;
    give_back(block);
    PARLEY_HANDOFF_RELEASE(&deliver_stage);
  };
  PARLEY_HANDOFF_RELEASE(&kSetup);
  // TBB copies each stage's body inside parallel_pipeline, after the release above, and its
  // workers read the copies: so the copies hold only a pointer to the stage above (built
  // before the release), read without a check; everything the stage reads through it is
  // ordered by kSetup.
  auto through = [](auto* stage_body) {
    return [stage_body](auto&& argument) {
      decltype(stage_body) body;
      PARLEY_UNCHECKED_READ(body, stage_body);
      return (*body)(std::forward<decltype(argument)>(argument));
    };
  };
  tbb::parallel_pipeline(
      static_cast<std::size_t>(threads) * 4,
      tbb::make_filter<void, RunBlock*>(tbb::filter_mode::serial_in_order, through(&source)) &
          tbb::make_filter<RunBlock*, RunBlock*>(tbb::filter_mode::parallel, through(&compute)) &
          tbb::make_filter<RunBlock*, void>(tbb::filter_mode::serial_in_order, through(&deliver)));
  PARLEY_HANDOFF_ACQUIRE(&deliver_stage);
  PARLEY_HANDOFF_ACQUIRE(&source_stage);
  return delivered;
}

}  // namespace parley::engine

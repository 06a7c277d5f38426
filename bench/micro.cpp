// Micro-benchmarks of the hot path (Google Benchmark): utility evaluation for all agents,
// one mediator revision, and one whole run of the default scenario.
#include <benchmark/benchmark.h>

#include <string>

#include "parley/engine/engine.hpp"
#include "parley/protocol/mediated.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

namespace {

const scenario::Scenario& default_scenario() {
  static const scenario::Scenario s =
      scenario::load_scenario_file(std::string(PARLEY_SOURCE_DIR) + "/scenarios/miami-2025.toml");
  return s;
}

}  // namespace

static void BM_Utilities(benchmark::State& state) {
  const engine::Sampler sampler(default_scenario());
  const protocol::Realization& r = sampler.central();
  model::Matrix work;
  model::Vector u;
  model::Vector x = r.first_draft;
  for (auto _ : state) {
    model::utilities(r.prefs, x, work, u);
    benchmark::DoNotOptimize(u.data());
    x(0) = x(0) > 0.5 ? 0.3 : 0.7;
  }
}
BENCHMARK(BM_Utilities);

static void BM_MediatorRevision(benchmark::State& state) {
  const engine::Sampler sampler(default_scenario());
  const protocol::Realization& r = sampler.central();
  protocol::Workspace w;
  w.resize(r.prefs.agents(), r.prefs.issues());
  protocol::batnas(sampler.setting(), r, r.battlefield_start, 1, w, w.batna);
  w.batna_estimate = w.batna;
  // The mediator's beliefs as they start (the default scenario's mediator learns).
  random::Stream particles(1, 0, 1);
  w.beliefs.start(sampler.setting(), particles);
  w.known = r.prefs;
  w.beliefs.view(sampler.setting(), w.bracketed, w.known);
  for (auto _ : state) {
    w.x = r.first_draft;
    protocol::answer(r, w.batna, w);
    protocol::revise(sampler.setting(), r, w, w.x);
    benchmark::DoNotOptimize(w.x.data());
  }
}
BENCHMARK(BM_MediatorRevision);

static void BM_WholeRun(benchmark::State& state) {
  const auto& s = default_scenario();
  const engine::Sampler sampler(s);
  engine::RunBlock block;
  block.resize(1, s.agents.size(), s.issues.size(), sampler.columns().size(), s.shocks.size());
  std::uint64_t run = 0;
  for (auto _ : state) {
    engine::compute_run(s, sampler, 1, run++, block, 0);
    benchmark::DoNotOptimize(block.agreement.data());
  }
}
BENCHMARK(BM_WholeRun);

BENCHMARK_MAIN();
